"""Stage 2, analyze: per-article work, pure and independent of every other article.

Entry point: `analyze(article) -> Analysis`: sentences with normalised tokens, the article's content
terms (for clustering), entity mentions and dates (`extract`), and claims (`conflicts`).
Because each call needs only its article, `analyze_all` can spread articles over processes.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace
from typing import Any

from digest import arabic, conflicts, extract
from digest.forking import can_fork, forked_pool
from digest.model import Analysis, Article, Sentence


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


_DETACHED = tuple(f.name for f in fields(Analysis) if f.name != "article")
_forked_articles: Sequence[Article] = ()  # what forked workers read, instead of receiving pickled articles


def _detach(analysis: Analysis) -> tuple[Any, ...]:
    # A worker sends back everything but the article: the parent has it already, and its text is the
    # largest part of the pickle. Tokens are interned first, so that a chunk's pickle (and the parent's
    # memory) holds each distinct word once rather than once per occurrence.
    sentences = tuple(replace(s, tokens=tuple(map(sys.intern, s.tokens))) for s in analysis.sentences)
    interned = replace(analysis, sentences=sentences, terms=tuple(map(sys.intern, analysis.terms)))
    return tuple(getattr(interned, name) for name in _DETACHED)


def _attach(article: Article, values: tuple[Any, ...]) -> Analysis:
    return Analysis(article, **dict(zip(_DETACHED, values, strict=True)))


def _analyze_span(span: tuple[int, int]) -> list[tuple[Any, ...]]:
    start, end = span
    return [_detach(analyze(a)) for a in _forked_articles[start:end]]


def _analyze_chunk(chunk: Sequence[Article]) -> list[tuple[Any, ...]]:
    return [_detach(analyze(a)) for a in chunk]


def analyze_all(articles: Sequence[Article], workers: int = 1) -> list[Analysis]:
    """`analyze` over many articles, in order; in `workers` processes when there are enough articles.

    Workers are forked where the platform allows, so they read the articles from the parent's memory;
    elsewhere the articles are sent in chunks. Either way only the analysis comes back, not the article.
    """
    global _forked_articles
    if workers <= 1 or len(articles) < 200:
        return [analyze(a) for a in articles]
    size = max(8, min(256, len(articles) // (workers * 16)))
    spans = [(start, min(start + size, len(articles))) for start in range(0, len(articles), size)]
    if can_fork():
        _forked_articles = articles
        try:
            with forked_pool(workers) as pool:
                results = list(pool.map(_analyze_span, spans))
        finally:
            _forked_articles = ()
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_analyze_chunk, [articles[start:end] for start, end in spans]))
    detached = [values for chunk in results for values in chunk]
    return [_attach(article, values) for article, values in zip(articles, detached, strict=True)]
