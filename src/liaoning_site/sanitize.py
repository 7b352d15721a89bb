"""Safe HTML: what raw HTML in an editor's Markdown may contain once it reaches readers.

A conservative allow-list applied with nh3 to each body's HTML after Markdown: text
structure, tables, figures, `<details>`, `<sup>`/`<sub>`, `<abbr>`, `<mark>`; no scripts,
no styles (but table-cell alignment), no event handlers, no `javascript:` or `data:` URLs
except `data:image/*` in an image. Front matter never goes through here: templates escape it.
"""

from __future__ import annotations

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
URL_ATTRIBUTES = {"href", "src", "srcset"}


def _filter(tag: str, attribute: str, value: str) -> str | None:
    # `data:` is allowed as a scheme only so that this check can keep images and drop the rest.
    if attribute in URL_ATTRIBUTES and value.strip().lower().startswith("data:"):
        return value if tag in ("img", "source") and value.strip().lower().startswith("data:image/") else None
    return value


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    attribute_filter=_filter,
    link_rel=None,  # our own links must stay as written; external ones get no referrer policy change
    url_schemes=URL_SCHEMES,
    filter_style_properties={"text-align"},  # Markdown tables align cells with it
)


def sanitize(html: str) -> str:
    """Keep only the allowed markup; everything else is dropped (its text kept, scripts removed)."""
    return _CLEANER.clean(html)
