"""Connected components of items joined by pairs (union-find), shared by the stages that merge near-copies."""

from __future__ import annotations

from collections.abc import Iterable


def connected_groups(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The groups of items 0..n-1 that `pairs` join, directly or through others.

    Each group is in ascending order and the groups are ordered by their first item; an item no pair names is a
    group of its own.
    """
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the smallest item is the root: groups come out in order
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())
