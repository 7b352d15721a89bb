"""Validate stage: `RawDoc` front matter -> typed, frozen `Scenario`, `Article` and `Page` records.

Every field is read with a reader from `schema`, so all mistakes of all files are reported
in one pass, each at the exact line and column of the key or value that is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo

from . import diagnostics as msg
from .campaign import Campaign, Figure, read_figures
from .config import SiteConfig
from .diagnostics import Diagnostic, Diagnostics, Position, tr
from .links import Reference, find_references
from .load import RawDoc
from .records import Record, Stored, WithBody, plain
from .schema import Fields, read_bool, read_date, read_int, read_mapping, read_str, read_str_list
from .slugs import is_safe_slug, make_slug

SHANGHAI = ZoneInfo("Asia/Shanghai")
CITIES = ("沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "盘锦", "铁岭", "朝阳", "葫芦岛")
PROVINCE = "全省"
REGIONS = tuple(c + "市" for c in CITIES) + (PROVINCE,)
GROUPS = ("农民", "妇女", "残疾人", "老年人", "学生", "退役军人")
KINDS = ("case-study", "news")
ARTICLE_KEYS = (
    "title", "date", "scenarios", "summary", "kind", "line", "region", "groups", "organization",
    "author", "tags", "figures", "cover", "cover_alt", "source", "slug", "draft", "updated", "expires",
)
SCENARIO_KEYS = ("title", "slug", "order", "summary")
PAGE_KEYS = ("title", "slug", "summary", "draft")


@dataclass(frozen=True, slots=True)
class Image(Record):
    path: Path  # file on disk
    output: str  # path inside the output folder, "/"-separated, no leading slash
    alt: str
    position: Position = Position()  # of the file's name in the front matter, for later stages' messages


@dataclass(frozen=True, slots=True)
class Scenario(Record, WithBody):
    source: str
    slug: str
    title: str
    order: int
    summary: str
    body_utf8: bytes | Stored  # the body (`body`), as UTF-8
    markup: bool  # the body holds a `<`: HTML the sanitiser may drop (a check that needs no body)
    body_line: int
    positions: Mapping[str, Position]
    digest: str
    references: tuple[Reference, ...]


@dataclass(frozen=True, slots=True)
class Page(Record, WithBody):
    source: str
    slug: str
    title: str
    summary: str | None
    draft: bool
    body_utf8: bytes | Stored  # the body (`body`), as UTF-8
    markup: bool  # the body holds a `<`: HTML the sanitiser may drop (a check that needs no body)
    body_line: int
    positions: Mapping[str, Position]
    digest: str
    references: tuple[Reference, ...]


@dataclass(frozen=True, slots=True)
class Article(Record, WithBody):
    source: str
    slug: str
    title: str
    date: dt.datetime  # aware
    scenarios: tuple[str, ...]
    summary: str | None
    kind: str
    line: str | None
    region: str | None
    groups: tuple[str, ...]
    organization: str | None
    author: str | None
    tags: tuple[str, ...]
    figures: tuple[Figure, ...]
    cover: Image | None
    source_name: str | None
    source_url: str | None
    draft: bool
    updated: dt.datetime | None
    expires: dt.datetime | None
    body_utf8: bytes | Stored  # the body (`body`), as UTF-8
    markup: bool  # the body holds a `<`: HTML the sanitiser may drop (a check that needs no body)
    body_line: int
    positions: Mapping[str, Position]  # where each top-level key was written, for later stages
    digest: str  # of the source text: pages showing this article are re-rendered when it changes
    references: tuple[Reference, ...]  # links and images in the body, with their positions


@dataclass(frozen=True, slots=True)
class Content:
    """Everything the model needs, checked."""

    scenarios: tuple[Scenario, ...]
    articles: tuple[Article, ...]
    pages: tuple[Page, ...]


@dataclass
class ValidateCache:
    """Articles checked by an earlier build (in `serve`), keyed by their text and what they refer to.

    Checking a cover looks at the disk, so `serve` clears this whenever a non-Markdown file changes.
    """

    entries: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], tuple[Article | None, list[Diagnostic]]] = field(default_factory=dict)


def validate_content(
    docs: tuple[RawDoc, ...],
    campaign: Campaign | None,
    config: SiteConfig,
    diagnostics: Diagnostics,
    cache: ValidateCache | None = None,
) -> Content:
    """Check all documents; scenarios first, since articles refer to them."""
    scenarios = [s for d in docs if d.kind == "scenario" if (s := validate_scenario(d, diagnostics))]
    known = tuple(s.slug for s in scenarios)
    lines = tuple(line.slug for line in campaign.lines) if campaign else ()
    cache = cache if cache is not None else ValidateCache()
    entries = {}
    articles = []
    for doc in docs:
        if doc.kind != "article":
            continue
        key = (doc.rel, doc.digest, known, lines)
        cached = cache.entries.get(key)
        # A cover is a file of its own: its article is checked again if the file went away.
        if cached is None or (cached[0] is not None and cached[0].cover is not None and not cached[0].cover.path.is_file()):
            local = Diagnostics()
            cache.entries[key] = (validate_article(doc, known, lines, config, local), local.items)
        entries[key] = article, found = cache.entries[key]
        if found:
            diagnostics.extend(found)
        if article is not None:
            articles.append(article)
    cache.entries = entries
    pages = [p for d in docs if d.kind == "page" if (p := validate_page(d, diagnostics))]
    return Content(tuple(sorted(scenarios, key=lambda s: (s.order, s.slug))), tuple(articles), tuple(pages))


def validate_scenario(doc: RawDoc, diagnostics: Diagnostics) -> Scenario | None:
    fields = _fields(doc, SCENARIO_KEYS, diagnostics)
    before = len(diagnostics.errors)
    title = read_str(fields, "title", required=True)
    slug = _read_slug(fields, Path(doc.rel).stem)
    order = read_int(fields, "order", default=100, minimum=0)
    summary = read_str(fields, "summary") or ""
    if len(diagnostics.errors) > before or not (title and slug):
        return None
    references = find_references(doc.body, doc.body_line, doc.rel)
    return Scenario(doc.rel, slug, title, order, summary, doc.body_utf8, _markup(doc), doc.body_line, positions(doc), doc.digest, references)


def validate_page(doc: RawDoc, diagnostics: Diagnostics) -> Page | None:
    fields = _fields(doc, PAGE_KEYS, diagnostics)
    before = len(diagnostics.errors)
    title = read_str(fields, "title", required=True)
    slug = _read_slug(fields, title or "")
    summary = read_str(fields, "summary")
    draft = read_bool(fields, "draft")
    if len(diagnostics.errors) > before or not (title and slug):
        return None
    references = find_references(doc.body, doc.body_line, doc.rel)
    return Page(doc.rel, slug, title, summary, draft, doc.body_utf8, _markup(doc), doc.body_line, positions(doc), doc.digest, references)


def validate_article(
    doc: RawDoc,
    scenarios: tuple[str, ...],
    lines: tuple[str, ...],
    config: SiteConfig,
    diagnostics: Diagnostics,
) -> Article | None:
    """Check one article's front matter against the contract; None if it has errors."""
    fields = _fields(doc, ARTICLE_KEYS, diagnostics)
    before = len(diagnostics.errors)
    title = read_str(fields, "title", required=True)
    date = _read_time(fields, "date", required=True)
    kind = _read_choice(fields, "kind", KINDS, tr("kind", "文章类型")) or "case-study"
    source = read_mapping(fields, "source")
    if source is not None:
        source.warn_unknown_keys(("name", "url"))
    article = Article(
        source=doc.rel,
        slug=_read_slug(fields, title or "") or "",
        title=title or "",
        date=date or dt.datetime.min.replace(tzinfo=SHANGHAI),
        scenarios=_read_choices(fields, "scenarios", scenarios, tr("scenario", "场景"), required=True),
        summary=read_str(fields, "summary"),
        kind=kind,
        line=_read_choice(fields, "line", lines, tr("line of work", "工作条线")),
        region=_read_region(fields),
        groups=_read_choices(fields, "groups", GROUPS, tr("group", "人群")),
        organization=read_str(fields, "organization"),
        author=read_str(fields, "author"),
        tags=tuple(dict.fromkeys(read_str_list(fields, "tags") or ())),
        figures=tuple(read_figures(fields, "figures", with_note=False)),
        cover=_read_cover(fields, doc, config),
        source_name=read_str(source, "name", required=True) if source else None,
        source_url=_read_url(source, "url") if source else None,
        draft=read_bool(fields, "draft"),
        updated=_read_time(fields, "updated"),
        expires=_read_time(fields, "expires"),
        body_utf8=doc.body_utf8,
        markup=_markup(doc),
        body_line=doc.body_line,
        positions=positions(doc),
        digest=doc.digest,
        references=find_references(doc.body, doc.body_line, doc.rel),
    )
    return None if len(diagnostics.errors) > before else article


