"""The fork pool: results in order, and Ctrl-C while workers are being forked is acted on afterwards."""

from __future__ import annotations

import signal

import pytest

from liaoning_site.pool import _ctrl_c_held, map_forked


def square(x: int) -> int:
    return x * x


def test_results_come_back_in_order_from_forked_workers() -> None:
    assert map_forked(square, list(range(50)), jobs=2, min_items=2, min_chunk=1) == [x * x for x in range(50)]


def test_ctrl_c_while_forking_is_held_then_raised() -> None:
    # Raised inside os.fork()'s handlers, it would be dropped and leave logging's lock taken.
    reached_the_end = False
    with pytest.raises(KeyboardInterrupt):
        with _ctrl_c_held():
            signal.raise_signal(signal.SIGINT)
            reached_the_end = True
    assert reached_the_end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_objects_frozen_before_a_parallel_map_stay_frozen_after_it() -> None:
    # `serve` freezes the site it holds so that garbage collection passes skip it; forking
    # workers must not hand it back to the collector.
    import gc

    gc.unfreeze()
    try:
        kept = [{"n": i} for i in range(1000)]
        gc.freeze()
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        assert map_forked(square, list(range(400)), jobs=2) == [i * i for i in range(400)]
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_a_parallel_map_alone_leaves_nothing_frozen() -> None:
    import gc

    gc.unfreeze()
    map_forked(square, list(range(400)), jobs=2)
    assert gc.get_freeze_count() == 0
