"""Simplified -> Traditional characters with OpenCC, for the `/zh-hant/` mirror.

Only what readers read is converted: text, and the attributes that carry text (alt, title,
aria-label, meta descriptions). URLs, slugs, code, and anything marked `translate="no"` stay
as written. An editor's phrase dictionary (content/zh-hant.yml) wins over OpenCC: its phrases
are set aside before conversion and put back after, so OpenCC cannot change them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import opencc

from .metadata import json_ld

CONVERSIONS = ("s2t", "s2hk", "s2tw", "s2twp")
# Text nodes and tags; comments and doctype count as tags (never converted).
_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.DOTALL)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")
_TEXT_ATTRS = re.compile(r"""(\s(?:alt|title|aria-label|placeholder|content|data-pagefind-meta)\s*=\s*)("[^"]*"|'[^']*')""", re.IGNORECASE)
_RAW = {"code", "pre", "kbd", "samp", "script", "style"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SEPARATOR = "\x01"  # never in HTML text; OpenCC passes it through
_PLACEHOLDER = 0xF0000  # a private-use plane: one code point per phrase of the dictionary
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class Converter:
    """Converts text, HTML pages, feeds and JSON-LD of one site; holds the OpenCC instance."""

    conversion: str = "s2t"
    phrases: dict[str, str] = field(default_factory=dict)  # simplified -> traditional, from editors

    def __post_init__(self) -> None:
        self._opencc = opencc.OpenCC(self.conversion)
        ordered = sorted(self.phrases, key=len, reverse=True)  # the longest phrase wins
        self._phrase_re = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._placeholders = {p: chr(_PLACEHOLDER + n) for n, p in enumerate(ordered)}
        self._restore = {chr(_PLACEHOLDER + n): self.phrases[p] for n, p in enumerate(ordered)}

    def text(self, text: str) -> str:
        if not _CJK.search(text):
            return text
        if self._phrase_re is None:
            return self._opencc.convert(text)
        marked = self._phrase_re.sub(lambda m: self._placeholders[m[0]], text)
        converted = self._opencc.convert(marked)
        return "".join(self._restore.get(ch, ch) for ch in converted) if self._restore else converted

    def texts(self, parts: list[str]) -> list[str]:
        """Many strings in one OpenCC call (a page's text nodes)."""
        if not parts:
            return []
        converted = self.text(_SEPARATOR.join(parts)).split(_SEPARATOR)
        assert len(converted) == len(parts)
        return converted

    def html(self, page: str, keep: tuple[str, ...] = ()) -> str:
        """Convert a page's text and text attributes; leave markup, URLs, code and `translate="no"` alone.

        `keep`: more elements whose text is left alone (a feed's `id`, which is a URL).
        """
        tokens = _TOKEN.findall(page)
        convertible: list[int] = []
        skip: list[str] = []  # open elements whose content is left as written
        for index, token in enumerate(tokens):
            if token.startswith("<"):
                match = _TAG_NAME.match(token)
                if not match:
                    continue
                closing, name = match[1] == "/", match[2].lower()
                if closing:
                    if skip and skip[-1] == name:
                        skip.pop()
                    continue
                if not skip and _TEXT_ATTRS.search(token):
                    convertible.append(index)
                # JSON-LD is converted apart (json_ld), as data: its URLs must stay as they are.
                if (name in _RAW or name in keep or 'translate="no"' in token) and name not in _VOID and not token.endswith("/>"):
                    skip.append(name)
            elif not skip and _CJK.search(token):
                convertible.append(index)
        self._convert_tokens(tokens, convertible)
        return "".join(tokens)

    def _convert_tokens(self, tokens: list[str], indexes: list[int]) -> None:
        parts: list[str] = []
        plan: list[tuple[int, list[tuple[int, int]] | None]] = []
        for index in indexes:
            token = tokens[index]
            if token.startswith("<"):
                spans = [(m.start(2) + 1, m.end(2) - 1) for m in _TEXT_ATTRS.finditer(token)]
                spans = [(a, b) for a, b in spans if _CJK.search(token[a:b]) and not _is_url(token[a:b])]
                plan.append((index, spans))
                parts += [token[a:b] for a, b in spans]
            else:
                plan.append((index, None))
                parts.append(token)
        converted = iter(self.texts(parts))
        for index, spans in plan:
            token = tokens[index]
            if spans is None:
                tokens[index] = next(converted)
                continue
            out, last = [], 0
            for a, b in spans:
                out += [token[last:a], next(converted)]
                last = b
            tokens[index] = "".join(out) + token[last:]

    def json_ld(self, data: Any) -> Any:
        """Structured data: every string but URLs."""
        if isinstance(data, dict):
            return {key: self.json_ld(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self.json_ld(value) for value in data]
        if isinstance(data, str) and not _is_url(data):
            return self.text(data)
        return data


def _is_url(value: str) -> bool:
    value = value.strip()
    return value.startswith(("/", "#", "mailto:", "data:")) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value) is not None


def json_ld_blocks(page: str, convert: Any) -> str:
    """Rewrite each JSON-LD block of a page through `convert` (a function of the parsed data)."""

    def replace(match: re.Match[str]) -> str:
        return match[1] + str(json_ld(convert(json.loads(match[2])))) + match[3]  # escaped as the page's own

    return re.sub(r'(<script type="application/ld\+json">)(.*?)(</script>)', replace, page, flags=re.DOTALL)
