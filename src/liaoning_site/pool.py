"""Parallel map over forked worker processes, for the CPU-bound parts of rendering.

Workers are forked after the data is ready, so they inherit the site model, the Markdown
bodies and the work function from the parent's memory instead of receiving them pickled;
only index ranges go in and results come back. Small batches run inline: starting
workers costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TypeVar

from .heap import collect_in_worker, frozen

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 200  # items below which one process is faster than forking

# Set in each worker by the pool initializer (inherited through fork, never in the parent).
_worker: tuple[Callable, Sequence] | None = None


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def in_worker() -> bool:
    """True in a process forked by `map_forked`: what it memoizes dies with it."""
    return _worker is not None


def _install(work: Callable, items: Sequence) -> None:
    global _worker
    _worker = (work, items)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # held by the parent while forking: not here
    collect_in_worker()


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C while workers are forked, then act on it.

    A KeyboardInterrupt raised inside os.fork()'s handlers is printed and dropped, and it leaves
    the logging module's lock taken: `serve` would go on running and hang at its next log call.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is None:
        yield  # only the main thread runs signal handlers; None: a handler Python did not install
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: held.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)


def _run(bounds: tuple[int, int]) -> list:
    assert _worker is not None
    work, items = _worker
    return [work(items[i]) for i in range(*bounds)]


def map_forked(work: Callable[[T], R], items: Sequence[T], jobs: int, min_items: int = MIN_PARALLEL, min_chunk: int = 16) -> list[R]:
    """`[work(x) for x in items]`, spread over `jobs` forked processes when it pays off.

    Heavy items (encoding an image) pay off sooner: lower `min_items` and `min_chunk` for them.
    """
    if jobs <= 1 or len(items) < max(2, min_items) or "fork" not in multiprocessing.get_all_start_methods():
        return [work(x) for x in items]
    # Several chunks per worker keep both cores busy when some items are slower than others.
    size = max(min_chunk, len(items) // (jobs * 8))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    # Workers share the parent's memory until they write to it; a garbage collection pass in a
    # worker would write to every object's header and copy it all. Frozen objects are not visited.
    with frozen():
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_install, initargs=(work, items)) as pool:
            with _ctrl_c_held():
                chunks = pool.map(_run, bounds)  # submits every chunk: the workers are forked here
            results: list[R] = []
            for chunk in chunks:
                results.extend(chunk)
    return results
