"""View dicts: the plain data templates see. Templates never get internal model objects.

Everything shown to readers is prepared here: Chinese dates, URLs under the base path,
labels, the Markdown HTML of each document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from .markdown import RenderedBody


class Bodies(Protocol):
    """Documents' Markdown HTML: with site links (`[]`), or as converted (`raw`, for summaries)."""

    def __getitem__(self, source: str) -> RenderedBody: ...

    def raw(self, source: str) -> RenderedBody: ...


class Pictures(Protocol):
    """Processed images (`images.Images`): a cover's `<picture>` data and what a page shows of its images."""

    def cover(self, source: str) -> dict[str, Any] | None: ...

    def signature(self, source: str) -> tuple[str, ...]: ...


class ShareImages(Protocol):
    """Share cards (`sharecard.ShareCards`): the output path of a document's card (`None`: the site's)."""

    def output(self, source: str | None) -> str | None: ...


class NoMedia:
    """No images processed and no share cards: views as if there were none."""

    def cover(self, source: str) -> dict[str, Any] | None:
        return None

    def signature(self, source: str) -> tuple[str, ...]:
        return ()

    def output(self, source: str | None) -> str | None:
        return None


from .model import Site
from .model.taxonomy import TAXONOMIES, term_slug
from .model import urls
from .validate import SHANGHAI, Article

KIND_LABELS = {"case-study": "典型案例", "news": "新闻动态"}


