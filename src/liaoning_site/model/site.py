"""The `Site`: what is published, every page's route, the article lists, and checked links.

Built once from validated content and frozen; renderers only read it. Everything that
could make two outputs collide or a link dangle is found here, before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from ..campaign import Campaign
from ..config import SiteConfig
from .. import diagnostics as msg
from ..diagnostics import Diagnostic, Diagnostics, Position, tr
from ..load import StaticFile
from ..validate import SHANGHAI, Article, Content, Page, Scenario
from ..rawhtml import removed_html
from . import urls
from .linkcheck import Asset, check_links, check_site_paths
from .pagination import Pager, paginate
from .reuse import ModelCache, reuse_model
from .taxonomy import TAXONOMIES, Term, collect_terms
from .urls import Route

HOME_LATEST = 6
RELATED_COUNT = 3
FRONT_MATTER_KEY = {"tags": "tags", "regions": "region", "groups": "groups"}


@dataclass(frozen=True, slots=True)
class Publishing:
    """What a build shows: `build` hides drafts, future and expired articles; preview shows all."""

    drafts: bool = False
    future: bool = False
    expired: bool = False
    as_of: dt.datetime | None = None  # None: now, in Asia/Shanghai
    preview: bool = False


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    campaign: Campaign
    now: dt.datetime
    preview: bool
    scenarios: tuple[Scenario, ...]
    articles: tuple[Article, ...]  # newest first
    pages: tuple[Page, ...]
    routes: dict[str, Route]  # source file -> route of its page
    scenario_pagers: dict[str, tuple[Pager[Article], ...]]
    taxonomies: dict[str, tuple[Term, ...]]
    term_pagers: dict[tuple[str, str], tuple[Pager[Article], ...]]
    related: dict[str, tuple[Article, ...]]
    links: dict[str, dict[str, str]]  # source -> {target as written -> site path}
    covers: dict[str, str]  # article source -> site path of its cover image
    assets: tuple[Asset, ...]  # static files and files referenced beside a document
    asset_paths: dict[str, str]  # static file as named under static/ -> where it is published
    unpublished: frozenset[str]  # sources shown only because drafts/future are included
    next_change: dt.datetime | None  # when an article's date or expiry next changes what is published
    # Made anew with each model, kept by a model reused from it (reuse.py): within one lineage, the
    # same objects mean the same front matter, files and settings.
    lineage: object = field(default_factory=object, compare=False)

    @property
    def latest(self) -> tuple[Article, ...]:
        return self.articles[:HOME_LATEST]


def build_site_model(
    config: SiteConfig,
    campaign: Campaign,
    content: Content,
    static: tuple[StaticFile, ...],
    publishing: Publishing,
    diagnostics: Diagnostics,
    cache: ModelCache | None = None,
) -> Site | None:
    """Decide what is published and where; None (with diagnostics) on collisions or broken links.

    With a `cache` (`serve`), a save that changed bodies only reuses the last model (see reuse.py).
    """
    now = publishing.as_of or dt.datetime.now(SHANGHAI)
    inputs = (config, campaign, static, replace(publishing, as_of=None))  # the time is checked on its own
    if cache is not None:
        reused = reuse_model(cache, inputs, content, now, diagnostics, html_removals)
        if reused is not None:
            return reused
        cache.forget()
    before = len(diagnostics.errors)
    articles, unpublished = _select_articles(content.articles, publishing, now)
    pages = tuple(p for p in content.pages if publishing.drafts or not p.draft)
    unpublished |= {p.source for p in pages if p.draft}
    routes = _routes(content.scenarios, articles, pages)
    by_scenario = {s.slug: tuple(a for a in articles if s.slug in a.scenarios) for s in content.scenarios}
    taxonomies = {kind: collect_terms(kind, articles) for kind in TAXONOMIES}
    size = config.page_size
    scenario_pagers = {slug: paginate(items, size, lambda n, s=slug: urls.scenario(s, n)) for slug, items in by_scenario.items()}
    term_pagers = {
        (kind, t.slug): paginate(t.articles, size, lambda n, k=kind, s=t.slug: urls.term(k, s, n))
        for kind, terms in taxonomies.items()
        for t in terms
    }
    all_sources = {a.source for a in content.articles} | {p.source for p in content.pages}
    documents = (*content.scenarios, *articles, *pages)
    links, assets = check_links(documents, routes, all_sources, config, diagnostics)
    removals = {doc.source: html_removals(doc, config) for doc in documents}
    for found in removals.values():
        diagnostics.extend(found)
    asset_paths = {f.rel: f.rel if publishing.preview else fingerprinted(f.rel, f.digest) for f in static}
    # Under its own name too: editors link to /files/report.pdf, and old pages may ask for it.
    assets += tuple(Asset(f.path, name, f.origin) for f in static for name in dict.fromkeys((f.rel, asset_paths[f.rel])))
    # A cover beside its article is published next to the article's page.
    covers = {a.source: a.cover.output or routes[a.source].path + a.cover.path.name for a in articles if a.cover}
    assets += tuple(Asset(a.cover.path, covers[a.source], a.source) for a in articles if a.cover)
    _check_terms(taxonomies, diagnostics)
    outputs = _check_outputs(content.scenarios, articles, pages, routes, scenario_pagers, term_pagers, taxonomies, assets, diagnostics)
    check_site_paths(documents, set(outputs), config, diagnostics)
    if len(diagnostics.errors) > before:
        return None
    site = Site(
        config=config,
        campaign=campaign,
        now=now,
        preview=publishing.preview,
        scenarios=content.scenarios,
        articles=articles,
        pages=pages,
        routes=routes,
        scenario_pagers=scenario_pagers,
        taxonomies=taxonomies,
        term_pagers=term_pagers,
        related=_related(articles, taxonomies["tags"]),
        links=links,
        covers=covers,
        assets=_unique_assets(assets),
        asset_paths=asset_paths,
        unpublished=frozenset(unpublished),
        next_change=min((t for a in content.articles for t in (a.date, a.expires) if t is not None and t > now), default=None),
    )
    if cache is not None:
        cache.remember(inputs, content, site, frozenset(outputs), removals)
    return site


def html_removals(doc: Scenario | Article | Page, config: SiteConfig) -> list[Diagnostic]:
    """Warnings for the HTML the sanitiser will drop from a document's body, where it was written."""
    if not doc.markup:  # no HTML: nothing to read and look through
        return []
    return [Diagnostic(doc.source, r.position.line, r.position.col, "warning", r.message) for r in removed_html(doc.body, doc.body_line, config.html)]


