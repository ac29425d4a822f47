"""`digest eval ner`: BIO reading, class mapping, exact-span scoring, CLI output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.errors import InputError
from digest.evaluation import ner
from digest.options import Options

LRM = "\u200e"

GOLD = f"""{LRM}التقى\tO
{LRM}ناصر\tB-Politician
{LRM}بوريطة\tI-Politician
{LRM}في\tO
{LRM}الرباط\tB-Population-Center
{LRM}مع\tO
{LRM}وفد\tO
{LRM}الاتحاد\tB-Government
{LRM}الأوروبي\tI-Government
.\tO
  \t
{LRM}وصل\tO
{LRM}الوفد\tO
{LRM}إلى\tO
{LRM}مدريد\tB-Population-Center
{LRM}أمس\tO
.\tO
"""


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["O", "B-PER", "I-PER", "O"], {("person", 1, 3)}),
        (["B-PERS", "B-PERS"], {("person", 0, 1), ("person", 1, 2)}),
        (["I-ORG", "I-ORG", "O", "B-LOC"], {("organization", 0, 2), ("place", 3, 4)}),
        (["B-Nation", "I-Nation", "B-Athlete"], {("place", 0, 2), ("person", 2, 3)}),
        (
            ["B-Sports", "O", "B-Non-Governmental", "I-Non-Governmental"],
            {("organization", 0, 1), ("organization", 2, 4)},
        ),
        (["B-Book", "I-Book", "B-Building-Grounds", "B-Group", "B-MISC"], set()),  # outside the three kinds
        (["B-PER", "I-ORG"], {("person", 0, 1), ("organization", 1, 2)}),
    ],
)
def test_spans_of(tags: list[str], spans: set[tuple[str, int, int]]) -> None:
    assert ner.spans_of(tags) == frozenset(spans)


def test_read_bio_sentences_and_invisible_marks(tmp_path: Path) -> None:
    path = tmp_path / "gold.txt"
    path.write_text(GOLD, encoding="utf-8")
    sentences = list(ner.read_bio(path))
    assert len(sentences) == 2
    assert sentences[0].tokens[1] == "ناصر"  # U+200E dropped
    assert ("person", 1, 3) in sentences[0].spans and ("organization", 7, 9) in sentences[0].spans


def test_evaluate_perfect_small_file(tmp_path: Path) -> None:
    (tmp_path / "gold.txt").write_text(GOLD, encoding="utf-8")
    (tmp_path / "Readme.txt").write_text("This corpus is described in...\nLicence: see the file.\n", encoding="utf-8")
    report = ner.evaluate(tmp_path, Options())
    metrics = report.metrics
    assert metrics["sentences"] == 2 and metrics["files"] == 1
    assert metrics["f1"] == metrics["per_f1"] == metrics["org_f1"] == metrics["loc_f1"] == 1.0
    assert metrics["loc_gold"] == 2


def test_evaluate_counts_misses_and_false_alarms(tmp_path: Path) -> None:
    text = "\n".join(["ذهب\tO", "السفير\tO", "إلى\tO", "مراكش\tO", "مع\tO", "خالد\tB-PER", "أمس\tO"]) + "\n"
    (tmp_path / "g.bio").write_text(text, encoding="utf-8")
    metrics = ner.evaluate(tmp_path / "g.bio", Options()).metrics
    assert metrics["loc_precision"] == 0.0 and metrics["loc_predicted"] == 1  # مراكش found, not in gold
    assert metrics["per_gold"] == 1
    assert 0.0 <= metrics["f1"] < 1.0


def test_not_bio(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("just some prose\nwith lines\n", encoding="utf-8")
    with pytest.raises(InputError):
        ner.evaluate(tmp_path, Options())


def test_cli_json_last_line(tmp_path: Path) -> None:
    (tmp_path / "gold.txt").write_text(GOLD, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "ner", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert {"f1", "per_f1", "org_f1", "loc_f1", "sentences"} <= set(figures)
    assert "person" in result.output
