"""When the cyclic garbage collector runs: not over the build's long-lived objects.

A build at 10,000 articles holds millions of objects (cached documents, the site model) for its
whole life. Each full collection pass walks all of them, and allocating them triggers several
such passes: about a second and a half of a one-article rebuild, and a fifth of `serve`'s
reload. A build runs with the collector `paused`: its records hold no cycles, and reference
counting frees whatever it drops. A `serve` rebuild leaves a few hundred objects in cycles
(Jinja2's): it `pause`s the collector, and once the preview is idle `settle` collects them in
one pass over what the rebuild made (35-60 ms at 10,000 articles, after the browser has
reloaded rather than before), then freezes the rest (moves it where the collector never looks).

The `liaoning-site` command ends with os._exit once its work is done (see __main__). There, what a
build leaves behind is neither freed object by object nor walked by a first collection pass when
the collector is switched back on (each about a sixth of a second at 10,000 articles): the exit
hands the memory back at once.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

_exit_follows = False
_kept_for_exit: list[object] = []


def exit_follows() -> None:
    """This process ends with os._exit when its command is done (never in a library's caller)."""
    global _exit_follows
    _exit_follows = True


def keep_until_exit(value: object) -> None:
    """Let the process's exit free `value` if one follows (see exit_follows); else drop it."""
    if _exit_follows:
        _kept_for_exit.append(value)


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and not _exit_follows:
            gc.enable()


def pause() -> None:
    gc.disable()


def settle() -> None:
    gc.collect(0)  # everything made since the collector was paused is in the youngest generation
    gc.freeze()
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


def collect_in_worker() -> None:
    """Forked workers start with the parent's setting; their own garbage is theirs to collect."""
    gc.enable()
