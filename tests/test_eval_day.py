"""`digest eval day`: a stance folder pooled into one day, scored as a desk reads it."""

from __future__ import annotations

import json
from pathlib import Path

from digest.evaluation import day
from digest.options import Options

from .conftest import SAMPLES

MENU = "الرئيسية أخبار سياسة اقتصاد رياضة ثقافة منوعات اتصل بنا من نحن سياسة الخصوصية"


def _claim(folder: Path, claim: str, pages: list[tuple[str, str, str]], rationale: list[str]) -> None:
    data = {
        "id": claim,
        "claim": "ادعاء",
        "fact": "true",
        "article": [text for text, _, _ in pages],
        "url": [url for _, url, _ in pages],
        "stance": [stance for _, _, stance in pages],
        "rationale": rationale,
    }
    (folder / f"{claim}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _samples() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]


def test_template_text_is_what_one_site_repeats_across_stories(tmp_path: Path) -> None:
    texts = _samples()
    _claim(
        tmp_path,
        "V-1",
        [(f"{MENU}\n{texts[0]}", "https://site.example/a", "agree"), (texts[1], "https://other.example/b", "agree")],
        ["[]", "[]"],
    )
    other = f"{MENU}\nخبر آخر تماما عن الطقس في المدينة"
    _claim(tmp_path, "V-2", [(other, "https://site.example/c", "discuss")], ["[]"])
    pages = day.load_pages(tmp_path)
    furniture = day.Furniture(pages)
    assert furniture.carries(MENU, ["site.example"])
    assert not furniture.carries(MENU, ["other.example"])  # not that site's template
    assert furniture.carries("{{ fajer }} الفجر", [])
    news = "أعلن وزير الخارجية الأمريكي أنه لن يحضر الاجتماع في مراكش بسبب إصابته بكورونا"
    assert not furniture.carries(news, ["site.example"])


def test_the_whole_pipeline_runs_on_the_pooled_pages_and_is_scored(tmp_path: Path) -> None:
    stance = tmp_path / "stance"
    stance.mkdir()
    texts = _samples()
    _claim(
        stance,
        "V-1",
        [(text, f"https://outlet{k}.example/news/{k}", "agree") for k, text in enumerate(texts[:4])],
        ["[]"] * 4,
    )
    _claim(stance, "V-2", [(texts[4], "https://outlet9.example/x", "unrelated")], ["[]"])
    report = day.evaluate(stance, Options(), out=tmp_path / "out")
    metrics = report.metrics
    assert metrics["pages"] == 5 and metrics["related"] == 4
    assert set(metrics) >= {"pool", "half1", "half2", "date_source"}
    pool = metrics["pool"]
    assert 0 < pool["bcubed_precision"] <= 1 and 0 < pool["bcubed_recall"] <= 1
    assert pool["stories_2plus"] >= 1
    assert 0 <= pool["headline_clutter"] <= 1 and 0 <= pool["summary_clutter"] <= 1
    assert (tmp_path / "out" / "handcheck-half1.md").read_text(encoding="utf-8").startswith("# Hand check, half 1")
    assert list((tmp_path / "out").glob("briefing-*.json"))
