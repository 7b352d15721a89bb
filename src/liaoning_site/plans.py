"""Page plans: every HTML page of the site, its template, its view and the key of what it shows.

A page's key sums up everything the page displays (the cards on a list page, an article's
text and links, the related cards beside it), so `render` can reuse a page whose key is
unchanged; the view is built only when the page must be rendered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from .model import Site, urls
from .model.pagination import Pager
from .model.urls import Route
from .validate import SHANGHAI, Article
from . import metadata
from .charts import bar_chart, comparable_groups
from .share import qr_svg, weibo_url
from .views import KIND_LABELS, Views, date_zh


@dataclass(frozen=True, slots=True)
class PagePlan:
    """One HTML page to render; `context` is only called when the page must be rendered."""

    route: Route
    template: str
    key: tuple[Any, ...]
    context: Callable[[], dict[str, Any]]


def plan_pages(site: Site, views: Views) -> Iterator[PagePlan]:
    """Every HTML page of the site, in a stable order, each with the key of what it shows."""

    # A list shows cards, not whole articles: keyed by what a card shows, an edit deep in an
    # article's body re-renders that article's page but none of the lists it appears in.
    # Keys hold a card's digest, not the card: each card is in half a dozen lists, and the build
    # cache reads, compares and writes every page's key.
    digests = _article_digests(site, views)
    cards = {source: card for source, (card, _) in digests.items()}

    def card_key(article: Article) -> bytes:
        return cards[article.source]

    def links_key(source: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
        # Links in the order they appear (already stable), and the hashes of the images shown:
        # an image file edited under the same name changes the page's pictures.
        return tuple(site.links[source].items()), views.pictures.signature(source)

    latest = site.latest
    counts = tuple(sum(len(p.items) for p in site.scenario_pagers[s.slug]) for s in site.scenarios)
    yield PagePlan(urls.home(), "home.html", ("home", tuple(map(card_key, latest)), counts), lambda: {
        "latest": [views.card(a) for a in latest], "scenarios": views.scenarios_with_counts(),
        "page": {"kind": "home", "jsonld": [_website(views)]},
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
    archive_key = _digest(b"".join(line for _, line in digests.values()))
    yield PagePlan(urls.archive(), "archive.html", ("archive", archive_key), lambda: {
        "years": _archive(site, views),
        "page": {"kind": "archive", "title": "活动归档", "jsonld": [_trail(views, ("活动归档", urls.archive().path))]},
    })
    with_figures = tuple(a for a in site.articles if a.figures)
    data_key = ("data", _digest(repr(tuple((a.title, a.slug, a.figures, views.marked(a.source)) for a in with_figures)).encode()))
    yield PagePlan(urls.data(), "data.html", data_key, lambda: _data_context(site, with_figures, views))
    for page in site.pages:
        key = ("page", page.digest, links_key(page.source), views.marked(page.source))
        yield PagePlan(site.routes[page.source], "page.html", key, lambda p=page: _page_context(p, views))
    yield _search_plan(site, views)
    yield PagePlan(urls.not_found(), "404.html", ("404",), lambda: {"page": {"kind": "404", "title": "页面未找到"}})


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# article id -> (the article, its summary, shown as unpublished, its digests), from the last plan:
# `serve` plans on every save, and most articles are the very objects it planned last time.
_last_digests: dict[int, tuple[Article, str, bool, tuple[bytes, bytes]]] = {}


def _article_digests(site: Site, views: Views) -> dict[str, tuple[bytes, bytes]]:
    """source -> digests of (what its card shows, what its line in the archive shows)."""
    global _last_digests
    made: dict[int, tuple[Article, str, bool, tuple[bytes, bytes]]] = {}
    for a in site.articles:
        summary, marked = a.summary or views.bodies.raw(a.source).summary, views.marked(a.source)
        last = _last_digests.get(id(a))
        if last is not None and last[0] is a and last[1] == summary and last[2] == marked:
            made[id(a)] = last
            continue
        line = (a.title, a.slug, a.date, marked)
        card = (*line[:3], summary, a.kind, a.scenarios, a.region, marked)
        made[id(a)] = (a, summary, marked, (_digest(repr(card).encode()), _digest(repr(line).encode())))
    _last_digests = made  # holding the articles keeps their ids from being reused
    return {a.source: made[id(a)][3] for a in site.articles}


def _pager_key(pager: Pager, card_key: Callable[[Article], Any]) -> tuple[Any, ...]:
    return pager.number, pager.count, tuple(map(card_key, pager.items))


def _scenario_context(scenario, pager: Pager, views: Views) -> dict[str, Any]:
    view = {
        "title": scenario.title, "summary": scenario.summary, "html": views.bodies[scenario.source].html,
        "slug": scenario.slug, "feed_url": views.url(urls.scenario_feed(scenario.slug).path),
        "illustration": views.illustration(scenario.slug),
    }
    return {
        "scenario": view, "pager": _pager(pager, views),
        "page": {"kind": "scenario", "title": scenario.title, "description": scenario.summary,
                 "search": _indexed("场景", [scenario.title]) if pager.number == 1 else None,
                 "jsonld": [_trail(views, (scenario.title, urls.scenario(scenario.slug).path))]},
    }


def _article_context(article: Article, views: Views) -> dict[str, Any]:
    view = views.article(article)
    url = views.absolute(views.site.routes[article.source].path)
    return {
        "article": view,
        "share": {"url": url, "qr": qr_svg(url, f"本文二维码：{url}"), "weibo": weibo_url(url, article.title)},
        "page": {"kind": "article", "title": article.title, "description": view["summary"], "unpublished": view["unpublished"],
                 "og_type": "article", "article": view, "jsonld": _article_jsonld(article, view, views),
                 "search": _indexed(view["kind_label"], [s["title"] for s in view["scenarios"]], article.region, view["date"])},
    }


def _page_context(page, views: Views) -> dict[str, Any]:
    body = views.bodies[page.source]
    return {
        "doc": {"title": page.title, "html": body.html, "toc": [{"id": i, "title": t, "level": l} for i, t, l in body.toc]},
        "page": {"kind": "page", "title": page.title, "description": page.summary or body.summary,
                 "unpublished": views.marked(page.source), "jsonld": [_trail(views, (page.title, views.site.routes[page.source].path))],
                 "search": _indexed("页面", [])},
    }


def _taxonomy_plans(site: Site, views: Views, card_key: Callable[[Article], Any]) -> Iterator[PagePlan]:
    for kind, terms in site.taxonomies.items():
        name = views.taxonomy_name(kind)
        index_key = ("taxonomy", kind, tuple((t.name, len(t.articles)) for t in terms))
        yield PagePlan(urls.taxonomy(kind), "taxonomy.html", index_key, lambda k=kind, n=name, ts=terms: {
            "taxonomy": {"kind": k, "name": n, "terms": [
                {"name": t.name, "url": views.url(t.route.path), "count": len(t.articles)} for t in ts]},
            "page": {"kind": "taxonomy", "title": n, "jsonld": [_trail(views, (n, urls.taxonomy(k).path))]},
        })
        for term in terms:
            for pager in site.term_pagers[(kind, term.slug)]:
                key = ("term", kind, term.name, len(term.articles), _pager_key(pager, card_key))
                yield PagePlan(pager.route, "term.html", key, lambda k=kind, n=name, t=term, p=pager: {
                    "taxonomy": {"kind": k, "name": n, "url": views.url(urls.taxonomy(k).path)},
                    "term": {"name": t.name, "count": len(t.articles)},
                    "pager": _pager(p, views),
                    "page": {"kind": "term", "title": f"{n}：{t.name}", "jsonld": [
                        _trail(views, (n, urls.taxonomy(k).path), (t.name, t.route.path))]},
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


# --- search: what the index records of a page, and the search page (search.py builds the index)

SEARCH_KINDS = ("场景", "页面")  # the kinds of indexed pages that are not articles


def _indexed(kind: str, scenarios: list[str], region: str | None = None, date: str = "") -> dict[str, Any]:
    """Filters and metadata of a page in the search index (templates/partials/search-data.html)."""
    filters = [("kind", kind), *(("scenario", s) for s in scenarios), *([("region", region)] if region else [])]
    return {"filters": filters, "meta": [(name, value) for name, value in (("date", date), ("scenario", "、".join(scenarios))) if value]}


def _search_plan(site: Site, views: Views) -> PagePlan:
    choices = {
        "scenario": [s.title for s in site.scenarios],
        "region": [t.name for t in site.taxonomies["regions"]],
        "kind": [*KIND_LABELS.values(), *SEARCH_KINDS],
    }
    key = ("search", tuple((name, tuple(values)) for name, values in choices.items()))
    return PagePlan(urls.search(), "search.html", key, lambda: {
        "choices": choices,
        "page": {"kind": "search", "title": "站内搜索", "jsonld": [_trail(views, ("站内搜索", urls.search().path))]},
    })


# --- the data page: figures compared like with like


def _data_context(site: Site, articles: tuple[Article, ...], views: Views) -> dict[str, Any]:
    sections = [_data_section("campaign", site.campaign.name, None, site.campaign.figures)]
    for article in articles:
        sections.append(_data_section(article.slug, article.title, views.url(site.routes[article.source].path), article.figures))
    return {
        "sections": [s for s in sections if s["charts"]],
        "page": {"kind": "data", "title": "数据一览", "description": "用图表对比提升月活动和各地案例中的关键数据。",
                 "jsonld": [_trail(views, ("数据一览", urls.data().path))]},
    }


def _data_section(key: str, title: str, url: str | None, figures: Iterable[Any]) -> dict[str, Any]:
    charts = []
    for number, bars in enumerate(comparable_groups(figures), 1):
        chart_id = f"chart-{key}-{number}"
        caption = f"{title}：以“{bars[0].unit}”计的数据" if bars[0].unit else f"{title}：相关数据"
        charts.append({
            "id": chart_id, "caption": caption, "svg": bar_chart(bars, caption, chart_id),
            "rows": [{"label": b.label, "value": f"{b.value}{b.unit}"} for b in bars],
        })
    return {"title": title, "url": url, "charts": charts}


# --- structured data (schema.org JSON-LD) for search engines


def _website(views: Views) -> dict[str, Any]:
    config = views.site.config
    search = views.absolute(urls.search().path) + "?q={search_term_string}"
    return metadata.website(config.title, config.base_url, config.description, config.language, search)


def _trail(views: Views, *steps: tuple[str, str]) -> dict[str, Any]:
    """Breadcrumbs from the home page through `steps` (name, route path)."""
    return metadata.breadcrumbs([("首页", views.absolute("")), *((name, views.absolute(path)) for name, path in steps)])


def _article_jsonld(article: Article, view: dict[str, Any], views: Views) -> list[dict[str, Any]]:
    site = views.site
    url = views.absolute(site.routes[article.source].path)
    publisher = metadata.organization(site.config.title, site.config.base_url, views.absolute("icon-512.png"))
    images = [views.absolute(site.covers[article.source])] if article.cover else []
    share = view.get("share_image")
    if share:
        images.append(share)
    first = view["scenarios"][0] if view["scenarios"] else None
    news = metadata.news_article(
        headline=article.title, url=url, description=view["summary"], published=view["date_iso"],
        modified=view["updated_iso"] or None, language=site.config.language, author=article.author,
        organization_name=article.organization, publisher=publisher, images=images,
        keywords=list(article.tags), section=first["title"] if first else None,
    )
    steps = [(first["title"], urls.scenario(first["slug"]).path)] if first else []
    return [news, _trail(views, *steps, (article.title, site.routes[article.source].path))]
