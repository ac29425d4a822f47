"""Analyses kept small for a large day: a lite form for clustering, the whole compressed, spilled to a file.

`Packed` holds one article's analysis twice: `lite` (tokens, mentions and dates; no sentence text and no
claims) and a compressed `blob` of the whole, unpacked story by story when it is synthesised. The blobs go to
a `Spill` (an unnamed temporary file read back by position) as they arrive.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import zlib
from dataclasses import fields, replace
from typing import Any, NamedTuple

from digest.document import Analysis, Article, Sentence


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
    return Packed(lite(analysis), compressed(analysis))


def compressed(analysis: Analysis) -> bytes:
    return zlib.compress(pickle.dumps(detach(analysis), protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes, article: Article) -> Analysis:
    """The whole analysis of `article` that a `Packed.blob` holds."""
    return attach(article, pickle.loads(zlib.decompress(blob)))


_DETACHED = tuple(f.name for f in fields(Analysis) if f.name != "article")


def detach(analysis: Analysis) -> tuple[Any, ...]:
    # A worker sends back everything but the article: the parent has it already, and its text is the
    # largest part of the pickle. Tokens are interned first, so that a chunk's pickle (and the parent's
    # memory) holds each distinct word once rather than once per occurrence.
    sentences = tuple(replace(s, tokens=tuple(map(sys.intern, s.tokens))) for s in analysis.sentences)
    interned = replace(analysis, sentences=sentences, terms=tuple(map(sys.intern, analysis.terms)))
    return tuple(getattr(interned, name) for name in _DETACHED)


def attach(article: Article, values: tuple[Any, ...]) -> Analysis:
    return Analysis(article, **dict(zip(_DETACHED, values, strict=True)))
