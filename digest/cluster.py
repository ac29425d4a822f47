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
   summed into one sparse vector per article: content words after Arabic normalisation (`digest.arabic`),
   the title and lead counted once more; character n-grams of each article's heaviest rarer words
   (spelling variants: بلينكن / بلينكين); names (gazetteer keys and entity mentions from analysis;
   capitalised words of Latin-script articles); numbers. Only the `vector_terms` heaviest features of an
   article are kept, which also drops the long tail of page noise.
4. Candidates (blocking): articles sharing one of each other's `block_terms` heaviest features held by at
   most `max_posting` articles (an inverted index, as a sparse product); the `candidates` best get their
   exact cosine, and each article keeps its `neighbors` best links above `min_similarity`. A pair is never
   linked when both articles are dated and no day of one (its publication day, or a day it names within
   `event_days` of it: a preview names the event's day) is within `max_days` of one of the other's; an
   undated article is never blocked by time.
5. Across languages, articles are linked by the cosine of what needs no translation: gazetteer keys (one
   key for "بلينكن" and "Blinken") and numbers.
6. Smoothing: each vector gets its `smoothing_neighbors` nearest neighbours' vectors added (weighted by
   similarity), and the candidate links are scored again: a story's shared vocabulary gains weight over
   what one page says besides, so a noisy page still meets its story (and a foreign-language article
   inherits its neighbours' words).
7. Average-link agglomeration over that sparse graph (a missing link counts as 0): two groups merge only
   while the mean similarity over all their article pairs is at least `threshold` (or, with
   `linkage = "centroid"`, the cosine of their summed vectors). This is what keeps one strong link from
   chaining two stories together, the failure of single-link.

Cost: linear in the number of articles (each article meets at most `candidates` others); the
agglomeration is O(E log E) over at most `neighbors` links per article.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy import sparse

from digest import arabic
from digest.gazetteer import gazetteer
from digest.model import Analysis
from digest.options import ClusterOptions

_SCALE = 1_000_000  # similarities become integers, so that sums do not depend on the order of merges
_NUMBER = re.compile(r"(?<![\d.,])\d{2,}(?:[.,]\d+)?(?![\d])")
_CAPITALISED = re.compile(r"(?<![\w.])[A-Z\u00C0-\u00DE][a-z\u00DF-\u00FF]{2,}(?:[-'][A-Za-z\u00C0-\u00FF]+)?")


# ---------------------------------------------------------------------------------------------- features


def _canonical_order(analyses: Sequence[Analysis]) -> list[int]:
    def key(i: int) -> tuple[str, str]:
        article = analyses[i].article
        return article.id, hashlib.sha1(article.text.encode("utf-8")).hexdigest()

    return sorted(range(len(analyses)), key=key)


def _token_stream(analysis: Analysis) -> list[str]:
    if analysis.sentences:
        return [t for s in analysis.sentences for t in s.tokens]
    return list(analysis.terms)


def _shingle_hashes(ids: np.ndarray, size: int) -> np.ndarray:
    """A hash of every run of `size` consecutive token ids (int64 arithmetic wraps around, as a hash may)."""
    if len(ids) < size:
        return np.zeros(0, dtype=np.int64)
    hashes = np.zeros(len(ids) - size + 1, dtype=np.int64)
    for offset in range(size):
        hashes = hashes * np.int64(1_000_003) + ids[offset : len(ids) - size + 1 + offset]
    return hashes


def _boilerplate_free(analyses: Sequence[Analysis], options: ClusterOptions) -> list[list[str]]:
    """Each article's content tokens, without shingles that recur within an outlet or across too many pages."""
    size = options.boilerplate_shingle
    streams = [_token_stream(a) for a in analyses]
    if size <= 0 or not streams:
        return streams
    # Token hashes are salted per process, but only their equality matters here (64-bit: no collisions to fear).
    shingles = [_shingle_hashes(np.fromiter(map(hash, tokens), np.int64, len(tokens)), size) for tokens in streams]
    outlet_ids: dict[str, int] = {}
    outlets = [outlet_ids.setdefault(a.article.outlet, len(outlet_ids)) if a.article.outlet else -1 for a in analyses]
    distinct = [np.unique(h) for h in shingles]
    every = np.concatenate(distinct)
    owner_outlet = np.concatenate([np.full(len(h), o, dtype=np.int64) for h, o in zip(distinct, outlets, strict=True)])
    values, counts = np.unique(every, return_counts=True)
    furniture = values[counts >= options.boilerplate_articles]
    # A shingle that a second page of the same outlet carries is that site's furniture.
    order = np.lexsort((owner_outlet, every))
    h_sorted, o_sorted = every[order], owner_outlet[order]
    repeated = (h_sorted[1:] == h_sorted[:-1]) & (o_sorted[1:] == o_sorted[:-1]) & (o_sorted[1:] >= 0)
    furniture = np.union1d(furniture, h_sorted[1:][repeated])
    kept_streams = []
    window = np.ones(size, dtype=np.int64)
    for tokens, hashes in zip(streams, shingles, strict=True):
        if len(furniture) == 0 or len(hashes) == 0:
            kept_streams.append(tokens)
            continue
        marked = furniture[np.minimum(np.searchsorted(furniture, hashes), len(furniture) - 1)] == hashes
        if not marked.any():
            kept_streams.append(tokens)
            continue
        dropped = np.convolve(marked.astype(np.int64), window)[: len(tokens)] > 0
        kept = [t for t, d in zip(tokens, dropped.tolist(), strict=True) if not d]
        kept_streams.append(kept if len(kept) >= options.min_kept_tokens else tokens)
    return kept_streams


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
    text = arabic.to_ascii_digits(analysis.article.text)
    return [n.replace(",", ".").removesuffix(".0") for n in _NUMBER.findall(text)]


def _char_grams(token: str, n: int) -> list[str]:
    padded = f"^{token}$"
    return [padded[k : k + n] for k in range(len(padded) - n + 1)]


def _group(
    bags: Sequence[Counter[str]], weight: float, options: ClusterOptions
) -> tuple[sparse.csr_matrix, np.ndarray, dict[str, int]]:
    """Unit-length sublinear TF-IDF rows of one feature group, times `weight`; also its df and vocabulary.

    IDF counts `background_articles` more articles than the day holds, none with the feature."""
    n = len(bags)
    vocabulary: dict[str, int] = {}
    col_parts: list[np.ndarray] = []
    count_parts: list[np.ndarray] = []
    for bag in bags:  # a Counter keeps the order of first sight: deterministic columns
        col_parts.append(np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in bag), np.int64, len(bag)))
        count_parts.append(np.fromiter(bag.values(), np.float64, len(bag)))
    lengths = np.fromiter((len(c) for c in col_parts), np.int64, n)
    row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    col = np.concatenate(col_parts) if n else np.zeros(0, dtype=np.int64)
    counts = np.concatenate(count_parts) if n else np.zeros(0)
    del col_parts, count_parts
    df = np.bincount(col, minlength=len(vocabulary))
    idf = np.log((n + options.background_articles + 1) / np.maximum(df, 1)) ** options.idf_power
    idf[df < options.min_df] = 0.0
    values = (1.0 + np.log(counts)) * idf[col]
    norms = np.sqrt(np.bincount(row, weights=values * values, minlength=n))
    values = weight * values / np.where(norms > 0, norms, 1.0)[row]
    matrix = sparse.csr_matrix((values, (row, col)), shape=(n, max(len(vocabulary), 1)))
    matrix.eliminate_zeros()
    return matrix, df, vocabulary


