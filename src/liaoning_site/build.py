"""The build driver: the only place that knows the order of the stages.

config -> load -> validate -> model -> render -> write. After each stage, if any error was
reported, the build stops with every error of that stage (and earlier ones) at once.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cache import BuildCaches, Stamp, discard_staged, input_stamp, load_caches, read_stamp, save_caches, stage_changed_shards, write_stamp
from .campaign import validate_campaign
from .config import load_config
from .diagnostics import BuildFailed, Diagnostic, Diagnostics, tr
from .heap import keep_until_exit, paused
from .mediacache import prune
from .load import load_sources
from .model import Site, build_site_model
from .model.site import Publishing
from .outputs import OutputFile
from .pool import default_jobs
from .progress import QUIET, Progress
from .render import render_site
from .pagefindservice import Standby
from .search import index_site
from .validate import validate_content
from .write import OutputError, OutputPlan, check_output_dir, output_check_ahead, output_matches, recover_interrupted, spool_beside


class UsageError(Exception):
    """A problem with how the command was called (not with the content)."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    source: Path = Path(".")
    output: Path | None = None  # default: _site/ under the source
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    expired: bool = False
    as_of: dt.datetime | None = None
    preview: bool = False
    jobs: int = field(default_factory=default_jobs)  # worker processes for rendering
    cache: bool = True  # reuse and update .cache/ under the source

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.source / "_site"


@dataclass(frozen=True)
class BuildResult:
    output: Path | None
    pages: int
    files: int
    seconds: float
    warnings: list[Diagnostic] = field(default_factory=list)
    up_to_date: bool = False  # nothing changed since the last build: nothing was done


def _inputs_stamp(options: BuildOptions) -> str:
    diagnostics = Diagnostics()
    config = load_config(options.source, diagnostics, options.base_url)
    theme = config.theme_dir if config else None
    settings = (options.base_url, options.drafts, options.future, options.expired, options.as_of, options.preview, str(options.output_dir.resolve()))
    return input_stamp(options.source, theme, settings)


def _up_to_date(options: BuildOptions, stamp: str, stored: Stamp | None) -> list[Diagnostic] | None:
    """The last build's warnings, if the sources, settings and output are exactly as it left them and
    no article's date or expiry has passed since: the output is already what this build would write."""
    if stored is None or stored[0] != stamp:
        return None
    next_change = stored[1]
    if next_change is not None and time.time() >= next_change:
        return None
    return stored[3] if output_matches(options.output_dir.resolve(), stored[2]) else None


def check_source(source: Path) -> None:
    if not (source / "content").is_dir():
        raise UsageError(tr(
            f"{source.resolve()} has no content/ folder, so it is not a liaoning-site source; "
            "run this in the site's folder or pass --source DIR",
            f"{source.resolve()} 下没有 content/ 文件夹，不是 liaoning-site 网站；请在网站文件夹中运行，或用 --source 指定",
        ))


def _stop_if_errors(diagnostics: Diagnostics) -> None:
    if diagnostics.has_errors():
        raise BuildFailed(diagnostics.sorted())


def prepare_site(
    options: BuildOptions, diagnostics: Diagnostics, caches: BuildCaches | None = None, progress: Progress = QUIET
) -> Site:
    """Run every stage up to the model; raises BuildFailed with all errors found on the way."""
    caches = caches or BuildCaches()
    check_source(options.source)
    config = load_config(options.source, diagnostics, options.base_url)
    _stop_if_errors(diagnostics)
    assert config is not None
    progress.stage(tr("reading content/", "读取 content/"))
    sources = load_sources(config, diagnostics, caches.load)
    progress.stage(tr(f"checking {len(sources.docs)} documents", f"检查 {len(sources.docs)} 个文件"))
    campaign = validate_campaign(sources.campaign, diagnostics)
    content = validate_content(sources.docs, campaign, config, diagnostics, caches.validate)
    _stop_if_errors(diagnostics)
    assert campaign is not None
    publishing = Publishing(options.drafts, options.future, options.expired, options.as_of, options.preview)
    site = build_site_model(config, campaign, content, sources.static, publishing, diagnostics, caches.model)
    _stop_if_errors(diagnostics)
    assert site is not None
    return site