def fingerprinted(rel: str, digest: str) -> str:
    """`css/site.css` -> `css/site.3f2a9c01d4.css`: a CDN may keep it forever, a new version has a new name.

    Templates refer to this name (`asset()`); the file is published under its plain name as well.
    Files at the top of static/ (favicon.ico, verification files) have no second name; the preview
    uses plain names only, so that a saved stylesheet is swapped in place without rendering every
    page again.
    """
    folder, _, name = rel.rpartition("/")
    if not folder:
        return rel
    stem, dot, suffix = name.rpartition(".")
    return f"{folder}/{stem}.{digest}.{suffix}" if dot and stem else f"{folder}/{name}.{digest}"


def _select_articles(
    articles: tuple[Article, ...], publishing: Publishing, now: dt.datetime
) -> tuple[tuple[Article, ...], set[str]]:
    shown, unpublished = [], set()
    for article in articles:
        future = article.date > now
        expired = article.expires is not None and article.expires <= now
        if (article.draft and not publishing.drafts) or (future and not publishing.future):
            continue
        if expired and not publishing.expired:
            continue
        if article.draft or future:
            unpublished.add(article.source)
        shown.append(article)
    # Newest first; the slug breaks ties so the order never depends on file-system order.
    shown.sort(key=lambda a: (-a.date.timestamp(), a.slug))
    return tuple(shown), unpublished


def _routes(scenarios: tuple[Scenario, ...], articles: tuple[Article, ...], pages: tuple[Page, ...]) -> dict[str, Route]:
    routes = {s.source: urls.scenario(s.slug) for s in scenarios}
    routes.update({a.source: urls.article(a.slug) for a in articles})
    routes.update({p.source: urls.page(p.slug) for p in pages})
    return routes


def _check_terms(taxonomies: dict[str, tuple[Term, ...]], diagnostics: Diagnostics) -> None:
    """Two different terms with the same pinyin (homophones) would share one page: refuse."""
    for kind, terms in taxonomies.items():
        seen: dict[str, Term] = {}
        for term in terms:
            article = term.articles[0]
            where = article.positions.get(FRONT_MATTER_KEY[kind], Position())
            if not term.slug:
                diagnostics.error(article.source, where, tr(
                    f"cannot make a URL from {term.name!r}; use letters, digits or Chinese characters",
                    f"无法根据 {term.name!r} 生成网址；请使用字母、数字或汉字",
                ))
            elif term.slug in seen:
                other = seen[term.slug]
                diagnostics.error(
                    article.source, where,
                    tr(
                        f"{term.name!r} and {other.name!r} (in {other.articles[0].source}) both become "
                        f"/{kind}/{term.slug}/; rename one of them",
                        f"{term.name!r} 和 {other.name!r}（在 {other.articles[0].source} 中）的网址都是 "
                        f"/{kind}/{term.slug}/；请改掉其中一个",
                    ),
                )
            else:
                seen[term.slug] = term


