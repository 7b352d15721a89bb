"""CJK typography for rendered pages: a thin space between Chinese characters and Latin letters or
digits ("2025 年", "AI 课程"), as careful Chinese publishers set it.

Only text a reader reads is touched: not the document head, not code, not attributes (so no URL
or id changes), not SVG, and nothing marked `translate="no"`.
"""

from __future__ import annotations

import re
from bisect import bisect_right

THIN_SPACE = "\u2009"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Zero-width: the boundary between a Chinese character and a Latin letter or digit, either way.
_BOUNDARY = re.compile(f"(?<=[{_HAN}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])(?=[{_HAN}])")
_LEFT_ALONE = re.compile(
    r"<(head|code|pre|kbd|samp|script|style|svg|textarea)\b.*?</\1\s*>"
    r"|<([a-z][a-z0-9]*)\b[^>]*\btranslate=\"no\"[^>]*>.*?</\2\s*>",
    re.DOTALL | re.IGNORECASE,
)


def space_text(text: str) -> str:
    return _BOUNDARY.sub(THIN_SPACE, text)


def space_html(page: str) -> str:
    """The page with thin spaces in its readable text."""
    spans = [(m.start(), m.end()) for m in _LEFT_ALONE.finditer(page)]
    starts = [start for start, _ in spans]

    def boundary(match: re.Match[str]) -> str:
        at = match.start()
        index = bisect_right(starts, at) - 1
        if index >= 0 and at < spans[index][1]:
            return ""
        if page.rfind("<", 0, at) > page.rfind(">", 0, at):  # inside a tag: an attribute value
            return ""
        return THIN_SPACE

    return _BOUNDARY.sub(boundary, page)
