"""`memory.trim` hands freed heap pages back to the system."""

from __future__ import annotations

import pytest

from digest.runtime import memory


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.skipif(not memory.trim(), reason="not glibc: trim does nothing")
def test_trim_returns_the_holes_a_stage_leaves() -> None:
    # Freed blocks between blocks still in use are holes that glibc keeps for later use: only trim returns them.
    kept, freed = [], []
    for _ in range(1500):
        kept.append(bytearray(64 * 1024))
        freed.append(bytearray(64 * 1024))
        kept[-1][::4096] = b"x" * 16  # touch every page, so that they are resident
        freed[-1][::4096] = b"y" * 16
    del freed
    before = _rss()
    assert memory.trim()
    after = _rss()
    assert before - after > 50 * 2**20  # about 94 MB of holes
    assert len(kept) == 1500
