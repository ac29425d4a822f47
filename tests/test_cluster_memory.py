"""The cluster stage's passes in spans and blocks (which bound its memory) give exactly what one pass over
everything gives, and what a plain count gives."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest
from scipy import sparse

from digest import cluster as stage
from digest.options import ClusterOptions

from .test_cluster import _synthetic_day


def _stream(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A stream of 40 articles (some empty) from 5 outlets: each article has its own words, a menu of its
    outlet's, and a phrase that recurs across outlets."""
    rng = np.random.default_rng(seed)
    parts, outlets = [], []
    for k in range(40):
        outlet = int(rng.integers(-1, 5))  # -1: no outlet known
        own = rng.integers(100, 400, int(rng.integers(0, 30)))
        menu = np.arange(10, 16) + 10 * max(outlet, 0) if rng.random() < 0.5 else np.zeros(0, dtype=np.int64)
        phrase = np.array([1, 2, 3, 4, 5]) if rng.random() < 0.3 else np.zeros(0, dtype=np.int64)
        pieces = [own[: len(own) // 2], menu, phrase, own[len(own) // 2 :]]
        parts.append(np.concatenate(pieces).astype(np.int32) if k % 9 else np.zeros(0, dtype=np.int32))
        outlets.append(outlet)
    starts = np.concatenate([[0], np.cumsum([len(p) for p in parts])])
    return np.concatenate(parts).astype(np.int32), starts, np.array(outlets, dtype=np.int64)


def _furniture_by_hand(ids: np.ndarray, starts: np.ndarray, outlets: np.ndarray, options: ClusterOptions) -> list[bool]:
    size = options.boilerplate_shingle
    holders: dict[tuple[int, ...], set[int]] = defaultdict(set)
    for a in range(len(starts) - 1):
        for p in range(int(starts[a]), int(starts[a + 1]) - size + 1):
            holders[tuple(ids[p : p + size].tolist())].add(a)
    furniture = {
        shingle
        for shingle, articles in holders.items()
        if len(articles) >= options.boilerplate_articles
        or any(n > 1 for o, n in Counter(int(outlets[a]) for a in articles).items() if o >= 0)
    }
    keep = [True] * len(ids)
    for a in range(len(starts) - 1):
        lo, hi = int(starts[a]), int(starts[a + 1])
        mine = [True] * (hi - lo)
        for p in range(lo, hi - size + 1):
            if tuple(ids[p : p + size].tolist()) in furniture:
                mine[p - lo : p - lo + size] = [False] * size
        if sum(mine) < options.min_kept_tokens:
            mine = [True] * (hi - lo)
        keep[lo:hi] = mine
    return keep


@pytest.mark.parametrize("span", [1, 3, 7, 1 << 20])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_page_furniture_is_found_in_spans_as_by_hand(monkeypatch: pytest.MonkeyPatch, span: int, seed: int) -> None:
    ids, starts, outlets = _stream(seed)
    options = replace(ClusterOptions(), boilerplate_articles=6, min_kept_tokens=3)
    expected = _furniture_by_hand(ids, starts, outlets, options)
    assert not all(expected)  # the stream has furniture to find
    monkeypatch.setattr(stage, "_SPAN", span)
    assert stage._furniture_free(ids, starts, outlets, options).tolist() == expected


@pytest.mark.parametrize("span", [1, 4, 1 << 20])
@pytest.mark.parametrize("min_df", [1, 2, 3])
def test_pair_counts_in_spans_are_the_counts_of_pairs(monkeypatch: pytest.MonkeyPatch, span: int, min_df: int) -> None:
    ids, starts, _ = _stream(3)
    monkeypatch.setattr(stage, "_SPAN", span)
    counts = stage._pair_counts((ids, starts), len(starts) - 1, min_df)
    articles = [ids[lo:hi].tolist() for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True)]
    bags = [Counter(pairwise(words)) for words in articles]
    df = Counter(pair for bag in bags for pair in bag)
    frequent = sorted(pair for pair, n in df.items() if n >= min_df)
    expected = np.array([[bag.get(pair, 0) for pair in frequent] for bag in bags], dtype=np.float64)
    assert counts.has_canonical_format
    assert np.array_equal(counts.toarray(), expected)


@pytest.mark.parametrize("chunk", [1, 40, 300, 10**9])
def test_top_terms_in_blocks_of_sorted_rows_are_the_top_terms_of_the_whole(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """`_vectors` keeps each article's heaviest features block by block; the result must be exactly that of
    the whole matrix, ties and tiny values included (and the norms' sums to the last bit)."""
    monkeypatch.setattr(stage, "_CHUNK", chunk)
    rng = np.random.default_rng(chunk % 97)
    groups = []
    for width in (300, 50, 20):
        group = sparse.random(120, width, density=0.2, format="csr", random_state=rng, dtype=np.float64)
        group.data = np.round(group.data, 2) * 10.0 ** rng.integers(-12, 1, group.nnz)  # ties, tiny values
        groups.append(group)
    whole = stage._top_terms(sparse.hstack(groups, format="csr", dtype=np.float32), 25)
    joined = stage._stacked_top_terms(groups, 25)
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(joined, name), getattr(whole, name))


def test_small_spans_and_blocks_give_the_same_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    day = _synthetic_day(36, seed=5)
    options = ClusterOptions()
    expected = stage.cluster(day, options)
    monkeypatch.setattr(stage, "_SPAN", 11)
    assert stage.cluster(day, options) == expected


@pytest.mark.parametrize("chunk", [1, 40, 300, 10**9])
@pytest.mark.parametrize("piece", [1, 7, 120])
def test_top_terms_of_pieces_as_they_come_are_the_top_terms_of_the_whole(
    monkeypatch: pytest.MonkeyPatch, chunk: int, piece: int
) -> None:
    """The smoothed vectors are summed a few rows at a time and kept as they come; the result must be exactly
    that of the whole block."""
    monkeypatch.setattr(stage, "_CHUNK", chunk)
    rng = np.random.default_rng(chunk % 89 + piece)
    whole = sparse.random(120, 400, density=0.15, format="csr", random_state=rng, dtype=np.float32)
    whole.data = (np.round(whole.data, 2) * 10.0 ** rng.integers(-12, 1, whole.nnz)).astype(np.float32)
    pieces = (whole[at : at + piece] for at in range(0, 120, piece))
    joined = stage._streamed_top_terms(pieces, 25)
    expected = stage._top_terms(whole, 25)
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(joined, name), getattr(expected, name))
