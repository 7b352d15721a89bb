"""Render stage: `Site` -> `OutputFile`s (HTML pages through Jinja2, plus feeds, sitemap, robots.txt).

Markdown is converted once per document; the Jinja2 environment, its filters and globals
are set up here only. A template mistake is reported at the template's file and line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import jinja2

from .diagnostics import Diagnostics, Position
from .feeds import render_feeds
from .markdown import MarkdownRenderer, RenderedBody
from .model import Site
from .model import urls
from .model.pagination import Pager
from .model.urls import Route
from .outputs import OutputFile
from .sitemap import render_robots, render_sitemap
from .validate import SHANGHAI
from .views import Views, date_zh


@dataclass(frozen=True, slots=True)
class PageJob:
    """One HTML page to render: where it goes, with which template, from which view."""

    route: Route
    template: str
    context: dict[str, Any]


def render_bodies(site: Site) -> dict[str, RenderedBody]:
    """Markdown -> HTML for every published document, once each."""
    renderer = MarkdownRenderer(site.config.base_path)
    documents = (*site.scenarios, *site.articles, *site.pages)
    return {doc.source: renderer.render(doc.body, site.links[doc.source]) for doc in documents}


def make_environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        undefined=jinja2.StrictUndefined,  # a typo in a template is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date_zh"] = date_zh
    return env


def render_site(site: Site, diagnostics: Diagnostics) -> list[OutputFile]:
    """Every output of the build except copied assets; template errors become diagnostics."""
    bodies = render_bodies(site)
    views = Views(site, bodies)
    env = make_environment(site.config.template_dirs)
    files: list[OutputFile] = []
    for job in page_jobs(site, views):
        html = _render_page(env, job, views, diagnostics)
        if html is not None:
            files.append(OutputFile(job.route.output, html.encode("utf-8")))
    files += render_feeds(site, bodies)
    files.append(render_sitemap(site))
    files.append(render_robots(site))
    return files


def _render_page(env: jinja2.Environment, job: PageJob, views: Views, diagnostics: Diagnostics) -> str | None:
    context = {**views.common(job.route.path), **job.context, "url": views.url}
    # Every key templates may test is present, so StrictUndefined only catches real typos.
    context["page"] = {
        "title": None,
        "description": views.site.config.description,
        "unpublished": False,
        "url": views.url(job.route.path),
        "canonical": views.absolute(job.route.path),
        **context.get("page", {}),
    }
    try:
        return env.get_template(job.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        diagnostics.error(_template_name(exc.filename, exc.name), Position(exc.lineno or 1, 1), f"template error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        diagnostics.error(f"templates/{job.template}", Position(), f"template not found: {exc.name}")
    except Exception as exc:  # noqa: BLE001 - any error raised inside a template is the template's
        filename, line = _template_frame(exc)
        diagnostics.error(filename or f"templates/{job.template}", Position(line, 1), f"template error while rendering /{job.route.path}: {exc}")
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


def page_jobs(site: Site, views: Views) -> Iterator[PageJob]:
    """Every HTML page of the site, in a stable order."""
    yield PageJob(urls.home(), "home.html", {"latest": [views.card(a) for a in site.latest], "page": {"kind": "home"}})
    for scenario in site.scenarios:
        body = views.bodies[scenario.source]
        for pager in site.scenario_pagers[scenario.slug]:
            view = {"title": scenario.title, "summary": scenario.summary, "html": body.html, "slug": scenario.slug,
                    "feed_url": views.url(urls.scenario_feed(scenario.slug).path)}
            yield PageJob(pager.route, "scenario.html", {
                "scenario": view, "pager": _pager(pager, views),
                "page": {"kind": "scenario", "title": scenario.title, "description": scenario.summary},
            })
    for article in site.articles:
        view = views.article(article)
        yield PageJob(site.routes[article.source], "article.html", {
            "article": view,
            "page": {"kind": "article", "title": article.title, "description": view["summary"], "unpublished": view["unpublished"]},
        })
    yield from _taxonomy_jobs(site, views)
    yield PageJob(urls.archive(), "archive.html", {"years": _archive(site, views), "page": {"kind": "archive", "title": "活动归档"}})
    for page in site.pages:
        body = views.bodies[page.source]
        yield PageJob(site.routes[page.source], "page.html", {
            "doc": {"title": page.title, "html": body.html, "toc": [{"id": i, "title": t, "level": l} for i, t, l in body.toc]},
            "page": {"kind": "page", "title": page.title, "description": page.summary or body.summary,
                     "unpublished": page.source in site.unpublished},
        })
    yield PageJob(urls.not_found(), "404.html", {"page": {"kind": "404", "title": "页面未找到"}})


def _taxonomy_jobs(site: Site, views: Views) -> Iterator[PageJob]:
    for kind, terms in site.taxonomies.items():
        name = views.taxonomy_name(kind)
        index = [{"name": t.name, "url": views.url(t.route.path), "count": len(t.articles)} for t in terms]
        yield PageJob(urls.taxonomy(kind), "taxonomy.html", {
            "taxonomy": {"kind": kind, "name": name, "terms": index}, "page": {"kind": "taxonomy", "title": name},
        })
        for term in terms:
            for pager in site.term_pagers[(kind, term.slug)]:
                yield PageJob(pager.route, "term.html", {
                    "taxonomy": {"kind": kind, "name": name, "url": views.url(urls.taxonomy(kind).path)},
                    "term": {"name": term.name, "count": len(term.articles)},
                    "pager": _pager(pager, views),
                    "page": {"kind": "term", "title": f"{name}：{term.name}"},
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
        years.setdefault(local.year, {}).setdefault(local.month, []).append(views.card(article))
    return [
        {"year": year, "months": [{"month": m, "label": f"{year}年{m}月", "articles": items} for m, items in months.items()]}
        for year, months in years.items()
    ]