def date_zh(value: dt.date | dt.datetime | None) -> str:
    """`2025-06-12` -> `2025年6月12日`, in Shanghai time for date-times."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(SHANGHAI).date()
    return f"{value.year}年{value.month}月{value.day}日"


@lru_cache(maxsize=1 << 16)  # every build asks again for every article's dates (sitemap, feeds, JSON-LD)
def iso(value: dt.datetime | None) -> str:
    return value.astimezone(SHANGHAI).isoformat() if value else ""


@dataclass(frozen=True)
class Views:
    """Builds view dicts for one site; `bodies` holds each document's rendered Markdown.

    Cards are built once per article and shared by every list showing it; templates only read them.
    """

    site: Site
    bodies: Bodies
    pictures: Pictures = field(default_factory=NoMedia)
    share: ShareImages = field(default_factory=NoMedia)
    _cards: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def url(self, path: str) -> str:
        return self.site.config.base_path + path

    def asset(self, rel: str) -> str:
        """URL of a file under static/, by its fingerprinted name (see model.site.fingerprinted)."""
        if rel not in self.site.asset_paths:
            raise LookupError(f"asset({rel!r}): there is no static/{rel}")
        return self.url(self.site.asset_paths[rel])

    def absolute(self, path: str) -> str:
        return self.site.config.base_url + path

    def share_image(self, source: str | None) -> str | None:
        """Absolute URL of the share card of a document (`None`: the site's), for og:image."""
        output = self.share.output(source)
        return self.absolute(output) if output else None

    def illustration(self, slug: str) -> str | None:
        """The scenario's drawing under static/ (for `asset()`), if the theme has one."""
        rel = f"img/scenarios/{slug}.svg"
        return rel if rel in self.site.asset_paths else None

    def term_link(self, kind: str, name: str) -> dict[str, str]:
        return {"name": name, "url": self.url(urls.term(kind, term_slug(kind, name)).path)}

    def scenario_links(self, article: Article) -> list[dict[str, str]]:
        titles = {s.slug: s.title for s in self.site.scenarios}
        return [{"slug": s, "title": titles[s], "url": self.url(urls.scenario(s).path)} for s in article.scenarios]

    def marked(self, source: str) -> bool:
        """Drafts and future articles carry a banner in preview only, never in a build."""
        return self.site.preview and source in self.site.unpublished

    def card(self, article: Article) -> dict[str, Any]:
        card = self._cards.get(article.source)
        if card is None:
            card = self._cards[article.source] = self._make_card(article)
        return card

    def _make_card(self, article: Article) -> dict[str, Any]:
        body = self.bodies.raw(article.source)  # the summary does not depend on links
        return {
            "title": article.title,
            "url": self.url(self.site.routes[article.source].path),
            "date": date_zh(article.date),
            "date_iso": iso(article.date),
            "summary": article.summary or body.summary,
            "kind": article.kind,
            "kind_label": KIND_LABELS[article.kind],
            "scenarios": self.scenario_links(article),
            "region": self.term_link("regions", article.region) if article.region else None,
            "unpublished": self.marked(article.source),
        }

    def article(self, article: Article) -> dict[str, Any]:
        body = self.bodies[article.source]
        lines = {line.slug: line for line in self.site.campaign.lines}
        cover = article.cover
        return {
            **self.card(article),
            "updated": date_zh(article.updated),
            "updated_iso": iso(article.updated),
            "line": {"slug": article.line, "title": lines[article.line].title} if article.line else None,
            "groups": [self.term_link("groups", g) for g in article.groups],
            "tags": [self.term_link("tags", t) for t in article.tags],
            "figures": [_figure(f) for f in article.figures],
            "organization": article.organization,
            "author": article.author,
            "source": {"name": article.source_name, "url": article.source_url} if article.source_name else None,
            "cover": {"url": self.url(self.site.covers[article.source]), "alt": cover.alt, "width": None, "height": None,
                      "srcset": None, "webp_srcset": None, "sizes": None, **(self.pictures.cover(article.source) or {})} if cover else None,
            "share_image": self.share_image(article.source),
            "html": body.html,
            "toc": [{"id": i, "title": t, "level": lvl} for i, t, lvl in body.toc],
            "reading_minutes": body.reading_minutes,
            "draft": article.draft,
            "related": [self.card(a) for a in self.site.related.get(article.source, ())],
        }

    def common(self, current: str) -> dict[str, Any]:
        """What every page needs: site, campaign, scenarios, navigation with the current item."""
        site, config, campaign = self.site, self.site.config, self.site.campaign
        nav = [
            {"title": item.title, "url": self.url(item.url[1:]), "current": _is_current(item.url[1:], current)}
            for item in config.navigation
        ]
        return {
            "site": {
                "title": config.title,
                "description": config.description,
                "language": config.language,
                "base_url": config.base_url,
                "base_path": config.base_path,
                "footer": config.footer,
                "nav": nav,
                "feed_url": self.url(urls.feed().path),
                "traditional": config.traditional is not None,  # pages have /zh-hant/ twins
                "year": campaign.year,
                "share_image": self.share_image(None),
            },
            "campaign": {
                "name": campaign.name,
                "short_name": campaign.short_name,
                "year": campaign.year,
                "theme": campaign.theme,
                "theme_words": campaign.theme.split(),
                "start": date_zh(campaign.start),
                "start_iso": campaign.start.isoformat(),
                "end": date_zh(campaign.end),
                "end_iso": campaign.end.isoformat() if campaign.end else "",
                "hashtag": campaign.hashtag,
                "platforms": list(campaign.platforms),
                "organiser_count": campaign.organiser_count,
                "organisers": list(campaign.organisers),
                "aims": list(campaign.aims),
                "figures": [_figure(f) for f in campaign.figures],
                "lines": [{"slug": l.slug, "title": l.title, "summary": l.summary} for l in campaign.lines],
            },
            "scenarios": [
                {
                    "slug": s.slug,
                    "title": s.title,
                    "summary": s.summary,
                    "url": self.url(urls.scenario(s.slug).path),
                    "current": current.startswith(urls.scenario(s.slug).path),
                    "illustration": self.illustration(s.slug),
                }
                for s in site.scenarios
            ],
            "preview": site.preview,
        }

    def scenarios_with_counts(self) -> list[dict[str, Any]]:
        """Only the home page shows counts, so other pages need not change when an article is added."""
        counts = {slug: sum(len(p.items) for p in pagers) for slug, pagers in self.site.scenario_pagers.items()}
        return [{**s, "count": counts[s["slug"]]} for s in self.common("")["scenarios"]]

    def taxonomy_name(self, kind: str) -> str:
        return TAXONOMIES[kind][0]


def _figure(figure: Any) -> dict[str, str]:
    return {"label": figure.label, "value": figure.value, "unit": figure.unit, "note": getattr(figure, "note", "")}


def _is_current(nav_path: str, current: str) -> bool:
    return current == nav_path if nav_path == "" else current.startswith(nav_path)
