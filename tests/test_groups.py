"""Connected groups: the same partition as a plain graph search, in the promised order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digest.runtime.groups import connected_groups


def _search(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    neighbours: dict[int, set[int]] = {i: set() for i in range(n)}
    for a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)
    seen: set[int] = set()
    groups = []
    for start in range(n):
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            i = todo.pop()
            if i not in group:
                group.add(i)
                todo.extend(neighbours[i] - group)
        seen |= group
        groups.append(sorted(group))
    return groups


@given(
    st.integers(0, 30).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))))
        )
    )
)
def test_groups_are_the_connected_components_in_order(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, pairs = case
    pairs = pairs if n else []
    assert connected_groups(n, pairs) == _search(n, pairs)


def test_a_chain_is_one_group_and_loners_stay_alone() -> None:
    assert connected_groups(6, [(4, 2), (2, 0), (5, 5)]) == [[0, 2, 4], [1], [3], [5]]
