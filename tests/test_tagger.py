"""The CRF name tagger: features, clitic gluing, folds, training on synthetic sentences, the shipped model."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

pytest.importorskip("pycrfsuite")

from digest.analyze import mentions, tagger
from digest.analyze.cues import TITLE
from digest.document import Article, Sentence
from digest.evaluation import ner
from digest.options import ExtractOptions, Options

BLINKEN = ["قال", "وزير", "الخارجية", "الأمريكي", "أنتوني", "بلينكن", "في", "الرباط"]


def test_spans_of_labels() -> None:
    labels = ["O", "B-PER", "I-PER", "I-LOC", "B-ORG", "B-ORG", "I-PER"]
    assert tagger.spans_of_labels(labels) == [
        ("person", 1, 3),
        ("place", 3, 4),
        ("organization", 4, 5),
        ("organization", 5, 6),
        ("person", 6, 7),
    ]


def test_glue_clitics_joins_split_clitics_and_moves_spans() -> None:
    example = tagger.Example(
        ("و", "قال", "ب", "بغداد", "نمو", "ها", "محمد", "علي"),
        frozenset({("place", 3, 4), ("person", 6, 8)}),
    )
    glued = tagger.glue_clitics(example)
    assert glued.tokens == ("وقال", "ببغداد", "نموها", "محمد", "علي")
    assert glued.spans == {("place", 1, 2), ("person", 3, 5)}


def test_folds_are_blocks_of_consecutive_sentences_and_fixed_by_the_seed() -> None:
    folds = tagger.assign_folds(1000, 5, seed=0)
    assert folds == tagger.assign_folds(1000, 5, seed=0)
    assert folds != tagger.assign_folds(1000, 5, seed=1)
    for start in range(0, 1000, tagger.BLOCK):
        assert len(set(folds[start : start + tagger.BLOCK])) == 1
    assert sorted(set(folds)) == [0, 1, 2, 3, 4]


def test_features_carry_cues_gazetteer_hints_and_the_article() -> None:
    raws = ["قال", "وزير", "الخارجية", "أنتوني", "بلينكن", "في", "الرباط", "«", "المساء", "»"]
    hints = ["", "", "", "BP:gaz", "IP:gaz", "", "BL:gaz", "", "", ""]
    separators = [""] + [" "] * 6 + [" «", " ", " »"]
    feats = tagger.features([*raws[:7], "المساء"], [*separators[:7], " «"], " ».", hints[:8], {"المساء": "O"})
    assert f"c={TITLE.bit_length() - 1}" in feats[1]  # a title head carries its cue flags
    assert any(f.startswith("g=B") for f in feats[6])  # the gazetteer knows Rabat
    assert "hc=BP:gaz" in feats[3] and "h+1=IP" in feats[3]
    assert "q" in feats[7] and "q" not in feats[6]  # in quotes
    assert "d=O" in feats[7]  # the rules read it as an organisation elsewhere in the article
    assert not any(f.startswith("h") for f in tagger.features(raws)[3])  # no hints, no hint features


_GIVEN = ["سمير", "كريم", "هشام", "نبيل", "طارق", "عادل", "رشيد", "ماهر"]
_FAMILY = ["زرقان", "بلحاج", "قدور", "منصوري", "حداد", "شرفاوي", "بنعلي", "العمراني"]
_TOWNS = ["تازركة", "دوز", "قفصة", "تطاوين", "مدنين", "سليانة"]
_VERBS = ["زار", "وصل", "غادر", "دخل"]


def _synthetic(path: Path, n: int = 220, seed: int = 0) -> None:
    """BIO sentences "<given> <family> <verb> <town> امس ." and "قال <given> <family> ان الوضع هادئ ."."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        given, family, town = rng.choice(_GIVEN), rng.choice(_FAMILY), rng.choice(_TOWNS)
        if i % 2:
            rows = [(given, "B-Politician"), (family, "I-Politician"), (rng.choice(_VERBS), "O"),
                    (town, "B-Population-Center"), ("امس", "O"), (".", "O")]  # fmt: skip
        else:
            rows = [("قال", "O"), (given, "B-Athlete"), (family, "I-Athlete"), ("ان", "O"), ("الوضع", "O"),
                    ("هادئ", "O"), ("في", "O"), (town, "B-Population-Center"), (".", "O")]  # fmt: skip
        lines += [f"\u200e{token}\t{tag}" for token, tag in rows] + ["\t"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_crossvalidate_and_train_a_model_that_tags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "bio.txt"
    _synthetic(data)
    monkeypatch.setattr(tagger, "PARAMS", {**tagger.PARAMS, "max_iterations": 40})
    monkeypatch.setattr(tagger, "FOLDS", 2)
    out = tmp_path / "model.crfsuite"
    report = tagger.crossvalidate(data, 0, 2, tmp_path / "folds", jobs=1, final=out, log=io.StringIO())
    assert out.is_file() and (tmp_path / "folds" / "folds.json").is_file()
    assert len(report["per_fold"]) == 2
    assert report["all"]["written"]["person"]["F1"] > 0.9
    assert report["all"]["written"]["place"]["F1"] > 0.9
    model = tagger.Tagger.load(out)
    assert model.tag(["كريم", "حداد", "وصل", "دوز", "امس", "."]) == [("person", 0, 2), ("place", 3, 4)]
    assert tagger.Tagger.load(out) is model  # loaded once per path
    with tagger.using(out):
        assert tagger.Tagger.load() is model
    assert tagger.heldout_model(tmp_path / "folds", 0).name.startswith("fold")
    # `digest eval ner --backend crf --heldout DIR`: each window read by the fold model that did not see it
    options = Options(extract=ExtractOptions(ner_backend="crf"))
    metrics = ner.evaluate(data, options, heldout=tmp_path / "folds").metrics
    assert metrics["per_f1"] > 0.9 and "fold0_per_f1" in metrics and "fold1_loc_f1" in metrics
    again = tmp_path / "again.crfsuite"  # the same seed trains the same file
    tagger.crossvalidate(data, 0, 2, jobs=1, final=again, log=io.StringIO())
    assert again.read_bytes() == out.read_bytes()


def test_train_prints_figures_and_writes_its_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "bio.txt"
    _synthetic(data, n=120)
    monkeypatch.setattr(tagger, "PARAMS", {**tagger.PARAMS, "max_iterations": 20})
    report = tagger.train(data, tmp_path / "m.crfsuite", seed=0)
    assert (tmp_path / "m.report.json").is_file()
    assert report.metrics["written_person_F1"] > 0.8
    assert "fold0_person_F1" in report.metrics


def test_shipped_model_tags_a_news_sentence() -> None:
    spans = tagger.Tagger.load().tag(BLINKEN)
    assert ("person", 4, 6) in spans
    assert ("place", 7, 8) in spans


def test_shipped_model_reads_clitics_glued_as_in_news_text() -> None:
    spans = tagger.Tagger.load().tag(["وقال", "الرئيس", "الفرنسي", "إيمانويل", "ماكرون", "في", "باريس", "إن"])
    assert ("person", 3, 5) in spans
    assert ("place", 6, 7) in spans


@pytest.mark.parametrize("backend", ["crf", "rules+crf", "crf+rules"])
def test_find_mentions_with_the_crf_backends(backend: str) -> None:
    text = " ".join(BLINKEN) + "."
    found = mentions.find_mentions(Article(id="t", text=text), (Sentence("t", 0, text),), backend=backend)
    by_text = {m.text: m for m in found}
    assert by_text["أنتوني بلينكن"].kind == "person"
    assert by_text["أنتوني بلينكن"].key == "person:antony-blinken"  # the gazetteer's key stays
    assert by_text["الرباط"].kind == "place"


@pytest.mark.parametrize(
    ("kind", "here", "expected"),
    [
        # a person's surname read alone where the article writes the full name found elsewhere: the full name
        ("person", [("person", 1, 2)], [("person", 0, 2)]),
        # an organisation's piece stays a piece (the annotators split long organisation names as often)
        ("organization", [("organization", 1, 2)], [("organization", 1, 2)]),
        # a span of another kind over the name is left alone
        ("person", [("place", 1, 2)], [("place", 1, 2)]),
    ],
)
def test_spread_names_completes_a_persons_piece_only(
    kind: str, here: list[tagger.Span], expected: list[tagger.Span]
) -> None:
    words = ["سامر", "قرداحي", "يصل"]
    found = [[(kind, 0, 2)], here]
    spread = tagger.spread_names([words, words], [words, words], found)
    assert spread[1] == expected


def test_a_particle_as_written_is_not_a_name_read_alone_elsewhere() -> None:
    # "محمد علي" found once: "علي" alone is him again, but "على" (on) is "علي" only once normalised
    first = ["وقال", "محمد", "علي", "إن"]
    second_raw = ["وأكد", "علي", "أن", "الهجوم", "وقع", "على", "الحدود"]
    second_norm = ["واكد", "علي", "ان", "الهجوم", "وقع", "علي", "الحدود"]
    spread = tagger.spread_names([first, second_norm], [first, second_raw], [[("person", 1, 3)], []])
    assert spread[1] == [("person", 1, 2)]


def _sentence(text: str) -> mentions._Sentence:
    return mentions._read_article((Sentence("t", 0, text),), "rules")[0]


def test_known_name_stands_where_the_tagger_reads_none_or_another_known_name_inside() -> None:
    s = _sentence("وقال التحالف الدولي ضد داعش إن")
    coalition = ("organization", 1, 5)
    key = "org:global-coalition-daesh"
    assert mentions._known_whole(s, coalition, key, [("organization", 4, 5)])  # "داعش" alone names another group
    assert mentions._known_whole(s, coalition, key, [])  # the tagger reads no name there
    assert not mentions._known_whole(s, coalition, key, [("organization", 1, 3)])  # it reads the name's own piece
    assert not mentions._known_whole(s, coalition, key, [("organization", 1, 6)])  # it reads past the name
    assert not mentions._known_whole(s, coalition, key, [("person", 4, 5)])  # another kind
    assert not mentions._known_whole(s, ("place", 4, 5), "org:isis", [("place", 4, 5)])  # places: the tagger's
