"""Search text: what a page says, and the pairs of Chinese characters that make all of it findable.

Pagefind finds a page when each word of the query begins one of the page's words. Its segmenter
cuts 智能工厂 into 智能 | 工厂, so a reader searching 能工 (or 数字素养 where it cut 数字 | 素养 |
与) would not find the page, although the words are right there. So every pair of neighbouring
Chinese characters on a page is also one of its words, as hidden metadata (never shown), and
search.js asks for a query's pairs instead of its words: 智能工厂 -> 智能 能工 工厂.

A pair goes into the index spelled in letters and digits (`han_token`): 能工 is q0ph90ijp, the
letter q and each character's code point in four base-36 digits. Given in Chinese, the browser's
word segmenter (Intl.Segmenter, which Pagefind runs on every query of a Chinese page) cuts a pair
it does not know as a word into two characters, and Pagefind then looks for any word beginning
with each: 力宣 found every page holding a 力 and a 宣 anywhere, and a character whose words
spread over two chunks of the index missed the pages in the second (Pagefind loads one chunk a
word). A run of letters and digits is one word to every segmenter, and a pair's token begins no
other pair's: a query finds the pages holding its pairs, and only those. The one collision is
a query of the single letter q, which begins every token.

A lone character (a query of one) is looked up as the beginning of its pairs' tokens, so a page
also gets a token for each character that only ever ends a run: its own, with a z after it
(q0sg9z). Pagefind searches a word no page has as the longest beginning of it that is a word,
and a pair's token never begins with a lone character's: a shard of the index without the pair
finds nothing, not the pages where the pair's first character ends a run. (A character's first
digit is at most n: code points end below 24·36³.)
"""

from __future__ import annotations

import html
import re

# The same ranges are in static/js/search.js: CJK ideographs (Extension A, the unified block,
# compatibility ideographs, Extensions B to H).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
_RUN = re.compile(f"[{HAN}]{{2,}}")
GRAMS, TITLE_GRAMS = "grams", "title_grams"  # metadata names; search.js weighs title pairs higher
# Parts of the marked element that are navigation or labels, not what the page says (templates/).
EXCLUDE = (".breadcrumb", ".card-meta", ".article-meta", ".section-title", ".toc", ".share", ".related",
           ".card-grid", ".empty", ".pager", ".more")
_EXCLUDED_CLASSES = frozenset(s[1:] for s in EXCLUDE)
_SILENT = frozenset({"script", "style", "template", "svg", "noscript", "textarea", "iframe"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")
_CLASS = re.compile(r"""\sclass\s*=\s*["']([^"']*)["']""")


def page_text(region: str) -> tuple[str, str]:
    """(text, title) of the element Pagefind indexes, without the parts it is told to leave out.

    Text nodes are joined as they are: where Pagefind puts a space between two blocks, this text
    may have none, which only adds a pair that nobody's query will miss.
    """
    text: list[str] = []
    title: list[str] | None = None
    skip: tuple[str, int] | None = None  # the element being left out, and how deep in its own kind
    in_title = False
    for token in _TOKEN.findall(region):
        if not token.startswith("<"):
            if skip is None:
                value = html.unescape(token)
                text.append(value)
                if in_title and title is not None:
                    title.append(value)
            continue
        match = _TAG.match(token)
        if match is None:
            continue  # a comment or a doctype
        closing, name = match[1] == "/", match[2].lower()
        if name in _VOID or token.endswith("/>"):
            continue
        if skip is not None:
            if name == skip[0]:
                depth = skip[1] - 1 if closing else skip[1] + 1
                skip = None if depth == 0 else (name, depth)
            continue
        if closing:
            in_title = in_title and name != "h1"
            continue
        classes = _CLASS.search(token)
        if name in _SILENT or "data-pagefind-ignore" in token or (classes and _EXCLUDED_CLASSES & set(classes[1].split())):
            skip = (name, 1)
        elif name == "h1" and title is None:
            title, in_title = [], True
    return "".join(text), "".join(title or [])


class _Base36(dict[int, str]):
    """Code point -> its four base-36 digits (for str.translate), worked out on first use."""

    def __missing__(self, code: int) -> str:
        digits = "".join("0123456789abcdefghijklmnopqrstuvwxyz"[code // 36**place % 36] for place in (3, 2, 1, 0))
        self[code] = digits
        return digits


_BASE36 = _Base36()  # 36**4 exceeds the last code point: four digits always do
TOKEN = "q"  # the same letter, and the same digits, are in static/js/search.js
LONE = "z"


def han_token(chars: str) -> str:
    """The index word that stands for these Chinese characters (see above)."""
    return TOKEN + chars.translate(_BASE36)


def han_tokens(words: list[str]) -> str:
    """The tokens of these pairs and lone characters (as han_grams gives them), separated by spaces."""
    return " ".join(han_token(word) if len(word) > 1 else han_token(word) + LONE for word in words)


def han_grams(text: str, title: str = "") -> tuple[list[str], list[str]]:
    """(pairs of the text not in the title, plus lone run-ending characters; pairs of the title), sorted."""
    pairs = _pairs(text)
    title_pairs = _pairs(title)
    starts = {pair[0] for pair in pairs | title_pairs}
    lone = {pair[1] for pair in pairs | title_pairs if pair[1] not in starts}
    return sorted((pairs - title_pairs) | lone), sorted(title_pairs)


def _pairs(text: str) -> set[str]:
    return {a + b for run in _RUN.findall(text) for a, b in zip(run, run[1:])}
