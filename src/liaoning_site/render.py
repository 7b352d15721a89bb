"""Render stage: `Site` -> `OutputFile`s (HTML pages through Jinja2, plus feeds, sitemap, robots.txt).

Every page is first planned: its route, its template, and a key that sums up everything
it shows (the digests of the documents it lists, the site-wide settings, the templates).
A page whose key is unchanged since the last build reuses its bytes from the
`RenderCache`; Markdown is converted only for documents whose text or links changed.
Because the key covers all a page reads, an incremental build equals a full one.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import jinja2

from .diagnostics import Diagnostic, Diagnostics, Position
from .feeds import render_feeds
from .markdown import MARKDOWN_VERSION, MarkdownRenderer, RenderedBody, rewrite_links
from .model import Site, urls
from .model.pagination import Pager
from .model.urls import Route
from .outputs import OutputFile
from .pool import map_forked
from .sitemap import render_robots, render_sitemap
from .validate import SHANGHAI, Article
from .views import Views, date_zh


@dataclass(frozen=True, slots=True)
class PagePlan:
    """One HTML page to render; `context` is only called when the page must be rendered."""

    route: Route
    template: str
    key: tuple[Any, ...]
    context: Callable[[], dict[str, Any]]


@dataclass
class RenderStats:
    markdown: int = 0  # documents converted
    rendered: int = 0  # pages rendered through Jinja2
    reused: int = 0  # pages taken from the cache


@dataclass
class RenderCache:
    """What a build may reuse from the previous one, held by `serve` (and by the build cache)."""

    bodies: dict[str, RenderedBody] = field(default_factory=dict)  # body key -> rendered Markdown
    linked: dict[str, tuple[str, dict[str, str], RenderedBody]] = field(default_factory=dict)  # source -> links applied
    pages: dict[str, tuple[tuple, bytes]] = field(default_factory=dict)  # output -> (page key, bytes)
    stats: RenderStats = field(default_factory=RenderStats)


def digest(value: object) -> str:
    """A stable digest of plain data (reprs of strings, numbers, tuples and frozen dataclasses)."""
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=16).hexdigest()


class LinkedBodies(Mapping[str, RenderedBody]):
    """Each document's Markdown HTML with its links pointing at site URLs.

    Links are rewritten on first use: a build that renders a few pages touches a few bodies.
    Summaries and reading times do not depend on links, so `raw` serves them without rewriting.
    """

    def __init__(self, site: Site, raw: dict[str, tuple[str, RenderedBody]], cache: RenderCache):
        self._site = site
        self._raw = raw  # source -> (body key, body as converted)
        self._previous = cache.linked
        self._linked: dict[str, tuple[str, dict[str, str], RenderedBody]] = {}
        cache.linked = self._linked

    def raw(self, source: str) -> RenderedBody:
        return self._raw[source][1]

    def __getitem__(self, source: str) -> RenderedBody:
        entry = self._linked.get(source)
        if entry is None:
            key, body = self._raw[source]
            links = self._site.links[source]
            entry = self._previous.get(source)
            if entry is None or entry[0] != key or entry[1] != links:
                entry = (key, links, rewrite_links(body, links, self._site.config.base_path))
            self._linked[source] = entry
        return entry[2]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def render_bodies(site: Site, cache: RenderCache, jobs: int = 1) -> LinkedBodies:
    """Markdown -> HTML for every published document, converting only bodies not seen before."""
    documents = (*site.scenarios, *site.articles, *site.pages)
    # The file digest covers the body; a front-matter-only edit converts one body again, cheaply.
    keys = [MARKDOWN_VERSION + doc.digest for doc in documents]
    missing = {key: doc.body for key, doc in zip(keys, documents) if key not in cache.bodies}
    renderers: list[MarkdownRenderer] = []  # one per process, made on first use

    def convert(body: str) -> RenderedBody:
        if not renderers:
            renderers.append(MarkdownRenderer())
        return renderers[0].render(body)

    converted = dict(zip(missing, map_forked(convert, list(missing.values()), jobs)))
    cache.stats.markdown += len(converted)
    kept = {key: cache.bodies.get(key) or converted[key] for key in keys}
    cache.bodies = kept  # forget bodies no longer used
    return LinkedBodies(site, {doc.source: (key, kept[key]) for key, doc in zip(keys, documents)}, cache)


def make_environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        undefined=jinja2.StrictUndefined,  # a typo in a template is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build; skips a stat per page
    )
    env.filters["date_zh"] = date_zh
    return env


def templates_digest(template_dirs: tuple[Path, ...]) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for folder in template_dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                hasher.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def site_key(site: Site) -> str:
    """Everything every page shows: settings, campaign, scenario names, templates, preview mode."""
    scenarios = tuple((s.slug, s.title, s.summary, s.order) for s in site.scenarios)
    return digest((site.config, site.campaign, scenarios, site.preview, templates_digest(site.config.template_dirs)))


def render_site(site: Site, diagnostics: Diagnostics, cache: RenderCache | None = None, jobs: int = 1) -> list[OutputFile]:
    """Every output of the build except copied assets; template errors become diagnostics."""
    cache = cache if cache is not None else RenderCache()
    views = Views(site, render_bodies(site, cache, jobs))
    common_key = site_key(site)
    # Keys stay tuples: comparing them is cheaper than hashing them, and they pickle as they are.
    plans = [(plan, (common_key, plan.template, plan.key)) for plan in plan_pages(site, views)]
    stale = [plan for plan, key in plans if cache.pages.get(plan.route.output, ((),))[0] != key]
    environments: list[jinja2.Environment] = []  # one per process, made on first use

    def render_one(plan: PagePlan) -> tuple[bytes | None, list[Diagnostic]]:
        if not environments:
            environments.append(make_environment(site.config.template_dirs))
        local = Diagnostics()
        html = _render_page(environments[0], plan, views, local)
        return (html.encode("utf-8") if html is not None else None), local.items

    fresh = {}
    for plan, (data, found) in zip(stale, map_forked(render_one, stale, jobs)):
        diagnostics.extend(found)
        fresh[plan.route.output] = data
    cache.stats.rendered += len(stale)
    cache.stats.reused += len(plans) - len(stale)
    files: list[OutputFile] = []
    pages: dict[str, tuple[tuple, bytes]] = {}
    for plan, key in plans:
        output = plan.route.output
        if output in fresh and fresh[output] is None:
            continue  # a template error, already reported
        data = fresh[output] if output in fresh else cache.pages[output][1]
        pages[output] = (key, data)
        files.append(OutputFile(output, data))
    cache.pages = pages
    files += render_feeds(site, views.bodies)
    files.append(render_sitemap(site))
    files.append(render_robots(site))
    return files


def _render_page(env: jinja2.Environment, plan: PagePlan, views: Views, diagnostics: Diagnostics) -> str | None:
    route = plan.route
    context = {**views.common(route.path), **plan.context(), "url": views.url}
    # Every key templates may test is present, so StrictUndefined only catches real typos.
    context["page"] = {
        "title": None,
        "description": views.site.config.description,
        "unpublished": False,
        "url": views.url(route.path),
        "canonical": views.absolute(route.path),
        **context.get("page", {}),
    }
    try:
        return env.get_template(plan.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        diagnostics.error(_template_name(exc.filename, exc.name), Position(exc.lineno or 1, 1), f"template error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        diagnostics.error(f"templates/{plan.template}", Position(), f"template not found: {exc.name}")
    except Exception as exc:  # noqa: BLE001 - any error raised inside a template is the template's
        filename, line = _template_frame(exc)
        diagnostics.error(filename or f"templates/{plan.template}", Position(line, 1), f"template error while rendering /{route.path}: {exc}")
    return None


def _template_name(filename: str | None, name: str | None) -> str:
    if filename:
        path = Path(filename)
        return f"templates/{path.name}" if path.parent.name == "templates" else f"templates/{path.parent.name}/{path.name}"
    return f"templates/{name}"


def _template_frame(exc: BaseException) -> tuple[str | None, int]:
    """Jinja2 rewrites tracebacks so template frames carry the template's file and line."""
    found: tuple[str | None, int] = (None, 1)
    tb = exc.__traceback__ if exc.__traceback__ else sys.exc_info()[2]
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".j2")):
            found = (_template_name(filename, None), tb.tb_lineno)
        tb = tb.tb_next
    return found


