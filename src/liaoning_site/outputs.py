"""`OutputFile`: one file of the built site, as bytes, produced by the render-stage modules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Spooled:
    """A rendered file's bytes, kept in a spool folder until they are written.

    A cold build at 10,000 articles renders 370 MB of HTML; held in memory until the write stage,
    they were a third of the build's peak. The write stage moves the file into place.
    """

    path: Path
    size: int

    def read(self) -> bytes:
        return self.path.read_bytes()


def spool(folder: Path, output: str, data: bytes) -> Spooled:
    """Put `data` (the bytes of `output`) into `folder`, under a flat name of its own."""
    path = folder / hashlib.blake2b(output.encode("utf-8"), digest_size=16).hexdigest()
    path.write_bytes(data)
    return Spooled(path, len(data))


def content_bytes(data: bytes | Spooled) -> bytes:
    return data.read() if isinstance(data, Spooled) else data


@dataclass(frozen=True, slots=True)
class OutputFile:
    output: str  # path inside the output folder, "/"-separated
    # None: unchanged since the last build, whose file is still in the output; a Path: a file to
    # copy (image variants and share cards, kept in the media cache); Spooled: bytes on disk.
    data: bytes | Spooled | Path | None
