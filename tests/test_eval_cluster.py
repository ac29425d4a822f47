"""`digest eval cluster`: B-cubed scoring, the baseline, and the command on a tiny hand-made stance folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.evaluation import cluster as evaluation
from digest.options import Options

from .test_cluster import FOOTBALL

COALITION = (
    "احتضنت مدينة مراكش اجتماع التحالف الدولي ضد داعش بحضور وزير الخارجية ناصر بوريطة ونائبة وزير الخارجية "
    "الأمريكي فيكتوريا نولاند، وناقش الوزراء تهديد التنظيم في منطقة الساحل وغرب أفريقيا.",
    "انعقد في مراكش الاجتماع الوزاري للتحالف الدولي لمحاربة داعش، وقال ناصر بوريطة إن التهديد الإرهابي في "
    "الساحل وغرب أفريقيا يتزايد، فيما مثلت فيكتوريا نولاند الولايات المتحدة في الاجتماع.",
    "اختتم الاجتماع الوزاري للتحالف الدولي ضد داعش أشغاله في مراكش، وأكد ناصر بوريطة أن منطقة الساحل "
    "أصبحت بؤرة للتنظيم، بينما أعلنت فيكتوريا نولاند عن تمويل جديد لجهود التحالف في أفريقيا.",
)


@pytest.mark.parametrize(
    ("predicted", "gold", "precision", "recall"),
    [
        ([1, 1, 2, 2], ["a", "a", "b", "b"], 1.0, 1.0),
        ([1, 2, 3, 4], ["a", "a", "b", "b"], 1.0, 0.5),
        ([1, 1, 1, 1], ["a", "a", "b", "b"], 0.5, 1.0),
        # Bagga and Baldwin: one wrong article in a group of three.
        ([1, 1, 1, 2], ["a", "a", "b", "b"], (2 / 3 + 2 / 3 + 1 / 3 + 1) / 4, (1 + 1 + 1 / 2 + 1 / 2) / 4),
    ],
)
def test_bcubed(predicted: list[int], gold: list[str], precision: float, recall: float) -> None:
    scores = evaluation.bcubed(predicted, gold)
    assert scores.precision == pytest.approx(precision)
    assert scores.recall == pytest.approx(recall)
    assert scores.f1 == pytest.approx(2 * precision * recall / (precision + recall))
    assert scores.gold == len(set(gold))
    assert scores.predicted == len(set(predicted))


@pytest.mark.parametrize(("groups", "message"), [([[0, 1], [1, 2]], "in two stories"), ([[0], [2]], "in no story")])
def test_labels_of_refuses_what_is_not_a_partition(groups: list[list[int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        evaluation.labels_of(groups, 3)


def write_claim(folder: Path, claim_id: str, articles: list[tuple[str, str]]) -> None:
    data = {
        "id": claim_id,
        "claim": "ادعاء",
        "fact": "true",
        "article": [text for text, _ in articles],
        "url": [f"https://outlet{i}.example/{claim_id}/{i}" for i in range(len(articles))],
        "stance": [stance for _, stance in articles],
        "rationale": [[0] for _ in articles],
    }
    (folder / f"{claim_id}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def stance_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stance")
    write_claim(folder, "R-1", [(t, "agree") for t in COALITION] + [(FOOTBALL[0], "unrelated")])
    write_claim(folder, "R-2", [(FOOTBALL[0], "agree"), (FOOTBALL[1], "discuss"), (FOOTBALL[2], "disagree")])
    return folder


def test_evaluate_on_two_clear_stories(stance_folder: Path) -> None:
    report = evaluation.evaluate(stance_folder, Options())
    metrics = report.metrics
    assert metrics["articles"] == 6  # the unrelated article is not part of the day
    assert metrics["gold_clusters"] == 2
    assert metrics["predicted_clusters"] == 2
    assert metrics["bcubed_precision"] == metrics["bcubed_recall"] == metrics["bcubed_f1"] == 1.0
    assert metrics["baseline_singletons_f1"] < 1.0
    assert len(metrics["halves"]) == 2
    assert "baseline, word TF-IDF average-link" in report.to_text()


def test_evaluate_breaks_the_scores_down_by_stance(stance_folder: Path) -> None:
    metrics = evaluation.evaluate(stance_folder, Options()).metrics
    assert metrics["by_stance"] == {
        "agree": {"bcubed_precision": 1.0, "bcubed_recall": 1.0, "articles": 4},
        "disagree": {"bcubed_precision": 1.0, "bcubed_recall": 1.0, "articles": 1},
        "discuss": {"bcubed_precision": 1.0, "bcubed_recall": 1.0, "articles": 1},
    }
    only = metrics["agree_disagree_only"]
    assert (only["articles"], only["gold_clusters"], only["predicted_clusters"]) == (5, 2, 2)
    assert only["bcubed_f1"] == 1.0


def test_bcubed_by_class_scores_each_class_against_whole_stories() -> None:
    # Story a has three articles; its discuss article was split off, and joined story b's article.
    predicted = [1, 1, 2, 2]
    gold = ["a", "a", "a", "b"]
    classes = ["agree", "agree", "discuss", "agree"]
    found = evaluation.bcubed_by_class(predicted, gold, classes)
    assert found["discuss"] == (pytest.approx(1 / 2), pytest.approx(1 / 3), 1)
    agree_precision = (1 + 1 + 1 / 2) / 3
    agree_recall = (2 / 3 + 2 / 3 + 1) / 3
    assert found["agree"] == (pytest.approx(agree_precision), pytest.approx(agree_recall), 3)
    # Weighted by their sizes, the classes give the overall scores back.
    overall = evaluation.bcubed(predicted, gold)
    assert (3 * agree_precision + 1 / 2) / 4 == pytest.approx(overall.precision)
    assert (3 * agree_recall + 1 / 3) / 4 == pytest.approx(overall.recall)


def test_cli_json_last_line(stance_folder: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "cluster", str(stance_folder), "--json"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    for key in ("bcubed_precision", "bcubed_recall", "bcubed_f1", "articles", "gold_clusters", "predicted_clusters"):
        assert key in last


def test_an_empty_folder_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "cluster", str(tmp_path)])
    assert result.exit_code != 0
    assert "no claim files" in result.output or "no claim files" in str(result.exception)


def test_errors_name_the_mixed_and_split_stories_and_add_up_to_the_losses() -> None:
    predicted = [1, 1, 1, 2, 2, 3]
    gold = ["a", "a", "b", "b", "c", "c"]
    found = evaluation.errors(predicted, gold)
    assert [parts for _, parts in found.merged] == [(("a", 2), ("b", 1)), (("b", 1), ("c", 1))]
    assert found.merged[0][0] == pytest.approx(4 / 18)
    assert [(label, parts) for _, label, parts in found.split] == [("b", (1, 1)), ("c", (1, 1))]
    scores = evaluation.bcubed(predicted, gold)
    assert sum(loss for loss, _ in found.merged) == pytest.approx(1 - scores.precision)
    assert sum(loss for loss, _, _ in found.split) == pytest.approx(1 - scores.recall)
    assert evaluation.errors([1, 1, 2], ["a", "a", "b"]) == evaluation.Errors((), ())


def test_bcubed_scores_only_the_chosen_items_but_others_cost_them_precision() -> None:
    # Two related articles of story a, with an unrelated page in their predicted story.
    scores = evaluation.bcubed([1, 1, 1], ["a", "a", "page"], [True, True, False])
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == 1.0
    assert scores.gold == 1
    assert evaluation.bcubed([1, 1, 2], ["a", "a", "page"], [True, True, False]).precision == 1.0


def test_evaluate_among_unrelated_pages(stance_folder: Path) -> None:
    report = evaluation.evaluate(stance_folder, Options(), unrelated=True)
    first, second = report.metrics["halves_among_unrelated"]
    assert first["unrelated_pages"] == 1  # the football page returned for the coalition claim
    assert first["unrelated_alone"] == 1.0
    assert first["bcubed_precision"] == first["bcubed_recall"] == 1.0
    assert second["unrelated_pages"] == 0
    assert "unrelated pages left alone" in report.to_text()
    assert "halves_among_unrelated" not in evaluation.evaluate(stance_folder, Options()).metrics


def test_unrelated_pages_skip_urls_already_seen(stance_folder: Path) -> None:
    pages = evaluation.unrelated_pages(stance_folder, seen=set())
    assert [(claim, page.id) for claim, page in pages] == [("R-1", "R-1-3")]
    assert evaluation.unrelated_pages(stance_folder, seen={"https://outlet3.example/R-1/3"}) == []


def test_module_runner_prints_the_report_and_json(stance_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluation.main([str(stance_folder), "--unrelated", "--json"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["halves_among_unrelated"][0]["unrelated_pages"] == 1
