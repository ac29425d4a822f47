"""A learned judge of two reports: does one sentence dispute what another says (`probability`)?

Rules (`digest.analyze.claims`, `digest.synthesize.conflicts`) find candidate pairs of reports on one subject; where
they run out (a negation, a rumour, a figure that may be another figure) this small logistic regression scores the
pair, and only a high score lets the pair through (precision first).

Features of a pair are symmetric and say nothing about particular names or sites: how many content words the two
sentences share (the same subject), which cue families of `digest/data/claims/polarity.tsv` one has and the other
lacks (a denial against none, a rumour against none, a negation...) or both have, and whether their figures differ.

`train(path, out, seed)` (`digest train disagreement ../shared/bench/stance`) learns from the stance corpus: for each
claim, the claim itself and the rationale lines of its `agree` articles are reports that agree with one another;
each against a rationale line of a `disagree` article is a disagreeing pair. It fits on the claims at odd positions
in file-name order (half 1, as `digest eval conflicts` numbers its folds), prints the figures on the other half
(half 2), and writes the weights as JSON (`digest/data/disagreement.json`, byte-identical for one seed).
"""

from __future__ import annotations

import ast
import json
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from digest.evaluation import Report
from digest.lang import arabic
from digest.lang.arabic import fold
from digest.resources import read_json, read_tsv

MODEL_FILE = "disagreement.json"
FAMILIES = ("deny", "doubt", "negate", "attribute", "confirm", "future", "past", "responsibility", "alive", "harm")
_EXTRA_FAMILIES = ("gain", "loss")
_START = r"(?<!\w)(?:[وف])?(?:[بلك])?(?:ال|لل)?"
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_MAX_CHARS = 600  # a rationale "line" can be a whole flattened page: its lead is what it reports


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """One alternation of every family, each a named group: one pass over a sentence finds them all."""
    by_family: dict[str, list[str]] = {}
    for row in read_tsv("claims/polarity.tsv"):
        by_family.setdefault(row["family"], []).append(row["pattern"])
    return re.compile(_START + "(?:" + "|".join(f"(?P<{f}>{'|'.join(p)})" for f, p in by_family.items()) + ")")


def cues(norm: str) -> frozenset[str]:
    """The cue families (`claims/polarity.tsv`) a folded sentence holds."""
    return frozenset(m.lastgroup for m in _pattern().finditer(norm) if m.lastgroup)


def _fold(text: str) -> str:
    return fold(text[:_MAX_CHARS])


@dataclass(frozen=True)
class Reading:
    """What the features need of one sentence: its content words, cue families and figures."""

    words: frozenset[str]
    cues: frozenset[str]
    numbers: frozenset[str]


@lru_cache(maxsize=4096)
def read(text: str) -> Reading:
    """One sentence read for scoring (cached: a sentence is paired with many others)."""
    norm = _fold(text)
    stops = arabic.stop_words("ar")
    words = frozenset(
        bare
        for w in _WORD.findall(norm)
        if not w.isdigit() and len(bare := arabic.strip_article(w)) >= 3 and w not in stops and bare not in stops
    )
    return Reading(words, cues(norm), frozenset(_NUMBER.findall(norm)))


FEATURES = (
    "shared_log",
    "jaccard",
    "cover",
    *(f"one_{f}" for f in (*FAMILIES, *_EXTRA_FAMILIES)),
    *(f"both_{f}" for f in (*FAMILIES, *_EXTRA_FAMILIES)),
    "gain_vs_loss",
    "numbers_shared",
    "numbers_differ",
)


