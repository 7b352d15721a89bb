"""When the cyclic garbage collector runs: not over the build's long-lived objects.

A build at 10,000 articles holds millions of objects (cached documents, the site model) for its
whole life. Each full collection pass walks all of them, and allocating them triggers several
such passes: about a second and a half of a one-article rebuild, and a fifth of `serve`'s
reload. Objects made under `long_lived` are made with the collector paused, then frozen (moved
where the collector never looks). Reference counting still frees them when they are dropped;
only garbage in cycles among them would stay. The build's records have none; a `serve` rebuild
leaves a few hundred objects in cycles (Jinja2's), collected by one pass over what the rebuild
made (`collect=True`, 35 ms at 10,000 articles) before it is frozen.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def long_lived(collect: bool = False) -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collect:
            gc.collect(0)  # everything made since the last freeze is in the youngest generation
        gc.freeze()
        if enabled:
            gc.enable()


def collect_in_worker() -> None:
    """Forked workers start with the parent's setting; their own garbage is theirs to collect."""
    gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Freeze everything for a while (forked workers then share the parent's memory pages),
    keeping whatever was frozen before frozen afterwards."""
    already = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()
