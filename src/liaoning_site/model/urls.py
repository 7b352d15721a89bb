"""The one place that decides URLs and output paths; every page kind has one function here.

A `Route.path` is relative to the site's base path ("" is the home page, "articles/x/" an
article); `Route.output` is the file inside the output folder. Both leave room for a
language prefix (`zh-hant/...`) to be put in front later.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Routes are asked for again and again (every list names its articles' routes; `serve` makes the
# whole model on each save): each one is made once. They are immutable, so sharing them is safe.
_once = lru_cache(maxsize=1 << 17)


@dataclass(frozen=True, slots=True)
class Route:
    path: str
    output: str


@_once
def _dir(path: str) -> Route:
    return Route(path, path + "index.html")


@_once
def paged(path: str, number: int) -> Route:
    """Page 1 lives at the list's own URL, later pages at `page/<n>/` below it."""
    return _dir(path if number == 1 else f"{path}page/{number}/")


def home(number: int = 1) -> Route:
    return paged("", number)


@_once
def article(slug: str) -> Route:
    return _dir(f"articles/{slug}/")


@_once
def scenario(slug: str, number: int = 1) -> Route:
    return paged(f"scenarios/{slug}/", number)


def scenario_feed(slug: str) -> Route:
    return Route(f"scenarios/{slug}/feed.xml", f"scenarios/{slug}/feed.xml")


def taxonomy(kind: str) -> Route:
    """Index of a taxonomy: kind is "tags", "regions" or "groups"."""
    return _dir(f"{kind}/")


@_once
def term(kind: str, slug: str, number: int = 1) -> Route:
    return paged(f"{kind}/{slug}/", number)


def archive() -> Route:
    return _dir("archive/")


def page(slug: str) -> Route:
    return _dir(f"{slug}/")


def data() -> Route:
    """The figures of the campaign and its articles, drawn as charts."""
    return _dir("data/")


def search() -> Route:
    return _dir("search/")


def feed() -> Route:
    return Route("feed.xml", "feed.xml")


def sitemap() -> Route:
    return Route("sitemap.xml", "sitemap.xml")


def robots() -> Route:
    return Route("robots.txt", "robots.txt")


def not_found() -> Route:
    return Route("404.html", "404.html")


def asset(rel: str) -> Route:
    return Route(rel, rel)


def manifest() -> Route:
    return Route("manifest.webmanifest", "manifest.webmanifest")


# Browsers and phones ask for these names at the site root; they are drawn by icons.py.
ICON_FILES = ("favicon.ico", "favicon.svg", "apple-touch-icon.png", "icon-192.png", "icon-512.png")


def icons() -> tuple[Route, ...]:
    return tuple(Route(name, name) for name in ICON_FILES)
