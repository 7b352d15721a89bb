"""Atom feeds: one for the whole site, one per scenario. `Site` -> `OutputFile`, pure.

Entries carry the full article HTML with every site path made absolute, since feed
readers show it out of the site's context (and several ignore `xml:base`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import Iterable
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from .markdown import RenderedBody
from .model import Site, urls
from .validate import Article
from .outputs import OutputFile
from .views import iso

FEED_SIZE = 30
_SITE_PATH_ATTR = re.compile(r'(href|src)="(/[^"/][^"]*|/)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')


def render_feeds(site: Site, bodies: dict[str, RenderedBody]) -> list[OutputFile]:
    feeds = [(urls.feed(), site.config.title, site.articles[:FEED_SIZE])]
    for scenario in site.scenarios:
        members = tuple(islice((a for a in site.articles if scenario.slug in a.scenarios), FEED_SIZE))
        feeds.append((urls.scenario_feed(scenario.slug), f"{scenario.title} · {site.config.title}", members))
    return [OutputFile(route.output, atom_feed(site, bodies, route.path, title, items).encode("utf-8")) for route, title, items in feeds]


@lru_cache(maxsize=512)  # `serve` puts the same articles in the feeds on every save
def absolutize(fragment: str, base_url: str) -> str:
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))

    def srcset(match: re.Match[str]) -> str:  # "/a-480.webp 480w, /a-960.webp 960w": each candidate
        candidates = [c.strip() for c in match[2].split(",")]
        return match[1] + ", ".join(origin + c if c.startswith("/") and not c.startswith("//") else c for c in candidates) + '"'

    return _SRCSET.sub(srcset, _SITE_PATH_ATTR.sub(lambda m: f'{m[1]}="{origin}{m[2]}"', fragment))


def atom_feed(site: Site, bodies: dict[str, RenderedBody], path: str, title: str, articles: Iterable[Article]) -> str:
    config = site.config
    entries = list(articles)[:FEED_SIZE]
    updated = max((iso(a.updated or a.date) for a in entries), default=iso(site.now))
    feed_url = config.base_url + path
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"  <id>{escape(feed_url)}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <subtitle>{escape(config.description)}</subtitle>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(config.base_url)}/>',
        f"  <updated>{updated}</updated>",
        f"  <author><name>{escape(config.title)}</name></author>",
    ]
    for article in entries:
        out.append(_entry(site, bodies[article.source], article))
    out.append("</feed>\n")
    return "\n".join(out)


def _entry(site: Site, body: RenderedBody, article: Article) -> str:
    url = site.config.base_url + site.routes[article.source].path
    author = article.author or article.organization or site.config.title
    parts = [
        "  <entry>",
        f"    <id>{escape(url)}</id>",
        f"    <title>{escape(article.title)}</title>",
        f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>',
        f"    <published>{iso(article.date)}</published>",
        f"    <updated>{iso(article.updated or article.date)}</updated>",
        f"    <author><name>{escape(author)}</name></author>",
        f"    <summary>{escape(article.summary or body.summary)}</summary>",
    ]
    parts += [f"    <category term={quoteattr(tag)}/>" for tag in article.tags]
    parts.append(f'    <content type="html">{escape(absolutize(body.html, site.config.base_url))}</content>')
    parts.append("  </entry>")
    return "\n".join(parts)
