"""`digest eval conflicts` on a tiny hand-made stance folder (same layout as the Baly et al. corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.document import Conflict, ConflictSide
from digest.evaluation import conflicts as evaluation
from digest.options import Options

KILLED = "قالت وزارة الدفاع الروسية إن غارة جوية أدت إلى مقتل زعيم تنظيم داعش أبو بكر البغدادي في الرقة."
ALIVE = "وأشارت مصادر مقربة من التنظيم إلى أن زعيم التنظيم أبو بكر البغدادي مازال على قيد الحياة."
QUIET = "قالت مصادر محلية إن الوضع في المدينة هادئ بعد أيام من المعارك العنيفة بين الأطراف."


def write_claim(folder: Path, claim_id: str, claim: str, articles: list[tuple[str, str]]) -> None:
    data = {
        "id": claim_id,
        "claim": claim,
        "fact": "false",
        "article": [text for text, _ in articles],
        "url": [f"https://outlet{i}.example/{claim_id}" for i in range(len(articles))],
        "stance": [stance for _, stance in articles],
        "rationale": ["[0]" for _ in articles],
    }
    (folder / f"{claim_id}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def stance_folder(tmp_path: Path) -> Path:
    claim = "مقتل زعيم تنظيم داعش أبو بكر البغدادي بغارة روسية على الرقة"
    write_claim(tmp_path, "V-1", claim, [(KILLED, "agree"), (ALIVE, "disagree"), (QUIET, "unrelated")])
    write_claim(tmp_path, "V-2", claim, [(KILLED, "agree"), (KILLED.replace("الرقة", "مدينة الرقة"), "agree")])
    write_claim(tmp_path, "V-3", "هدوء في المدينة", [(QUIET, "agree"), (QUIET + " وتستمر المفاوضات.", "discuss")])
    write_claim(tmp_path, "V-4", "خبر لا يتناوله أحد", [(QUIET, "discuss")])
    return tmp_path


def test_evaluate_counts_detections_and_false_alarms(stance_folder: Path) -> None:
    report = evaluation.evaluate(stance_folder, Options())
    metrics = report.metrics
    assert metrics["stories_with_disagreement"] == 1
    assert metrics["detected"] == 1
    assert metrics["stories_without_disagreement"] == 1  # V-2: agree only
    assert metrics["false_alarms"] == 0
    assert metrics["stories_agree_discuss"] == 1  # V-3
    assert metrics["detection_rate"] == 1.0
    assert "detected 1/1" in report.to_text()


def test_cli_json_last_line(stance_folder: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "conflicts", str(stance_folder), "--json"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    for key in ("detected", "stories_with_disagreement", "false_alarms", "stories_without_disagreement"):
        assert key in last


@pytest.mark.parametrize(
    ("subject", "value", "claim", "expected"),
    [
        ("أبو بكر البغدادي", "قُتل", "مقتل البغدادي في الرقة", True),  # shared content word
        ("الدول المشاركة", "84", "التحالف يضم 84 دولة", True),  # shared number
        ("بشار الأسد", "حاضر", "مقتل البغدادي في الرقة", False),
    ],
)
def test_touches_means_a_shared_word_or_number(subject: str, value: str, claim: str, expected: bool) -> None:
    side = ConflictSide(value={"ar": value}, articles=("a",), published=(), evidence=())
    conflict = Conflict(subject={"ar": subject}, attribute="status", kind="contradiction", claims=(side, side))
    assert evaluation.touches(conflict, claim) is expected


def test_two_folds_split_the_stories(stance_folder: Path) -> None:
    metrics = evaluation.evaluate(stance_folder, Options()).metrics
    folds = (metrics["fold_1"], metrics["fold_2"])
    for key in ("detected", "stories_with_disagreement", "false_alarms", "stories_without_disagreement"):
        assert folds[0][key] + folds[1][key] == metrics[key]
    assert folds[0]["stories_with_disagreement"] == 1  # V-1 (position 0), V-2 (position 1) in the other fold
    assert folds[1]["stories_without_disagreement"] == 1


def test_the_halves_of_eval_day_split_the_stories_too(stance_folder: Path) -> None:
    report = evaluation.evaluate(stance_folder, Options())
    halves = (report.metrics["half1"], report.metrics["half2"])
    for key in ("detected", "stories_with_disagreement", "false_alarms", "stories_without_disagreement"):
        assert halves[0][key] + halves[1][key] == report.metrics[key]
    # claims with related pages sorted by id, alternating: V-1, V-3 in half 1; V-2, V-4 in half 2
    assert (halves[0]["stories_with_disagreement"], halves[1]["stories_without_disagreement"]) == (1, 1)
    assert any(line.startswith("V-1      half1 detected") for line in report.lines)


def test_a_report_and_its_denial_are_detected(tmp_path: Path) -> None:
    reported = "صدر أمر ملكي جديد ينص على منح الجنسية السعودية للأجانب المولودين على أراضي المملكة."
    questioned = "ما حقيقة منح الجنسية السعودية لمواليد المملكة؟"
    claim = "صدور أمر ملكي بمنح الجنسية السعودية للمولودين في المملكة"
    write_claim(tmp_path, "V-9", claim, [(reported, "agree"), (questioned, "disagree")])
    metrics = evaluation.evaluate(tmp_path, Options()).metrics
    assert (metrics["detected"], metrics["stories_with_disagreement"]) == (1, 1)