def _markup(doc: RawDoc) -> bool:
    return b"<" in plain(doc.body_utf8)


def positions(doc: RawDoc) -> Mapping[str, Position]:
    """Top-level key positions; the slug's falls back to the title's (where a derived slug comes from)."""
    found = {str(path[0]): doc.meta.key_pos[path] for path in doc.meta.key_pos if len(path) == 1}
    found.setdefault("slug", found.get("title", Position(1, 1)))
    return found


def _fields(doc: RawDoc, known: tuple[str, ...], diagnostics: Diagnostics) -> Fields:
    fields = Fields(doc.meta, doc.rel, diagnostics)
    fields.warn_unknown_keys(known)
    return fields


def _read_slug(fields: Fields, fallback_text: str) -> str | None:
    """An explicit `slug` must already be safe; otherwise it is derived from `fallback_text`."""
    explicit = read_str(fields, "slug")
    if explicit is not None:
        if not is_safe_slug(explicit):
            fields.error("slug", msg.unsafe_slug(explicit, make_slug(explicit)))
            return None
        return explicit
    slug = make_slug(fallback_text)
    if fallback_text and not slug:
        fields.error("title", tr(
            f"cannot make a URL from the title {fallback_text!r}; add a `slug:` line",
            f"无法根据标题 {fallback_text!r} 生成网址；请加一行 `slug:`",
        ))
        return None
    return slug


