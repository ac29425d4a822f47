"""Synthesis, part 1: the story's Arabic summary and headline.

Entry point: `summarize(analyses, options) -> Summary`. Sentences from every article of the story are
pooled, near-identical ones merged (and credited to every article that carries them), ranked by a sumy
summarizer (LexRank by default) fed with our own tokenizer and stop words, and cut to the length budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from digest import arabic
from digest.errors import ConfigError
from digest.model import Analysis, Sentence, SummarySentence
from digest.options import SummaryOptions

SUMMARIZERS: dict[str, Any] = {
    "lexrank": LexRankSummarizer,
    "textrank": TextRankSummarizer,
    "lsa": LsaSummarizer,
}


class SumyTokenizer:
    """The tokenizer interface sumy expects, over our Arabic-aware splitter and normaliser."""

    language = "arabic"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(arabic.split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(arabic.strip_article(arabic.normalize(w)) for w in arabic.words(sentence))


@dataclass(frozen=True)
class Summary:
    headline: str
    sentences: tuple[SummarySentence, ...]


@dataclass
class _Pooled:
    sentence: Sentence
    sources: list[str]
    tokens: frozenset[str]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def pool_sentences(analyses: Sequence[Analysis], merge_threshold: float = 0.7) -> list[_Pooled]:
    """Candidate sentences of the story, near-duplicates across articles merged and credited to each."""
    pooled: list[_Pooled] = []
    for analysis in analyses:
        for sentence in analysis.sentences:
            n_words = len(arabic.words(sentence.text))
            if n_words < 6 or n_words > 90:
                continue
            tokens = frozenset(sentence.tokens)
            twin = next((p for p in pooled if _jaccard(p.tokens, tokens) >= merge_threshold), None)
            if twin is None:
                pooled.append(_Pooled(sentence, [sentence.article_id], tokens))
            elif sentence.article_id not in twin.sources:
                twin.sources.append(sentence.article_id)
    return pooled


def rank(texts: Sequence[str], algorithm: str) -> list[float]:
    """A sumy score per text, in the order given (higher is more central)."""
    try:
        summarizer_class = SUMMARIZERS[algorithm]
    except KeyError:
        raise ConfigError(f"unknown summarizer {algorithm!r}; choose one of {', '.join(SUMMARIZERS)}") from None
    tokenizer = SumyTokenizer()
    sumy_sentences = [SumySentence(t, tokenizer) for t in texts]
    summarizer = summarizer_class()
    summarizer.stop_words = arabic.stop_words("ar")
    rated: list[Any] = []

    def keep_all(infos: Any) -> Any:
        # sumy hands the sentence count a list of (sentence, order, rating), best first: record it.
        rated.extend(infos)
        return rated

    summarizer(ObjectDocumentModel([Paragraph(sumy_sentences)]), keep_all)
    scores = [0.0] * len(texts)
    for info in rated:
        scores[info.order] = float(info.rating)
    return scores


def summarize(analyses: Sequence[Analysis], options: SummaryOptions) -> Summary:
    """The story's summary sentences (with sources) and its Arabic headline."""
    pooled = pool_sentences(analyses)
    scores = rank([p.sentence.text for p in pooled], options.algorithm) if pooled else []
    order = sorted(range(len(pooled)), key=lambda i: (-scores[i] - 0.05 * len(pooled[i].sources), i))
    chosen: list[_Pooled] = []
    words = 0
    for i in order:
        n = len(arabic.words(pooled[i].sentence.text))
        if len(chosen) >= options.sentences or (chosen and words + n > options.max_words):
            continue
        chosen.append(pooled[i])
        words += n
    chosen.sort(key=lambda p: (p.sentence.index, p.sentence.article_id))
    sentences = tuple(SummarySentence(p.sentence.text, tuple(p.sources)) for p in chosen)
    return Summary(headline=headline(analyses), sentences=sentences)


def headline(analyses: Sequence[Analysis]) -> str:
    """The title of the story's most recent titled article (else the first sentence)."""
    titled = [a.article for a in analyses if a.article.title]
    if titled:
        newest = max(titled, key=lambda a: (a.published.isoformat() if a.published else "", a.id))
        return newest.title or ""
    for a in analyses:
        if a.sentences:
            return a.sentences[0].text
    return ""