def render(
    options: BuildOptions, diagnostics: Diagnostics, caches: BuildCaches | None = None, progress: Progress = QUIET, spool_to: Path | None = None
) -> tuple[Site, list[OutputFile]]:
    """Everything but writing: the site and its files, or BuildFailed (pages in `spool_to`, if given)."""
    caches = caches or BuildCaches()
    site = prepare_site(options, diagnostics, caches, progress)
    files = render_site(site, diagnostics, caches.render, options.jobs, progress, spool_to)
    _stop_if_errors(diagnostics)
    return site, files


def build(options: BuildOptions, progress: Progress = QUIET) -> BuildResult:
    """Build the site into the output folder; on any error the previous output stays as it was."""
    with paused():  # what a build makes lives until it ends (see heap.py)
        return _build(options, progress)


def _build(options: BuildOptions, progress: Progress) -> BuildResult:
    started = time.perf_counter()
    diagnostics = Diagnostics()
    check_source(options.source)
    try:
        check_output_dir(options.output_dir, options.source)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    recover_interrupted(options.output_dir.resolve())  # a killed build's half-done work is undone first
    last_output: dict[str, tuple[int, int]] = {}
    if options.cache:
        progress.stage(tr("looking for changes", "检查改动"))
        stamp = _inputs_stamp(options)
        stored = read_stamp(options.source)
        warnings = _up_to_date(options, stamp, stored)
        if warnings is not None:  # the same sources give the same warnings: they are said again
            progress.done()
            return BuildResult(options.output_dir, 0, 0, time.perf_counter() - started, warnings, up_to_date=True)
        last_output = stored[2] if stored is not None else {}
    output_intact = output_check_ahead(options.output_dir.resolve(), last_output)
    with Standby() as standby, spool_beside(options.output_dir) as spool:
        progress.stage(tr("reading the build cache", "读取缓存"))
        caches = load_caches(options.source, last_output) if options.cache else BuildCaches()
        if not output_intact(caches.manifest):
            # Someone changed or removed the output: pages cannot be reused from it.
            caches.render.pages, caches.manifest = {}, {}
        caches.render.written = caches.manifest.keys()
        staged: list[Path] = []
        try:
            site, files = render(options, diagnostics, caches, progress, spool)
            progress.stage(tr("indexing the pages for search", "为搜索建立索引"))
            # Pagefind works in processes of its own. Meanwhile the pages' writing is planned (which
            # files changed) and the changed cache shards are written beside their files, to be put
            # in place once the output is written. The media cache is tidied then too.
            plan = OutputPlan(options.output_dir, caches.manifest, verified=True)

            def meanwhile() -> None:
                plan.add(files, site.assets)
                if options.cache:
                    prune(caches.render.media)
                    staged.extend(stage_changed_shards(options.source, caches))

            found = index_site(files, options.output_dir, caches.search, caches.manifest, options.jobs, meanwhile, standby, spool)
            plan.add(found)
            files += found
            progress.stage(tr(f"writing {options.output_dir}", f"写入 {options.output_dir}"))
            caches.manifest = plan.write()
        except BaseException:
            discard_staged(staged)
            raise
        finally:
            progress.done()
    pages, written = sum(1 for f in files if f.output.endswith(".html")), len(files) + len(site.assets)
    next_change = site.next_change.timestamp() if site.next_change and options.as_of is None else None
    # The pages' bytes are on disk now, and the model is done with: what stays alive while the
    # cache is saved is what it stores, and save_caches lets go of that shard by shard.
    del files, site
    if options.cache:
        progress.stage(tr("saving the build cache", "保存缓存"))
        save_caches(options.source, caches, staged)
        write_stamp(options.source, stamp, next_change, caches.manifest, diagnostics.warnings)
    progress.done()
    keep_until_exit(caches)
    return BuildResult(
        output=options.output_dir,
        pages=pages,
        files=written,
        seconds=time.perf_counter() - started,
        warnings=diagnostics.warnings,
    )
