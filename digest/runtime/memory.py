"""Giving freed memory back to the system between stages.

CPython frees a stage's temporaries, but glibc's allocator keeps the freed pages for later use, so the
process's resident size stays at its peak: after ingest, half of it is pages no object uses. `trim` hands
them back (glibc's `malloc_trim`), so that the next stage's peak does not stack on the last one's, and forked
workers do not start from a swollen parent. Elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def trim() -> bool:
    """Return the allocator's free pages to the system; True if it could (glibc)."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0) >= 0)
