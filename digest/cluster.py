"""Stage 3, cluster: analysed articles into stories.

Entry point: `cluster(analyses, options) -> list[list[int]]` (indices into `analyses`, each story in input
order, stories ordered by their first article). Deterministic, and close to linear in the number of
articles: candidate pairs come from an inverted index of each article's most distinctive terms, never
from all pairs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from digest.model import Analysis
from digest.options import ClusterOptions

_TOP_TERMS = 30  # distinctive terms per article used for blocking
_MAX_POSTING = 200  # terms shared by more articles than this are too common to block on


def _tfidf(analyses: Sequence[Analysis]) -> list[dict[str, float]]:
    df: Counter[str] = Counter()
    counts = [Counter(a.terms) for a in analyses]
    for c in counts:
        df.update(c.keys())
    n = len(analyses)
    vectors = []
    for c in counts:
        vec = {t: (1 + math.log(tf)) * math.log((n + 1) / (df[t] + 0.5)) for t, tf in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _within_days(a: Analysis, b: Analysis, days: int) -> bool:
    pa, pb = a.article.published, b.article.published
    if pa is None or pb is None:
        return True
    return abs((pa.date() - pb.date()).days) <= days


def cluster(analyses: Sequence[Analysis], options: ClusterOptions) -> list[list[int]]:
    """Group articles about the same story; every article ends up in exactly one story."""
    vectors = _tfidf(analyses)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, vec in enumerate(vectors):
        for term, _ in sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:_TOP_TERMS]:
            postings[term].append(i)
    parent = list(range(len(analyses)))
    for i, vec in enumerate(vectors):
        shared: Counter[int] = Counter()
        for term, _ in sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:_TOP_TERMS]:
            posting = postings[term]
            if len(posting) <= _MAX_POSTING:
                shared.update(j for j in posting if j > i)
        for j, n_shared in sorted(shared.items()):
            if n_shared < options.min_shared_terms:
                continue
            if not _within_days(analyses[i], analyses[j], options.max_days):
                continue
            other = vectors[j]
            cosine = sum(v * other.get(t, 0.0) for t, v in vec.items())
            if cosine >= options.threshold:
                parent[_find(parent, j)] = _find(parent, i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(analyses)):
        groups[_find(parent, i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])
