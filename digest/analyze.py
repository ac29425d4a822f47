"""Stage 2, analyze: per-article work, pure and independent of every other article.

Entry point: `analyze(article) -> Analysis`: sentences with normalised tokens, the article's content
terms (for clustering), entity mentions and dates (`extract`), and claims (`conflicts`).
Because each call needs only its article, `analyze_all` can spread articles over processes.

A large day does not keep every analysis whole in memory: `analyze_packed` gives each article's analysis
twice, as a `lite` one for clustering (tokens, mentions and dates; no sentence text and no claims) and as a
compressed `blob` of the whole, unpacked story by story when it is synthesised.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace
from typing import Any, NamedTuple, TypeVar

from digest import arabic, conflicts, extract
from digest.forking import can_fork, forked_pool
from digest.model import Analysis, Article, Sentence

T = TypeVar("T")
U = TypeVar("U")


def sentences_of(article: Article) -> tuple[Sentence, ...]:
    """The article's sentences, numbered in reading order, with their content tokens."""
    return tuple(
        Sentence(article.id, i, text, tuple(arabic.content_tokens(text, article.language)))
        for i, text in enumerate(arabic.split_sentences(article.text))
    )


def analyze(article: Article) -> Analysis:
    """Everything the later stages need to know about one article."""
    sentences = sentences_of(article)
    terms = tuple(t for s in sentences for t in s.tokens)
    mentions = extract.find_mentions(article, sentences)
    dates = extract.find_dates(article, sentences)
    claims = conflicts.find_claims(article, sentences, mentions, dates)
    return Analysis(article, sentences, terms, mentions, dates, claims)


class Spill:
    """Bytes kept in an unnamed temporary file rather than in memory, and read back by position: in this
    process, or in forked workers (`os.pread` on the inherited descriptor moves no shared file offset).
    `seal` before forking, so that no child inherits unwritten bytes."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the spill: its bytes are read later)
        self._end = 0

    def add(self, data: bytes) -> Spilled:
        self._file.write(data)
        start, self._end = self._end, self._end + len(data)
        return Spilled(self, start, len(data))

    def seal(self) -> None:
        self._file.flush()

    def read(self, start: int, length: int) -> bytes:
        return os.pread(self._file.fileno(), length, start)


class Spilled(NamedTuple):
    """Bytes held by a `Spill`: `bytes(spilled)` reads them."""

    spill: Spill
    start: int
    length: int

    def __bytes__(self) -> bytes:
        return self.spill.read(self.start, self.length)


class Packed(NamedTuple):
    """One article's analysis in two forms."""

    lite: Analysis
    """What clustering and the day's furniture read: the article, each sentence's tokens (its text left
    empty), mentions and dates; no terms, no claims. Never summarise it."""
    blob: bytes | Spilled
    """The whole `Analysis` but its article (`lite` holds that), pickled and compressed (`unpack`), in memory
    or in a `Spill` (`bytes(blob)`)."""

    def whole(self) -> Analysis:
        return unpack(bytes(self.blob), self.lite.article)


def lite(analysis: Analysis) -> Analysis:
    """`analysis` without what only per-story work reads (see `Packed.lite`)."""
    sentences = tuple(Sentence(s.article_id, s.index, "", s.tokens) for s in analysis.sentences)
    return replace(analysis, sentences=sentences, terms=(), claims=())


def pack(analysis: Analysis) -> Packed:
    return Packed(lite(analysis), _compressed(analysis))


