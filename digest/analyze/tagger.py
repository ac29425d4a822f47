"""A statistical Arabic name tagger (persons, organisations, places): a linear-chain CRF (CRFsuite).

The tagger reads a sentence as the name finder does (`digest.lang.gazetteer.read_words`: punctuation apart,
"عبد الله" one word, words normalised), so training and use see the same words. Its features are the word and
its neighbours, their forms without clitics and article, prefixes and suffixes, the punctuation around them and,
as features rather than decisions, the digest's own knowledge: the cue-list flags of each word
(`digest.analyze.cues.word_info`: titles, honorifics, given names, organisation and place heads...), the
gazetteer's names (which span a word is in and its kind), and what the rules of `digest.analyze.mentions` made of
each word ("hints"), in the sentence and elsewhere in the article.

`train(path, out, seed)` (`digest train ner PATH`) reads a BIO file such as NewsFANE (the evaluation's reader and
class mapping), cuts it into blocks of `BLOCK` consecutive sentences (neighbouring sentences of one story stay
together), deals the blocks to `FOLDS` folds with the seed, prints held-out precision/recall/F1 per kind and per
fold, then trains the shipped model on all of the data with the same settings. NewsFANE splits clitics off
("و قال", "نمو ها"); news text does not: half of the training sentences (chosen by the seed) have their clitics
glued back. The fold models can be kept (`folds_dir`) for `digest eval ner --backend crf --heldout DIR`.

Only `pycrfsuite` and the digest's language modules are imported here: the evaluation package is imported by the
training functions alone, never on the tagging path.
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import pycrfsuite

from digest.analyze.cues import (
    EVENT,
    FUNCTION,
    GIVEN,
    GIVEN_AMBIGUOUS,
    HONORIFIC,
    NATIONALITY,
    ORG_HEAD,
    PARTICLES_AS_WRITTEN,
    PERSON_NOUN,
    PLACE_HEAD,
    STATE_HEAD,
    STOP,
    TEAM,
    TITLE,
    word_info,
)
from digest.errors import ConfigError, InputError
from digest.lang.arabic import normalize, strip_article
from digest.lang.gazetteer import gazetteer, read_words, surface_readings
from digest.runtime.memo import PerWord

if TYPE_CHECKING:
    from digest.evaluation import Report

MODEL = "ner/ar.crfsuite"  # under digest/data/
BLOCK = 100  # sentences per block dealt to a fold (a multiple of the evaluation's 10-sentence window)
FOLDS = 5
WINDOW = 10  # sentences read together as one article (the evaluation's window)
PARAMS: dict[str, Any] = {"c1": 0.1, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True}
HINT_DROPOUT = 0.2  # share of training sentences read without the rules' hints (`Tagger.tag` has none)
KINDS = ("person", "organization", "place")
_LABEL = {"person": "PER", "organization": "ORG", "place": "LOC"}
_KIND = {v: k for k, v in _LABEL.items()}
_GAZ_KIND = {"person": "P", "organization": "O", "place": "L", "country": "L"}

Span = tuple[str, int, int]  # (kind, first word or token, end)

# ---------------------------------------------------------------------------------------------------------------
# Features

_PUNCT_KEEP = re.compile(r"[^\s]")
_LATIN = re.compile(r"[A-Za-z]")
_DEFINITE = ("ال", "وال", "بال", "فال", "لل", "كال", "ولل")


def _static(raw: str) -> tuple[str, ...]:
    """The features of a word on its own (computed once per distinct written word)."""
    norm = normalize(raw)
    stem = strip_article(norm)
    flags = word_info(raw, norm)
    feats = [f"w={norm}", f"s={stem}", f"p2={stem[:2]}", f"p3={stem[:3]}", f"x2={stem[-2:]}", f"x3={stem[-3:]}"]
    feats.append(f"f2={norm[:2]}")  # the clitics and article as written
    if norm.isdigit():
        feats.append("dig")
    elif _LATIN.search(raw):
        feats.append("lat")
        if raw[:1].isupper():
            feats.append("cap")
    if len(stem) <= 2:
        feats.append("short")
    if norm.startswith(_DEFINITE):
        feats.append("def")
        if norm.endswith("ي"):
            feats.append("nisba")  # "الفلسطيني", "البرغوثي": a family name, or the adjective of an organisation
    if raw.endswith(("ه", "ها", "هم")) and len(raw) > 3:
        feats.append("pron")
    feats.extend(f"c={bit}" for bit in range(32) if flags >> bit & 1)
    return tuple(feats)


_STATIC: PerWord[tuple[str, ...]] = PerWord(_static)


def _cues_of(raw: str) -> tuple[str, ...]:
    """The cue-flag bits of a word, as feature values (its "c=" features)."""
    return tuple(f[2:] for f in _STATIC[raw] if f.startswith("c="))


_CUES: PerWord[tuple[str, ...]] = PerWord(_cues_of)
_HEADS = ORG_HEAD | TEAM | STATE_HEAD


def _is_head(raw: str) -> bool:
    return bool(word_info(raw, normalize(raw)) & _HEADS)


_IS_HEAD: PerWord[bool] = PerWord(_is_head)


def _punct(separator: str) -> str:
    return "".join(_PUNCT_KEEP.findall(separator))[:2]


def features(
    raws: Sequence[str],
    separators: Sequence[str] | None = None,
    after: str = "",
    hints: Sequence[str] | None = None,
    seen: dict[str, str] | None = None,
) -> list[list[str]]:
    """The CRF features of each word of a sentence (words as `read_words` gives them; `separators[i]` is the
    text before word i, `after` the text after the last one; `hints[i]` what the rules made of word i, "BP:title",
    "IL:gaz" or "" (`digest.analyze.mentions.rule_hints`); `seen` the kind letter the rules gave each normalised
    word anywhere in the article: a name tagged in one sentence is likely the same name in the next)."""
    n = len(raws)
    statics = list(map(_STATIC.__getitem__, raws))
    norms = [normalize(r) for r in raws]
    stems = [strip_article(w) for w in norms]
    cues = list(map(_CUES.__getitem__, raws))
    gaz_tag = [""] * n
    for i, j, entry in gazetteer().find_words(norms):
        kind = _GAZ_KIND.get(entry.kind, "X")
        gaz_tag[i] = f"B{kind}"
        for k in range(i + 1, j):
            gaz_tag[k] = f"I{kind}"
    puncts = [_punct(s) for s in separators] if separators is not None else [""] * n
    puncts.append(_punct(after))
    marks = [h.partition(":")[0] for h in hints] if hints is not None else None
    quoted = _inside_quotes(separators, n) if separators is not None else [False] * n
    head_at = _heads_before(list(map(_IS_HEAD.__getitem__, raws)), puncts, n)
    out: list[list[str]] = []
    for i in range(n):
        f = list(statics[i])
        if quoted[i]:
            f.append("q")  # a name in quotes: a newspaper, a channel, a party ("صحيفة « المستقبل »")
        if head_at[i]:
            f.append(f"hd={head_at[i]}")  # an organisation or team head a few words before, no punctuation between
        if i > 0:
            f.append(f"s-1|s={stems[i - 1]}|{stems[i]}")
        if marks is not None and hints is not None:
            f.append(f"h={marks[i]}")
            if hints[i]:
                f.append(f"hc={hints[i]}")
            f.append(f"h-1={marks[i - 1] if i else '^'}|{marks[i]}")
            f.append(f"h+1={marks[i + 1] if i + 1 < n else '$'}")
        if seen is not None:
            doc = seen.get(norms[i]) or seen.get(stems[i])
            if doc:
                f.append(f"d={doc}")
        if gaz_tag[i]:
            f.append(f"g={gaz_tag[i]}")
        if puncts[i]:
            f.append(f"pl={puncts[i]}")
        if puncts[i + 1]:
            f.append(f"pr={puncts[i + 1]}")
        if i > 0:
            f += (f"w-1={norms[i - 1]}", f"s-1={stems[i - 1]}", f"w-1|w={norms[i - 1]}|{norms[i]}")
            f.append(f"g-1={gaz_tag[i - 1]}")
            f.extend(f"c-1={c}" for c in cues[i - 1])
            if i > 1:
                f.append(f"w-2={norms[i - 2]}")
                f.extend(f"c-2={c}" for c in cues[i - 2])
            else:
                f.append("bos-1")
        else:
            f.append("bos")
        if i + 1 < n:
            f += (f"w+1={norms[i + 1]}", f"s+1={stems[i + 1]}", f"w|w+1={norms[i]}|{norms[i + 1]}")
            f.append(f"g+1={gaz_tag[i + 1]}")
            f.extend(f"c+1={c}" for c in cues[i + 1])
            if i + 2 < n:
                f.append(f"w+2={norms[i + 2]}")
                f.extend(f"c+2={c}" for c in cues[i + 2])
            else:
                f.append("eos+1")
        else:
            f.append("eos")
        out.append(f)
    return out


_QUOTES = frozenset('"«»“”')


def _inside_quotes(separators: Sequence[str], n: int) -> list[bool]:
    """Whether each word stands between an opening and a closing quote mark."""
    inside, out = False, []
    for i in range(n):
        inside ^= sum(c in _QUOTES for c in separators[i]) % 2 == 1
        out.append(inside)
    return out


def _heads_before(heads: Sequence[bool], puncts: Sequence[str], n: int) -> list[str]:
    """For each word, how far back (1-3 words, within one stretch without punctuation) an organisation, team or
    state head stands: "حزب العدالة والتنمية", "فريق الغرافة", "الحكومة السودانية"."""
    out = [""] * n
    if not any(heads):
        return out
    for j in (k for k in range(n) if heads[k]):
        for i in range(j + 1, min(j + 4, n)):
            if puncts[i]:
                break
            out[i] = str(i - j)  # the nearest head before the word says it
    return out


def seen_kinds(hints: Sequence[Sequence[str]], norms: Sequence[Sequence[str]]) -> dict[str, str]:
    """Normalised word (and its stem) → the kind letters the rules gave it anywhere in the article ("P", "OP")."""
    found: dict[str, set[str]] = {}
    for sentence_hints, sentence_norms in zip(hints, norms, strict=True):
        for hint, norm in zip(sentence_hints, sentence_norms, strict=True):
            if hint and len(norm) > 2:
                found.setdefault(norm, set()).add(hint[1])
                found.setdefault(strip_article(norm), set()).add(hint[1])
    return {word: "".join(sorted(kinds)) for word, kinds in found.items()}


# A word alone that is one of these is no name, whatever another sentence made of it.
_NOT_ALONE = STOP | FUNCTION | TITLE | ORG_HEAD | PLACE_HEAD | NATIONALITY | EVENT | PERSON_NOUN | HONORIFIC
_NOT_ALONE |= GIVEN | GIVEN_AMBIGUOUS


def spread_names(
    norms: Sequence[Sequence[str]], raws: Sequence[Sequence[str]], found: Sequence[list[Span]]
) -> list[list[Span]]:
    """The tagger's spans of an article's sentences, with the names it found once read again where it missed them.

    A report names a person in full once and by surname after ("... هايل" after "أحمد هايل"), a team or a party
    by one word: the tagger, which sees one sentence, misses some of those. A name of two words or more found in
    one sentence is the same name where its words are written again; the last word of a person's name, or an
    organisation of one word, is the same name when written alone (unless it is a cue or a given name: "محمد"
    alone is no one in particular).
    """
    sequences: dict[tuple[str, ...], str] = {}
    single: dict[str, str] = {}
    for sentence_norms, spans in zip(norms, found, strict=True):
        for kind, i, j in spans:
            if kind == "place":
                continue
            if j - i >= 2:
                sequences.setdefault(tuple(sentence_norms[i:j]), kind)
            if kind == "person" and len(sentence_norms[j - 1]) >= 3:
                single.setdefault(sentence_norms[j - 1], kind)
            elif kind == "organization" and j - i == 1:
                single.setdefault(sentence_norms[i], kind)
    if not sequences and not single:
        return [list(spans) for spans in found]
    out: list[list[Span]] = []
    for sentence_norms, sentence_raws, spans in zip(norms, raws, found, strict=True):
        spans = list(spans)
        owned = {k for _, i, j in spans for k in range(i, j)}
        at: dict[str, list[int]] = {}
        for i, norm in enumerate(sentence_norms):
            at.setdefault(norm, []).append(i)
        for sequence, kind in sequences.items():
            n = len(sequence)
            for i in at.get(sequence[0], ()):
                if tuple(sentence_norms[i : i + n]) != sequence:
                    continue
                pieces = [span for span in spans if span[1] < i + n and i < span[2]]
                # a person's full name found elsewhere replaces a piece of it read here ("بوين" of "ستيوارت بوين");
                # an organisation's pieces stay (held out, the annotators split "مجلس الامن الدولي" as often)
                if not pieces or (kind == "person" and all(k == kind and i <= a and b <= i + n for k, a, b in pieces)):
                    spans = [span for span in spans if span not in pieces]
                    spans.append((kind, i, i + n))
                    owned.update(range(i, i + n))
        for i, norm in enumerate(sentence_norms if single else ()):
            if i in owned:
                continue
            alone = next((single[r] for r in surface_readings(norm) if r in single), None)
            raw = sentence_raws[i]
            if alone is not None and raw not in PARTICLES_AS_WRITTEN and not word_info(raw, norm) & _NOT_ALONE:
                spans.append((alone, i, i + 1))
        out.append(sorted(spans, key=lambda span: span[1]))
    return out


def spans_of_labels(labels: Sequence[str]) -> list[Span]:
    """(kind, start, end) spans of a B-/I- label sequence (an I- without its B- starts a span)."""
    spans: list[Span] = []
    kind: str | None = None
    start = 0
    for i, label in enumerate([*labels, "O"]):
        prefix, _, cls = label.partition("-")
        if kind is not None and not (prefix == "I" and _KIND.get(cls) == kind):
            spans.append((kind, start, i))
            kind = None
        if prefix in ("B", "I") and kind is None:
            kind, start = _KIND.get(cls), i
    return spans


# ---------------------------------------------------------------------------------------------------------------
# Tagging


class Tagger:
    """A trained model: `tag_words(...)` gives (kind, start, end) word spans."""

    def __init__(self, model: bytes | Path) -> None:
        self._crf = pycrfsuite.Tagger()
        if isinstance(model, Path):
            self._crf.open(str(model))
        else:
            self._data = model  # CRFsuite reads the model from this buffer: it must outlive the tagger
            self._crf.open_inmemory(model)

    @classmethod
    def load(cls, path: Path | None = None) -> Tagger:
        """The model at `path`, else the one in use (`using`), else the shipped one; each loaded once."""
        path = path or _override
        return _load_path(path.resolve()) if path is not None else _load_shipped()

    def tag_words(
        self,
        raws: Sequence[str],
        separators: Sequence[str] | None = None,
        after: str = "",
        hints: Sequence[str] | None = None,
        seen: dict[str, str] | None = None,
    ) -> list[Span]:
        """Spans over words as `read_words` reads them (`hints`, `seen`: see `features`; better with them)."""
        if not raws:
            return []
        return spans_of_labels(self._crf.tag(features(raws, separators, after, hints, seen)))

    def tag(self, tokens: Sequence[str]) -> list[Span]:
        """Spans over a tokenised sentence, without the rules' hints (`digest.analyze.mentions`, backend "crf",
        gives them and does better); a span covers the tokens its words overlap."""
        return _tag_example(self, Example(tuple(tokens), frozenset()))


_override: Path | None = None


@contextmanager
def using(path: Path | None) -> Iterator[None]:
    """Use the model at `path` instead of the shipped one (held-out evaluation with fold models)."""
    global _override
    before, _override = _override, path
    try:
        yield
    finally:
        _override = before


@lru_cache(maxsize=8)
def _load_path(path: Path) -> Tagger:
    if not path.is_file():
        raise ConfigError(f"no tagger model at {path}")
    return Tagger(path)


@lru_cache(maxsize=1)
def _load_shipped() -> Tagger:
    try:
        data = resources.files("digest").joinpath("data", *MODEL.split("/")).read_bytes()
    except OSError:
        raise ConfigError(f"the tagger model digest/data/{MODEL} is missing: run `digest train ner PATH`") from None
    return Tagger(data)


def shipped_path() -> Path:
    """Where the shipped model lives in the source tree (`digest train ner` writes it there by default)."""
    return Path(__file__).resolve().parent.parent / "data" / MODEL


# ---------------------------------------------------------------------------------------------------------------
# Training


@dataclass(frozen=True)
class Example:
    tokens: tuple[str, ...]
    spans: frozenset[Span]
    hints: tuple[str, ...] | None = None  # per word of " ".join(tokens) as `read_words` reads it
    seen: dict[str, str] | None = None  # `seen_kinds` of the window the sentence was read in


_PROCLITICS = frozenset({"و", "ف", "ب", "ل", "ك"})
_ENCLITICS = frozenset({"ه", "ها", "هم", "هما", "هن", "كم", "كما", "نا", "ي"})
_ARABIC = re.compile(r"^[\u0621-\u064A]")


def glue_clitics(example: Example) -> Example:
    """The sentence as news text writes it: split-off clitics joined to their word ("و قال" → "وقال",
    "نمو ها" → "نموها"); spans follow their tokens (a span may then start with the clitic)."""
    groups: list[list[str]] = []
    index: list[int] = []
    pending = False  # the last group is proclitics waiting for their word
    for token in example.tokens:
        if pending and _ARABIC.match(token):
            groups[-1].append(token)
            pending = token in _PROCLITICS
        elif token in _ENCLITICS and groups and not pending and _ARABIC.match(groups[-1][-1]):
            groups[-1].append(token)
        else:
            groups.append([token])
            pending = token in _PROCLITICS
        index.append(len(groups) - 1)
    spans = frozenset((kind, index[s], index[e - 1] + 1) for kind, s, e in example.spans)
    return Example(tuple("".join(g) for g in groups), spans)


def with_hints(examples: Sequence[Example], window: int = WINDOW) -> list[Example]:
    """The examples with the rules' hints, read `window` sentences at a time as one article (as the evaluation
    reads them)."""
    from digest.analyze.mentions import rule_hints  # training only: mentions imports this module on use

    out: list[Example] = []
    for at in range(0, len(examples), window):
        chunk = examples[at : at + window]
        texts = [" ".join(e.tokens) for e in chunk]
        hints = rule_hints(texts)
        seen = seen_kinds(hints, [read_words(t).norms for t in texts])
        out += [Example(e.tokens, e.spans, tuple(h), seen) for e, h in zip(chunk, hints, strict=True)]
    return out


def _token_of(tokens: Sequence[str]) -> list[int]:
    """The token index of each character of " ".join(tokens)."""
    out: list[int] = []
    for index, token in enumerate(tokens):
        out.extend([index] * (len(token) + 1))
    return out


def word_labels(example: Example) -> tuple[list[list[str]], list[str]]:
    """Features and labels of a sentence's words (a word takes the label of the first token it overlaps)."""
    text = " ".join(example.tokens)
    words = read_words(text)
    token_of = _token_of(example.tokens)
    tag = ["O"] * len(example.tokens)
    for kind, s, e in example.spans:
        tag[s] = f"B-{_LABEL[kind]}"
        for k in range(s + 1, e):
            tag[k] = f"I-{_LABEL[kind]}"
    labels: list[str] = []
    previous = -1
    for start in words.starts:
        first = token_of[start]
        label = tag[first]
        if first == previous and label != "O":
            label = "I-" + label[2:]  # a second word inside one token ("U.S.", "2001-2002")
        labels.append(label)
        previous = first
    after = text[words.ends[-1] :] if words.raws else ""
    return features(words.raws, words.separators, after, example.hints, example.seen), labels