def plan_pages(site: Site, views: Views) -> Iterator[PagePlan]:
    """Every HTML page of the site, in a stable order, each with the key of what it shows."""

    # A list shows cards, not whole articles: keyed by what a card shows, an edit deep in an
    # article's body re-renders that article's page but none of the lists it appears in.
    cards = {
        a.source: (a.title, a.slug, a.date, a.summary or views.bodies.raw(a.source).summary, a.kind, a.scenarios,
                   a.region, views.marked(a.source))
        for a in site.articles
    }

    def card_key(article: Article) -> tuple[Any, ...]:
        return cards[article.source]

    def links_key(source: str) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(site.links[source].items()))

    latest = site.latest
    counts = tuple(sum(len(p.items) for p in site.scenario_pagers[s.slug]) for s in site.scenarios)
    yield PagePlan(urls.home(), "home.html", ("home", tuple(map(card_key, latest)), counts), lambda: {
        "latest": [views.card(a) for a in latest], "scenarios": views.scenarios_with_counts(), "page": {"kind": "home"},
    })
    for scenario in site.scenarios:
        for pager in site.scenario_pagers[scenario.slug]:
            key = ("scenario", scenario.digest, links_key(scenario.source), _pager_key(pager, card_key))
            yield PagePlan(pager.route, "scenario.html", key, lambda s=scenario, p=pager: _scenario_context(s, p, views))
    for article in site.articles:
        related = site.related.get(article.source, ())
        key = ("article", article.digest, card_key(article), links_key(article.source), tuple(map(card_key, related)))
        yield PagePlan(site.routes[article.source], "article.html", key, lambda a=article: _article_context(a, views))
    yield from _taxonomy_plans(site, views, card_key)
    archive_key = tuple((a.title, a.slug, a.date, views.marked(a.source)) for a in site.articles)
    yield PagePlan(urls.archive(), "archive.html", ("archive", archive_key), lambda: {
        "years": _archive(site, views), "page": {"kind": "archive", "title": "活动归档"},
    })
    for page in site.pages:
        key = ("page", page.digest, links_key(page.source), views.marked(page.source))
        yield PagePlan(site.routes[page.source], "page.html", key, lambda p=page: _page_context(p, views))
    yield PagePlan(urls.not_found(), "404.html", ("404",), lambda: {"page": {"kind": "404", "title": "页面未找到"}})


