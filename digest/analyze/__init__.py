"""Stage 2, analyze: per-article work, pure and independent of every other article.

Entry point: `analyze_packed(articles, options)`; `analyze(article, options) -> Analysis` for one article:
sentences with normalised tokens, the article's content terms (for clustering), entity mentions and dates
(`mentions`, with the cue words of `cues`), and claims (`claims`). Because each call needs only its article,
the articles are spread over processes (`digest.runtime.parallel.map_spans`).

A large day does not keep every analysis whole in memory: `analyze_packed` gives each article's analysis
twice, as a `lite` one for clustering and as a compressed `blob` of the whole (`packing`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from digest.analyze import claims, mentions
from digest.analyze.packing import Packed, Spill, attach, compressed, detach, lite
from digest.document import Analysis, Article, Sentence, Skipped
from digest.lang import arabic
from digest.options import Options
from digest.runtime.parallel import map_spans, span_size, worker_count

T = TypeVar("T")
U = TypeVar("U")

_DEFAULTS = Options()


def sentences_of(article: Article) -> tuple[Sentence, ...]:
    """The article's sentences, numbered in reading order, with their content tokens."""
    return tuple(
        Sentence(article.id, i, text, tuple(arabic.content_tokens(text, article.language)))
        for i, text in enumerate(arabic.split_sentences(article.text))
    )


def analyze(article: Article, options: Options = _DEFAULTS) -> Analysis:
    """Everything the later stages need to know about one article (`options.extract.ner_backend` picks the
    name finder; `options.conflicts` bounds the claims)."""
    sentences = sentences_of(article)
    terms = tuple(t for s in sentences for t in s.tokens)
    found = mentions.find_mentions(article, sentences, options.extract.ner_backend)
    dates = mentions.find_dates(article, sentences)
    stated = claims.find_claims(article, sentences, found, dates, options.conflicts)
    return Analysis(article, sentences, terms, found, dates, stated)


def _map(
    work: Callable[[Article], T],
    articles: Sequence[Article],
    workers: int,
    receive: Callable[[Article, T], U],
) -> list[U]:
    """`receive(article, work(article))` over the articles, in order; `work` in `workers` forked processes when
    there are enough articles, `receive` here as each span of results arrives (so a span's raw results are
    freed before the next one comes). Only the results travel back."""

    def span(start: int, end: int) -> list[T]:
        return [work(a) for a in articles[start:end]]

    size = span_size(len(articles), workers, per_worker=16, low=8, high=256)
    received: list[U] = []
    start = 0
    for results in map_spans(span, len(articles), workers, min_items=200, span_size=size):
        received.extend(receive(articles[start + k], value) for k, value in enumerate(results))
        start += len(results)
    return received


def analyze_all(articles: Sequence[Article], options: Options = _DEFAULTS) -> list[Analysis]:
    """`analyze` over many articles, in order, in `options.workers` processes when there are enough articles."""

    def analyzed(article: Article) -> tuple[Any, ...]:
        return detach(analyze(article, options))

    return _map(analyzed, articles, worker_count(options.workers), attach)


def analyze_packed(
    articles: Sequence[Article], options: Options = _DEFAULTS, failed: list[Skipped] | None = None
) -> list[Packed]:
    """`analyze` over many articles, each analysis packed (`Packed`), in order, in `options.workers` processes
    when there are enough articles. With `failed`, an article whose analysis raises is left out and listed
    there with the error (a defect one page meets does not cost the day); without it, the error propagates.

    The lite analyses share their words: a worker's results hold each distinct token and name once per span
    of articles, and the day's lite analyses once in all (at 2,000 articles, 3 KB of strings an article
    instead of 21 KB). The compressed whole analyses (about 10 KB an article) go to a `Spill` file as they
    arrive, and stay in memory only when no temporary file can be made."""
    words: dict[str, str] = {}
    try:
        spill: Spill | None = Spill()
    except OSError:
        spill = None

    def packed(article: Article) -> tuple[bytes, tuple[Any, ...]] | str:
        try:
            analysis = analyze(article, options)
        except Exception as exc:  # any defect: the article is reported with the error, the day goes on
            if failed is None:
                raise
            return f"analysis failed ({type(exc).__name__}: {exc})"
        return compressed(analysis), detach(lite(analysis))

    def receive(article: Article, result: tuple[bytes, tuple[Any, ...]] | str) -> Packed | None:
        if isinstance(result, str):
            assert failed is not None
            failed.append(Skipped(article.source or article.id, result))
            return None
        blob, values = result
        return Packed(_sharing_words(attach(article, values), words), spill.add(blob) if spill else blob)

    result = _map(packed, articles, worker_count(options.workers), receive)
    if spill:
        spill.seal()
    return [p for p in result if p is not None]


def _sharing_words(analysis: Analysis, words: dict[str, str]) -> Analysis:
    """`analysis` with its tokens and mention texts swapped in place for the equal strings of `words` (added
    when new). The values do not change, only which string objects hold them, so the frozen objects are
    updated rather than rebuilt, which would cost three times as much (0.8 ms an article)."""
    one, put = words.setdefault, object.__setattr__
    for sentence in analysis.sentences:
        put(sentence, "tokens", tuple(map(one, sentence.tokens, sentence.tokens)))
    for mention in analysis.mentions:
        put(mention, "text", one(mention.text, mention.text))
    return analysis