def _vectors(analyses: Sequence[Analysis], options: ClusterOptions) -> sparse.csr_matrix:
    """One unit-length sparse vector per article: the weighted sum of its feature groups, top terms kept."""
    streams = _boilerplate_free(analyses, options)
    words = []
    for analysis, tokens in zip(analyses, streams, strict=True):
        bag = Counter(tokens)
        # The title and the lead say what the story is; the rest of a page may wander.
        lead = tokens[: options.lead_tokens]
        if analysis.article.title:
            lead = lead + arabic.content_tokens(analysis.article.title, analysis.article.language)
        for _ in range(options.lead_boost):
            bag.update(lead)
        words.append(bag)
    word_matrix, df, vocabulary = _group(words, options.word_weight, options)
    # Character n-grams of each article's heaviest rarer words: the names and key terms, whose spellings vary.
    rare_limit = max(2, int(options.char_gram_max_df * (len(analyses) + options.background_articles)))
    terms = list(vocabulary)
    eligible = (df <= rare_limit) & np.fromiter(
        (len(t) >= options.char_gram_min_length for t in terms), bool, len(terms)
    )
    grams_of: dict[int, list[str]] = {}
    grams = []
    for i in range(len(analyses)):
        lo, hi = word_matrix.indptr[i], word_matrix.indptr[i + 1]
        cols, vals = word_matrix.indices[lo:hi], word_matrix.data[lo:hi]
        chosen = cols[eligible[cols]]
        if len(chosen) > options.char_gram_terms:
            weights = vals[eligible[cols]]
            chosen = chosen[np.lexsort((chosen, -weights))[: options.char_gram_terms]]
        gram_bag: Counter[str] = Counter()
        for k in chosen.tolist():
            if k not in grams_of:
                grams_of[k] = _char_grams(terms[k], options.char_gram_size)
            gram_bag.update(grams_of[k])
        grams.append(gram_bag)
    groups = [word_matrix] if options.word_weight > 0 else []
    for weight, bags in (
        (options.char_weight, grams),
        (options.name_weight, [Counter(_name_features(a)) for a in analyses]),
        (options.number_weight, [Counter(_number_features(a)) for a in analyses]),
    ):
        if weight > 0:
            groups.append(_group(bags, weight, options)[0])
    if not groups:
        return sparse.csr_matrix((len(analyses), 1))
    return _top_terms(sparse.hstack(groups, format="csr"), options.vector_terms)


