"""`OutputFile`: one file of the built site, as bytes, produced by the render-stage modules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class OutputFile:
    output: str  # path inside the output folder, "/"-separated
    # None: unchanged since the last build, whose file is still in the output; a Path: a file to
    # copy (image variants and share cards, kept in the media cache).
    data: bytes | Path | None
