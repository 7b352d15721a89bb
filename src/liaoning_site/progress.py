"""Progress on a terminal: one status line, rewritten in place; silent in CI and when piped.

With `timed=True` it also keeps how long each stage took (`build --timings` prints them): a stage
lasts until the next one begins or `done` is called.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None, timed: bool = False):
        self.stream = stream or sys.stderr
        if enabled is None:
            ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
            enabled = self.stream.isatty() and not ci
        self.enabled = enabled
        self.started = time.perf_counter()
        self.timed = timed
        self.timings: list[tuple[str, float]] = []  # (stage, seconds), in order
        self._current: tuple[str, float] | None = None

    def stage(self, text: str) -> None:
        self._close()
        if self.timed:
            self._current = (text, time.perf_counter())
        if self.enabled:
            self.stream.write(f"\r\033[K{time.perf_counter() - self.started:5.1f} s  {text}")
            self.stream.flush()

    def done(self) -> None:
        self._close()
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _close(self) -> None:
        if self._current is not None:
            text, since = self._current
            self.timings.append((text, time.perf_counter() - since))
            self._current = None


QUIET = Progress(enabled=False)
