"""Page plans: every HTML page of the site, its template, its view and the key of what it shows.

A page's key sums up everything the page displays (the cards on a list page, an article's
text and links, the related cards beside it), so `render` can reuse a page whose key is
unchanged; the view is built only when the page must be rendered.

`serve` plans after every save. While the model is a reuse of the last one (model/reuse.py: only
bodies changed), a page made from the very same model objects (an article and its related list, a
pager and its term) has the very same plan, so the plans of the last save are kept by those objects
(`PlanMemo`): at 10,000 articles only the few pages that hold a saved document are planned again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
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
    """One HTML page to render; `context` is only called, with this build's views, when the page must be rendered."""

    route: Route
    template: str
    key: tuple[Any, ...]
    context: Callable[[Views], dict[str, Any]]


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# Card and line digests by what they were made from: the article's file (its digest) and its banner,
# with the settings that convert its body (they make the summary). The build cache keeps them between
# builds (card_digests, remember_card_digests): 20,000 reprs of Chinese text, a tenth of a second at
# 10,000 articles.
Known = tuple[str, dict[tuple[str, bool], tuple[bytes, bytes]]]
_known: Known = ("", {})
_made: Known = ("", {})


def card_digests() -> Known:
    """The digests the last plans used, for the build cache."""
    return _made


def remember_card_digests(stored: object) -> None:
    """Take back what `card_digests` gave an earlier build."""
    global _known
    if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], str) and isinstance(stored[1], dict):
        _known = stored


class ArticleDigests:
    """Digests of what an article's card shows and what its line in the archive shows, made on first use.

    Kept by article object (an entry holds its article, so no other object can have that id):
    within a lineage the same object has the same digests. Those of the previous lineage are used
    again once its summary and banner are compared: most articles are the very objects that were
    planned before a front-matter save. A new object's come from the last build's if its file and
    banner are the same (see `_known`).
    """

    def __init__(self) -> None:
        self._trusted: dict[int, tuple[Article, str, bool, tuple[bytes, bytes]]] = {}
        self._earlier: dict[int, tuple[Article, str, bool, tuple[bytes, bytes]]] = {}
        self.cards: dict[int, bytes] = {}  # id -> card digest, of the trusted entries
        self._known: dict[tuple[str, bool], tuple[bytes, bytes]] = {}  # the last build's (see above), if made with these settings
        self._views: Views | None = None

    def start(self, site: Site, views: Views, same_lineage: bool) -> None:
        self._views = views
        if not same_lineage:
            global _made
            self._earlier, self._trusted, self.cards = self._trusted, {}, {}
            settings = views.bodies.settings
            self._known, _made = _known[1] if _known[0] == settings else {}, (settings, {})
            for article in site.articles:  # all of them are asked for: one pass, with no call per lookup
                self.of(article)
        elif len(self._trusted) > len(site.articles) + 1000:  # articles saved over and over, each a new object
            self._trusted = {id(a): self._trusted[id(a)] for a in site.articles if id(a) in self._trusted}
            self.cards = {i: entry[3][0] for i, entry in self._trusted.items()}

    def finish(self) -> None:
        self._views = None  # the build's views and bodies are not kept past planning

    def of(self, a: Article) -> tuple[bytes, bytes]:
        entry = self._trusted.get(id(a))
        if entry is not None:
            return entry[3]
        assert self._views is not None
        summary, marked = a.summary or self._views.bodies.raw(a.source).summary, self._views.marked(a.source)
        entry = self._earlier.get(id(a))
        if entry is None or entry[0] is not a or entry[1] != summary or entry[2] != marked:
            made_from = (a.digest, marked)
            digests = self._known.get(made_from)
            if digests is None:
                line = (a.title, a.slug, a.date, marked)
                card = (*line[:3], summary, a.kind, a.scenarios, a.region, marked)
                digests = (_digest(repr(card).encode()), _digest(repr(line).encode()))
            _made[1][made_from] = digests
            entry = (a, summary, marked, digests)
        self._trusted[id(a)], self.cards[id(a)] = entry, entry[3][0]
        return entry[3]


@dataclass
class PlanMemo:
    """The last build's plans, by the model object each page was made from (see above)."""

    lineage: object = None  # the model they were made for and the ones reused from it (`Site.lineage`)
    plans: dict[int, tuple[object, object, PagePlan]] = field(default_factory=dict)  # id -> (object, its companion, plan)
    digests: ArticleDigests = field(default_factory=ArticleDigests)
    lists: dict[str, Any] = field(default_factory=dict)  # keys of pages listing every article, by template


