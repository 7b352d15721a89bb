"""Taxonomies: tags, regions and groups, each term with its articles (newest first) and its URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..slugs import make_slug
from ..validate import Article
from . import urls
from .urls import Route

# Kind -> (Chinese name, how to read an article's terms).
TAXONOMIES: dict[str, tuple[str, Callable[[Article], Iterable[str]]]] = {
    "tags": ("标签", lambda a: a.tags),
    "regions": ("地区", lambda a: (a.region,) if a.region else ()),
    "groups": ("重点群体", lambda a: a.groups),
}


@dataclass(frozen=True, slots=True)
class Term:
    kind: str
    name: str
    slug: str
    route: Route
    articles: tuple[Article, ...]


def term_slug(kind: str, name: str) -> str:
    # Regions are named with 市 in content; the URL uses the city's own name (大连市 -> da-lian).
    if kind == "regions" and name.endswith("市"):
        name = name[:-1]
    return make_slug(name)


def collect_terms(kind: str, articles: tuple[Article, ...]) -> tuple[Term, ...]:
    """One pass over the (already sorted) articles; terms sorted by size, then by slug."""
    terms_of = TAXONOMIES[kind][1]
    members: dict[str, list[Article]] = {}
    for article in articles:
        for name in terms_of(article):
            members.setdefault(name, []).append(article)
    terms = []
    for name, items in members.items():
        slug = term_slug(kind, name)
        terms.append(Term(kind, name, slug, urls.term(kind, slug), tuple(items)))
    return tuple(sorted(terms, key=lambda t: (-len(t.articles), t.slug, t.name)))
