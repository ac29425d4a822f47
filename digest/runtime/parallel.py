"""The one way the stages spread work over cores: forked workers that read the parent's memory.

`map_spans` runs a function over consecutive spans of a sequence in forked processes and gives the results
back in order (ingest reads files, analyze analyses articles, synthesize builds stories with it);
`forked_pool` is the pool under it, which render also uses to lay out editions side by side. A worker sees
the data the parent holds (nothing is pickled on the way there), and only results travel back. Before
forking, the parent's objects are moved out of the garbage collector's reach (`gc.freeze`): the collector
then never walks them, in the parent or in the workers, which saves its passes and keeps the workers from
copying the pages it would have touched. Where processes cannot be forked, the work runs in this process.

Workers never outlive the run: each asks the kernel to kill it when its parent dies (`PR_SET_PDEATHSIG` on
Linux, set by `_die_with_parent` as it starts), so a `kill -9` of `digest build` leaves no orphan behind; they
ignore SIGINT (a Ctrl-C reaches the whole process group: the parent alone decides), and a pool left by an
exception (KeyboardInterrupt, the SystemExit of a SIGTERM, an error) kills its workers at once instead of
waiting for the work queued on them.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worker_count(requested: int) -> int:
    """Processes for per-item work: `requested` (at most one per core) when above 0, else one per core."""
    cores = os.cpu_count() or 1
    return min(requested, cores) if requested > 0 else cores


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """In a child process: be killed (SIGKILL) when the parent process `parent` dies, where the kernel offers it
    (Linux); exit now if it is already gone (it died between the fork and this call). Also a `preexec_fn`."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _worker_start(parent: int) -> None:
    """What each forked worker does first: die with the parent, and leave SIGINT (Ctrl-C) to it."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_live_pools: set[ProcessPoolExecutor] = set()  # the pools open in this process, for `stop_all_workers`


def stop_all_workers() -> None:
    """Kill every worker of the pools open in this process (a signal handler's cleanup before it exits)."""
    for pool in list(_live_pools):
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(OSError, ValueError):
                process.kill()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers now (work queued on them is dropped) and reap them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way before Python 3.14
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(5)


@contextmanager
def forked_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` forked processes, with the parent's heap frozen while it runs.

    The workers die with this process (`_worker_start`), and with the pool when the `with` body raises.
    No collection first: on a large day's heap a full one costs seconds (1.5 s for 8 million objects) each
    time a pool starts, and a cycle that happens to be frozen is collected once the pool is done."""
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_start,
            initargs=(os.getpid(),),
        )
        _live_pools.add(pool)
        try:
            yield pool
        except BaseException:
            _stop_workers(pool)
            raise
        finally:
            _live_pools.discard(pool)
        pool.shutdown(wait=True)
    finally:
        gc.unfreeze()


_span_work: Callable[[int, int], Any] | None = None  # what forked workers run: set by `map_spans`


def _run_span(span: tuple[int, int]) -> Any:
    assert _span_work is not None
    return _span_work(*span)


def map_spans(
    work: Callable[[int, int], T], count: int, workers: int, *, min_items: int, span_size: int
) -> Iterator[T]:
    """`work(start, end)` over consecutive spans of `span_size` items of range(`count`), results in order.

    In `workers` forked processes when there are more than one, at least `min_items` items and a platform
    that forks: `work` is a closure over the parent's data, which each worker reads from its copy of the
    parent's memory; here otherwise, over the whole range at once. Results arrive span by span (a span's
    results can be freed before the next arrives)."""
    global _span_work
    if workers <= 1 or count < min_items or not can_fork():
        yield work(0, count)
        return
    size = max(1, span_size)
    spans = [(start, min(start + size, count)) for start in range(0, count, size)]
    _span_work = work
    try:
        with forked_pool(workers) as pool:
            yield from pool.map(_run_span, spans)
    finally:
        _span_work = None


def span_size(count: int, workers: int, *, per_worker: int, low: int, high: int) -> int:
    """Items per span: about `per_worker` spans a worker, between `low` and `high` items."""
    return max(low, min(high, count // (workers * per_worker)))
