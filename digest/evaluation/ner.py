"""Entity mentions against token-level BIO gold files: `digest eval ner PATH [--json]`.

Format: one `token TAG` per line (whitespace or a tab between), a blank or whitespace-only line between
sentences; tags `O`, `B-X`, `I-X`. PATH is a file or a folder (every file in it that reads as BIO).
Gold classes are mapped to the three kinds the digest extracts: NewsFANE's fine classes (Politician,
Athlete... → person; Government, Non-Governmental, Media, Sports teams... → organisation; Nation,
Population-Center, State-or-Province... → place) and the coarse PER/PERS, ORG, LOC/GPE of ANERcorp-style files.
Classes outside the three (facilities, works, products, ethnic groups, MISC) count as O on both sides.

Each sentence's tokens are joined with spaces; windows of `WINDOW` consecutive sentences are read by
`digest.analyze.mentions.find_mentions` as one article (the files mark no article boundaries); a predicted mention
covers the tokens its characters overlap. Scoring is exact span match per kind: precision, recall, F1 per kind and
micro-averaged overall.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.analyze.mentions import find_mentions
from digest.document import Article, Sentence
from digest.errors import InputError
from digest.evaluation import Report, prf
from digest.options import Options

KINDS = ("person", "organization", "place")
_SHORT = {"person": "per", "organization": "org", "place": "loc"}

# Gold class (after B-/I-) → kind. Anything else is outside the evaluation.
CLASS_KIND: dict[str, str] = {
    **dict.fromkeys(
        (
            "PER", "PERS", "PERSON", "Politician", "Athlete", "Artist", "Other_PER", "Religious_PER",
            "Scientist", "Businessperson", "Police", "Lawyer", "Engineer",
        ),
        "person",
    ),
    **dict.fromkeys(
        (
            "ORG", "ORGANIZATION", "Government", "Non-Governmental", "Media", "Sports", "Commercial",
            "Educational", "Medical-Science", "Entertainment", "Religious_ORG",
        ),
        "organization",
    ),
    **dict.fromkeys(
        (
            "LOC", "GPE", "LOCATION", "Nation", "Population-Center", "State-or-Province", "GPE-Cluster",
            "Continent", "County-or-District", "Water-Body", "Land-Region-Natural",
        ),
        "place",
    ),
}  # fmt: skip

# The files have no article boundaries: this many consecutive sentences are read as one article, so that a
# surname written alone after the full name is recognised as it would be in a real article.
WINDOW = 10

_LINE = re.compile(r"^(\S+)\s+(\S+)\s*$")
_TAG = re.compile(r"^(?:O|[BIES]-\S+)$")
_INVISIBLE = str.maketrans("", "", "\u200e\u200f\ufeff\u200b")


@dataclass(frozen=True)
class GoldSentence:
    tokens: tuple[str, ...]
    spans: frozenset[tuple[str, int, int]]  # (kind, first token, end token)


def spans_of(tags: list[str]) -> frozenset[tuple[str, int, int]]:
    """Entity spans of a BIO tag sequence, mapped to the digest's kinds (an I- without B- starts a span)."""
    spans: set[tuple[str, int, int]] = set()
    kind: str | None = None
    start = 0
    current: str | None = None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, cls = tag.partition("-")
        continuing = prefix == "I" and cls == current
        if not continuing:
            if kind is not None:
                spans.add((kind, start, i))
            current = cls if prefix in ("B", "I", "S") else None
            kind = CLASS_KIND.get(cls) if current else None
            start = i
    return frozenset(spans)


def read_bio(path: Path) -> Iterator[GoldSentence]:
    """Sentences of one BIO file; InputError when it is not one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    tokens: list[str] = []
    tags: list[str] = []
    bad = 0
    for line in [*text.splitlines(), ""]:
        line = line.translate(_INVISIBLE)
        if not line.strip():
            if tokens:
                yield GoldSentence(tuple(tokens), spans_of(tags))
                tokens, tags = [], []
            continue
        m = _LINE.match(line.strip())
        if not m or not _TAG.match(m.group(2)):
            bad += 1
            if bad > 20:
                raise InputError(f"{path} is not a BIO file (token TAG per line)")
            continue
        tokens.append(m.group(1))
        tags.append(m.group(2))


def bio_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = []
    for candidate in sorted(p for p in path.rglob("*") if p.is_file()):
        try:
            head = candidate.read_text(encoding="utf-8-sig", errors="strict")[:4000].translate(_INVISIBLE)
        except (OSError, UnicodeDecodeError):
            continue
        lines = [ln.strip() for ln in head.splitlines()[:-1] if ln.strip()]
        good = sum(1 for ln in lines if (m := _LINE.match(ln)) and _TAG.match(m.group(2)))
        if lines and good >= 0.9 * len(lines):
            files.append(candidate)
    if not files:
        raise InputError(f"no BIO files (token TAG per line) under {path}")
    return files


def predict(sentences: Sequence[tuple[str, ...]], backend: str = "rules") -> list[frozenset[tuple[str, int, int]]]:
    """The digest's mentions in consecutive tokenised sentences (read together, as one article), as token spans."""
    article_sentences, offsets = [], []
    for index, tokens in enumerate(sentences):
        starts, offset = [], 0
        for token in tokens:
            starts.append(offset)
            offset += len(token) + 1
        offsets.append(starts)
        article_sentences.append(Sentence("ner", index, " ".join(tokens)))
    text = "\n".join(s.text for s in article_sentences)
    found: list[set[tuple[str, int, int]]] = [set() for _ in sentences]
    for m in find_mentions(Article(id="ner", text=text), article_sentences, backend=backend):
        tokens, starts = sentences[m.sentence], offsets[m.sentence]
        first = next(i for i, s in enumerate(starts) if s + len(tokens[i]) > m.start)
        end = next((i for i, s in enumerate(starts) if s >= m.end), len(tokens))
        found[m.sentence].add((m.kind, first, end))
    return [frozenset(f) for f in found]


