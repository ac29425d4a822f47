"""The whole way through on the samples: the JSON contract, every article once, the three outputs."""

from __future__ import annotations

import json
import shutil
import subprocess

import jsonschema
import pytest

from digest.pipeline import BuildResult
from digest.resources import read_json

from .conftest import SAMPLES, json_of

SAMPLE_IDS = sorted(p.stem for p in SAMPLES.glob("*.txt"))


def test_three_outputs_named_by_the_briefing_date(samples_build: BuildResult) -> None:
    names = sorted(p.name for p in samples_build.written)
    assert names == ["briefing-2022-05-11.html", "briefing-2022-05-11.json", "briefing-2022-05-11.pdf"]


def test_json_follows_the_contract(samples_build: BuildResult) -> None:
    data = json_of(samples_build)
    jsonschema.validate(data, read_json("briefing.schema.json"))
    assert data["languages"] == ["ar", "en", "es"]
    assert data["inputs"]["read"] == 5


def test_every_article_in_exactly_one_story(samples_build: BuildResult) -> None:
    data = json_of(samples_build)
    ids = [a["id"] for s in data["stories"] for a in s["articles"]]
    assert sorted(ids) == SAMPLE_IDS


def test_summary_sentences_cite_articles_of_their_story(samples_build: BuildResult) -> None:
    for story in json_of(samples_build)["stories"]:
        ids = {a["id"] for a in story["articles"]}
        assert story["summary"]["ar"], "every story has an Arabic summary"
        for sentence in story["summary"]["ar"]:
            assert sentence["sources"] and set(sentence["sources"]) <= ids


def test_html_has_an_rtl_arabic_edition_and_ltr_others(samples_build: BuildResult) -> None:
    html = next(p for p in samples_build.written if p.suffix == ".html").read_text(encoding="utf-8")
    assert 'id="edition-ar" lang="ar" dir="rtl"' in html
    assert 'id="edition-en" lang="en" dir="ltr"' in html
    assert 'id="edition-es" lang="es" dir="ltr"' in html
    assert "الأربعاء، 11 مايو 2022" in html
    assert "Wednesday, May 11, 2022" in html
    assert "miércoles, 11 de mayo de 2022" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed (scripts/setup --test)")
def test_pdf_carries_arabic_text_in_logical_order(samples_build: BuildResult) -> None:
    pdf = next(p for p in samples_build.written if p.suffix == ".pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    decoded = text.decode("utf-8")
    assert "الموجز الصحفي" in decoded
    assert "Press Briefing" in decoded and "Resumen de prensa" in decoded
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Amiri" in fonts or "Noto" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:]), "every font is embedded"


def test_json_round_trips_through_the_model(samples_build: BuildResult) -> None:
    from digest.document import Briefing

    data = json_of(samples_build)
    assert Briefing.from_dict(data).to_dict() == json.loads(json.dumps(Briefing.from_dict(data).to_dict()))


def test_samples_briefing_matches_its_reviewed_golden_file(samples_build: BuildResult, golden) -> None:
    """The whole samples JSON, as reviewed by a person: any change to what the desk reads shows up here.

    After an intended change, run `pytest --update-golden` and review the diff of tests/golden/ before committing.
    """
    golden("samples.json", json.dumps(json_of(samples_build), ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def test_an_article_whose_analysis_fails_is_listed_as_skipped_and_the_day_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A defect one page meets (here: the name finder raising on it) costs that page only, named with the error."""
    from digest import analyze, ingest, pipeline
    from digest.options import Options

    broken = ingest.ingest([SAMPLES], Options().ingest).articles[0]
    real = analyze.mentions.find_mentions

    def breaks_on_one(article, sentences, backend="rules"):
        if article.id == broken.id:
            raise IndexError("list index out of range")
        return real(article, sentences, backend)

    monkeypatch.setattr(analyze.mentions, "find_mentions", breaks_on_one)
    briefing = pipeline.build_briefing([SAMPLES], Options(workers=1))
    failed = [s for s in briefing.inputs.skipped if s.reason.startswith("analysis failed")]
    assert [(s.path, s.reason) for s in failed] == [
        (broken.source, "analysis failed (IndexError: list index out of range)")
    ]
    assert sum(len(story.articles) for story in briefing.stories) == 4  # the other four still make the briefing
    with pytest.raises(IndexError):  # without a list to report failures in, the error is the caller's
        analyze.analyze_packed([broken], Options(workers=1))
