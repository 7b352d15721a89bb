"""Links written in Markdown bodies: find them with their positions, resolve relative `.md` targets.

Python-Markdown keeps no source positions, so links are found in the raw text here, which
lets a broken link be reported at its own line and column.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .diagnostics import Position, position
from .records import Record

# `[text](target "title")`, `![alt](target)` and reference definitions `[id]: target`.
_INLINE = re.compile(r"(!?)\[(?P<text>[^\]\n]*)\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
_REFDEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:\s*<?(?P<target>\S+?)>?(?:\s+.*)?$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Reference(Record):
    target: str
    position: Position
    is_image: bool
    text: str
    local: bool  # a relative path to a file in the source tree
    path: str  # for a local target: the file, relative to the site root ("" otherwise)
    fragment: str


def find_references(body: str, body_line: int, source: str) -> tuple[Reference, ...]:
    """Every link and image target in a Markdown body, outside fenced code, with file positions.

    Local targets are resolved against `source` here, once per version of the document.
    """
    if "](" not in body and "]:" not in body:
        return ()
    masked = mask_fences(body)
    found = []
    for match in _INLINE.finditer(masked):
        found.append(_reference(source, match["target"], position_in(body, match.start("target"), body_line), match[1] == "!", match["text"]))
    for match in _REFDEF.finditer(masked):
        found.append(_reference(source, match["target"], position_in(body, match.start("target"), body_line), False, ""))
    return tuple(sorted(found, key=lambda r: (r.position.line, r.position.col)))


def is_local(target: str) -> bool:
    """A relative link to a file in the source tree (not a URL, anchor, or site path)."""
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc or target.startswith(("#", "/")))


def resolve(source: str, target: str) -> tuple[str, str]:
    """`content/articles/a.md` + `../pages/b.md#x` -> (`content/pages/b.md`, `x`)."""
    parts = urlsplit(target)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(parts.path)))
    return joined, parts.fragment


def _reference(source: str, target: str, position: Position, is_image: bool, text: str) -> Reference:
    if is_local(target):
        path, fragment = resolve(source, target)
        return Reference(target, position, is_image, text, True, path, fragment)
    return Reference(target, position, is_image, text, False, "", urlsplit(target).fragment)


def position_in(body: str, offset: int, body_line: int) -> Position:
    line_start = body.rfind("\n", 0, offset) + 1
    return position(body.count("\n", 0, offset) + body_line, offset - line_start + 1)


def mask_fences(body: str) -> str:
    """Blank out fenced code blocks (keeping offsets) so code samples are not taken for links."""
    out, inside, fence = [], False, ""
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if match and (not inside or match[1] == fence):
            inside, fence = (not inside), match[1]
            out.append(" " * len(line))
        else:
            out.append(" " * len(line) if inside else line)
    return "\n".join(out)
