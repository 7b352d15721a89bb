"""Reading editors' text files: UTF-8 (with or without BOM), any line ending, errors at their position."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostics, Position


def read_text(path: Path, rel: str, diagnostics: Diagnostics) -> str | None:
    """Return the file's text with `\\n` line endings, or report why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diagnostics.error(rel, Position(), f"cannot read file: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        diagnostics.error(
            rel,
            Position(line, col),
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
