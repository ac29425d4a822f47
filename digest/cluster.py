"""Stage 3, cluster: analysed articles into stories.

Entry point: `cluster(analyses, options) -> list[list[int]]` (indices into `analyses`, each story in input
order, stories ordered by their first article).

1. Canonical order: articles are sorted by id (then text), so that the partition does not depend on the
   order of the input.
2. Boilerplate: word shingles that recur in two articles of the same outlet (menus, sidebars, related
   headlines of a scraped page) or in very many articles are dropped from the evidence; an article that
   would lose almost everything keeps its text.
3. Features, each group TF-IDF weighted (sublinear tf; IDF as if the day held `background_articles` more
   articles, so that a small day on one story keeps its own words) and unit-normalised, then weighted and
   summed into one sparse vector per article: content words after Arabic normalisation (`digest.lang.arabic`),
   the title and lead counted once more; character n-grams of each article's heaviest rarer words
   (spelling variants: بلينكن / بلينكين); adjacent pairs of content words found in at least `pair_min_df`
   articles (copies and rewrites of one report share its phrases, "بصمات إيرانية", where other stories on the
   same subject share single words); names (gazetteer keys and entity mentions from analysis; capitalised
   words of Latin-script articles); numbers. Only the `vector_terms` heaviest features of an article are
   kept, which also drops the long tail of page noise.
4. Candidates (blocking): articles sharing one of each other's `block_terms` heaviest features held by at
   most `max_posting` articles (an inverted index, as a sparse product in row blocks); the `candidates` best
   of each article get their exact cosine (each block of rows laid out densely, the other rows' entries
   looked up in it). A pair is never linked when both articles are dated and no day of one (its publication
   day, or a day it names within `event_days` of it: a preview names the event's day) is within `max_days`
   of one of the other's; an undated article is never blocked by time. Nor are two articles linked when the
   cosine of their rarer words (in at most `rare_share` of the articles) is below `rare_min`: sharing only
   common words and phrases (a template, the same wording with other names and places) is not being one
   story. Each article ranks its links; a link is kept if it is among the `neighbors` best of both articles
   (`mutual`, a mutual-kNN graph: a page that is close to everything, such as a round-up, does not tie
   stories together) or of either.
5. Across languages, articles are linked by the cosine of what needs no translation: gazetteer keys (one
   key for "بلينكن" and "Blinken") and numbers.
6. Smoothing: each vector gets its `smoothing_neighbors` nearest neighbours' vectors added (weighted by
   similarity, a sparse product), and the candidate links are scored again: a story's shared vocabulary
   gains weight over what one page says besides, so a noisy page still meets its story (and a
   foreign-language article inherits its neighbours' words).
7. Average-link agglomeration over that sparse graph (a missing link counts as 0): two groups merge only
   while the mean similarity over all their article pairs is at least `threshold` (or, with
   `linkage = "centroid"`, the cosine of their summed vectors), and never when their dated articles lie
   more than `max_days` apart. This is what keeps one strong link from chaining two stories together.
8. Leftovers: an article still alone joins the candidate group whose centroid is closest at
   `attach_threshold`; optionally (`passage_threshold`) a long one joins the group that one of its
   passages (windows of `passage_tokens` words) matches: a ticker carries the story in one paragraph.

Cost: linear in the number of articles (each article meets at most `candidates` others, each pass is a
few sorts and sparse products over arrays); the agglomeration is O(E log E) over at most `neighbors`
links per article. Memory: the passes over every token work in spans of `_SPAN` positions and the row-wise
selections in blocks of `_CHUNK` entries, so that the peak is a few bytes per token (an int32 id, a 64-bit
shingle key) above the vectors themselves; blocks give the same figures to the last bit as the whole.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import chain
from typing import NamedTuple

import numpy as np
from scipy import sparse

from digest.document import REPEATED_TITLE, Analysis
from digest.lang import arabic
from digest.lang.gazetteer import gazetteer
from digest.options import ClusterOptions

_SCALE = 1_000_000  # similarities become integers, so that sums do not depend on the order of merges
_NUMBER = re.compile(r"(?=\d)(?<![\d.,])\d{2,}(?:[.,]\d+)?(?![\d])")  # the lookahead first: faster
_CAPITALISED = re.compile(r"(?<![\w.])[A-Z\u00C0-\u00DE][a-z\u00DF-\u00FF]{2,}(?:[-'][A-Za-z\u00C0-\u00FF]+)?")
_CHUNK = 4_000_000  # array entries handled at once by the row-wise selections (bounds temporary memory)
_SPAN = 1 << 20  # stream positions handled at once by the passes over every token (bounds temporary memory)
_DENSE = 1 << 24  # float32 cells of the dense block used to look up similarities
_FAR = 10**8  # a padding "day" that is never close to any other


# ---------------------------------------------------------------------------------------------- array helpers


def _segment_sums(indptr: np.ndarray, values: np.ndarray, start: float = 0.0) -> np.ndarray:
    """The sum of each row's values (rows given by `indptr`; empty rows sum to 0), as differences of running
    totals from `start` (the running total of the rows before, when a matrix is handled in blocks: the
    same figures to the last bit as the whole)."""
    totals = np.cumsum(np.concatenate([[start], values]), dtype=np.float64)
    return totals[indptr[1:]] - totals[indptr[:-1]]


def _row_chunks(indptr: np.ndarray) -> list[tuple[int, int]]:
    """The ranges of rows that `_top_mask` sorts at once: whole rows, about `_CHUNK` entries."""
    n = len(indptr) - 1
    chunks = []
    first = 0
    while first < n:
        last = int(np.searchsorted(indptr, indptr[first] + _CHUNK, side="right")) - 1
        last = min(n, max(last, first + 1))
        chunks.append((first, last))
        first = last
    return chunks


def _top_mask(indptr: np.ndarray, values: np.ndarray, keep: int) -> np.ndarray:
    """Which entries are among their row's `keep` largest (values >= 0; ties: the earlier entry)."""
    lengths = np.diff(indptr)
    mask = np.ones(len(values), dtype=bool)
    if keep <= 0:
        return ~mask
    if len(lengths) == 0 or lengths.max() <= keep:
        return mask
    for first, last in _row_chunks(indptr):
        lo, hi = int(indptr[first]), int(indptr[last])
        if hi > lo:
            local = lengths[first:last]
            # key = row * 4 + (1 - value / scale), computed in place (few temporaries: a chunk is large)
            key = np.repeat(np.arange(last - first, dtype=np.float64) * 4.0, local)
            chunk = values[lo:hi].astype(np.float64)
            scale = float(chunk.max()) or 1.0
            chunk /= scale
            np.subtract(1.0, chunk, out=chunk)
            key += chunk
            del chunk
            order = np.argsort(key, kind="stable")
            del key
            rank = np.arange(hi - lo)
            rank -= np.repeat(indptr[first:last] - lo, local)
            kept = np.empty(hi - lo, dtype=bool)
            kept[order] = rank < keep
            del order, rank
            mask[lo:hi] = kept
    return mask


