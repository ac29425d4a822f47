"""Extractive summaries against human ones: EASC-style folders, ROUGE-1 and ROUGE-2 F.

The folder holds `Articles/TopicN/<one article>.txt` and `MTurk/TopicN/<human summaries>` (EASC, the Essex
Arabic Summaries Corpus: five extractive summaries per article). Each article is summarised to the mean length
(in words) of its references, by every summarizer and by a lead baseline (the article's first words); summaries
are cut to that length (the usual `rouge -l`), so that all systems are compared at equal length.

ROUGE-N F (Lin 2004) with clipped n-gram counts, on Arabic-aware tokens: words without punctuation,
diacritics or tatweel, with alef, alef maksura / ya and ta marbuta / ha unified on both sides
(`digest.lang.arabic.normalize`). Per document the F of each reference is averaged, then documents are averaged.
Topics are also reported in two halves (by topic number) to show that no setting was tuned to one of them.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from digest.analyze import sentences_of
from digest.document import Analysis, Article
from digest.errors import InputError
from digest.evaluation import Report
from digest.lang import arabic
from digest.options import Options, SummaryOptions
from digest.synthesize import summary as summarize

ALGORITHMS = tuple(summarize.SUMMARIZERS)
_TOPIC = re.compile(r"(\d+)$")


# --- reading the corpus ------------------------------------------------------------------------------------


def _high_byte_share(half: bytes) -> float:
    return sum(b in (0x00, 0x06) for b in half) / len(half)


def decode(data: bytes) -> str:
    """Text of a file whose encoding is not declared: BOM, else UTF-16 by its high bytes, UTF-8, Windows-1256."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if len(data) >= 2 and len(data) % 2 == 0:
        # UTF-16 without BOM: the high byte of Arabic and Latin code units is 0x06 or 0x00, every other byte.
        if _high_byte_share(data[1::2]) >= 0.9:
            return data.decode("utf-16-le", errors="replace")
        if _high_byte_share(data[0::2]) >= 0.9:
            return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return data.decode("cp1256", errors="replace")


@dataclass(frozen=True)
class Document:
    """One article of the corpus with its human summaries."""

    topic: int
    article: Article
    references: tuple[str, ...]


def load_corpus(folder: Path) -> tuple[list[Document], list[tuple[str, str]]]:
    """Every topic with one article and at least one reference; skipped topics as (path, reason)."""
    articles_dir, references_dir = folder / "Articles", folder / "MTurk"
    if not articles_dir.is_dir() or not references_dir.is_dir():
        raise InputError(f"{folder} is not an EASC-style folder: expected Articles/TopicN/ and MTurk/TopicN/")
    documents: list[Document] = []
    skipped: list[tuple[str, str]] = []
    for topic_dir in sorted(p for p in articles_dir.iterdir() if p.is_dir()):
        match = _TOPIC.search(topic_dir.name)
        if not match:
            skipped.append((str(topic_dir), "folder name does not end with a topic number"))
            continue
        files = sorted(p for p in topic_dir.iterdir() if p.is_file())
        reference_files = sorted(p for p in (references_dir / topic_dir.name).glob("*") if p.is_file())
        if len(files) != 1:
            skipped.append((str(topic_dir), f"{len(files)} article files; expected exactly one"))
            continue
        if not reference_files:
            skipped.append((str(topic_dir), "no human summaries in MTurk/"))
            continue
        text = decode(files[0].read_bytes())
        article = Article(id=topic_dir.name, text=text, source=str(files[0]))
        references = tuple(decode(p.read_bytes()) for p in reference_files)
        documents.append(Document(int(match.group(1)), article, references))
    if not documents:
        raise InputError(f"no usable topics in {folder}")
    documents.sort(key=lambda d: d.topic)
    return documents, skipped


# --- ROUGE -------------------------------------------------------------------------------------------------


