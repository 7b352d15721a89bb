"""Validate stage for `content/campaign.yml` -> frozen `Campaign` (the month, its theme and figures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import diagnostics as msg
from .diagnostics import Diagnostics, tr
from .load import CAMPAIGN_FILE
from .schema import Fields, read_date, read_int, read_mapping, read_mapping_list, read_str, read_str_list
from .slugs import is_safe_slug
from .yamlsource import LocatedYaml

CAMPAIGN_KEYS = (
    "name", "short_name", "year", "theme", "start", "end", "hashtag", "platforms",
    "organisers", "aims", "figures", "lines",
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A key number as the editor wrote it: `value` keeps its exact wording (30多, 800多万)."""

    label: str
    value: str
    unit: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """One of the campaign's lines of work."""

    slug: str
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class Campaign:
    name: str
    short_name: str
    year: int
    theme: str
    start: dt.date
    end: dt.date | None
    hashtag: str
    platforms: tuple[str, ...]
    organiser_count: int | None
    organisers: tuple[str, ...]
    aims: tuple[str, ...]
    figures: tuple[Figure, ...]
    lines: tuple[Line, ...]


def validate_campaign(doc: LocatedYaml | None, diagnostics: Diagnostics) -> Campaign | None:
    """Check campaign.yml; None when it is missing or has errors (already reported)."""
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        diagnostics.error(CAMPAIGN_FILE, doc.start, msg.expected(tr("a mapping (`key: value` lines)", "应为若干 `键: 值` 行"), doc.data))
        return None
    before = len(diagnostics.errors)
    fields = Fields(doc, CAMPAIGN_FILE, diagnostics)
    fields.warn_unknown_keys(CAMPAIGN_KEYS)
    name = read_str(fields, "name", required=True) or ""
    start = _day(read_date(fields, "start", required=True))
    organisers = read_mapping(fields, "organisers")
    count, named = _read_organisers(organisers)
    campaign = Campaign(
        name=name,
        short_name=read_str(fields, "short_name") or name,
        year=read_int(fields, "year", default=start.year if start else 0, minimum=2000),
        theme=read_str(fields, "theme", required=True) or "",
        start=start or dt.date.min,
        end=_day(read_date(fields, "end")),
        hashtag=read_str(fields, "hashtag") or "",
        platforms=tuple(read_str_list(fields, "platforms") or ()),
        organiser_count=count,
        organisers=named,
        aims=tuple(read_str_list(fields, "aims") or ()),
        figures=tuple(read_figures(fields, "figures", with_note=True)),
        lines=_read_lines(fields),
    )
    if campaign.end is not None and start is not None and campaign.end < start:
        fields.error("end", tr(f"the campaign ends ({campaign.end}) before it starts ({start})", f"活动结束日期（{campaign.end}）早于开始日期（{start}）"))
    return None if len(diagnostics.errors) > before else campaign


def read_figures(fields: Fields, key: str, *, with_note: bool) -> list[Figure]:
    """A list of {label, value, unit[, note]}; shared by campaign.yml and article front matter."""
    known = ("label", "value", "unit", "note") if with_note else ("label", "value", "unit")
    figures = []
    for item in read_mapping_list(fields, key):
        item.warn_unknown_keys(known)
        label = read_str(item, "label", required=True)
        value = read_str(item, "value", required=True)
        unit = read_str(item, "unit") or ""
        note = read_str(item, "note") if with_note else None
        if label and value:
            figures.append(Figure(label, value, unit, note or ""))
    return figures


def _day(value: dt.date | dt.datetime | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _read_organisers(fields: Fields | None) -> tuple[int | None, tuple[str, ...]]:
    if fields is None:
        return None, ()
    fields.warn_unknown_keys(("count", "named"))
    count = read_int(fields, "count", default=0) if fields.has("count") else None
    return count, tuple(read_str_list(fields, "named") or ())


def _read_lines(fields: Fields) -> tuple[Line, ...]:
    lines: list[Line] = []
    for item in read_mapping_list(fields, "lines"):
        item.warn_unknown_keys(("slug", "title", "summary"))
        slug = read_str(item, "slug", required=True)
        title = read_str(item, "title", required=True)
        if slug is not None and not is_safe_slug(slug):
            item.error("slug", msg.unsafe_slug(slug))
            continue
        if slug in {line.slug for line in lines}:
            item.error("slug", tr(f"line of work `{slug}` is listed twice", f"工作条线 `{slug}` 列出了两次"))
            continue
        if slug and title:
            lines.append(Line(slug, title, read_str(item, "summary") or ""))
    return tuple(lines)
