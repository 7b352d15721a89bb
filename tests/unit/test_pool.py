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