def _check_outputs(scenarios, articles, pages, routes, scenario_pagers, term_pagers, taxonomies, assets, diagnostics) -> dict[str, str]:
    """Map every output file to its owner; two owners of one file is an error naming both."""
    owners: dict[str, _Owner] = {}
    generated = [urls.home(), urls.archive(), urls.data(), urls.search(), urls.feed(), urls.sitemap(), urls.robots(), urls.not_found(), urls.manifest(), *urls.icons()]
    generated += [urls.taxonomy(kind) for kind in taxonomies]
    generated += [p.route for pagers in (*scenario_pagers.values(), *term_pagers.values()) for p in pagers[1:]]
    generated += [p[0].route for p in term_pagers.values()]
    generated += [urls.scenario_feed(s.slug) for s in scenarios]
    claims = [(r.output, _Owner(GENERATED, Position(), r.output, "")) for r in generated]
    claims += [(routes[d.source].output, _Owner(d.source, d.positions["slug"], d.source, "`slug`")) for d in (*scenarios, *articles, *pages)]
    claims += [(a.output, _Owner(a.origin, Position(), a.path, tr("file name", "文件名"))) for a in assets]
    for output, owner in claims:
        other = owners.setdefault(output, owner)
        # The same file referenced from two documents is one output, not a collision.
        if other.identity == owner.identity:
            continue
        url = "/" + output.removesuffix("index.html")
        if other.source == GENERATED:
            diagnostics.error(owner.source, owner.where, tr(
                f"URL {url} is reserved for a page the site generates; give this one another {owner.fix}",
                f"网址 {url} 留给网站自动生成的页面；请给这一篇换一个 {owner.fix}",
            ))
            continue
        for mine, theirs in ((owner, other), (other, owner)):
            diagnostics.error(mine.source, mine.where, msg.duplicate_url(url, theirs.source, mine.fix))
    return {k: v.source for k, v in owners.items()}


GENERATED = "(generated)"


class _Owner(NamedTuple):  # one per output file: a tuple is cheap to make by the ten thousand
    source: str
    where: Position
    identity: object
    fix: str  # what the editor changes to resolve a collision


def _related(articles: tuple[Article, ...], tags: tuple[Term, ...]) -> dict[str, tuple[Article, ...]]:
    """Up to 3 articles sharing a tag, nearest in date first; linear in the number of articles.

    They depend on the order of the articles and on their tags only: a save of an article's body (or
    title) reuses the last answer, by source, in `serve` and, through the build cache, in `build`.
    """
    key = tuple((a.source, a.tags) for a in articles)
    if _last_related[0] != key:
        _last_related[:] = [key, {s: tuple(a.source for a in r) for s, r in _find_related(articles, tags).items()}]
    by_source = {a.source: a for a in articles}
    return {source: tuple(by_source[s] for s in related) for source, related in _last_related[1].items()}


_last_related: list = [None, {}]


def related_memo() -> tuple[object, dict[str, tuple[str, ...]]]:
    """The last related-article lists and what they were worked out from, for the build cache."""
    return _last_related[0], _last_related[1]


def remember_related(memo: object) -> None:
    """Take back what `related_memo` gave an earlier build: used only for the very same articles and tags."""
    if isinstance(memo, tuple) and len(memo) == 2 and isinstance(memo[0], tuple) and isinstance(memo[1], dict):
        _last_related[:] = list(memo)


def _find_related(articles: tuple[Article, ...], tags: tuple[Term, ...]) -> dict[str, tuple[Article, ...]]:
    order = {a.source: i for i, a in enumerate(articles)}  # already newest first
    members = {t.name: t.articles for t in tags}
    position = {t.name: {a.source: i for i, a in enumerate(t.articles)} for t in tags}
    related: dict[str, tuple[Article, ...]] = {}
    for article in articles:
        lists = [(members[tag], len(members[tag]), position[tag][article.source]) for tag in article.tags]
        picked: dict[str, Article] = {}
        for distance in range(1, RELATED_COUNT + 1):
            for items, count, i in lists:
                for j in (i - distance, i + distance):
                    if 0 <= j < count:
                        picked.setdefault(items[j].source, items[j])
            if len(picked) >= RELATED_COUNT:
                break
        chosen = list(picked.values())[:RELATED_COUNT]
        related[article.source] = tuple(sorted(chosen, key=lambda a: order[a.source]))
    return related


def _unique_assets(assets: tuple[Asset, ...]) -> tuple[Asset, ...]:
    seen: dict[str, Asset] = {}
    for asset in assets:
        seen.setdefault(asset.output, asset)
    return tuple(seen[k] for k in sorted(seen))