def evaluate(path: Path, options: Options, heldout: Path | None = None) -> Report:
    """Precision, recall and F1 of person, organisation and place mentions on BIO gold files.

    With `heldout` (the fold models and `folds.json` that `digest train ner PATH --folds-dir DIR` wrote), each
    window is read by the fold model that did not see it, and the figures are also given per fold; backends
    without the tagger are scored on the same folds, for comparison. Without it a crf backend uses the shipped
    model, which was trained on NewsFANE: its figures there are then not held out.
    """
    backend = options.extract.ner_backend
    counts: dict[str, tuple[Counter[str], Counter[str], Counter[str]]] = {}  # "" (all) or fold → gold, pred, hit
    sentences = tokens = 0
    files = bio_files(path)
    crf = "crf" in backend
    if heldout is not None and len(files) != 1:
        raise InputError("--heldout needs the one BIO file the fold models were trained on")
    for file in files:
        gold = list(read_bio(file))
        for at in range(0, len(gold), WINDOW):
            chunk = gold[at : at + WINDOW]
            groups = [""]
            if heldout is not None:
                from digest.analyze.tagger import heldout_model, using  # pycrfsuite only when asked for

                model = heldout_model(heldout, at)
                if heldout_model(heldout, at + len(chunk) - 1) != model:
                    raise InputError(f"{heldout}: a {WINDOW}-sentence window straddles two folds")
                groups.append(model.stem)
                with using(model if crf else None):
                    predictions = predict([g.tokens for g in chunk], backend)
            else:
                predictions = predict([g.tokens for g in chunk], backend)
            for sentence, predicted in zip(chunk, predictions, strict=True):
                sentences += 1
                tokens += len(sentence.tokens)
                for group in groups:
                    gold_n, pred_n, hit_n = counts.setdefault(group, (Counter(), Counter(), Counter()))
                    gold_n.update(kind for kind, *_ in sentence.spans)
                    pred_n.update(kind for kind, *_ in predicted)
                    hit_n.update(kind for kind, *_ in predicted & sentence.spans)
    metrics: dict[str, float | int] = {"sentences": sentences, "tokens": tokens, "files": len(files)}
    how = "shipped model, not held out on its training data" if crf else ""
    if heldout is not None:
        how = f"held out: fold models of {heldout}" if crf else f"folds of {heldout}"
    lines = [
        f"NER on {path}: {len(files)} file(s), {sentences} sentences, {tokens} tokens "
        f"(backend {backend}{', ' + how if how else ''}, exact span match, {WINDOW}-sentence windows)"
    ]
    for group in sorted(counts, key=lambda g: (g != "", g)):
        if group:
            lines.append(f"{group}:")
        lines += _figures(*counts[group], metrics, f"{group}_" if group else "")
    return Report(metrics=metrics, lines=tuple(lines))


def _figures(
    gold_n: Counter[str], pred_n: Counter[str], hit_n: Counter[str], metrics: dict[str, float | int], group: str
) -> list[str]:
    """The figure lines of one group (all, or one fold), and its metrics (prefixed by `group`)."""
    lines = [f"{'kind':<14}{'gold':>7}{'pred':>7}{'hit':>7}{'P':>8}{'R':>8}{'F1':>8}"]
    for kind in (*KINDS, "overall"):
        g = sum(gold_n.values()) if kind == "overall" else gold_n[kind]
        p = sum(pred_n.values()) if kind == "overall" else pred_n[kind]
        h = sum(hit_n.values()) if kind == "overall" else hit_n[kind]
        precision, recall, f1 = prf(h, p, g)
        prefix = group + ("" if kind == "overall" else f"{_SHORT[kind]}_")
        metrics.update(
            {
                f"{prefix}precision": round(precision, 4),
                f"{prefix}recall": round(recall, 4),
                f"{prefix}f1": round(f1, 4),
                f"{prefix}gold": g,
                f"{prefix}predicted": p,
            }
        )
        lines.append(f"{kind:<14}{g:>7}{p:>7}{h:>7}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}")
    return lines