def _distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (numpy's own `unique` hashes, which is much slower on large arrays)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _top_mask_coarse(indptr: np.ndarray, values: np.ndarray, keep: int, levels: int = 256) -> np.ndarray:
    """Like `_top_mask` in linear time (no sort): values are bucketed into `levels` steps of their row's
    maximum, whole buckets are kept from the top while they fit, and the bucket that does not fit keeps
    its earliest entries. For candidate selection, where the order within a bucket does not matter."""
    lengths = np.diff(indptr)
    n = len(lengths)
    if keep <= 0:
        return np.zeros(len(values), dtype=bool)
    if n == 0 or lengths.max() <= keep:
        return np.ones(len(values), dtype=bool)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    filled = np.flatnonzero(lengths)
    peak = np.zeros(n)
    peak[filled] = np.maximum.reduceat(values, indptr[filled])
    scale = np.where(peak > 0, peak, 1.0)
    level = np.minimum((values / scale[rows] * levels).astype(np.int64), levels - 1)
    bucket = levels - 1 - level  # 0: the top bucket
    counts = np.bincount(rows * levels + bucket, minlength=n * levels).reshape(n, levels)
    above = np.cumsum(counts, axis=1) - counts  # entries in higher buckets
    cut = np.minimum((np.cumsum(counts, axis=1) < keep).sum(axis=1), levels - 1)
    room = keep - above[np.arange(n), cut]  # places left for the cut bucket
    mask = bucket < cut[rows]
    edge = np.flatnonzero(bucket == cut[rows])
    if len(edge):
        edge_rows = rows[edge]
        starts = np.flatnonzero(np.r_[True, edge_rows[1:] != edge_rows[:-1]])
        rank = np.arange(len(edge)) - np.repeat(starts, np.diff(np.r_[starts, len(edge)]))
        mask[edge] = rank < room[edge_rows]
    return mask


def _filtered(matrix: sparse.csr_matrix, mask: np.ndarray) -> sparse.csr_matrix:
    """The matrix with only the entries where `mask` holds."""
    counts = np.concatenate([[0], np.cumsum(mask)])
    return sparse.csr_matrix((matrix.data[mask], matrix.indices[mask], counts[matrix.indptr]), shape=matrix.shape)


def _unit_rows(matrix: sparse.csr_matrix, weight: float = 1.0, start: float = 0.0) -> sparse.csr_matrix:
    norms = np.sqrt(_segment_sums(matrix.indptr, matrix.data.astype(np.float64) ** 2, start))
    return (sparse.diags(weight / np.where(norms > 0, norms, 1.0)) @ matrix).tocsr()


def _unit_rows_carried(block: sparse.csr_matrix, running: float) -> tuple[sparse.csr_matrix, float]:
    """A block of a matrix's rows at unit length, its norms taken from the running total of squares of the rows
    before it (`running`): the same figures to the last bit as the whole; and the running total after it."""
    squares = block.data.astype(np.float64) ** 2
    return _unit_rows(block, start=running), float(np.cumsum(np.concatenate([[running], squares]))[-1])


def _top_terms(matrix: sparse.csr_matrix, keep: int, normalise: bool = True) -> sparse.csr_matrix:
    """Keep each row's `keep` largest entries (ties by column), renormalised to unit length."""
    matrix = matrix.tocsr()
    matrix.sum_duplicates()
    matrix.sort_indices()
    kept = _filtered(matrix, _top_mask(matrix.indptr, matrix.data, keep))
    return _unit_rows(kept) if normalise else kept


def _rank_in_groups(groups: np.ndarray, scores: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """Each item's rank within its group by descending score (ties by `ties`, then position); groups >= 0."""
    by_tie = np.argsort(ties, kind="stable")
    scale = float(scores.max()) if len(scores) else 1.0
    key = groups[by_tie].astype(np.float64) * 4.0 + (1.0 - scores[by_tie] / (scale or 1.0))
    order = by_tie[np.argsort(key, kind="stable")]
    sorted_groups = groups[order]
    first = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    starts = np.flatnonzero(first)
    rank_sorted = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = rank_sorted
    return rank


# ---------------------------------------------------------------------------------------------- features


def _canonical_order(analyses: Sequence[Analysis]) -> list[int]:
    def key(i: int) -> tuple[str, str]:
        article = analyses[i].article
        return article.id, hashlib.sha1(article.text.encode("utf-8")).hexdigest()

    return sorted(range(len(analyses)), key=key)


def _token_parts(analysis: Analysis) -> Sequence[Sequence[str]]:
    if analysis.sentences:
        return [s.tokens for s in analysis.sentences]
    return [analysis.terms]


def _ids(streams: Sequence[Sequence[Sequence[str]]], vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """All streams (each in parts) as one array of term ids (new terms join `vocabulary`, in the order of first
    sight: deterministic columns) and where each stream starts."""
    lengths = np.fromiter((sum(map(len, parts)) for parts in streams), np.int64, len(streams))
    flat = chain.from_iterable(chain.from_iterable(streams))
    for term in dict.fromkeys(flat):  # distinct terms only: C-level dictionary building does the bulk
        vocabulary.setdefault(term, len(vocabulary))
    flat = chain.from_iterable(chain.from_iterable(streams))
    ids = np.fromiter(map(vocabulary.__getitem__, flat), np.int32, int(lengths.sum()))
    return ids, np.concatenate([[0], np.cumsum(lengths)])


def _mixed(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of the result depends on every bit of `x` (uint64, wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _spans(total: int) -> list[tuple[int, int]]:
    """Consecutive ranges of at most `_SPAN` positions covering 0..total-1."""
    return [(lo, min(total, lo + _SPAN)) for lo in range(0, total, _SPAN)]


def _owners(starts: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """The row (article) of each position lo..hi-1 of a stream whose rows begin at `starts`."""
    first = int(np.searchsorted(starts, lo, side="right")) - 1
    last = int(np.searchsorted(starts, hi, side="left"))
    return np.repeat(np.arange(first, last, dtype=np.int64), np.diff(np.clip(starts[first : last + 1], lo, hi)))


def _row_counts(starts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """How many positions of each row of a stream (rows begin at `starts`) `mask` holds."""
    counts = np.zeros(len(starts) - 1, dtype=np.int64)
    filled = np.flatnonzero(np.diff(starts))
    if len(filled):
        counts[filled] = np.add.reduceat(mask, starts[filled], dtype=np.int64)
    return counts


def _compacted(ordered: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array, moved to its front in place (the returned view shares its memory)."""
    at = 0
    previous = None
    for lo, hi in _spans(len(ordered)):
        chunk = ordered[lo:hi]
        fresh = np.r_[True, chunk[1:] != chunk[:-1]]
        if previous is not None:
            fresh[0] = chunk[0] != previous
        previous = chunk[-1].copy()
        chosen = chunk[fresh]
        ordered[at : at + len(chosen)] = chosen
        at += len(chosen)
    return ordered[:at]


def _shingle_hashes(ids: np.ndarray, lo: int, hi: int, size: int, shift: int) -> np.ndarray:
    """The hashes of the shingles (`size` ids) that begin at positions lo..hi-1, mixed, shifted right by `shift`."""
    hashes = np.zeros(hi - lo, dtype=np.int64)
    for offset in range(size):  # int64 arithmetic wraps around, as a hash may
        hashes *= np.int64(1_000_003)
        hashes += ids[lo + offset : hi + offset]
    return _mixed(hashes.view(np.uint64)) >> np.uint64(shift)


def _furniture_free(ids: np.ndarray, starts: np.ndarray, outlets: np.ndarray, options: ClusterOptions) -> np.ndarray:
    """Which tokens to keep: not in a word shingle that recurs in two articles of the same outlet (menus,
    sidebars, related headlines of a scraped page) or in very many articles; an article that would lose
    almost everything keeps its text.

    The token stream is hashed in spans of `_SPAN` positions, twice (to find the furniture, then to mark
    it), rather than holding every shingle's hash: a few bytes per token at the peak."""
    size = options.boilerplate_shingle
    total, n = len(ids), len(starts) - 1
    keep = np.ones(total, dtype=bool)
    if size <= 0 or total < size or n == 0:
        return keep
    m = total - size + 1
    spans = _spans(m)
    valid = np.empty(m, dtype=bool)  # the shingle lies within one article
    for lo, hi in spans:
        valid[lo:hi] = np.arange(lo + size, hi + size) <= starts[1:][_owners(starts, lo, hi)]
    if not valid.any():
        return keep
    # One sortable key per shingle: its hash's high bits, then its article (a few collisions are harmless).
    article_bits = max(1, int(n).bit_length())
    keys = np.empty(int(np.count_nonzero(valid)), dtype=np.uint64)
    at = 0
    for lo, hi in spans:
        inside = valid[lo:hi]
        hashes = _shingle_hashes(ids, lo, hi, size, article_bits + 1)[inside]
        hashes <<= np.uint64(article_bits)
        hashes |= _owners(starts, lo, hi)[inside].astype(np.uint64)
        keys[at : at + len(hashes)] = hashes
        at += len(hashes)
    del hashes
    keys.sort()
    keys = _compacted(keys)
    # Spans of whole shingles: how many articles carry each, and whether two of one outlet do (that site's
    # furniture).
    shift, mask = np.uint64(article_bits), np.uint64((1 << article_bits) - 1)
    width = int(outlets.max()) + 1
    found_parts = []
    lo = 0
    while lo < len(keys):
        hi = min(len(keys), lo + _SPAN)
        if hi < len(keys):  # on to the end of the last shingle
            hi = int(np.searchsorted(keys, ((keys[hi - 1] >> shift) + np.uint64(1)) << shift))
        shingle = keys[lo:hi] >> shift
        first = np.r_[True, shingle[1:] != shingle[:-1]]
        heads = np.flatnonzero(first)
        furniture = np.diff(np.r_[heads, len(shingle)]) >= options.boilerplate_articles
        outlet = outlets[(keys[lo:hi] & mask).astype(np.int64)]
        known = outlet >= 0
        pair = (np.cumsum(first) - 1)[known] * width + outlet[known]
        pair.sort()
        furniture[pair[1:][pair[1:] == pair[:-1]] // width] = True
        found_parts.append(shingle[heads[furniture]])
        lo = hi
    found = np.concatenate(found_parts)
    del keys, shingle, heads, furniture, outlet, pair
    if len(found) == 0:
        return keep
    for lo, hi in spans:
        hashes = _shingle_hashes(ids, lo, hi, size, article_bits + 1)
        place = np.minimum(np.searchsorted(found, hashes), len(found) - 1)
        marked = valid[lo:hi] & (found[place] == hashes)
        for offset in range(size):  # a token goes with every shingle that covers it
            keep[lo + offset : hi + offset] &= ~marked
    kept = _row_counts(starts, keep)
    keep |= np.repeat(kept < options.min_kept_tokens, np.diff(starts))
    return keep


def _name_features(analysis: Analysis) -> list[str]:
    """Names: gazetteer keys (the same in every language), else the mention's normalised text."""
    names = [f"k:{m.key}" if m.key else f"m:{arabic.normalize(m.text)}" for m in analysis.mentions]
    if analysis.article.language != "ar":
        # A foreign article whose analysis keyed no name still gets the gazetteer's keys from its Latin
        # variants (so that "Blinken" meets "بلينكن"), and its capitalised words.
        if not any(m.key for m in analysis.mentions):
            names.extend(f"k:{entry.key}" for _, _, entry in gazetteer().find(analysis.article.text))
        names.extend(f"m:{arabic.normalize(w)}" for w in _CAPITALISED.findall(analysis.article.text))
    return names


def _number_features(analysis: Analysis) -> list[str]:
    # Matched on the text as written (`\d` takes Arabic-Indic digits too), then only the matches get ASCII
    # digits: translating a whole page is slow.
    found = _NUMBER.findall(analysis.article.text)
    return [arabic.to_ascii_digits(n).replace(",", ".").removesuffix(".0") for n in found]


def _counts(bags: Sequence[Counter[str]]) -> sparse.csr_matrix:
    """Bags of features as a sparse count matrix (columns in the order of first sight)."""
    vocabulary: dict[str, int] = {}
    cols = [np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in bag), np.int64, len(bag)) for bag in bags]
    values = [np.fromiter(bag.values(), np.float64, len(bag)) for bag in bags]
    lengths = np.fromiter(map(len, cols), np.int64, len(cols))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    return sparse.csr_matrix(
        (
            np.concatenate(values) if values else np.zeros(0),
            np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
            indptr,
        ),
        shape=(len(bags), max(len(vocabulary), 1)),
    )


def _idf(df: np.ndarray, n: int, options: ClusterOptions) -> np.ndarray:
    idf = np.log((n + options.background_articles + 1) / np.maximum(df, 1)) ** options.idf_power
    idf[df < options.min_df] = 0.0
    return idf


def _tfidf(counts: sparse.csr_matrix, weight: float, options: ClusterOptions) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Unit-length sublinear TF-IDF rows of one feature group, times `weight`; also its df.

    IDF counts `background_articles` more articles than the day holds, none with the feature."""
    counts = counts.tocsr()
    counts.sum_duplicates()
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = _idf(df, n, options)
    values = ((1.0 + np.log(counts.data)) * idf[counts.indices]).astype(np.float32)
    matrix = _unit_rows(sparse.csr_matrix((values, counts.indices, counts.indptr), shape=counts.shape), weight)
    matrix.eliminate_zeros()
    return matrix, df


Stream = tuple[np.ndarray, np.ndarray]  # every article's kept word ids, one array, and where each article starts


def _word_counts(analyses: Sequence[Analysis], options: ClusterOptions) -> tuple[sparse.csr_matrix, list[str], Stream]:
    """Content words after boilerplate removal; the title and the first `lead_tokens` words count
    `lead_boost` times more (they say what the story is; the rest of a page may wander)."""
    n = len(analyses)
    vocabulary: dict[str, int] = {}
    ids, starts = _ids([_token_parts(a) for a in analyses], vocabulary)
    outlet_ids: dict[str, int] = {}
    outlets = np.array(
        [outlet_ids.setdefault(a.article.outlet, len(outlet_ids)) if a.article.outlet else -1 for a in analyses],
        dtype=np.int64,
    )
    keep = _furniture_free(ids, starts, outlets, options)
    kept = ids[keep]
    del ids
    lengths = _row_counts(starts, keep)
    del keep
    kept_starts = np.concatenate([[0], np.cumsum(lengths)])
    # a title a scraped page kept twice at its top may carry its site's name or section: it links no pages
    titles = [
        arabic.content_tokens(a.article.title, a.article.language)
        if a.article.title and dict(a.article.inferred).get("title") != REPEATED_TITLE
        else []
        for a in analyses
    ]
    title_ids, title_starts = _ids([[t] for t in titles], vocabulary)
    # One row per article, its kept words then its title's; small whole numbers, so float32 sums are exact
    # (float64 once summed).
    title_lengths = np.diff(title_starts)
    indptr = np.concatenate([[0], np.cumsum(lengths + title_lengths)])
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    values = np.empty(int(indptr[-1]), dtype=np.float32)
    for lo, hi in _spans(len(kept)):
        article = _owners(kept_starts, lo, hi)
        rank = np.arange(lo, hi) - kept_starts[article]  # place in the article's kept stream
        at = indptr[article] + rank
        indices[at] = kept[lo:hi]
        values[at] = 1.0 + options.lead_boost * (rank < options.lead_tokens)
    article = np.repeat(np.arange(n, dtype=np.int64), title_lengths)
    at = indptr[article] + lengths[article] + np.arange(len(title_ids)) - title_starts[article]
    indices[at] = title_ids
    values[at] = float(options.lead_boost)
    del article, at
    counts = sparse.csr_matrix((values, indices, indptr), shape=(n, max(len(vocabulary), 1)))
    del indices, values
    counts.sum_duplicates()
    counts = counts.astype(np.float64)
    counts.eliminate_zeros()
    stream = (kept, kept_starts)
    return counts, list(vocabulary), stream


def _char_gram_counts(
    words: sparse.csr_matrix, df: np.ndarray, terms: list[str], options: ClusterOptions
) -> sparse.csr_matrix:
    """Character n-grams of each article's `char_gram_terms` heaviest rarer words: the names and key terms,
    whose spellings vary (بلينكن / بلينكين)."""
    n = words.shape[0]
    rare_limit = max(2, int(options.char_gram_max_df * (n + options.background_articles)))
    lengths = np.fromiter(map(len, terms), np.int64, len(terms))
    eligible = (df[: len(terms)] <= rare_limit) & (lengths >= options.char_gram_min_length)
    words = words.tocsr()
    words.sort_indices()
    candidates = _filtered(words, eligible[words.indices])
    chosen = _filtered(candidates, _top_mask(candidates.indptr, candidates.data, options.char_gram_terms))
    used = _distinct(chosen.indices)
    grams: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for k, term in enumerate(terms[t] for t in used.tolist()):
        padded = f"^{term}$"
        for start in range(len(padded) - options.char_gram_size + 1):
            rows.append(k)
            cols.append(grams.setdefault(padded[start : start + options.char_gram_size], len(grams)))
    spelled = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(max(len(used), 1), max(len(grams), 1)))
    local = np.searchsorted(used, chosen.indices)
    selection = sparse.csr_matrix((np.ones(len(local)), local, chosen.indptr), shape=(n, max(len(used), 1)))
    return (selection @ spelled).tocsr()


def _article_pairs(stream: Stream, n: int) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Each article's distinct adjacent pairs of words, in spans of articles: (first article of the span, each
    pair's article within the span, the pair as one number ordered as (first word, second word), how often
    the article has it), sorted by article then pair."""
    ids, starts = stream
    words = int(ids.max()) + 1 if len(ids) else 1
    pair_bits = max(1, (words * words - 1).bit_length())
    local = 63 - pair_bits  # a span's article and a pair share one int64
    first = 0
    while first < n:
        last = min(n, first + (1 << local), int(np.searchsorted(starts, starts[first] + _SPAN, side="right")) - 1)
        last = max(last, first + 1)
        lo, hi = int(starts[first]), int(starts[last])
        article = np.repeat(np.arange(last - first, dtype=np.int64), np.diff(starts[first : last + 1]))
        same = article[:-1] == article[1:]
        keys = ids[lo : hi - 1][same].astype(np.int64) * words + ids[lo + 1 : hi][same]
        keys |= article[:-1][same] << np.int64(pair_bits)
        del article, same
        keys.sort()
        fresh = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
        distinct = keys[fresh]
        yield (
            first,
            distinct >> np.int64(pair_bits),
            distinct & np.int64((1 << pair_bits) - 1),
            np.diff(np.r_[fresh, len(keys)]),
        )
        first = last


def _pair_counts(stream: Stream, n: int, min_df: int) -> sparse.csr_matrix:
    """Counts of adjacent pairs of kept content words (stop words and page furniture already gone), only the
    pairs found in at least `min_df` articles: copies and rewrites of one report share its phrases
    ("بصمات إيرانية", "ألف مقاتل"), while stories on one subject share mostly single words.

    Two passes over the stream (pairs per article, then the counts of the frequent ones): one number per
    distinct pair of an article at the peak, not a sparse matrix of them all."""
    pairs = np.empty(max(0, len(stream[0]) - 1), dtype=np.int64)  # each article's distinct pairs
    at = 0
    for _, _, found, _ in _article_pairs(stream, n):
        pairs[at : at + len(found)] = found
        at += len(found)
    ordered = pairs[:at]
    ordered.sort()  # a pair once per article that has it: in at least min_df articles, it is found again
    gap = min(max(0, min_df - 1), len(ordered))  # min_df - 1 places on
    frequent = ordered[gap:][ordered[gap:] == ordered[: len(ordered) - gap]]
    del pairs, ordered
    frequent = _compacted(frequent)
    if len(frequent) == 0:
        return sparse.csr_matrix((n, 1))
    per_article = np.zeros(n, dtype=np.int64)
    columns: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for first, article, found, times in _article_pairs(stream, n):
        place = np.minimum(np.searchsorted(frequent, found), len(frequent) - 1)
        chosen = frequent[place] == found
        columns.append(place[chosen].astype(np.int32))
        counts.append(times[chosen].astype(np.float64))
        article = article[chosen]
        per_article[first : first + (int(article[-1]) + 1 if len(article) else 0)] = np.bincount(article)
    indptr = np.concatenate([[0], np.cumsum(per_article)])
    return sparse.csr_matrix((np.concatenate(counts), np.concatenate(columns), indptr), shape=(n, len(frequent)))


class Words(NamedTuple):
    """What passages are made of: the kept word stream, the words' document frequencies, and how many of
    the vectors' first columns are words (0: no word features)."""

    stream: Stream
    df: np.ndarray
    columns: int
    rare: sparse.csr_matrix  # each article's rarer words (TF-IDF, unit length): the evidence a link needs


def _vectors(analyses: Sequence[Analysis], options: ClusterOptions) -> tuple[sparse.csr_matrix, Words]:
    """One unit-length sparse vector per article: the weighted sum of its feature groups, top terms kept."""
    counts, terms, stream = _word_counts(analyses, options)
    words, df = _tfidf(counts, options.word_weight, options)
    # The groups are held in float32, as they are stacked; the selections from the words read them in float64.
    groups = []
    chars = None
    if options.char_weight > 0:
        raw = words if options.word_weight > 0 else _tfidf(counts, 1.0, options)[0]
        chars = _tfidf(_char_gram_counts(raw, df, terms, options), options.char_weight, options)[0]
        del raw
    del counts
    rare_limit = options.rare_share * (len(analyses) + options.background_articles)
    rare = _top_terms(_filtered(words, df[words.indices] <= rare_limit), options.vector_terms)
    words_of = Words(stream, df, words.shape[1] if options.word_weight > 0 else 0, rare)
    if options.word_weight > 0:
        groups.append(words.astype(np.float32))
    del words
    if chars is not None:
        groups.append(chars.astype(np.float32))
    del chars
    if options.pair_weight > 0:
        pairs = _tfidf(_pair_counts(stream, len(analyses), options.pair_min_df), options.pair_weight, options)[0]
        groups.append(pairs.astype(np.float32))
        del pairs
    for weight, bags in (
        (options.name_weight, [Counter(_name_features(a)) for a in analyses] if options.name_weight > 0 else []),
        (options.number_weight, [Counter(_number_features(a)) for a in analyses] if options.number_weight > 0 else []),
    ):
        if weight > 0:
            groups.append(_tfidf(_counts(bags), weight, options)[0].astype(np.float32))
    if not groups:
        return sparse.csr_matrix((len(analyses), 1), dtype=np.float32), words_of
    return _stacked_top_terms(groups, options.vector_terms), words_of


def _stacked_top_terms(groups: Sequence[sparse.csr_matrix], keep: int) -> sparse.csr_matrix:
    """`_top_terms` of the groups side by side (canonical CSR, float32), in blocks of the rows `_top_mask`
    would sort at once in the whole, the norms' running total carried over: the same result to the last
    bit, without the whole in memory twice."""
    indptr = np.concatenate([[0], np.cumsum(sum(np.diff(g.indptr) for g in groups))])
    parts = []
    running = 0.0
    for first, last in _row_chunks(indptr):
        block = sparse.hstack([g[first:last] for g in groups], format="csr", dtype=np.float32)
        part, running = _unit_rows_carried(_top_terms(block, keep, normalise=False), running)
        parts.append(part)
    return sparse.vstack(parts, format="csr")


# ---------------------------------------------------------------------------------------------- candidates


def _days(analysis: Analysis, options: ClusterOptions) -> tuple[int, ...]:
    """The days an article is about: its publication day and the days it names near it (an article
    published before an event names the event's day). Empty when nothing is known: never blocks."""
    published = analysis.article.published
    if published is None:
        return ()
    today = published.date().toordinal()
    days = {today}
    for mention in analysis.dates:
        day = mention.value.toordinal()
        if abs(day - today) <= options.event_days:
            days.add(day)
    return tuple(sorted(days))


def _day_table(days: Sequence[tuple[int, ...]]) -> np.ndarray:
    """The days of every article as one padded array (padding: a day far from any other)."""
    width = max(1, max(map(len, days), default=1))
    table = np.full((len(days), width), _FAR, dtype=np.int64)
    for i, known in enumerate(days):
        table[i, : len(known)] = known
    return table


def _close_in_time(table: np.ndarray, first: np.ndarray, second: np.ndarray, max_days: int) -> np.ndarray:
    """Whether some day of one article of each pair is within `max_days` of some day of the other
    (an undated article is never blocked by time)."""
    close = np.empty(len(first), dtype=bool)
    step = max(1, _CHUNK // (table.shape[1] ** 2))
    for lo in range(0, len(first), step):
        a, b = table[first[lo : lo + step]], table[second[lo : lo + step]]
        apart = np.abs(a[:, :, None] - np.where(b == _FAR, -_FAR, b)[:, None, :])  # padding never meets
        close[lo : lo + step] = (apart <= max_days).any(axis=(1, 2)) | (a[:, 0] == _FAR) | (b[:, 0] == _FAR)
    return close


def _blocking_keys(vectors: sparse.csr_matrix, options: ClusterOptions) -> sparse.csr_matrix:
    """Each article's `block_terms` heaviest features among those held by at most `max_posting` articles."""
    postings = np.bincount(vectors.indices, minlength=vectors.shape[1])
    usable = _filtered(vectors, postings[vectors.indices] <= options.max_posting)
    return _filtered(usable, _top_mask(usable.indptr, usable.data, options.block_terms))


def _candidate_pairs(vectors: sparse.csr_matrix, options: ClusterOptions) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (first < second, sorted), the `candidates` best of each article.

    Candidates share blocking keys (an inverted index as a sparse product, so each article meets at most
    `block_terms * max_posting` others); the ones sharing the most weight are kept."""
    n = vectors.shape[0]
    keys = _blocking_keys(vectors, options)
    keys_t = keys.T.tocsr()
    found: list[np.ndarray] = []
    chunk = 1000
    for start in range(0, n, chunk):
        shared = (keys[start : start + chunk] @ keys_t).tocsr()
        shared.sort_indices()
        rows = np.repeat(np.arange(start, start + shared.shape[0], dtype=np.int64), np.diff(shared.indptr))
        other = shared.indices.astype(np.int64)
        shared.data[other == rows] = 0.0  # not oneself
        best = _top_mask_coarse(shared.indptr, shared.data, options.candidates) & (other != rows)
        first, second = rows[best], other[best]
        found.append(np.minimum(first, second) * n + np.maximum(first, second))
    pairs = _distinct(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    return pairs // max(n, 1), pairs % max(n, 1)


def _cosines(vectors: sparse.csr_matrix, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The dot products of the pairs' rows (`first` sorted): each block of first rows is laid out densely,
    and the entries of the second rows are looked up in it."""
    n, width = vectors.shape
    sims = np.zeros(len(first), dtype=np.float64)
    block = max(1, min(256, _DENSE // max(width, 1)))
    dense = np.zeros(block * width, dtype=np.float32)
    bounds = np.searchsorted(first, np.arange(0, n + block, block))
    for k in range(len(bounds) - 1):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        if lo == hi:
            continue
        rows = vectors[k * block : (k + 1) * block]
        laid = np.repeat(np.arange(rows.shape[0], dtype=np.int64) * width, np.diff(rows.indptr)) + rows.indices
        dense[laid] = rows.data
        others = vectors[second[lo:hi]]
        pair = np.repeat(np.arange(hi - lo), np.diff(others.indptr))
        looked_up = dense[(first[lo:hi] - k * block)[pair] * width + others.indices]
        sims[lo:hi] = np.bincount(pair, weights=looked_up * others.data, minlength=hi - lo)
        dense[laid] = 0.0
    return sims


def _edges(
    vectors: sparse.csr_matrix,
    pairs: tuple[np.ndarray, np.ndarray],
    close: np.ndarray,
    options: ClusterOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs' exact cosines as integer links (first < second): each article keeps its
    `neighbors` best links above `min_similarity` that the time bound allows."""
    first, second = pairs
    sims = _cosines(vectors, first, second)
    ok = close & (sims >= options.min_similarity)
    first, second, sims = first[ok], second[ok], sims[ok]
    ends = np.concatenate([first, second])
    others = np.concatenate([second, first])
    rank = _rank_in_groups(ends, np.concatenate([sims, sims]), others)
    votes = np.bincount(np.tile(np.arange(len(first)), 2)[rank < options.neighbors], minlength=len(first))
    chosen = votes >= (2 if options.mutual else 1)
    return first[chosen], second[chosen], np.round(sims[chosen] * _SCALE).astype(np.int64)


Edges = tuple[np.ndarray, np.ndarray, np.ndarray]


def _merged(n: int, *parts: Edges) -> Edges:
    """The union of sets of links; a pair found twice keeps its stronger link."""
    first = np.concatenate([p[0] for p in parts])
    second = np.concatenate([p[1] for p in parts])
    sims = np.concatenate([p[2] for p in parts])
    keys = first * n + second
    order = np.argsort(keys, kind="stable")
    keys, sims = keys[order], sims[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
    strongest = np.maximum.reduceat(sims, starts) if len(keys) else sims
    return keys[starts] // n, keys[starts] % n, strongest


def _cross_language_edges(analyses: Sequence[Analysis], table: np.ndarray, options: ClusterOptions) -> Edges:
    """Links between articles in different languages, from what does not need translating: gazetteer keys
    (one key for "بلينكن" and "Blinken") and numbers, each group TF-IDF weighted."""
    keys = [Counter(f for f in _name_features(a) if f.startswith("k:")) for a in analyses]
    numbers = [Counter(_number_features(a)) for a in analyses]
    shared = sparse.hstack(
        [_tfidf(_counts(keys), 1.0, options)[0], _tfidf(_counts(numbers), options.cross_language_numbers, options)[0]],
        format="csr",
        dtype=np.float32,
    )
    shared = _top_terms(shared, options.vector_terms)
    first, second = _candidate_pairs(shared, options)
    languages = np.array([a.article.language for a in analyses], dtype=object)
    differ = languages[first] != languages[second]
    first, second = first[differ], second[differ]
    close = _close_in_time(table, first, second, options.max_days)
    a, b, sims = _edges(shared, (first, second), close, replace(options, min_similarity=options.cross_language_min))
    return a, b, np.round(sims * options.cross_language_weight).astype(np.int64)


def _smoothed(vectors: sparse.csr_matrix, edges: Edges, options: ClusterOptions) -> sparse.csr_matrix:
    """Each vector plus its closest neighbours' (weighted by similarity): the story's shared vocabulary
    gains weight over what one page says besides, so that a noisy page still meets its story."""
    n = vectors.shape[0]
    first, second, sims = edges
    ends = np.concatenate([first, second])
    others = np.concatenate([second, first])
    weights = np.concatenate([sims, sims]).astype(np.float64)
    best = _rank_in_groups(ends, weights, others) < options.smoothing_neighbors
    spread = sparse.csr_matrix(
        (options.smoothing_weight * weights[best] / _SCALE, (ends[best], others[best])), shape=(n, n)
    )
    parts = []
    step, piece = 5000, 500  # rows of one `_top_terms`, rows summed at once (float64 products)
    for lo in range(0, n, step):
        rows = (
            (vectors[at : at + piece] + spread[at : at + piece] @ vectors).astype(np.float32)
            for at in range(lo, min(n, lo + step), piece)
        )
        parts.append(_streamed_top_terms(rows, options.vector_terms))
    return sparse.vstack(parts, format="csr")


def _streamed_top_terms(pieces: Iterator[sparse.csr_matrix], keep: int) -> sparse.csr_matrix:
    """`_top_terms` of the pieces stacked (rows of one matrix, in order), handled as they come in the blocks
    of rows `_top_mask` sorts at once, the norms' running total carried over: the same result to the last
    bit, with one block in memory rather than the whole."""
    parts = []
    running = 0.0
    waiting: list[sparse.csr_matrix] = []
    held = 0
    for piece in chain(pieces, [None]):
        if piece is not None:
            piece = piece.tocsr()
            piece.sum_duplicates()
            waiting.append(piece)
            held += piece.nnz
            if held <= _CHUNK:
                continue
        while waiting and (held > _CHUNK or piece is None):
            stacked = sparse.vstack(waiting, format="csr")
            last = stacked.shape[0] if held <= _CHUNK else _row_chunks(stacked.indptr)[0][1]
            part, running = _unit_rows_carried(_top_terms(stacked[:last], keep, normalise=False), running)
            parts.append(part)
            rest = stacked[last:]
            waiting, held = ([rest], rest.nnz) if rest.shape[0] else ([], 0)
    return sparse.vstack(parts, format="csr")


# ---------------------------------------------------------------------------------------------- agglomeration


def _average_link(n: int, edges: Edges, table: np.ndarray, options: ClusterOptions) -> list[int]:
    """Average-link merging over a sparse graph; returns a group label per article (canonical order).

    Two groups whose dated articles lie more than `max_days` apart never merge (an undated article must
    not bridge them)."""
    size = [1] * n
    dated = table != _FAR
    lo = np.where(dated, table, _FAR).min(axis=1).tolist()  # a group's earliest and latest day
    hi = np.where(dated, table, -_FAR).max(axis=1).tolist()
    links: list[dict[int, int]] = [{} for _ in range(n)]
    pairs = list(zip(edges[0].tolist(), edges[1].tolist(), strict=True))
    for (i, j), sim in zip(pairs, edges[2].tolist(), strict=True):
        links[i][j] = sim
        links[j][i] = sim
    label = list(range(n))
    members: list[list[int]] = [[i] for i in range(n)]
    alive = [True] * n
    internal = [0] * n  # sum of the (known) similarities inside each group
    heap: list[tuple[float, int, int]] = []
    centroid = options.linkage == "centroid"

    def score(a: int, b: int) -> float:
        if centroid:
            # cosine of the two groups' summed vectors; |sum|^2 = size + 2 * internal similarities
            return links[a][b] / math.sqrt((size[a] * _SCALE + 2 * internal[a]) * (size[b] * _SCALE + 2 * internal[b]))
        return links[a][b] / (size[a] * size[b])

    def push(a: int, b: int) -> None:
        apart = lo[a] > hi[b] + options.max_days or lo[b] > hi[a] + options.max_days
        if apart and lo[a] != _FAR and lo[b] != _FAR:
            return
        mean = score(a, b)
        if mean >= options.threshold * (1 if centroid else _SCALE):
            heapq.heappush(heap, (-mean, min(a, b), max(a, b)))

    for i, j in pairs:  # sorted
        push(i, j)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or b not in links[a]:
            continue
        if score(a, b) != -negative:
            continue  # stale: one side has changed since this entry was pushed
        keep, gone = (a, b) if len(links[a]) >= len(links[b]) else (b, a)
        alive[gone] = False
        internal[keep] += internal[gone] + links[a][b]
        size[keep] += size[gone]
        lo[keep], hi[keep] = min(lo[keep], lo[gone]), max(hi[keep], hi[gone])
        members[keep].extend(members[gone])
        members[gone] = []
        del links[keep][gone]
        for other, sim in links[gone].items():
            if other == keep:
                continue
            del links[other][gone]
            links[keep][other] = links[keep].get(other, 0) + sim
            links[other][keep] = links[keep][other]
        links[gone] = {}
        for other in sorted(links[keep]):
            push(keep, other)
    for root in range(n):
        for i in members[root]:
            label[i] = root
    return label


def _within_span(
    table: np.ndarray, label: np.ndarray, article: np.ndarray, group: np.ndarray, max_days: int
) -> np.ndarray:
    """Whether each article's days come within `max_days` of its group's dated span (undated: always)."""
    dated = table != _FAR
    lo = np.full(len(label), _FAR, dtype=np.int64)
    hi = np.full(len(label), -_FAR, dtype=np.int64)
    np.minimum.at(lo, label, np.where(dated, table, _FAR).min(axis=1))
    np.maximum.at(hi, label, np.where(dated, table, -_FAR).max(axis=1))
    own_lo = np.where(dated, table, _FAR).min(axis=1)[article]
    own_hi = np.where(dated, table, -_FAR).max(axis=1)[article]
    undated = (own_lo == _FAR) | (lo[group] == _FAR)
    return undated | ((own_lo <= hi[group] + max_days) & (lo[group] <= own_hi + max_days))


def _attached(
    labels: list[int],
    vectors: sparse.csr_matrix,
    pairs: tuple[np.ndarray, np.ndarray],
    close: np.ndarray,
    table: np.ndarray,
    options: ClusterOptions,
) -> list[int]:
    """Articles left in groups of at most `attach_max_size` join the group of a candidate whose centroid
    (the sum of its members' vectors) is closest, if that cosine reaches `attach_threshold`: a page that
    carries the story among other things (a ticker, a round-up) still belongs to it."""
    n = vectors.shape[0]
    label = np.asarray(labels, dtype=np.int64)
    size = np.bincount(label, minlength=n)
    small = size[label] <= options.attach_max_size
    first, second = pairs[0][close], pairs[1][close]
    ends = np.concatenate([first, second])
    others = np.concatenate([second, first])
    wanted = small[ends] & ~small[others] & (label[ends] != label[others])
    if not wanted.any():
        return labels
    keys = _distinct(ends[wanted] * n + label[others[wanted]])
    article, group = keys // n, keys % n
    timely = _within_span(table, label, article, group, options.max_days)
    article, group = article[timely], group[timely]
    if len(article) == 0:
        return labels
    groups = _distinct(group)
    local = np.searchsorted(groups, group)
    members = np.flatnonzero(np.isin(label, groups))
    membership = sparse.csr_matrix(
        (np.ones(len(members), dtype=np.float32), (np.searchsorted(groups, label[members]), members)),
        shape=(len(groups), n),
    )
    centroids = _unit_rows((membership @ vectors).tocsr())
    stacked = sparse.vstack([vectors, centroids], format="csr")
    sims = _cosines(stacked, article, n + local)
    rank = _rank_in_groups(article, sims, group)
    best = (rank == 0) & (sims >= options.attach_threshold)
    label[article[best]] = group[best]
    return label.tolist()


def _passages_attached(
    labels: list[int], vectors: sparse.csr_matrix, words: Words, table: np.ndarray, options: ClusterOptions
) -> list[int]:
    """A long article left in a group of at most `attach_max_size` joins the group whose centroid best
    matches one of its passages (windows of `passage_tokens` words), at cosine `passage_threshold` or more:
    a ticker or a round-up carries the story in one paragraph among unrelated ones."""
    n = vectors.shape[0]
    label = np.asarray(labels, dtype=np.int64)
    size = np.bincount(label, minlength=n)
    ids, starts = words.stream
    lengths = np.diff(starts)
    chosen = np.flatnonzero((size[label] <= options.attach_max_size) & (lengths >= options.passage_min_tokens))
    groups = np.flatnonzero(size >= max(2, options.attach_max_size + 1))
    if len(chosen) == 0 or len(groups) == 0:
        return labels
    width, step = options.passage_tokens, max(1, options.passage_tokens // 2)
    count = 1 + np.maximum(0, -(-(lengths[chosen] - width) // step))
    owner = np.repeat(chosen, count)  # the article of each window
    offset = (np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)) * step
    at = np.minimum(offset[:, None] + np.arange(width)[None, :], lengths[owner][:, None] - 1) + starts[owner][:, None]
    window = np.repeat(np.arange(len(owner)), width)
    counts = sparse.coo_matrix(
        (np.ones(window.size), (window, ids[at.ravel()])), shape=(len(owner), words.columns)
    ).tocsr()
    del at, window
    idf = _idf(words.df, n, options)
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    passages = _unit_rows(counts.astype(np.float32))
    # Group centroids over the word columns, and each passage's candidate groups by shared rarer words.
    members = np.flatnonzero(np.isin(label, groups))
    membership = sparse.csr_matrix(
        (np.ones(len(members), dtype=np.float32), (np.searchsorted(groups, label[members]), members)),
        shape=(len(groups), n),
    )
    centroids = _unit_rows((membership @ vectors[:, : words.columns]).tocsr())
    rare = _filtered(passages, words.df[passages.indices] <= options.max_posting)
    keys = _filtered(rare, _top_mask(rare.indptr, rare.data, options.block_terms))
    shared = (keys @ centroids.T).tocsr()
    shared.sort_indices()
    best = _top_mask(shared.indptr, shared.data, options.candidates)
    first = np.repeat(np.arange(len(owner)), np.diff(shared.indptr))[best]
    second = shared.indices[best].astype(np.int64)
    sims = _cosines(sparse.vstack([passages, centroids], format="csr"), first, len(owner) + second)
    # The time bound, against the group's dated span.
    representative = np.full(n, n, dtype=np.int64)
    np.minimum.at(representative, label[members], members)
    article = owner[first]
    ok = _within_span(table, label, article, groups[second], options.max_days)
    ok &= sims >= options.passage_threshold
    article, group, sims = article[ok], groups[second[ok]], sims[ok]
    rank = _rank_in_groups(article, sims, group)
    top = rank == 0
    label[article[top]] = label[representative[group[top]]]
    return label.tolist()


def cluster(analyses: Sequence[Analysis], options: ClusterOptions) -> list[list[int]]:
    """Group articles about the same story; every article ends up in exactly one story."""
    n = len(analyses)
    if n == 0:
        return []
    order = _canonical_order(analyses)
    ordered = [analyses[i] for i in order]
    vectors, words = _vectors(ordered, options)
    table = _day_table([_days(a, options) for a in ordered])
    pairs = _candidate_pairs(vectors, options)
    close = _close_in_time(table, *pairs, options.max_days)
    if options.rare_min > 0 and words.columns:
        close &= _cosines(words.rare, *pairs) >= options.rare_min
    none = np.zeros(0, dtype=np.int64)
    cross: Edges = (none, none, none)
    if options.cross_language_weight > 0 and len({a.article.language for a in ordered}) > 1:
        cross = _cross_language_edges(ordered, table, options)
    edges = _merged(n, _edges(vectors, pairs, close, options), cross)
    smoothed = vectors
    if options.smoothing_weight > 0 and len(edges[0]):
        smoothed = _smoothed(vectors, edges, options)
        edges = _merged(n, _edges(smoothed, pairs, close, options), cross)
    labels = _average_link(n, edges, table, options)
    if options.attach_threshold < 1:
        labels = _attached(labels, smoothed if options.attach_smoothed else vectors, pairs, close, table, options)
    if options.passage_threshold < 1 and words.columns:
        labels = _passages_attached(labels, vectors, words, table, options)
    groups: dict[int, list[int]] = defaultdict(list)
    for position, group in enumerate(labels):
        groups[group].append(order[position])
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
