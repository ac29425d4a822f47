"""`digest bench` on a tiny day made from a fixture corpus: the shape of its figures, never their values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.evaluation import bench
from digest.options import Options
from digest.runtime.parallel import worker_count

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def bench_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stance-like folder: two claims whose articles are halves of the sample articles, plus unrelated ones."""
    root = tmp_path_factory.mktemp("bench")
    (root / "stance").mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    halves = [half for text in texts for half in (text[: len(text) // 2], text[len(text) // 2 :])]
    for claim, chunk in (("R-1", halves[:5]), ("R-2", halves[5:])):
        stances = ["agree", "discuss", "unrelated", "disagree", "agree"][: len(chunk)]
        data = {
            "id": claim,
            "claim": "ادعاء",
            "fact": "true",
            "article": chunk,
            "url": [f"https://www.outlet{i}.example/{claim}/{i}" for i in range(len(chunk))],
            "stance": stances,
            "rationale": [[] for _ in chunk],
        }
        (root / "stance" / f"{claim}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return root


def test_bench_json_has_a_key_per_size_with_every_figure(bench_data: Path) -> None:
    result = CliRunner().invoke(
        main, ["bench", "--articles", "9", "--articles", "5", "--json", "--data", str(bench_data), "--no-translation"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert set(figures) == {"9", "5"}
    for size, run in figures.items():
        assert run["articles"] == int(size)
        assert run["read"] + run["skipped"] >= int(size) - run["duplicates"]
        assert set(run["stages_s"]) == set(bench.STAGE_ORDER)
        assert all(isinstance(v, float | int) and v >= 0 for v in run["stages_s"].values())
        assert run["total_s"] == pytest.approx(sum(run["stages_s"].values()), abs=0.01)
        assert set(run["stages_cpu_s"]) == set(bench.STAGE_ORDER)
        assert run["total_cpu_s"] == pytest.approx(sum(run["stages_cpu_s"].values()), abs=0.01)
        assert run["rss_peak_self_mb"] > 0
        assert run["pdf_top_stories"] <= bench.PDF_STORIES
        assert set(run["outputs_bytes"]) == {"html", "pdf", "json"}
        assert run["pdf_top_stories_parallel"] is (worker_count(Options().workers) > 1)  # as the pipeline does
        assert run["translation"] is None


def test_missing_bench_data_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "--articles", "5", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert "bench data not found" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("n", [1, 7, 40])
def test_a_day_has_exactly_n_articles_with_variants_copies_and_one_day_of_times(bench_data: Path, n: int) -> None:
    units = bench.load_base(bench_data, None)
    day = list(bench.make_day(units, n))
    assert len(day) == n
    assert len({a.id for a in day}) == n
    assert all(a.published.date() == bench.BENCH_DAY for a in day)
    assert list(bench.make_day(units, n)) == day  # deterministic


def test_variants_rename_rare_words_consistently(bench_data: Path) -> None:
    units = bench.load_base(bench_data, None)
    pool = bench.rare_words(units)
    table = bench.variant_table(pool, 3)
    article = units[0].articles[0]
    original, variant = bench.variant_text(article, {}, 0), bench.variant_text(article, table, 3)
    assert original == "".join(article.pieces)
    assert variant != original
    assert variant == bench.variant_text(article, table, 3)


def test_near_copy_drops_and_swaps_lines() -> None:
    text = "\n".join(f"سطر رقم {i}" for i in range(6))
    copy = bench.near_copy(text, 12345)
    assert copy != text
    assert len(copy.split("\n")) == 5
    assert set(copy.split("\n")) < set(text.split("\n"))


@pytest.mark.parametrize(
    ("modes", "label"),
    [((True, True), "(parallel)"), ((False,), "(one process)"), ((True, False), "(mixed)")],
)
def test_the_pdf_row_says_how_the_pdf_was_laid_out(modes: tuple[bool, ...], label: str) -> None:
    runs = {
        str(n): {
            "articles": n,
            "stories": n,
            "stages_s": {"render": 1.0},
            "stages_cpu_s": {"render": 1.0},
            "total_s": 1.0,
            "total_cpu_s": 1.0,
            "articles_per_s": n,
            "rss_peak_self_mb": 1.0,
            "rss_peak_largest_child_mb": 1.0,
            "outputs_bytes": {"html": 2_500_000, "json": 1_000_000},
            "pdf_top_stories_s": 2.0,
            "pdf_top_stories_parallel": parallel,
        }
        for n, parallel in zip((10, 20), modes, strict=False)
    }
    table = bench.to_text(runs)
    assert f"PDF top {bench.PDF_STORIES} s {label}" in table
    assert "HTML MB" in table and "2.5" in table and "PDF MB" in table
