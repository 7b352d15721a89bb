"""The last model again, for a save in `serve` that changed documents' bodies only.

Routes, lists, pagination and related articles are made from front matter and from which files
exist, never from a body. When only bodies changed (what an editor does while writing), the last
model is reused with the new documents put in the old ones' places: at 10,000 articles that takes
some 15 ms, where making the model takes a fifth of a second. What a body does decide (its
links, the files it brings in, the HTML the sanitiser drops from it) is worked out again for the
changed documents. Anything else, or anything in doubt, makes the model anew.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable

from ..campaign import Campaign
from ..config import SiteConfig
from ..diagnostics import Diagnostic, Diagnostics
from ..load import StaticFile
from ..validate import Content
from .linkcheck import check_links, check_site_paths

if TYPE_CHECKING:  # site.py imports this module
    from .site import Site

# Fields a body edit changes; every other field of a document is front matter or its place.
BODY_FIELDS = frozenset({"body_utf8", "markup", "digest", "references"})


@dataclass
class ModelCache:
    """The last model and what it was made from; `serve` keeps one across saves."""

    inputs: tuple[Any, ...] = ()  # config, campaign, static files, publishing
    content: Content | None = None
    site: Site | None = None  # the model made from them (or reused since)
    outputs: frozenset[str] = frozenset()  # every output file the model claimed
    removals: dict[str, list[Diagnostic]] = field(default_factory=dict)  # source -> HTML dropped from its body
    holders: dict[str, list[tuple[str, Any]]] | None = None  # see `holders_of`: made on the first reuse

    def remember(self, inputs: tuple[Any, ...], content: Content, site: Site, outputs: frozenset[str], removals: dict[str, list[Diagnostic]]) -> None:
        self.inputs, self.content, self.site, self.outputs, self.removals = inputs, content, site, outputs, removals
        self.holders = None

    def forget(self) -> None:
        self.site = self.content = None


def reuse_model(
    cache: ModelCache,
    inputs: tuple[SiteConfig, Campaign, tuple[StaticFile, ...], Any],
    content: Content,
    now: dt.datetime,
    diagnostics: Diagnostics,
    removals: Callable[[Any, SiteConfig], list[Diagnostic]],
) -> Site | None:
    """The last Site with `content`'s documents in it, or None if the model must be made anew."""
    site, last = cache.site, cache.content
    if site is None or last is None or cache.inputs != inputs:
        return None
    # Which articles are published depends on the time: reuse only while no date or expiry has passed.
    if now < site.now or (site.next_change is not None and now >= site.next_change):
        return None
    swap: dict[int, Any] = {}
    kept: list[tuple[Any, ...]] = []  # the documents as the reused model holds them
    for old_docs, new_docs in ((last.scenarios, content.scenarios), (last.articles, content.articles), (last.pages, content.pages)):
        if len(old_docs) != len(new_docs):
            return None
        for old, new in zip(old_docs, new_docs):
            # Scenarios and pages are checked again on every save: equal ones keep their old objects.
            if old is not new and old != new:
                if not _same_front_matter(old, new):
                    return None
                swap[id(old)] = new
        kept.append(tuple(swap.get(id(old), old) for old in old_docs) if swap else old_docs)
    config = inputs[0]
    links = site.links
    if swap:
        all_sources = {a.source for a in content.articles} | {p.source for p in content.pages}
        published = [new for new in swap.values() if new.source in site.routes]
        found = Diagnostics()
        new_links, new_assets = check_links(published, site.routes, all_sources, config, found)
        check_site_paths(published, cache.outputs, config, found)
        # A new file beside the article, or a broken link: the full model publishes and reports it.
        old_published = [old for old in (*last.scenarios, *last.articles, *last.pages) if id(old) in swap and old.source in site.routes]
        if found.items or check_links(old_published, site.routes, all_sources, config, Diagnostics())[1] != new_assets:
            return None
        for doc in published:
            cache.removals[doc.source] = removals(doc, config)
        links = {**links, **new_links}
    for found in cache.removals.values():
        diagnostics.extend(found)
    if swap and cache.holders is None:
        cache.holders = holders_of(site)  # once per model made anew: positions stay while it is reused
    reused = _swapped(site, swap, links, now, cache.holders or {}) if swap else replace(site, now=now)
    cache.content, cache.site = Content(*kept), reused
    return reused


def _same_front_matter(old: Any, new: Any) -> bool:
    return type(old) is type(new) and all(
        getattr(old, name) == getattr(new, name) for name in old.__match_args__ if name not in BODY_FIELDS
    )


def _swapped(site: Site, swap: dict[int, Any], links: dict[str, dict[str, str]], now: dt.datetime, holders: dict[str, list[tuple[str, Any]]]) -> Site:
    changed = swap.keys()

    def new(items: tuple) -> tuple:
        return items if changed.isdisjoint(map(id, items)) else tuple(swap.get(id(item), item) for item in items)

    # Only the pagers, terms and related lists that hold a changed document are made again (found
    # through `holders`); all others stay the very same objects, which is what `plans` relies on.
    lists = {name: dict(getattr(site, name)) for name in ("scenario_pagers", "term_pagers", "taxonomies", "related")}
    for source in {doc.source for doc in swap.values()}:
        for name, key in holders.get(source, ()):
            group = lists[name][key]
            if name == "related":
                lists[name][key] = new(group)
            elif name == "taxonomies":
                lists[name][key] = tuple(t if (a := new(t.articles)) is t.articles else replace(t, articles=a) for t in group)
            else:
                lists[name][key] = tuple(p if (items := new(p.items)) is p.items else replace(p, items=items) for p in group)
    return replace(site, now=now, scenarios=new(site.scenarios), articles=new(site.articles), pages=new(site.pages), links=links, **lists)


def holders_of(site: Site) -> dict[str, list[tuple[str, Any]]]:
    """Source -> the lists of the model holding that document: (field of `Site`, key in it)."""
    found: dict[str, dict[tuple[str, Any], None]] = {}
    for name in ("scenario_pagers", "term_pagers"):
        for key, group in getattr(site, name).items():
            for pager in group:
                for item in pager.items:
                    found.setdefault(item.source, {})[(name, key)] = None
    for kind, terms in site.taxonomies.items():
        for term in terms:
            for item in term.articles:
                found.setdefault(item.source, {})[("taxonomies", kind)] = None
    for source, related in site.related.items():
        for item in related:
            found.setdefault(item.source, {})[("related", source)] = None
    return {source: list(where) for source, where in found.items()}