def features(a: Reading, b: Reading) -> list[float]:
    """The pair's feature vector, in the order of `FEATURES` (symmetric in a and b)."""
    shared = len(a.words & b.words)
    union = len(a.words | b.words) or 1
    smaller = min(len(a.words), len(b.words)) or 1
    families = (*FAMILIES, *_EXTRA_FAMILIES)
    one = [float((f in a.cues) != (f in b.cues)) for f in families]
    both = [float(f in a.cues and f in b.cues) for f in families]
    gain_loss = float(
        ("gain" in a.cues and "loss" in b.cues and "gain" not in b.cues)
        or ("gain" in b.cues and "loss" in a.cues and "gain" not in a.cues)
    )
    numbers_shared = float(bool(a.numbers & b.numbers))
    numbers_differ = float(bool(a.numbers) and bool(b.numbers) and not a.numbers & b.numbers)
    return [
        math.log1p(shared),
        shared / union,
        shared / smaller,
        *one,
        *both,
        gain_loss,
        numbers_shared,
        numbers_differ,
    ]


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]
    bias: float
    threshold: float


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped model (`digest/data/disagreement.json`)."""
    data = read_json(MODEL_FILE)
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{MODEL_FILE}: features differ from the code's; retrain with `digest train disagreement`")
    return Model(tuple(data["weights"]), float(data["bias"]), float(data["threshold"]))


def probability(a: str, b: str, fitted: Model | None = None) -> float:
    """How likely the two sentences are reports that disagree (0 to 1)."""
    fitted = fitted or model()
    z = fitted.bias + sum(w * x for w, x in zip(fitted.weights, features(read(a), read(b)), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def disagree(a: str, b: str) -> bool:
    """Whether the model takes the two sentences for disagreeing reports (its shipped threshold)."""
    fitted = model()
    return probability(a, b, fitted) >= fitted.threshold


# --------------------------------------------------------------------------------------------------------------
# Training


def _rationale(article: str, indices: str) -> list[str]:
    lines = article.split("\n")
    try:
        chosen = ast.literal_eval(indices) if indices else []
    except (ValueError, SyntaxError):
        return []
    if isinstance(chosen, int):
        chosen = [chosen]
    return [lines[i].strip() for i in chosen if isinstance(i, int) and 0 <= i < len(lines) and lines[i].strip()]


def labelled_pairs(path: Path, half: int, seed: int, max_agreeing: int = 40) -> list[tuple[str, str, int]]:
    """(sentence, sentence, 1 if they disagree) for the claims of one half (0: odd positions, 1: even)."""
    rng = random.Random(seed)
    pairs: list[tuple[str, str, int]] = []
    for index, file in enumerate(sorted(path.glob("*.json"))):
        if index % 2 != half:
            continue
        data = json.loads(file.read_text(encoding="utf-8"))
        agree: list[tuple[int, str]] = [(-1, data["claim"])]
        disagree: list[tuple[int, str]] = []
        for n, (text, stance, indices) in enumerate(
            zip(data["article"], data["stance"], data["rationale"], strict=True)
        ):
            side = agree if stance == "agree" else disagree if stance == "disagree" else None
            if side is not None:
                side.extend((n, line) for line in _rationale(text, str(indices)))
        agreeing = [(a, b, 0) for i, (n, a) in enumerate(agree) for m, b in agree[i + 1 :] if n != m]
        rng.shuffle(agreeing)
        pairs.extend(agreeing[:max_agreeing])
        pairs.extend((a, b, 1) for _, a in agree for _, b in disagree)
    return pairs


def _auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    positives = [s for s, y in zip(scores, labels, strict=True) if y]
    negatives = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not positives or not negatives:
        return 0.0
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def _at(scores: Sequence[float], labels: Sequence[int], threshold: float) -> tuple[float, float, int]:
    chosen = [y for s, y in zip(scores, labels, strict=True) if s >= threshold]
    positives = sum(labels)
    precision = sum(chosen) / len(chosen) if chosen else 0.0
    recall = sum(chosen) / positives if positives else 0.0
    return round(precision, 3), round(recall, 3), len(chosen)


def train(path: Path, out: Path | None = None, seed: int = 0, min_precision: float = 0.8) -> Report:
    """Fit on half 1 of the stance claims, report half 2, write the weights (see the module docstring)."""
    from sklearn.linear_model import LogisticRegression

    fitted_pairs = labelled_pairs(path, 0, seed)
    held_pairs = labelled_pairs(path, 1, seed)
    x = [features(read(a), read(b)) for a, b, _ in fitted_pairs]
    y = [label for _, _, label in fitted_pairs]
    classifier = LogisticRegression(C=0.3, max_iter=2000, random_state=seed)
    classifier.fit(x, y)
    weights = tuple(round(float(w), 6) for w in classifier.coef_[0])
    bias = round(float(classifier.intercept_[0]), 6)
    draft = Model(weights, bias, 0.5)

    def scores(pairs: list[tuple[str, str, int]]) -> list[float]:
        return [probability(a, b, draft) for a, b, _ in pairs]

    fit_scores = scores(fitted_pairs)
    # Precision first: the lowest threshold at which the fitted half is at least `min_precision` right.
    threshold = 0.95
    for candidate in sorted({round(s, 3) for s in fit_scores}):
        if candidate >= 0.5 and _at(fit_scores, y, candidate)[0] >= min_precision and _at(fit_scores, y, candidate)[2]:
            threshold = candidate
            break
    held_scores = scores(held_pairs)
    held_labels = [label for _, _, label in held_pairs]
    metrics = {
        "fitted_pairs": len(fitted_pairs),
        "fitted_disagreeing": sum(y),
        "held_out_pairs": len(held_pairs),
        "held_out_disagreeing": sum(held_labels),
        "threshold": threshold,
        "fitted_auc": round(_auc(fit_scores, y), 3),
        "held_out_auc": round(_auc(held_scores, held_labels), 3),
    }
    for name, s, labels in (("fitted", fit_scores, y), ("held_out", held_scores, held_labels)):
        precision, recall, chosen = _at(s, labels, threshold)
        metrics.update({f"{name}_precision": precision, f"{name}_recall": recall, f"{name}_flagged": chosen})
    document = {
        "about": "digest.analyze.disagreement: logistic regression on stance-corpus report pairs (half 1)",
        "seed": seed,
        "features": list(FEATURES),
        "weights": list(weights),
        "bias": bias,
        "threshold": threshold,
        "held_out": {k: v for k, v in metrics.items() if k.startswith("held_out")},
    }
    target = out or Path(__file__).resolve().parent.parent / "data" / MODEL_FILE
    target.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    model.cache_clear()
    lines = (
        f"fitted on half 1: {metrics['fitted_pairs']} pairs ({metrics['fitted_disagreeing']} disagreeing), "
        f"AUC {metrics['fitted_auc']}",
        f"held out (half 2): {metrics['held_out_pairs']} pairs ({metrics['held_out_disagreeing']} disagreeing), "
        f"AUC {metrics['held_out_auc']}; at threshold {threshold}: precision {metrics['held_out_precision']}, "
        f"recall {metrics['held_out_recall']} ({metrics['held_out_flagged']} flagged)",
        f"written to {target}",
    )
    return Report(metrics=metrics, lines=lines)  # `digest train` prints the lines