def read_examples(path: Path) -> list[Example]:
    """The sentences of a BIO file (or folder) with their spans mapped to the digest's kinds."""
    from digest.evaluation.ner import bio_files, read_bio  # training only: the evaluation is not on the hot path

    return [Example(g.tokens, g.spans) for file in bio_files(path) for g in read_bio(file)]


def assign_folds(n: int, folds: int, seed: int) -> list[int]:
    """The fold of each of `n` sentences: blocks of `BLOCK` consecutive sentences dealt to folds in an order
    shuffled with `seed`."""
    blocks = list(range((n + BLOCK - 1) // BLOCK))
    random.Random(seed).shuffle(blocks)
    fold_of_block = {b: k % folds for k, b in enumerate(blocks)}
    return [fold_of_block[i // BLOCK] for i in range(n)]


def _fit(examples: Sequence[Example], out: Path, seed: int, params: dict[str, Any]) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.set_params(params)
    rng = random.Random(seed)
    for example in examples:
        if rng.random() < HINT_DROPOUT:
            example = Example(example.tokens, example.spans)
        xseq, yseq = word_labels(example)
        if xseq:
            trainer.append(xseq, yseq)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))


def _fit_job(args: tuple[list[Example], Path, int, dict[str, Any]]) -> Path:
    _fit(*args)
    return args[1]


def score(gold: Sequence[frozenset[Span]], predicted: Sequence[Sequence[Span]]) -> dict[str, dict[str, float]]:
    """Exact-span precision, recall, F1 per kind and overall (micro)."""
    from digest.evaluation import prf  # training and evaluation only: not in the analysis path

    g: Counter[str] = Counter()
    p: Counter[str] = Counter()
    h: Counter[str] = Counter()
    for gs, ps in zip(gold, predicted, strict=True):
        pset = set(ps)
        g.update(kind for kind, *_ in gs)
        p.update(kind for kind, *_ in pset)
        h.update(kind for kind, *_ in pset & gs)
    out = {}
    for kind in (*KINDS, "overall"):
        gn = sum(g.values()) if kind == "overall" else g[kind]
        pn = sum(p.values()) if kind == "overall" else p[kind]
        hn = sum(h.values()) if kind == "overall" else h[kind]
        precision, recall, f1 = prf(hn, pn, gn)
        out[kind] = {"P": round(precision, 4), "R": round(recall, 4), "F1": round(f1, 4), "gold": gn, "pred": pn}
    return out


def crossvalidate(
    path: Path,
    seed: int = 0,
    folds: int = FOLDS,
    work: Path | None = None,
    params: dict[str, Any] | None = None,
    jobs: int = 2,
    final: Path | None = None,
    log: TextIO = sys.stderr,
) -> dict[str, Any]:
    """Fit one model per fold on the other folds (and, with `final`, one on everything), score each fold with the
    model that did not see it, as written and with clitics glued. Fold models and `folds.json` go to `work`."""
    params = {**PARAMS, **(params or {})}
    written = read_examples(path)
    if not written:
        raise InputError(f"no sentences in {path}")
    fold_of = assign_folds(len(written), folds, seed)
    forms = {"written": with_hints(written), "glued": with_hints([glue_clitics(e) for e in written])}
    # news text writes clitics glued: half the sentences (chosen by the seed) are learnt that way
    rng = random.Random(seed)
    examples = [forms["glued" if rng.random() < 0.5 else "written"][i] for i in range(len(written))]
    with tempfile.TemporaryDirectory() as tmp:
        folder = work or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        jobs_args = [
            ([e for e, f in zip(examples, fold_of, strict=True) if f != k], folder / f"fold{k}.crfsuite", seed, params)
            for k in range(folds)
        ]
        if final is not None:
            jobs_args.insert(0, (examples, final, seed, params))  # the longest job first
        started = time.perf_counter()
        _run_jobs(_fit_job, jobs_args, jobs)
        seconds = time.perf_counter() - started
        report: dict[str, Any] = {
            "data": path.name,
            "sentences": len(examples),
            "seed": seed,
            "folds": folds,
            "block": BLOCK,
            "hint_dropout": HINT_DROPOUT,
            "params": params,
            "train_seconds": round(seconds, 1),
            "per_fold": [],
        }
        all_gold: dict[str, list[frozenset[Span]]] = {form: [] for form in forms}
        all_pred: dict[str, list[list[Span]]] = {form: [] for form in forms}
        for k in range(folds):
            tagger = Tagger(folder / f"fold{k}.crfsuite")
            entry: dict[str, Any] = {"fold": k, "sentences": fold_of.count(k)}
            for form, variant in forms.items():
                held = [e for e, f in zip(variant, fold_of, strict=True) if f == k]
                gold = [e.spans for e in held]
                pred = [_tag_example(tagger, e) for e in held]
                entry[form] = score(gold, pred)
                all_gold[form] += gold
                all_pred[form] += pred
            report["per_fold"].append(entry)
            _print_scores(f"fold {k} ({entry['sentences']} sentences)", entry, log)
        report["all"] = {form: score(all_gold[form], all_pred[form]) for form in forms}
        _print_scores("all folds", report["all"], log)
        manifest = {"data": path.name, "sentences": len(examples), "fold_of": fold_of, "seed": seed}
        (folder / "folds.json").write_text(json.dumps(manifest), encoding="utf-8")
    return report


def _run_jobs(job: Callable[[Any], Any], args: list[Any], jobs: int) -> None:
    if jobs > 1:
        from multiprocessing import get_context

        with get_context("fork").Pool(jobs) as pool:
            list(pool.imap_unordered(job, args))
    else:
        for one in args:
            job(one)


def train(path: Path, out: Path | None = None, seed: int = 0, folds_dir: Path | None = None) -> Report:
    """`digest train ner PATH`: cross-validate on `path` (held-out figures per fold and kind, printed), then train
    the model on all of it into `out` (by default the shipped file). The same data and seed give the same file.
    The fold models are kept in `folds_dir` when given (for `digest eval ner --heldout`)."""
    from digest.evaluation import Report  # training only

    out = out or shipped_path()
    report = crossvalidate(path, seed, FOLDS, work=folds_dir, final=out, log=sys.stdout)
    report["model_bytes"] = out.stat().st_size
    out.with_suffix(".report.json").write_text(
        json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    lines = [f"model {out}: {report['model_bytes'] / 1e6:.2f} MB, {report['train_seconds']:.0f} s of training"]
    metrics: dict[str, Any] = {"sentences": report["sentences"], "folds": report["folds"], "seed": seed}
    for form, figures in report["all"].items():
        for kind, s in figures.items():
            for name in ("P", "R", "F1"):
                metrics[f"{form}_{kind}_{name}"] = s[name]
    for entry in report["per_fold"]:
        for kind, s in entry["written"].items():
            metrics[f"fold{entry['fold']}_{kind}_F1"] = s["F1"]
    return Report(metrics=metrics, lines=tuple(lines))


def _tag_example(tagger: Tagger, example: Example) -> list[Span]:
    """A training sentence tagged with its hints; spans over its tokens (as `Tagger.tag`)."""
    text = " ".join(example.tokens)
    words = read_words(text)
    token_of = _token_of(example.tokens)
    after = text[words.ends[-1] :] if words.raws else ""
    spans = tagger.tag_words(words.raws, words.separators, after, example.hints, example.seen)
    return [(kind, token_of[words.starts[i]], token_of[words.ends[j - 1] - 1] + 1) for kind, i, j in spans]


def _print_scores(title: str, entry: dict[str, Any], log: TextIO) -> None:
    for form in ("written", "glued"):
        figures = "  ".join(f"{kind[:3]} {s['P']:.3f}/{s['R']:.3f}/{s['F1']:.3f}" for kind, s in entry[form].items())
        print(f"{title:<28} {form:<8} P/R/F1  {figures}", file=log, flush=True)


def heldout_model(folds_dir: Path, sentence: int) -> Path:
    """The fold model that did not see sentence number `sentence` of the training data (`folds.json`)."""
    return folds_dir / f"fold{_fold_of(folds_dir)[sentence]}.crfsuite"


@lru_cache(maxsize=4)
def _fold_of(folds_dir: Path) -> list[int]:
    try:
        fold_of: list[int] = json.loads((folds_dir / "folds.json").read_text(encoding="utf-8"))["fold_of"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"no fold assignment in {folds_dir}: {exc}") from None
    return fold_of
