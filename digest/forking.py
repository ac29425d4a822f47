"""Forked worker processes that read the parent's memory instead of receiving pickles.

The stages that spread work over cores (analyze, synthesize, render) fork: a worker sees the articles and
analyses the parent holds, and only results travel back. Before forking, the parent's objects are moved out
of the garbage collector's reach (`gc.freeze`): the collector then never walks them, in the parent or in the
workers, which saves its passes and keeps the workers from copying the pages it would have touched.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def forked_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` forked processes, with the parent's heap frozen while it runs.

    No collection first: on a large day's heap a full one costs seconds (1.5 s for 8 million objects) each
    time a pool starts, and a cycle that happens to be frozen is collected once the pool is done."""
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()
