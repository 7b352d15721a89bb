"""When the cyclic garbage collector runs: not over the build's long-lived objects.

A build at 10,000 articles holds millions of objects (cached documents, the site model) for its
whole life. Each full collection pass walks all of them, and allocating them triggers several
such passes: about a second and a half of a one-article rebuild, and a fifth of `serve`'s
reload. Objects made under `long_lived` are made with the collector paused, then frozen (moved
where the collector never looks). Reference counting still frees them when they are dropped;
only garbage in cycles among them would stay. The build's records have none. A `serve` rebuild
leaves a few hundred objects in cycles (Jinja2's): it `pause`s the collector, and once the
preview is idle `settle` collects them in one pass over what the rebuild made (35-60 ms at
10,000 articles, after the browser has reloaded rather than before), then freezes the rest.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def long_lived() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def pause() -> None:
    gc.disable()


def settle() -> None:
    gc.collect(0)  # everything made since the collector was paused is in the youngest generation
    gc.freeze()
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