def rouge_tokens(text: str) -> list[str]:
    """Words of `text` normalised for ROUGE (no punctuation; diacritics, alef, ya, ta marbuta unified)."""
    return [t for t in (arabic.normalize(w) for w in arabic.words(text)) if t]


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> tuple[float, float, float]:
    """(precision, recall, F1) of n-grams, each shared n-gram counted at most as often as in either side."""
    cand, ref = ngrams(candidate, n), ngrams(reference, n)
    overlap = sum((cand & ref).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(cand.values())
    recall = overlap / sum(ref.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def mean_rouge_f(candidate: Sequence[str], references: Sequence[Sequence[str]], n: int) -> float:
    """ROUGE-N F of one candidate, averaged over its references."""
    return sum(rouge_n(candidate, ref, n)[2] for ref in references) / len(references)


# --- systems -------------------------------------------------------------------------------------------------


def lead(document: Document, budget: int) -> list[str]:
    """The lead baseline: the article's first `budget` words."""
    return rouge_tokens(document.article.text)[:budget]


def system(document: Document, budget: int, options: SummaryOptions) -> list[str]:
    """Our summary of the article at `budget` words, cut to exactly that length."""
    analysis = Analysis(document.article, sentences_of(document.article))
    chosen = summarize.summarize_to_length(analysis, budget, options)
    return [t for s in chosen for t in rouge_tokens(s)][:budget]


@dataclass(frozen=True)
class Scores:
    rouge1: float
    rouge2: float


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def evaluate(path: Path, options: Options) -> Report:
    """ROUGE-1/2 F of the default summary, of every sumy summarizer ranking sentences on its own (`strategy =
    "ranked"`) and of the lead baseline on the EASC-style folder at `path`; on a folder of stance claims
    (`*.json`), the story-level figures of `evaluate_stories`."""
    if not (path / "Articles").is_dir() and any(path.glob("*.json")):
        return evaluate_stories(path, options)
    documents, skipped = load_corpus(path)
    systems: dict[str, SummaryOptions | None] = {
        "lead": None,
        "default": options.summary,
        **{name: replace(options.summary, algorithm=name, strategy="ranked") for name in ALGORITHMS},
    }
    per_doc: dict[str, list[Scores]] = {name: [] for name in systems}
    for document in documents:
        references = [rouge_tokens(r) for r in document.references]
        budget = round(_mean([len(r) for r in references]))
        for name, summary_options in systems.items():
            tokens = lead(document, budget) if summary_options is None else system(document, budget, summary_options)
            per_doc[name].append(Scores(mean_rouge_f(tokens, references, 1), mean_rouge_f(tokens, references, 2)))

    topics = [d.topic for d in documents]
    middle = topics[(len(topics) - 1) // 2]
    halves = {
        f"topics {topics[0]}-{middle}": [i for i, t in enumerate(topics) if t <= middle],
        f"topics {topics[0] if middle >= topics[-1] else middle + 1}-{topics[-1]}": [
            i for i, t in enumerate(topics) if t > middle
        ],
    }
    metrics: dict[str, object] = {
        "documents": len(documents),
        "skipped": len(skipped),
        "algorithm": options.summary.algorithm,
        "strategy": options.summary.strategy,
    }
    lines = [f"EASC-style corpus {path}: {len(documents)} documents, {len(skipped)} skipped"]
    lines += [f"  skipped {p}: {reason}" for p, reason in skipped]
    lines.append(f"{'system':<10} {'part':<16} {'ROUGE-1 F':>9} {'ROUGE-2 F':>9}")
    parts = {"all": list(range(len(documents))), **halves}
    for name in systems:
        for part, indices in parts.items():
            r1 = round(_mean([per_doc[name][i].rouge1 for i in indices]), 4)
            r2 = round(_mean([per_doc[name][i].rouge2 for i in indices]), 4)
            lines.append(f"{name:<10} {part:<16} {r1:>9.4f} {r2:>9.4f}")
            suffix = "" if part == "all" else ("_half1" if part == next(iter(halves)) else "_half2")
            metrics[f"{name}_rouge1_f{suffix}"] = r1
            metrics[f"{name}_rouge2_f{suffix}"] = r2
    chosen = "default"
    for suffix in ("", "_half1", "_half2"):
        metrics[f"rouge1_f{suffix}"] = metrics[f"{chosen}_rouge1_f{suffix}"]
        metrics[f"rouge2_f{suffix}"] = metrics[f"{chosen}_rouge2_f{suffix}"]
    metrics["halves"] = list(halves)
    return Report(metrics=metrics, lines=tuple(lines))


# --- stories of several reports (the stance claims) ------------------------------------------------------

FACT_KINDS = ("person", "organization", "place", "figure")  # what a desk checks: names, places, figures


def _checkable(facts: frozenset[str]) -> set[str]:
    return {f for f in facts if f.split(":", 1)[0] in FACT_KINDS}


@dataclass(frozen=True)
class StoryFigures:
    corroborated: float  # share of the summary's facts that two or more of the story's articles report
    reach: float  # share of the story's articles with a fact in the summary
    sentences: int


def story_figures(analyses: Sequence[Analysis], options: SummaryOptions) -> StoryFigures | None:
    """`StoryFigures` of the summary of one story (None when its summary holds no checkable fact)."""
    ranked = summarize.ranked_candidates(analyses, options)
    chosen = summarize.chosen_candidates(analyses, ranked, options)
    in_summary = set().union(*(_checkable(c.facts) for c in chosen)) if chosen else set()
    if not in_summary:
        return None
    facts_of = {a.article.id: set().union(*map(_checkable, summarize.sentence_facts(a).values())) for a in analyses}
    reported = Counter(f for facts in facts_of.values() for f in facts)
    return StoryFigures(
        corroborated=sum(reported[f] >= 2 for f in in_summary) / len(in_summary),
        reach=sum(bool(facts & in_summary) for facts in facts_of.values()) / len(analyses),
        sentences=len(chosen),
    )


def evaluate_stories(path: Path, options: Options) -> Report:
    """Each claim's related pages as one story (cleaned as ingest cleans them): per story, the share of its
    summary's facts (names, places, figures) that at least two of its articles report, and the share of its
    articles whose facts reach the summary; averaged over stories of two or more articles, per half of the
    claims (sorted by id, alternating, as `digest eval cluster` splits them), for the default and for LexRank
    ranking sentences on its own."""
    from digest import analyze
    from digest.evaluation.cluster import prepared
    from digest.evaluation.stance import load_claims

    every = load_claims(path)
    claims = [c for c in every if len(c.articles) >= 2]
    if not claims:
        raise InputError(f"no claim in {path} has two related articles")
    half_of = {claim_id: k % 2 for k, claim_id in enumerate(sorted(c.id for c in every if c.articles))}
    systems = {"default": options.summary, "lexrank": replace(options.summary, algorithm="lexrank", strategy="ranked")}
    figures: dict[str, list[tuple[int, StoryFigures]]] = {name: [] for name in systems}
    for claim in claims:
        analyses = [analyze.analyze(prepared(item.article, options)[0], options) for item in claim.articles]
        for name, summary_options in systems.items():
            found = story_figures(analyses, summary_options)
            if found is not None:
                figures[name].append((half_of[claim.id], found))
    metrics: dict[str, object] = {"stories": len(claims)}
    lines = [f"stance stories {path}: {len(claims)} claims with 2+ related articles"]
    lines.append(f"{'system':<10} {'part':<6} {'stories':>7} {'corroborated':>12} {'reach':>6} {'sentences':>9}")
    for name in systems:
        for part, chosen in (("all", (0, 1)), ("half1", (0,)), ("half2", (1,))):
            rows = [f for half, f in figures[name] if half in chosen]
            corroborated = round(_mean([f.corroborated for f in rows]), 4)
            reach = round(_mean([f.reach for f in rows]), 4)
            sentences = round(_mean([f.sentences for f in rows]), 2)
            lines.append(f"{name:<10} {part:<6} {len(rows):>7} {corroborated:>12.4f} {reach:>6.4f} {sentences:>9.2f}")
            suffix = "" if part == "all" else f"_{part}"
            metrics[f"{name}_corroborated{suffix}"] = corroborated
            metrics[f"{name}_reach{suffix}"] = reach
            metrics[f"{name}_stories{suffix}"] = len(rows)
    return Report(metrics=metrics, lines=tuple(lines))
