"""Every option in the README's options table changes what `digest build` writes, as the table says.

Each case builds through the command line (`digest build INPUT --out DIR --config FILE`), so an option that
the CLI or the pipeline fails to pass on to its stage shows up here as output equal to the defaults'.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from digest.cli import main

from .conftest import SAMPLES, visible

Briefing = dict[str, Any]


def _toml(config: dict[str, dict[str, Any]]) -> str:
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return repr(v)

    top = [f"{k} = {value(v)}" for k, v in config.items() if not isinstance(v, dict)]
    sections = [
        f"[{name}]\n" + "\n".join(f"{k} = {value(v)}" for k, v in table.items())
        for name, table in config.items()
        if isinstance(table, dict)
    ]
    return "\n".join(top + sections) + "\n"


def build(tmp: Path, config: dict[str, Any], inputs: Path = SAMPLES, formats: str | None = "json") -> Path:
    """`digest build` with `config` as the options file; the output folder."""
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / "out"
    options_file = tmp / "options.toml"
    options_file.write_text(_toml(config), encoding="utf-8")
    args = ["build", str(inputs), "--out", str(out), "--config", str(options_file)]
    args += ["--format", formats] if formats else []
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def briefing(out: Path) -> Briefing:
    (path,) = out.glob("briefing-*.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> Briefing:
    return briefing(build(tmp_path_factory.mktemp("defaults"), {}))


def _story(b: Briefing) -> dict[str, Any]:
    return b["stories"][0]


def _conflict_kinds(b: Briefing) -> list[str]:
    return [c["kind"] for s in b["stories"] for c in s["conflicts"]]


# (option, value, what the output must show). The check gets this build's JSON and the defaults' JSON.
SAMPLE_CASES: list[tuple[str, Any, Callable[[Briefing, Briefing], bool]]] = [
    ("languages", ["ar", "en"], lambda b, d: b["languages"] == ["ar", "en"] and "es" not in _story(b)["headline"]),
    ("ingest.min_chars", 100_000, lambda b, d: b["stories"] == [] and len(b["inputs"]["skipped"]) == 5),
    ("ingest.max_bytes", 3000, lambda b, d: len(b["inputs"]["skipped"]) > len(d["inputs"]["skipped"])),
    ("cluster.threshold", 0.99, lambda b, d: len(b["stories"]) > len(d["stories"])),
    ("summary.sentences", 1, lambda b, d: len(_story(b)["summary"]["ar"]) == 1 < len(_story(d)["summary"]["ar"])),
    (
        "summary.max_words",
        20,
        lambda b, d: (
            sum(len(s["text"].split()) for s in _story(b)["summary"]["ar"])
            < sum(len(s["text"].split()) for s in _story(d)["summary"]["ar"])
        ),
    ),
    ("extract.max_actors", 1, lambda b, d: len(_story(b)["actors"]) == 1 < len(_story(d)["actors"])),
    ("extract.city_weight", 0.0, lambda b, d: _story(b)["venue"] != _story(d)["venue"]),
    ("conflicts.max_conflicts", 0, lambda b, d: _conflict_kinds(b) == [] != _conflict_kinds(d)),
    ("conflicts.subject_window", 0, lambda b, d: _story(b)["conflicts"] != _story(d)["conflicts"]),
    ("conflicts.max_sentence_chars", 20, lambda b, d: _conflict_kinds(b) == [] != _conflict_kinds(d)),
    (
        "conflicts.supersede_after_hours",
        1000.0,
        lambda b, d: "superseded" in _conflict_kinds(d) and "superseded" not in _conflict_kinds(b),
    ),
    (
        "conflicts.max_evidence",
        1,
        lambda b, d: (
            all(len(c["evidence"]) <= 1 for k in _story(b)["conflicts"] for c in k["claims"])
            and any(len(c["evidence"]) > 1 for k in _story(d)["conflicts"] for c in k["claims"])
        ),
    ),
    (
        "conflicts.compare_titles",
        True,
        lambda b, d: (
            len(_story(b)["conflicts"]) > len(_story(d)["conflicts"])
            and any(c["attribute"] == "title" for c in _story(b)["conflicts"])
        ),
    ),
    (
        "translate.engine",
        "identity",
        lambda b, d: (
            _story(b)["translation"]["en"]["engine"] == "identity"
            and _story(d)["translation"]["en"]["engine"] != "identity"
        ),
    ),
]


@pytest.mark.parametrize(("option", "value", "shows"), SAMPLE_CASES, ids=[c[0] for c in SAMPLE_CASES])
def test_option_changes_the_build_of_the_samples(
    tmp_path: Path, defaults: Briefing, option: str, value: Any, shows: Callable[[Briefing, Briefing], bool]
) -> None:
    section, _, name = option.rpartition(".")
    config = {section: {name: value}} if section else {name: value}
    built = briefing(build(tmp_path, config))
    assert built != defaults
    assert shows(built, defaults)


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def _sample_text(n: int) -> str:
    return sorted(SAMPLES.glob("*.txt"))[n].read_text(encoding="utf-8")


def test_ingest_timezone_is_the_desk_zone_publication_times_are_shown_in(tmp_path: Path) -> None:
    record = {"id": "a1", "title": "عنوان", "text": _sample_text(1), "published": "2022-05-10T23:30:00+00:00"}
    day = _jsonl(tmp_path / "day.jsonl", [record])
    utc = briefing(build(tmp_path / "utc", {}, day))
    tokyo = briefing(build(tmp_path / "tokyo", {"ingest": {"timezone": "Asia/Tokyo"}}, day))
    assert _story(utc)["articles"][0]["published"] == "2022-05-10T23:30:00"
    assert _story(tokyo)["articles"][0]["published"] == "2022-05-11T08:30:00"
    assert (utc["date"], tokyo["date"]) == ("2022-05-10", "2022-05-11")


def test_render_formats_choose_the_files(tmp_path: Path) -> None:
    out = build(tmp_path, {"render": {"formats": ["html"]}}, formats=None)
    assert [Path(name).suffix for name in visible(out)] == [".html"]


def test_render_max_sources_caps_the_listed_articles(tmp_path: Path) -> None:
    capped = build(tmp_path / "capped", {"render": {"max_sources": 1}}, formats="html").glob("*.html")
    full = build(tmp_path / "full", {}, formats="html").glob("*.html")
    capped_html, full_html = next(capped).read_text(encoding="utf-8"), next(full).read_text(encoding="utf-8")
    assert capped_html != full_html
    assert len(capped_html) < len(full_html)


def test_render_print_sources_and_actors_cap_the_printed_lists(tmp_path: Path) -> None:
    def printed(out: Path) -> str:
        (pdf,) = out.glob("*.pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        return " ".join(re.sub("[\u202a-\u202e\u2066-\u2069]", "", text).split())  # bidi controls out

    capped = printed(build(tmp_path / "capped", {"render": {"print_sources": 1, "print_actors": 1}}, formats="pdf"))
    default = printed(build(tmp_path / "default", {}, formats="pdf"))  # no sample story has more than six
    assert re.search(r"and \d+ more", capped) and not re.search(r"and \d+ more", default)
    # One actor a story in the English edition ("7 mentions"), where the defaults print several.
    assert 0 < len(re.findall(r"\d+ mentions?\b", capped)) < len(re.findall(r"\d+ mentions?\b", default))


def test_render_web_stories_puts_the_rest_in_the_index(tmp_path: Path) -> None:
    config = {"cluster": {"threshold": 0.99}}
    cards = next(build(tmp_path / "cards", config, formats="html").glob("*.html")).read_text(encoding="utf-8")
    config_index = {**config, "render": {"web_stories": 1}}
    index = next(build(tmp_path / "index", config_index, formats="html").glob("*.html")).read_text(encoding="utf-8")
    assert 'class="index"' in index and 'class="index"' not in cards
