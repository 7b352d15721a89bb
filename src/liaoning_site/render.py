"""Render stage: `Site` -> `OutputFile`s (HTML pages through Jinja2, plus feeds, sitemap, robots.txt).

Every page is first planned (`plans`): its route, its template, and a key that sums up
everything it shows; together with the site-wide settings and the templates' digest. A page
whose key is unchanged since the last build reuses its bytes from the `RenderCache`;
Markdown is converted only for documents whose text changed. Because the key covers all a
page reads, an incremental build equals a full one (tests check this byte for byte).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Container, Iterator, Mapping

import jinja2

from .diagnostics import Diagnostic, Diagnostics, Position, tr
from .feeds import render_feeds
from .markdown import MARKDOWN_VERSION, MarkdownRenderer, RenderedBody, rewrite_links
from .images import Images, process_images
from .mediacache import MediaCache
from .sharecard import draw_share_cards
from .model import Site
from .outputs import OutputFile, Spooled, spool
from .plans import PagePlan, PlanMemo, plan_pages
from .pool import in_worker, map_forked
from .progress import QUIET, Progress
from .icons import render_icons
from .mirror import CONVERTER_VERSION, Mirror, mirror_files
from .metadata import json_ld
from .typography import space_text
from .sitemap import render_robots, render_sitemap
from .views import Views, date_zh


@dataclass
class RenderStats:
    markdown: int = 0  # documents converted
    rendered: int = 0  # pages rendered through Jinja2
    reused: int = 0  # pages taken from the cache


@dataclass
class RenderCache:
    """What a build may reuse from the previous one, held by `serve` (and by the build cache)."""

    bodies: dict[str, RenderedBody] = field(default_factory=dict)  # body key -> rendered Markdown
    linked: dict[str, tuple[str, dict[str, str], tuple[str, ...], RenderedBody]] = field(default_factory=dict)  # source -> links and pictures applied
    pages: dict[str, tuple[tuple, bytes]] = field(default_factory=dict)  # output -> (page key, bytes)
    media: MediaCache = field(default_factory=MediaCache)  # image variants and share cards
    # The Jinja2 environment and the templates' digest it was made for: `serve` compiles each
    # template once, not on every save.
    environment: tuple[str, jinja2.Environment] | None = None
    plans: PlanMemo | None = None  # kept by `serve` only, which plans only the pages of saved documents again
    # Files the last build left in the output folder, checked unchanged since (`build` only): a share
    # card is named after its content, so one already there is kept without a look in the media cache.
    written: Container[str] = frozenset()
    stats: RenderStats = field(default_factory=RenderStats)


def digest(value: object) -> str:
    """A stable digest of plain data (reprs of strings, numbers, tuples and frozen dataclasses)."""
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=16).hexdigest()


class LinkedBodies(Mapping[str, RenderedBody]):
    """Each document's Markdown HTML with its links pointing at site URLs.

    Links are rewritten on first use: a build that renders a few pages touches a few bodies.
    Summaries and reading times do not depend on links, so `raw` serves them without rewriting.
    Images become `<picture>`s at the same time: they depend on the image files, not on the text.
    """

    def __init__(
        self, site: Site, raw: dict[str, tuple[str, RenderedBody]], cache: RenderCache, images: Images | None = None, settings: str = "",
    ):
        self._site = site
        self._raw = raw  # source -> (body key, body as converted)
        self.settings = settings  # what converts bodies (Markdown's version, the HTML policy): a body's key is this and its file's digest
        self._images = images
        self._previous = cache.linked
        self._linked: dict[str, tuple[str, dict[str, str], tuple[str, ...], RenderedBody]] = {}
        cache.linked = self._linked

    def raw(self, source: str) -> RenderedBody:
        return self._raw[source][1]

    def __getitem__(self, source: str) -> RenderedBody:
        entry = self._linked.get(source)
        if entry is None:
            key, body = self._raw[source]
            links = self._site.links[source]
            shown = self._images.signature(source) if self._images else ()
            entry = self._previous.get(source)
            if entry is None or entry[:3] != (key, links, shown):
                body = rewrite_links(body, links, self._site.config.base_path)
                if self._images is not None and shown:
                    body = replace(body, utf8=self._images.rewrite(source, body.html).encode("utf-8"))
                entry = (key, links, shown, body)
            if not in_worker():
                self._linked[source] = entry
        return entry[3]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def render_bodies(site: Site, cache: RenderCache, jobs: int = 1, images: Images | None = None) -> LinkedBodies:
    """Markdown -> HTML for every published document, converting only bodies not seen before."""
    documents = (*site.scenarios, *site.articles, *site.pages)
    # The file digest covers the body; a front-matter-only edit converts one body again, cheaply.
    policy = site.config.html
    prefix = MARKDOWN_VERSION + policy.fingerprint
    keys = [prefix + doc.digest for doc in documents]
    missing = {key: doc.body for key, doc in zip(keys, documents) if key not in cache.bodies}
    renderers: list[MarkdownRenderer] = []  # one per process, made on first use

    def convert(body: str) -> RenderedBody:
        if not renderers:
            renderers.append(MarkdownRenderer(policy))
        return renderers[0].render(body)

    converted = dict(zip(missing, map_forked(convert, list(missing.values()), jobs)))
    cache.stats.markdown += len(converted)
    kept = {key: cache.bodies.get(key) or converted[key] for key in keys}
    cache.bodies = kept  # forget bodies no longer used
    return LinkedBodies(site, {doc.source: (key, kept[key]) for key, doc in zip(keys, documents)}, cache, images, prefix)


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
    env.filters["json_ld"] = json_ld
    env.filters["spaced"] = space_text  # titles and summaries get the body's CJK spacing
    return env


def templates_digest(template_dirs: tuple[Path, ...]) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for folder in template_dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                hasher.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def site_key(site: Site, templates: str) -> str:
    """Everything every page shows: settings, campaign, scenario names, templates, preview mode."""
    scenarios = tuple((s.slug, s.title, s.summary, s.order) for s in site.scenarios)
    assets = tuple(sorted(site.asset_paths.items()))
    converter = CONVERTER_VERSION if site.config.traditional else ""  # a new OpenCC may convert differently
    return digest((site.config, site.campaign, scenarios, site.preview, assets, converter, templates))


def render_site(
    site: Site, diagnostics: Diagnostics, cache: RenderCache | None = None, jobs: int = 1, progress: Progress = QUIET, spool_to: Path | None = None
) -> list[OutputFile]:
    """Every output of the build except copied assets; template errors become diagnostics.

    With `spool_to`, rendered pages are left in files in that folder (see `Spooled`), not in memory.
    """
    cache = cache if cache is not None else RenderCache()
    cache.media.start()
    progress.stage(tr("processing images", "处理图片"))
    images = process_images(site, cache.media, diagnostics, jobs)
    progress.stage(tr("drawing share cards", "绘制分享图"))
    cards = draw_share_cards(site, cache.media, diagnostics, jobs, written=cache.written)
    progress.stage(tr(f"converting Markdown with {jobs} worker(s)", f"用 {jobs} 个进程转换 Markdown"))
    views = Views(site, render_bodies(site, cache, jobs, images), images, cards)
    templates = templates_digest(site.config.template_dirs)
    common_key = (site_key(site, templates), cards.key)  # every page may show the site's share card
    # Keys stay tuples: comparing them is cheaper than hashing them, and they pickle as they are.
    plans = [(plan, (common_key, plan.template, plan.key)) for plan in plan_pages(site, views, cache.plans)]
    stale = [plan for plan, key in plans if cache.pages.get(plan.route.output, ((),))[0] != key]
    progress.stage(tr(f"rendering {len(stale)} of {len(plans)} pages", f"生成 {len(plans)} 个页面中的 {len(stale)} 个"))
    if cache.environment is None or cache.environment[0] != repr(site.config.template_dirs) + templates:
        cache.environment = (repr(site.config.template_dirs) + templates, make_environment(site.config.template_dirs))
    environment = cache.environment[1]

    def render_one(plan: PagePlan) -> tuple[bytes | Spooled | None, list[Diagnostic]]:
        local = Diagnostics()
        html = _render_page(environment, plan, views, local)
        if html is None:
            return None, local.items
        data = html.encode("utf-8")
        return (spool(spool_to, plan.route.output, data) if spool_to is not None else data), local.items

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
    progress.stage(tr("feeds, Traditional mirror, sitemap and icons", "订阅源、繁体版、站点地图与图标"))
    files += render_feeds(site, views.bodies)
    if site.config.traditional is not None:
        keys = {output: entry[0] for output, entry in pages.items()}
        files += mirror_files(Mirror(site, site.config.traditional), files, keys, cache.pages, pages)
    cache.pages = pages
    files.append(render_sitemap(site))
    files.append(render_robots(site))
    files += render_icons(site, cache.media)
    files += [*images.files, *cards.files]
    cache.media.forget_unused()
    return files


def _render_page(env: jinja2.Environment, plan: PagePlan, views: Views, diagnostics: Diagnostics) -> str | None:
    route = plan.route
    context = {**views.common(route.path), **plan.context(views), "url": views.url, "asset": views.asset}
    # Every key templates may test is present, so StrictUndefined only catches real typos.
    context["page"] = {
        "title": None,
        "description": views.site.config.description,
        "unpublished": False,
        "url": views.url(route.path),
        "canonical": views.absolute(route.path),
        "path": route.path,
        "search": None,  # filters and metadata of a page in the search index (search.py)
        **context.get("page", {}),
    }
    try:
        return env.get_template(plan.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        diagnostics.error(_template_name(exc.filename, exc.name), Position(exc.lineno or 1, 1), tr(f"template error: {exc.message}", f"模板错误：{exc.message}"))
    except jinja2.TemplateNotFound as exc:
        diagnostics.error(f"templates/{plan.template}", Position(), tr(f"template not found: {exc.name}", f"找不到模板：{exc.name}"))
    except Exception as exc:  # noqa: BLE001 - any error raised inside a template is the template's
        filename, line = _template_frame(exc)
        diagnostics.error(filename or f"templates/{plan.template}", Position(line, 1), tr(f"template error while rendering /{route.path}: {exc}", f"生成 /{route.path} 时模板出错：{exc}"))
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
