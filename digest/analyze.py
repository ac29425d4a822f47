"""Stage 2, analyze: per-article work, pure and independent of every other article.

Entry point: `analyze(article) -> Analysis`: sentences with normalised tokens, the article's content
terms (for clustering), entity mentions and dates (`extract`), and claims (`conflicts`).
Because each call needs only its article, `analyze_all` can spread articles over processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from digest import arabic, conflicts, extract
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


def analyze_all(articles: Sequence[Article], workers: int = 1) -> list[Analysis]:
    """`analyze` over many articles, in order; in `workers` processes when there are enough articles."""
    if workers <= 1 or len(articles) < 200:
        return [analyze(a) for a in articles]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(analyze, articles, chunksize=64))
