"""Command line: parse arguments, call the build driver, print diagnostics. Only wiring."""

from __future__ import annotations

import argparse
import os
import datetime as dt
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .checks import editorial_checks
from .config import normalize_base_url
from .build import BuildOptions, UsageError, build, check_source, prepare_site
from .diagnostics import BuildFailed, Diagnostic, Diagnostics, LANGUAGES, tr, use_language
from .images import check_images
from .pool import default_jobs
from .progress import Progress
from .validate import SHANGHAI
from .write import OutputError


def _as_of(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date-time like 2025-06-20T09:00, found {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def _base_url(text: str) -> str:
    if normalize_base_url(text) is None:
        raise argparse.ArgumentTypeError(f"expected an absolute URL like https://example.org/szsy/, found {text!r}")
    return text


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, found {text!r}")
    return int(text)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liaoning-site", description="Build the Liaoning Digital Literacy and Skills Month site.")
    parser.add_argument("--version", action="version", version=f"liaoning-site {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{build,serve,check,new}")

    build_cmd = commands.add_parser("build", help="build the site into the output folder")
    _source_arg(build_cmd)
    build_cmd.add_argument("--output", type=Path, help="output folder (default: _site/ under the source)")
    build_cmd.add_argument("--base-url", type=_base_url, help="absolute URL the site is served from, e.g. https://example.org/szsy/")
    build_cmd.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    build_cmd.add_argument("--future", action="store_true", help="include articles dated in the future")
    build_cmd.add_argument("--as-of", type=_as_of, metavar="DATETIME", help="build the site as published at this moment (Asia/Shanghai)")
    build_cmd.add_argument("--no-cache", action="store_true", help="ignore and do not update .cache/ (a cold build)")
    build_cmd.add_argument("--timings", action="store_true", help="print how long each stage of the build took")
    build_cmd.add_argument("--jobs", type=_positive, default=default_jobs(), metavar="N", help="worker processes for rendering (default: the number of cores)")

    serve_cmd = commands.add_parser("serve", help="preview the site with drafts, rebuilding and reloading on every save")
    _source_arg(serve_cmd)
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 shares the preview on your network)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (0: any free port)")
    serve_cmd.add_argument("--as-of", type=_as_of, metavar="DATETIME", help="show the site as published at this moment (Asia/Shanghai)")

    new_cmd = commands.add_parser("new", help="create a new article from a template")
    new_kinds = new_cmd.add_subparsers(dest="kind", required=True, metavar="{article}")
    article_cmd = new_kinds.add_parser("article", help="a new article, as a draft, in content/articles/")
    article_cmd.add_argument("title", help="the article's title, in quotes")
    article_cmd.add_argument("--scenario", required=True, help="scenario slug, e.g. digital-life")
    article_cmd.add_argument("--region", help="one of Liaoning's 14 cities (大连 or 大连市), or 全省")
    _source_arg(article_cmd)

    check_cmd = commands.add_parser("check", help="validate the content without writing anything")
    _source_arg(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json", "github"), default="text")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def _default_language() -> str:
    chosen = os.environ.get("LIAONING_SITE_LANG", "")
    return chosen if chosen in LANGUAGES else "zh"


def _source_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", type=Path, default=Path("."), help="site folder holding content/ (default: current folder)")
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=_default_language(),
        help="language of messages: zh (default) or en; LIAONING_SITE_LANG sets the default",
    )


def print_diagnostics(items: Sequence[Diagnostic], fmt: str = "text") -> None:
    for item in items:
        if fmt == "github":
            level = "error" if item.severity == "error" else "warning"
            print(f"::{level} file={item.path},line={item.line},col={item.col}::{item.message}", file=sys.stderr)
        else:
            print(item.format(), file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    options = BuildOptions(
        source=args.source,
        output=args.output,
        base_url=args.base_url,
        drafts=args.drafts,
        future=args.future,
        as_of=args.as_of,
        jobs=args.jobs,
        cache=not args.no_cache,
    )
    progress = Progress(timed=args.timings)
    result = build(options, progress)
    print_diagnostics(result.warnings)
    if result.up_to_date:
        print(tr(f"{result.output} is up to date (checked in {result.seconds:.2f} s)", f"{result.output} 已是最新，无需重新生成（检查用时 {result.seconds:.2f} 秒）"))
    else:
        print(tr(
            f"built {result.pages} pages ({result.files} files) into {result.output} in {result.seconds:.2f} s",
            f"已生成 {result.pages} 个页面（共 {result.files} 个文件）到 {result.output}，用时 {result.seconds:.2f} 秒",
        ))
    if args.timings:
        sys.stdout.flush()
        print(tr("time per stage:", "各阶段用时："), file=sys.stderr)
        for stage, seconds in progress.timings:
            print(f"{seconds:8.2f} s  {stage}", file=sys.stderr)
    return 0


def run_check(args: argparse.Namespace) -> int:
    import json

    # Everything `build` would refuse, and everything the preview (drafts included) would refuse.
    found: dict[str, Diagnostic] = {}
    for options in (BuildOptions(source=args.source), BuildOptions(source=args.source, drafts=True, future=True, expired=True)):
        diagnostics = Diagnostics()
        try:
            site = prepare_site(options, diagnostics)
        except BuildFailed:
            pass
        else:
            check_images(site, diagnostics)  # what the render stage would refuse, without encoding
            if options.drafts:
                editorial_checks(site, diagnostics)
        found.update((d.format(), d) for d in diagnostics.items)
    items = sorted(found.values(), key=Diagnostic.sort_key)
    diagnostics = Diagnostics(items)
    if args.format == "json":
        print(json.dumps([{"path": d.path, "line": d.line, "col": d.col, "severity": d.severity, "message": d.message} for d in items], ensure_ascii=False, indent=2))
    else:
        print_diagnostics(items, args.format)
    failed = diagnostics.has_errors() or (args.strict and bool(items))
    if args.format == "text":
        errors = sum(d.severity == "error" for d in items)
        print(tr(f"{errors} error(s), {len(items) - errors} warning(s)", f"{errors} 个错误，{len(items) - errors} 个提醒"), file=sys.stderr)
    return 1 if failed else 0


def run_serve(args: argparse.Namespace) -> int:
    from .serve.command import serve  # the server and watchdog load only for this command

    check_source(args.source)
    return serve(BuildOptions(source=args.source, as_of=args.as_of), args.host, args.port, print_diagnostics)


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, new_article

    check_source(args.source)
    try:
        path = new_article(args.source, args.title, args.scenario, args.region)
    except ScaffoldError as exc:
        print(f"liaoning-site: error: {exc}", file=sys.stderr)
        return 1
    print(tr(
        f"created {path} (a draft: `liaoning-site serve` shows it; remove `draft: true` to publish)",
        f"已创建 {path}（这是草稿：`liaoning-site serve` 中可以看到；删掉 `draft: true` 即可发布）",
    ))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    use_language(args.lang)
    commands = {"build": run_build, "serve": run_serve, "check": run_check, "new": run_new}
    try:
        return commands[args.command](args)
    except BuildFailed as exc:
        print_diagnostics(exc.diagnostics)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(tr(
            f"build failed: {errors} error(s); the previous output was left untouched",
            f"生成失败：{errors} 个错误；上一次生成的网站保持原样",
        ), file=sys.stderr)
        return 1
    except (UsageError, OutputError) as exc:
        print(f"liaoning-site: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(tr("interrupted", "已中断"), file=sys.stderr)
        return 130
    except OSError as exc:
        # I/O failures (disk full, permissions) are not content mistakes: one clear line, no traceback.
        print(f"liaoning-site: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
