"""Safe HTML: what raw HTML in an editor's Markdown may contain once it reaches readers.

A conservative allow-list applied with nh3 to each body's HTML after Markdown: text
structure, tables, figures, `<details>`, `<sup>`/`<sub>`, `<abbr>`, `<mark>`; no scripts,
no styles (but table-cell alignment), no event handlers, no `javascript:` or `data:` URLs
except `data:image/*` in an image. `<iframe>` and `<video>` are kept only when their `src`
is an https URL on a host the site lists (`html.embed_hosts` in site.yml), and a site can
turn sanitising off only by writing `html.trusted: true`. Front matter never goes through
here: templates escape it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import nh3

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "kbd", "samp", "var",
    "em", "strong", "b", "i", "u", "s", "del", "ins", "small", "sub", "sup", "mark", "abbr", "cite", "q", "dfn",
    "time", "span", "div", "a", "img", "figure", "figcaption", "picture", "source",
    "ul", "ol", "li", "dl", "dt", "dd", "details", "summary",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
}
GENERIC_ATTRIBUTES = {"id", "class", "title", "lang", "dir", "translate"}
ATTRIBUTES = {
    **{tag: set(GENERIC_ATTRIBUTES) for tag in TAGS},
    "a": GENERIC_ATTRIBUTES | {"href", "hreflang", "rel"},
    "img": GENERIC_ATTRIBUTES | {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "source": GENERIC_ATTRIBUTES | {"srcset", "sizes", "type", "media"},
    "time": GENERIC_ATTRIBUTES | {"datetime"},
    "abbr": GENERIC_ATTRIBUTES,
    "ol": GENERIC_ATTRIBUTES | {"start", "reversed", "type"},
    "th": GENERIC_ATTRIBUTES | {"colspan", "rowspan", "scope", "style"},
    "td": GENERIC_ATTRIBUTES | {"colspan", "rowspan", "style"},
    "details": GENERIC_ATTRIBUTES | {"open"},
    "col": GENERIC_ATTRIBUTES | {"span"},
    "colgroup": GENERIC_ATTRIBUTES | {"span"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "data"}
URL_ATTRIBUTES = {"href", "src", "srcset", "poster"}
# Embedded players, allowed only from listed hosts; never `srcdoc`, which would carry HTML of its own.
EMBED_TAGS = {"iframe", "video", "audio"}
EMBED_ATTRIBUTES = {
    "iframe": GENERIC_ATTRIBUTES | {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"},
    "video": GENERIC_ATTRIBUTES | {"src", "poster", "controls", "width", "height", "preload", "muted", "loop", "playsinline"},
    "audio": GENERIC_ATTRIBUTES | {"src", "controls", "preload", "muted", "loop"},
}


@dataclass(frozen=True, slots=True)
class HtmlPolicy:
    """What a site allows in raw HTML, from the `html` settings of site.yml."""

    embed_hosts: tuple[str, ...] = ()
    trusted: bool = False  # no sanitising at all: only by an explicit `trusted: true`

    @property
    def fingerprint(self) -> str:
        """Part of each cached body's key: the same Markdown gives other HTML under another policy."""
        text = f"{self.trusted}|{','.join(sorted(self.embed_hosts))}"
        return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()

    def allows_embed(self, src: str) -> bool:
        parts = urlsplit(src.strip())
        return parts.scheme == "https" and (parts.hostname or "") in self.embed_hosts


def _attribute_filter(policy: HtmlPolicy) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        lowered = value.strip().lower()
        if tag in EMBED_TAGS and attribute == "src":
            return value if policy.allows_embed(value) else None
        if tag == "source" and attribute == "src":  # a <video>'s alternative files
            return value if policy.allows_embed(value) else None
        # `data:` is allowed as a scheme only so that this check can keep images and drop the rest.
        if attribute in URL_ATTRIBUTES and lowered.startswith("data:"):
            return value if tag in ("img", "source") and lowered.startswith("data:image/") else None
        return value

    return keep


class Sanitizer:
    """Keeps only the allowed markup; everything else is dropped (its text kept, scripts removed)."""

    def __init__(self, policy: HtmlPolicy = HtmlPolicy()):
        self.policy = policy
        tags, attributes = set(TAGS), {tag: set(names) for tag, names in ATTRIBUTES.items()}
        if policy.embed_hosts:
            tags |= EMBED_TAGS
            attributes.update({tag: set(names) for tag, names in EMBED_ATTRIBUTES.items()})
            attributes["source"] = attributes["source"] | {"src"}
        self._cleaner = nh3.Cleaner(
            tags=tags,
            clean_content_tags={"script", "style"},
            attributes=attributes,
            attribute_filter=_attribute_filter(policy),
            link_rel=None,  # our own links must stay as written; external ones get no referrer policy change
            url_schemes=URL_SCHEMES,
            filter_style_properties={"text-align"},  # Markdown tables align cells with it
        )

    def __call__(self, html: str) -> str:
        if self.policy.trusted:
            return html
        cleaned = self._cleaner.clean(html)
        if self.policy.embed_hosts and "<" in cleaned:
            cleaned = _EMPTY_PLAYER.sub(_drop_if_nothing_to_play, cleaned)
        return cleaned


# nh3 can drop an attribute, not the element holding it: a player whose address was refused
# would stay as an empty box. nh3's output quotes and lower-cases attributes, so a pattern can tell.
_EMPTY_PLAYER = re.compile(r"<(iframe|video|audio)\b([^>]*)>(.*?)</\1>", re.DOTALL)
_SOURCE_WITH_SRC = re.compile(r'<source\b[^>]*\ssrc="')


def _drop_if_nothing_to_play(match: re.Match[str]) -> str:
    playable = ' src="' in match[2] or _SOURCE_WITH_SRC.search(match[3])
    return match[0] if playable else ""


sanitize = Sanitizer()
