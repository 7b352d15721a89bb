"""sitemap.xml and robots.txt: `Site` -> `OutputFile`, pure. Lists every public HTML page once."""

from __future__ import annotations

from typing import Iterator
from xml.sax.saxutils import escape

from .model import Site, urls
from .mirror import twin
from .outputs import OutputFile
from .views import iso


def sitemap_entries(site: Site) -> Iterator[tuple[str, str]]:
    """(site path, last modified) for each page a search engine should know; no 404, no drafts."""
    newest = iso(max((a.updated or a.date for a in site.articles), default=site.now))
    yield urls.home().path, newest
    for scenario in site.scenarios:
        for pager in site.scenario_pagers[scenario.slug]:
            yield pager.route.path, newest
    for article in site.articles:
        if article.source not in site.unpublished:
            yield site.routes[article.source].path, iso(article.updated or article.date)
    for kind, terms in site.taxonomies.items():
        yield urls.taxonomy(kind).path, newest
        for term in terms:
            for pager in site.term_pagers[(kind, term.slug)]:
                yield pager.route.path, newest
    yield urls.archive().path, newest
    yield urls.data().path, newest
    for page in site.pages:
        if page.source not in site.unpublished:
            yield site.routes[page.source].path, ""


def render_sitemap(site: Site) -> OutputFile:
    """With the Traditional mirror, each page is listed in both scripts, each naming the other."""
    # Within a lineage (model/reuse.py) pages and dates are the same: only the time may differ,
    # which the sitemap shows when there is no article.
    if _last[2] is not site.lineage or not site.articles:
        base = site.config.base_url
        mirrored = site.config.traditional is not None
        entries = (base, mirrored, tuple(sitemap_entries(site)))
        if _last[0] != entries:  # `serve` saves seldom change the list of pages or their dates
            _last[:2] = [entries, _sitemap(*entries)]
        _last[2] = site.lineage
    return OutputFile(urls.sitemap().output, _last[1])


_last: list = [None, b"", None]  # entries, the sitemap, the lineage it was made for


def _sitemap(base: str, mirrored: bool, entries: tuple[tuple[str, str], ...]) -> bytes:
    xhtml = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"' if mirrored else ""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{xhtml}>']
    for path, lastmod in entries:
        modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        if not mirrored:
            lines.append(f"  <url><loc>{escape(base + path)}</loc>{modified}</url>")
            continue
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(base + href)}"/>'
            for lang, href in (("zh-Hans", path), ("zh-Hant", twin(path)), ("x-default", path))
        )
        for loc in (path, twin(path)):
            lines.append(f"  <url><loc>{escape(base + loc)}</loc>{modified}{alternates}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def render_robots(site: Site) -> OutputFile:
    text = f"User-agent: *\nAllow: /\n\nSitemap: {site.config.base_url}{urls.sitemap().path}\n"
    return OutputFile(urls.robots().output, text.encode("utf-8"))