def plan_pages(site: Site, views: Views, memo: PlanMemo | None = None) -> Iterator[PagePlan]:
    """Every HTML page of the site, in a stable order, each with the key of what it shows."""
    memo = memo if memo is not None else PlanMemo()
    same_lineage = memo.lineage is site.lineage
    if not same_lineage:
        memo.lineage, memo.plans, memo.lists = site.lineage, {}, {}
    last, made = memo.plans, {}

    def kept(owner: object, companion: object) -> PagePlan | None:
        entry = last.get(id(owner))
        if entry is None or entry[0] is not owner or entry[1] is not companion:
            return None
        made[id(owner)] = entry
        return entry[2]

    def keep(owner: object, companion: object, plan: PagePlan) -> PagePlan:
        made[id(owner)] = (owner, companion, plan)  # holding the object keeps its id from being reused
        return plan

    # A list shows cards, not whole articles: keyed by what a card shows, an edit deep in an
    # article's body re-renders that article's page but none of the lists it appears in.
    # Keys hold a card's digest, not the card: each card is in half a dozen lists, and the build
    # cache reads, compares and writes every page's key.
    digests = memo.digests
    digests.start(site, views, same_lineage)
    cards = digests.cards  # every article's, after `start`; a saved one's is made on first use

    def card_key(article: Article) -> bytes:  # called ~100,000 times at 10,000 articles
        return cards.get(id(article)) or digests.of(article)[0]

    def links_key(source: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
        # Links in the order they appear (already stable), and the hashes of the images shown:
        # an image file edited under the same name changes the page's pictures.
        return tuple(site.links[source].items()), views.pictures.signature(source)

    latest = site.latest
    counts = tuple(sum(len(p.items) for p in site.scenario_pagers[s.slug]) for s in site.scenarios)
    yield PagePlan(urls.home(), "home.html", ("home", tuple(map(card_key, latest)), counts), lambda v: {
        "latest": [v.card(a) for a in latest], "scenarios": v.scenarios_with_counts(),
        "page": {"kind": "home", "jsonld": [_website(v)]},
    })
    for scenario in site.scenarios:
        for pager in site.scenario_pagers[scenario.slug]:
            plan = kept(pager, scenario)
            if plan is None:
                key = ("scenario", scenario.digest, links_key(scenario.source), _pager_key(pager, card_key))
                plan = keep(pager, scenario, PagePlan(pager.route, "scenario.html", key, lambda v, s=scenario, p=pager: _scenario_context(s, p, v)))
            yield plan
    for article in site.articles:
        related = site.related.get(article.source, ())
        plan = kept(article, related)
        if plan is None:
            key = ("article", article.digest, card_key(article), links_key(article.source), tuple(map(card_key, related)))
            plan = keep(article, related, PagePlan(site.routes[article.source], "article.html", key, lambda v, a=article: _article_context(a, v)))
        yield plan
    yield from _taxonomy_plans(site, views, card_key, kept, keep)
    # Lines in the archive and figures show front matter only: within a lineage, their keys stay.
    if "archive.html" not in memo.lists:
        memo.lists["archive.html"] = ("archive", _digest(b"".join([digests.of(a)[1] for a in site.articles])))
    yield PagePlan(urls.archive(), "archive.html", memo.lists["archive.html"], lambda v: {
        "years": _archive(site, v),
        "page": {"kind": "archive", "title": "活动归档", "jsonld": [_trail(v, ("活动归档", urls.archive().path))]},
    })
    with_figures = tuple(a for a in site.articles if a.figures)
    if "data.html" not in memo.lists:
        memo.lists["data.html"] = ("data", _digest(repr(tuple((a.title, a.slug, a.figures, views.marked(a.source)) for a in with_figures)).encode()))
    yield PagePlan(urls.data(), "data.html", memo.lists["data.html"], lambda v: _data_context(site, with_figures, v))
    for page in site.pages:
        key = ("page", page.digest, links_key(page.source), views.marked(page.source))
        yield PagePlan(site.routes[page.source], "page.html", key, lambda v, p=page: _page_context(p, v))
    yield _search_plan(site, views)
    yield PagePlan(urls.not_found(), "404.html", ("404",), lambda v: {"page": {"kind": "404", "title": "页面未找到"}})
    memo.plans = made
    digests.finish()


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


def _taxonomy_plans(
    site: Site, views: Views, card_key: Callable[[Article], Any],
    kept: Callable[[object, object], PagePlan | None], keep: Callable[[object, object, PagePlan], PagePlan],
) -> Iterator[PagePlan]:
    for kind, terms in site.taxonomies.items():
        name = views.taxonomy_name(kind)
        index_key = ("taxonomy", kind, tuple((t.name, len(t.articles)) for t in terms))
        yield PagePlan(urls.taxonomy(kind), "taxonomy.html", index_key, lambda v, k=kind, n=name, ts=terms: {
            "taxonomy": {"kind": k, "name": n, "terms": [
                {"name": t.name, "url": v.url(t.route.path), "count": len(t.articles)} for t in ts]},
            "page": {"kind": "taxonomy", "title": n, "jsonld": [_trail(v, (n, urls.taxonomy(k).path))]},
        })
        for term in terms:
            # A term's page shows its name and size (front matter, the same within a lineage), not
            # its articles: those on the page are the pager's. A saved body leaves its other pages be.
            shown = (term.name, len(term.articles), term.route.path)
            for pager in site.term_pagers[(kind, term.slug)]:
                plan = kept(pager, kind)
                if plan is None:
                    key = ("term", kind, term.name, len(term.articles), _pager_key(pager, card_key))
                    plan = keep(pager, kind, PagePlan(pager.route, "term.html", key, lambda v, k=kind, n=name, t=shown, p=pager: {
                        "taxonomy": {"kind": k, "name": n, "url": v.url(urls.taxonomy(k).path)},
                        "term": {"name": t[0], "count": t[1]},
                        "pager": _pager(p, v),
                        "page": {"kind": "term", "title": f"{n}：{t[0]}", "jsonld": [
                            _trail(v, (n, urls.taxonomy(k).path), (t[0], t[2]))]},
                    }))
                yield plan


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
    return PagePlan(urls.search(), "search.html", key, lambda v: {
        "choices": choices,
        "page": {"kind": "search", "title": "站内搜索", "jsonld": [_trail(v, ("站内搜索", urls.search().path))]},
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