def _pager_key(pager: Pager, card_key: Callable[[Article], Any]) -> tuple[Any, ...]:
    return pager.number, pager.count, tuple(map(card_key, pager.items))


def _scenario_context(scenario, pager: Pager, views: Views) -> dict[str, Any]:
    view = {
        "title": scenario.title, "summary": scenario.summary, "html": views.bodies[scenario.source].html,
        "slug": scenario.slug, "feed_url": views.url(urls.scenario_feed(scenario.slug).path),
    }
    return {
        "scenario": view, "pager": _pager(pager, views),
        "page": {"kind": "scenario", "title": scenario.title, "description": scenario.summary},
    }


def _article_context(article: Article, views: Views) -> dict[str, Any]:
    view = views.article(article)
    return {
        "article": view,
        "page": {"kind": "article", "title": article.title, "description": view["summary"], "unpublished": view["unpublished"]},
    }


def _page_context(page, views: Views) -> dict[str, Any]:
    body = views.bodies[page.source]
    return {
        "doc": {"title": page.title, "html": body.html, "toc": [{"id": i, "title": t, "level": l} for i, t, l in body.toc]},
        "page": {"kind": "page", "title": page.title, "description": page.summary or body.summary,
                 "unpublished": views.marked(page.source)},
    }


def _taxonomy_plans(site: Site, views: Views, card_key: Callable[[Article], Any]) -> Iterator[PagePlan]:
    for kind, terms in site.taxonomies.items():
        name = views.taxonomy_name(kind)
        index_key = ("taxonomy", kind, tuple((t.name, len(t.articles)) for t in terms))
        yield PagePlan(urls.taxonomy(kind), "taxonomy.html", index_key, lambda k=kind, n=name, ts=terms: {
            "taxonomy": {"kind": k, "name": n, "terms": [
                {"name": t.name, "url": views.url(t.route.path), "count": len(t.articles)} for t in ts]},
            "page": {"kind": "taxonomy", "title": n},
        })
        for term in terms:
            for pager in site.term_pagers[(kind, term.slug)]:
                key = ("term", kind, term.name, len(term.articles), _pager_key(pager, card_key))
                yield PagePlan(pager.route, "term.html", key, lambda k=kind, n=name, t=term, p=pager: {
                    "taxonomy": {"kind": k, "name": n, "url": views.url(urls.taxonomy(k).path)},
                    "term": {"name": t.name, "count": len(t.articles)},
                    "pager": _pager(p, views),
                    "page": {"kind": "term", "title": f"{n}：{t.name}"},
                })


def _pager(pager: Pager, views: Views) -> dict[str, Any]:
    return {
        "number": pager.number,
        "count": pager.count,
        "items": [views.card(a) for a in pager.items],
        "prev_url": views.url(pager.prev.path) if pager.prev else None,
        "next_url": views.url(pager.next.path) if pager.next else None,
        "first_url": views.url(pager.first.path),
    }


def _archive(site: Site, views: Views) -> list[dict[str, Any]]:
    """Years and months, newest first; articles are already sorted newest first."""
    years: dict[int, dict[int, list[dict[str, Any]]]] = {}
    for article in site.articles:
        local = article.date.astimezone(SHANGHAI)
        # A one-line entry, not a full card: the archive lists every article of every year.
        entry = {"title": article.title, "url": views.url(site.routes[article.source].path), "date": date_zh(local),
                 "date_iso": local.isoformat(), "unpublished": views.marked(article.source)}
        years.setdefault(local.year, {}).setdefault(local.month, []).append(entry)
    return [
        {"year": year, "months": [{"month": m, "label": f"{year}年{m}月", "articles": items} for m, items in months.items()]}
        for year, months in years.items()
    ]
