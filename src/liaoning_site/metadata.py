"""Structured data for search engines and link previews: JSON-LD objects and their safe embedding.

Pages describe themselves (title, summary, dates, breadcrumbs); this module turns that into
schema.org objects. The JSON is escaped for a `<script>` element, so no editor's text can end it.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from markupsafe import Markup

# `</script>` or `<!--` inside a title must not end or confuse the script element.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_ld(data: dict[str, Any]) -> Markup:
    """The contents of a `<script type="application/ld+json">` element."""
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_SAFE))


def breadcrumbs(trail: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """(name, absolute URL) from the home page down to the current page."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url} for n, (name, url) in enumerate(trail, 1)
        ],
    }


def organization(name: str, url: str, logo: str | None = None) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "name": name, "url": url}
    if logo:
        org["logo"] = {"@type": "ImageObject", "url": logo}
    return org


def website(name: str, url: str, description: str, language: str, search_url: str | None) -> dict[str, Any]:
    """The home page's object; `search_url` has `{search_term_string}` where the query goes."""
    site: dict[str, Any] = {"@type": "WebSite", "name": name, "url": url, "description": description, "inLanguage": language}
    if search_url:
        site["potentialAction"] = {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search_url},
            "query-input": "required name=search_term_string",
        }
    return site


def news_article(
    *,
    headline: str,
    url: str,
    description: str,
    published: str,
    modified: str | None,
    language: str,
    author: str | None,
    organization_name: str | None,
    publisher: dict[str, Any],
    images: list[str],
    keywords: list[str],
    section: str | None,
) -> dict[str, Any]:
    """A `NewsArticle`: who wrote it (a person, else the organisation named in it, else the site)."""
    if author:
        by: dict[str, Any] = {"@type": "Person", "name": author}
    elif organization_name:
        by = {"@type": "Organization", "name": organization_name}
    else:
        by = {"@type": "Organization", "name": publisher["name"], "url": publisher["url"]}
    article: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": headline,
        "description": description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": published,
        "dateModified": modified or published,
        "inLanguage": language,
        "author": [by],
        "publisher": publisher,
    }
    if images:
        article["image"] = images
    if keywords:
        article["keywords"] = keywords
    if section:
        article["articleSection"] = section
    return article