def _top_terms(matrix: sparse.csr_matrix, keep: int, normalise: bool = True) -> sparse.csr_matrix:
    """Keep each row's `keep` largest entries (ties by column), renormalised to unit length."""
    matrix.sort_indices()
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    new_indptr = [0]
    new_indices: list[np.ndarray] = []
    new_data: list[np.ndarray] = []
    for i in range(matrix.shape[0]):
        lo, hi = indptr[i], indptr[i + 1]
        cols, vals = indices[lo:hi], data[lo:hi]
        if len(vals) > keep:
            order = np.lexsort((cols, -vals))[:keep]
            order.sort()
            cols, vals = cols[order], vals[order]
        norm = (float(np.sqrt(np.dot(vals, vals))) or 1.0) if normalise else 1.0
        new_indices.append(cols)
        new_data.append(vals / norm)
        new_indptr.append(new_indptr[-1] + len(vals))
    if not new_indices:
        return sparse.csr_matrix(matrix.shape)
    return sparse.csr_matrix(
        (np.concatenate(new_data), np.concatenate(new_indices), np.array(new_indptr)), shape=matrix.shape
    )


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


def _close_in_time(a: tuple[int, ...], b: tuple[int, ...], max_days: int) -> bool:
    if not a or not b:
        return True
    k = 0
    for day in a:  # both sorted: walk b once
        while k < len(b) and b[k] < day - max_days:
            k += 1
        if k < len(b) and b[k] <= day + max_days:
            return True
    return False


def _blocking_keys(vectors: sparse.csr_matrix, options: ClusterOptions) -> sparse.csr_matrix:
    """Each article's `block_terms` heaviest features among those held by at most `max_posting` articles."""
    postings = np.diff(vectors.tocsc().indptr)
    usable = (vectors @ sparse.diags((postings <= options.max_posting).astype(np.float64))).tocsr()
    usable.eliminate_zeros()
    return _top_terms(usable, options.block_terms, normalise=False)


def _candidate_pairs(vectors: sparse.csr_matrix, options: ClusterOptions) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (first, second), at most `candidates` per article, sorted by first.

    Candidates share blocking keys (an inverted index as a sparse product, so each article meets at most
    `block_terms * max_posting` others); the ones sharing the most weight are kept."""
    n = vectors.shape[0]
    keys = _blocking_keys(vectors, options)
    keys_t = keys.T.tocsr()
    firsts: list[np.ndarray] = []
    seconds: list[np.ndarray] = []
    chunk = 500
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        shared = (keys[start:stop] @ keys_t).tocsr()
        for local in range(stop - start):
            i = start + local
            lo, hi = shared.indptr[local], shared.indptr[local + 1]
            others, scores = shared.indices[lo:hi], shared.data[lo:hi]
            mask = others != i
            others, scores = others[mask], scores[mask]
            if len(others) > options.candidates:
                # The best `candidates` in linear time (a selection, not a sort); the input order is canonical.
                others = np.sort(others[np.argpartition(-scores, options.candidates - 1)[: options.candidates]])
            firsts.append(np.full(len(others), i, dtype=np.int64))
            seconds.append(others.astype(np.int64))
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(firsts), np.concatenate(seconds)


def _edges(
    vectors: sparse.csr_matrix,
    pairs: tuple[np.ndarray, np.ndarray],
    days: list[tuple[int, ...]],
    options: ClusterOptions,
) -> dict[tuple[int, int], int]:
    """The candidate pairs' exact cosines as integer links (i < j), at most `neighbors` per article."""
    first, second = pairs
    n = vectors.shape[0]
    edges: dict[tuple[int, int], int] = {}
    bounds = np.searchsorted(first, np.arange(n + 1))
    step = 20_000  # pairs per vectorised product, to bound memory
    sims = np.concatenate(
        [
            np.asarray(vectors[first[k : k + step]].multiply(vectors[second[k : k + step]]).sum(axis=1)).ravel()
            for k in range(0, len(first), step)
        ]
        or [np.zeros(0)]
    )
    for i in range(n):
        lo, hi = bounds[i], bounds[i + 1]
        row_others, row_sims = second[lo:hi], sims[lo:hi]
        taken = 0
        for k in np.lexsort((row_others, -row_sims)):
            sim = float(row_sims[k])
            if sim < options.min_similarity or taken >= options.neighbors:
                break
            j = int(row_others[k])
            if not _close_in_time(days[i], days[j], options.max_days):
                continue
            edges[(i, j) if i < j else (j, i)] = round(sim * _SCALE)
            taken += 1
    return edges


