"""Reading editors' text files: UTF-8 (with or without BOM), any line ending, errors at their position."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostics, Position, tr


def read_text(path: Path, rel: str, diagnostics: Diagnostics) -> str | None:
    """Return the file's text with `\\n` line endings, or report why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diagnostics.error(rel, Position(), tr(f"cannot read file: {exc.strerror or exc}", f"无法读取文件：{exc.strerror or exc}"))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):  # a BOM, as some Windows editors write
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        diagnostics.error(rel, _byte_position(raw, exc.start), tr(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            f"文件不是 UTF-8 编码（字节 0x{raw[exc.start]:02x}）；请用编辑器另存为 UTF-8 编码",
        ))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _byte_position(raw: bytes, offset: int) -> Position:
    """Line and column (in characters, as editors count) of a byte offset; any line ending counts."""
    before = raw[:offset].decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return Position(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
