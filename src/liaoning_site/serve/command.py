"""`liaoning-site serve`: bind, build, watch, rebuild, serve until Ctrl-C."""

from __future__ import annotations

import errno
import signal
import sys
import threading
from dataclasses import replace
from typing import Callable

from ..build import BuildOptions, UsageError
from ..config import load_config
from ..diagnostics import Diagnostic, Diagnostics, tr
from .preview import Preview, RebuildReport
from .server import PreviewServer
from .watch import Watcher, watched_roots


def bind(host: str, port: int) -> PreviewServer:
    """Open the listening socket first, so a busy port is reported before any work is done."""
    try:
        return PreviewServer((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(tr(
                f"port {port} on {host} is already in use; stop the other server, "
                "choose another --port, or use --port 0 to take any free port",
                f"{host} 的端口 {port} 已被占用；请关掉另一个服务器，或换一个 --port，或用 --port 0 自动选择空闲端口",
            )) from None
        raise UsageError(tr(f"cannot listen on {host}:{port}: {exc.strerror or exc}", f"无法在 {host}:{port} 上监听：{exc.strerror or exc}")) from None


def preview_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else ("localhost" if host == "::" else host)
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/"


def preview_options(options: BuildOptions, base_url: str) -> BuildOptions:
    """Reviewers see drafts (marked); with --as-of, only what is published at that moment, plus drafts."""
    scheduled = options.as_of is not None
    return replace(options, base_url=base_url, preview=True, drafts=True, future=not scheduled, expired=not scheduled)


def report_line(report: RebuildReport, print_diagnostics: Callable[[list[Diagnostic]], None]) -> None:
    print_diagnostics([*report.errors, *report.warnings])
    if report.ok:
        print(tr(f"rebuilt in {report.seconds * 1000:.0f} ms", f"已重新生成，用时 {report.seconds * 1000:.0f} 毫秒"), file=sys.stderr)
    else:
        print(tr(
            f"build failed: {len(report.errors)} error(s); still serving the last good site",
            f"生成失败：{len(report.errors)} 个错误；继续显示上一次成功生成的网站",
        ), file=sys.stderr)


def serve(options: BuildOptions, host: str, port: int, print_diagnostics: Callable[[list[Diagnostic]], None]) -> int:
    server = bind(host, port)
    watcher: Watcher | None = None
    thread: threading.Thread | None = None
    # Ctrl-C may land anywhere, even while the URL line is still being flushed: the whole life of the
    # server sits inside one handler, and cleanup ignores a second Ctrl-C so it always finishes.
    try:
        url = preview_url(host, server.server_address[1])
        preview = Preview(preview_options(options, url))
        server.preview = preview
        report_line(preview.rebuild(None), print_diagnostics)
        config = load_config(options.source, Diagnostics())
        watcher = Watcher(watched_roots(options.source.resolve(), config.theme_dir if config else None))
        watcher.start()
        thread = threading.Thread(target=server.serve_forever, name="preview-http", daemon=True)
        thread.start()
        if host in ("0.0.0.0", "::", ""):
            print(tr(
                "warning: the preview is reachable by other computers on this network; drafts are visible to them",
                "warning: 同一网络中的其他电脑也能打开这个预览，草稿对他们可见",
            ), file=sys.stderr)
        print(tr(f"Serving the preview at {url}  (Ctrl-C to stop)", f"预览地址：{url}  （按 Ctrl-C 停止）"), flush=True)
        while True:
            changes = watcher.next_batch(timeout=0.5)
            if changes:
                report_line(preview.rebuild(changes), print_diagnostics)
    except KeyboardInterrupt:
        print(tr("stopped", "已停止"), file=sys.stderr)
    finally:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if watcher is not None:
                watcher.stop()
            if thread is not None:
                server.shutdown()  # waits for serve_forever, which must have been started or it would wait forever
            server.server_close()
        finally:
            signal.signal(signal.SIGINT, previous)
    return 0
