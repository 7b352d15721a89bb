"""Progress on a terminal: one status line, rewritten in place; silent in CI and when piped."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        if enabled is None:
            ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
            enabled = self.stream.isatty() and not ci
        self.enabled = enabled
        self.started = time.perf_counter()

    def stage(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\033[K{time.perf_counter() - self.started:5.1f} s  {text}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


QUIET = Progress(enabled=False)
