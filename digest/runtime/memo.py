"""A pure function of a word (or any short string), remembered per distinct value.

The per-word work of the stages (normalising, cue flags, date triggers) meets the same words again and again
(Zipf). A dict subclass whose `__missing__` computes the value lets `map(memo.__getitem__, words)` stay in C
for the words already seen, which is faster than `functools.lru_cache` on these hot paths; it is cleared when
it grows past `limit`, so a long run's memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

V = TypeVar("V")


class PerWord(dict[str, V]):
    """`memo[word]` is `compute(word)`, computed on first sight."""

    def __init__(self, compute: Callable[[str], V], limit: int = 300_000) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, word: str) -> V:
        if len(self) > self.limit:
            self.clear()
        value = self[word] = self.compute(word)
        return value