def _compressed(analysis: Analysis) -> bytes:
    return zlib.compress(pickle.dumps(_detach(analysis), protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes, article: Article) -> Analysis:
    """The whole analysis of `article` that a `Packed.blob` holds."""
    return _attach(article, pickle.loads(zlib.decompress(blob)))


_DETACHED = tuple(f.name for f in fields(Analysis) if f.name != "article")


def _detach(analysis: Analysis) -> tuple[Any, ...]:
    # A worker sends back everything but the article: the parent has it already, and its text is the
    # largest part of the pickle. Tokens are interned first, so that a chunk's pickle (and the parent's
    # memory) holds each distinct word once rather than once per occurrence.
    sentences = tuple(replace(s, tokens=tuple(map(sys.intern, s.tokens))) for s in analysis.sentences)
    interned = replace(analysis, sentences=sentences, terms=tuple(map(sys.intern, analysis.terms)))
    return tuple(getattr(interned, name) for name in _DETACHED)


def _attach(article: Article, values: tuple[Any, ...]) -> Analysis:
    return Analysis(article, **dict(zip(_DETACHED, values, strict=True)))


def _analyzed(article: Article) -> tuple[Any, ...]:
    return _detach(analyze(article))


def _packed(article: Article) -> tuple[bytes, tuple[Any, ...]]:
    analysis = analyze(article)
    return _compressed(analysis), _detach(lite(analysis))


_forked: tuple[Sequence[Article], Callable[[Article], Any]] = ((), _analyzed)  # what forked workers read


def _span(span: tuple[int, int]) -> list[Any]:
    articles, work = _forked
    return [work(a) for a in articles[span[0] : span[1]]]


def _chunk(work: Callable[[Article], T], chunk: Sequence[Article]) -> list[T]:
    return [work(a) for a in chunk]


def _map(
    work: Callable[[Article], T], articles: Sequence[Article], workers: int, receive: Callable[[Article, T], U]
) -> list[U]:
    """`receive(article, work(article))` over the articles, in order; `work` in `workers` processes when there
    are enough articles, `receive` here as each chunk of results arrives (so a chunk's raw results are freed
    before the next one comes).

    Workers are forked where the platform allows, so they read the articles from the parent's memory;
    elsewhere the articles are sent in chunks. Either way only the results come back.
    """
    global _forked
    if workers <= 1 or len(articles) < 200:
        return [receive(a, work(a)) for a in articles]
    size = max(8, min(256, len(articles) // (workers * 16)))
    spans = [(start, min(start + size, len(articles))) for start in range(0, len(articles), size)]
    if can_fork():
        _forked = (articles, work)
        try:
            with forked_pool(workers) as pool:
                return _received(articles, spans, pool.map(_span, spans), receive)
        finally:
            _forked = ((), _analyzed)
    with ProcessPoolExecutor(workers) as pool:
        chunks = [articles[start:end] for start, end in spans]
        return _received(articles, spans, pool.map(_chunk, [work] * len(chunks), chunks), receive)


def _received(
    articles: Sequence[Article],
    spans: Sequence[tuple[int, int]],
    results: Iterable[list[T]],
    receive: Callable[[Article, T], U],
) -> list[U]:
    return [
        receive(articles[start + k], value)
        for (start, _), chunk in zip(spans, results, strict=True)
        for k, value in enumerate(chunk)
    ]


def analyze_all(articles: Sequence[Article], workers: int = 1) -> list[Analysis]:
    """`analyze` over many articles, in order, in `workers` processes when there are enough articles."""
    return _map(_analyzed, articles, workers, _attach)


def analyze_packed(articles: Sequence[Article], workers: int = 1) -> list[Packed]:
    """`analyze` over many articles, each analysis packed (`Packed`), in order.

    The lite analyses share their words: a worker's results hold each distinct token and name once per chunk
    of articles, and the day's lite analyses once in all (at 2,000 articles, 3 KB of strings an article
    instead of 21 KB). The compressed whole analyses (about 10 KB an article) go to a `Spill` file as they
    arrive, and stay in memory only when no temporary file can be made."""
    words: dict[str, str] = {}
    try:
        spill: Spill | None = Spill()
    except OSError:
        spill = None

    def receive(article: Article, result: tuple[bytes, tuple[Any, ...]]) -> Packed:
        blob, values = result
        return Packed(_sharing_words(_attach(article, values), words), spill.add(blob) if spill else blob)

    packed = _map(_packed, articles, workers, receive)
    if spill:
        spill.seal()
    return packed


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
