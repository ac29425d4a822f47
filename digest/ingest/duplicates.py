"""Ingest step 6: near-duplicates folded (wire copies, the same page saved twice; `fold_duplicates`).

Bottom-k MinHash sketches of word shingles (`sketch`), candidates from an index of sketch values, Jaccard
estimated from the sketches (`estimated_jaccard`); the longest text is kept and the others become its
`copies`.
"""

from __future__ import annotations

import heapq
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from digest.document import Article
from digest.ingest.clean import TOKEN, fold
from digest.options import IngestOptions
from digest.runtime.groups import connected_groups

_SKETCH_MASK = (1 << 61) - 1


def sketch(text: str, shingle: int = 5, size: int = 64, sample: int = 4) -> tuple[int, ...]:
    """Bottom-k MinHash sketch: the `size` smallest hashes of the text's word `shingle`-grams (sorted).

    Only shingles that start at a word whose own hash is 0 modulo `sample` are hashed: the choice depends on
    the words alone, so two texts sample the same shingles where they agree, and the sketch still estimates
    the Jaccard similarity of their shingle sets, at a fraction of the cost."""
    tokens = TOKEN.findall(fold(text))
    if len(tokens) < shingle:
        return (zlib.crc32(" ".join(tokens).encode()),) if tokens else ()
    word_hash = {t: zlib.crc32(t.encode()) for t in set(tokens)}
    starts = [i for i in range(len(tokens) - shingle + 1) if word_hash[tokens[i]] % sample == 0]
    if len(starts) < size // 4:  # a short text: use every shingle
        starts = list(range(len(tokens) - shingle + 1))
    # crc32 (C speed, the same in every process) spread over 61 bits by a fixed odd multiplier
    hashes = {
        (zlib.crc32(" ".join(tokens[i : i + shingle]).encode()) * 0x9E3779B97F4A7C15) & _SKETCH_MASK for i in starts
    }
    return tuple(heapq.nsmallest(size, hashes))


def estimated_jaccard(a: Sequence[int], b: Sequence[int], size: int) -> float:
    """Jaccard similarity of two texts estimated from their bottom-k sketches."""
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(size, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def fold_duplicates(
    articles: Sequence[Article], options: IngestOptions, sketches: Sequence[Sequence[int]] | None = None
) -> tuple[list[Article], int]:
    """Near-duplicates folded into one article (the longest text; ties: input order) that lists the others in
    `copies`. Candidates share at least `duplicate_min_shared` sketch values (an inverted index: near linear).
    `sketches`: the articles' text sketches when already computed (by the processes that read the inputs)."""
    size = options.sketch_size
    if sketches is None:
        sketches = [sketch(a.text, options.shingle_size, size) for a in articles]
    index: dict[int, list[int]] = defaultdict(list)
    pairs = []
    for i, sk in enumerate(sketches):
        shared: Counter[int] = Counter()
        for h in sk:
            postings = index[h]
            shared.update(postings)
            postings.append(i)
        need = max(1, int(options.duplicate_min_shared * min(size, len(sk))))
        for j, count in shared.items():
            if count >= need and estimated_jaccard(sk, sketches[j], size) >= options.duplicate_threshold:
                pairs.append((i, j))
    kept: list[Article] = []  # in input order of each group's first member
    duplicates = 0
    for members in connected_groups(len(articles), pairs):
        best = max(members, key=lambda i: (len(articles[i].text), -i))
        copies = tuple(replace(articles[i], copies=()) for i in members if i != best)
        duplicates += len(copies)
        main = articles[best]
        kept.append(replace(main, copies=main.copies + copies) if copies else main)
    return kept, duplicates