def _read_time(fields: Fields, key: str, *, required: bool = False) -> dt.datetime | None:
    """Dates become midnight in Asia/Shanghai; date-times without an offset are Shanghai time."""
    value = read_date(fields, key, required=required)
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def _read_choice(fields: Fields, key: str, allowed: tuple[str, ...], what: str) -> str | None:
    value = read_str(fields, key)
    if value is not None and value not in allowed:
        fields.error(key, msg.unknown_value(what, value, allowed))
        return None
    return value


def _read_choices(
    fields: Fields, key: str, allowed: tuple[str, ...], what: str, *, required: bool = False
) -> tuple[str, ...]:
    values = read_str_list(fields, key, required=required) or []
    good = []
    for index, value in enumerate(values):
        if value not in allowed:
            fields.error_at((key, index), msg.unknown_value(what, value, allowed))
        elif value not in good:
            good.append(value)
    return tuple(good)


def _read_region(fields: Fields) -> str | None:
    value = read_str(fields, "region")
    if value is None:
        return None
    # Editors write both 大连 and 大连市; one spelling keeps one region page.
    canonical = value if value in REGIONS else value + "市"
    if canonical not in REGIONS:
        # City names are two or three characters: compare without 市, where one typo is a big share.
        city = msg.closest(value.removesuffix("市"), CITIES, cutoff=0.5)
        nearest = PROVINCE if value in ("辽宁", "辽宁省") else (city + "市" if city else None)
        fields.error("region", msg.unknown_value(tr("region", "地区"), value, REGIONS, nearest))
        return None
    return canonical


def _read_url(fields: Fields, key: str) -> str | None:
    url = read_str(fields, key)
    if url is not None and not url.startswith(("http://", "https://")):
        fields.error(key, msg.expected(tr("an absolute URL starting with https:// or http://", "应为以 https:// 或 http:// 开头的完整网址"), url))
        return None
    return url


def _read_cover(fields: Fields, doc: RawDoc, config: SiteConfig) -> Image | None:
    cover = read_str(fields, "cover")
    alt = read_str(fields, "cover_alt")
    if cover is None:
        return None
    if alt is None:
        fields.error("cover", tr(
            "`cover` needs `cover_alt`: describe the image for readers who cannot see it",
            "有 `cover` 就要有 `cover_alt`：请为看不到图片的读者描述图片内容",
        ), at_key=True)
        return None
    found = find_image(cover, Path(doc.path).parent, config)
    if found is None:
        fields.error("cover", tr(
            f"image {cover!r} not found beside the article or under static/",
            f"找不到图片 {cover!r}：文章旁边和 static/ 下都没有这个文件",
        ))
        return None
    return Image(found[0], found[1], alt, fields.doc.at("cover"))


def find_image(ref: str, beside: Path, config: SiteConfig) -> tuple[Path, str] | None:
    """Resolve a file reference: beside the document first, then in static/ (output path kept).

    Returns the file and its output path ("" when it sits beside the document, whose page
    decides where it goes), or None when it does not exist inside the site.
    """
    if not ref.startswith("/"):
        candidate = (beside / ref).resolve()
        if candidate.is_file() and candidate.is_relative_to(config.source_dir.resolve()):
            return candidate, ""
    rel = ref.lstrip("/")
    if not rel or ".." in Path(rel).parts:
        return None
    for folder in reversed(config.static_dirs):
        if (folder / rel).is_file():
            return folder / rel, rel
    return None