def _cross_language_edges(
    analyses: Sequence[Analysis], days: list[tuple[int, ...]], options: ClusterOptions
) -> dict[tuple[int, int], int]:
    """Links between articles in different languages, from what does not need translating: gazetteer keys
    (one key for "بلينكن" and "Blinken") and numbers, each group TF-IDF weighted."""
    keys = [Counter(f for f in _name_features(a) if f.startswith("k:")) for a in analyses]
    numbers = [Counter(_number_features(a)) for a in analyses]
    shared = sparse.hstack(
        [_group(keys, 1.0, options)[0], _group(numbers, options.cross_language_numbers, options)[0]], format="csr"
    )
    shared = _top_terms(shared, options.vector_terms)
    first, second = _candidate_pairs(shared, options)
    languages = np.array([a.article.language for a in analyses], dtype=object)
    differ = languages[first] != languages[second]
    found = _edges(
        shared, (first[differ], second[differ]), days, replace(options, min_similarity=options.cross_language_min)
    )
    return {pair: round(sim * options.cross_language_weight) for pair, sim in found.items()}


def _smoothed(
    vectors: sparse.csr_matrix, edges: dict[tuple[int, int], int], options: ClusterOptions
) -> sparse.csr_matrix:
    """Each vector plus its closest neighbours' (weighted by similarity): the story's shared vocabulary
    gains weight over what one page says besides, so that a noisy page still meets its story."""
    n = vectors.shape[0]
    best: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for (i, j), sim in edges.items():
        best[i].append((sim, j))
        best[j].append((sim, i))
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, pairs in enumerate(best):
        for sim, j in sorted(pairs, key=lambda p: (-p[0], p[1]))[: options.smoothing_neighbors]:
            rows.append(i)
            cols.append(j)
            vals.append(options.smoothing_weight * sim / _SCALE)
    spread = sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))
    return _top_terms((vectors + spread @ vectors).tocsr(), options.vector_terms)


# ---------------------------------------------------------------------------------------------- agglomeration


def _average_link(n: int, edges: dict[tuple[int, int], int], options: ClusterOptions) -> list[int]:
    """Average-link merging over a sparse graph; returns a group label per article (canonical order)."""
    size = [1] * n
    links: list[dict[int, int]] = [{} for _ in range(n)]
    for (i, j), sim in edges.items():
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
        mean = score(a, b)
        if mean >= options.threshold * (1 if centroid else _SCALE):
            heapq.heappush(heap, (-mean, min(a, b), max(a, b)))

    for i, j in sorted(edges):
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


def _merged(edges: dict[tuple[int, int], int], extra: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    for pair, sim in extra.items():
        edges[pair] = max(sim, edges.get(pair, 0))
    return edges


def cluster(analyses: Sequence[Analysis], options: ClusterOptions) -> list[list[int]]:
    """Group articles about the same story; every article ends up in exactly one story."""
    n = len(analyses)
    if n == 0:
        return []
    order = _canonical_order(analyses)
    ordered = [analyses[i] for i in order]
    vectors = _vectors(ordered, options)
    days = [_days(a, options) for a in ordered]
    pairs = _candidate_pairs(vectors, options)
    cross: dict[tuple[int, int], int] = {}
    if options.cross_language_weight > 0 and len({a.article.language for a in ordered}) > 1:
        cross = _cross_language_edges(ordered, days, options)
    edges = _merged(_edges(vectors, pairs, days, options), cross)
    if options.smoothing_weight > 0 and edges:
        edges = _merged(_edges(_smoothed(vectors, edges, options), pairs, days, options), cross)
    labels = _average_link(n, edges, options)
    groups: dict[int, list[int]] = defaultdict(list)
    for position, group in enumerate(labels):
        groups[group].append(order[position])
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
