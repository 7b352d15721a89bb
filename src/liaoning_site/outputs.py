"""`OutputFile`: one file of the built site, as bytes, produced by the render-stage modules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutputFile:
    output: str  # path inside the output folder, "/"-separated
    data: bytes | None  # None: unchanged since the last build, whose file is still in the output
