"""The preview server over HTTP: types, 404, redirects, HEAD, traversal attempts, concurrency."""

from __future__ import annotations

import http.client
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

from support import copy_site
from liaoning_site.build import BuildOptions
from liaoning_site.serve.command import bind, preview_options, preview_url
from liaoning_site.serve.preview import Preview


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    site = copy_site("full", tmp_path_factory.mktemp("serve") / "site")
    secret = site.parent / "secret.txt"
    secret.write_text("do not serve", encoding="utf-8")
    httpd = bind("127.0.0.1", 0)
    port = httpd.server_address[1]
    httpd.preview = Preview(preview_options(BuildOptions(source=site), preview_url("127.0.0.1", port)))
    assert httpd.preview.rebuild(None).ok
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", port, site
    httpd.shutdown()
    httpd.server_close()


def request(server, path: str, method: str = "GET") -> http.client.HTTPResponse:
    host, port, _ = server
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.putrequest(method, path, skip_accept_encoding=True)  # keep the path exactly as given
    conn.endheaders()
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def test_pages_have_types_with_charset_and_the_reload_script(server) -> None:
    page = request(server, "/articles/case-01/")
    assert page.status == 200
    assert page.getheader("Content-Type") == "text/html; charset=utf-8"
    assert b'<script src="/__liaoning/reload.js"></script></body>' in page.body
    assert request(server, "/css/site.css").getheader("Content-Type") == "text/css; charset=utf-8"
    assert request(server, "/feed.xml").getheader("Content-Type") == "application/atom+xml; charset=utf-8"
    assert request(server, "/sitemap.xml").getheader("Content-Type") == "application/xml; charset=utf-8"
    assert request(server, "/articles/dai-feng-mian-tu-de-wen-zhang/cover.png").getheader("Content-Type") == "image/png"
    script = request(server, "/__liaoning/reload.js")
    assert script.status == 200 and b"EventSource" in script.body


def test_preview_shows_drafts_with_a_banner(server) -> None:
    page = request(server, "/articles/draft-article/")
    assert page.status == 200 and "草稿 / 未发布".encode() in page.body
    assert "草稿 / 未发布".encode() not in request(server, "/articles/case-01/").body


def test_missing_pages_get_the_404_page_with_status_404(server) -> None:
    missing = request(server, "/no/such/page/")
    assert missing.status == 404
    assert "页面未找到".encode() in missing.body


def test_directory_without_slash_redirects(server) -> None:
    response = request(server, "/articles/case-01?x=1")
    assert response.status == 301
    assert response.getheader("Location") == "/articles/case-01/?x=1"


def test_head_sends_headers_only(server) -> None:
    head = request(server, "/articles/case-01/", "HEAD")
    get = request(server, "/articles/case-01/")
    assert head.status == 200 and head.body == b""
    assert head.getheader("Content-Length") == get.getheader("Content-Length")


def test_no_directory_listing(server) -> None:
    assert request(server, "/articles/").status == 404
    assert request(server, "/css/").status == 404


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd", "/css/..%2f..%2fsecret.txt",
    "//etc/passwd", "/etc/passwd", "/%5c..%5csecret.txt", "/css/%00", "/./index.html",
])
def test_paths_outside_the_site_cannot_be_read(server, path: str) -> None:
    response = request(server, path)
    assert response.status in (400, 404)
    assert b"do not serve" not in response.body and b"root:" not in response.body


def test_symlink_leaving_the_site_is_refused(tmp_path: Path) -> None:
    site = copy_site("minimal", tmp_path / "site")
    (tmp_path / "secret.txt").write_text("do not serve", encoding="utf-8")
    (site / "static").mkdir()
    os.symlink(tmp_path / "secret.txt", site / "static" / "leak.txt")
    preview = Preview(preview_options(BuildOptions(source=site), "http://127.0.0.1:1/"))
    report = preview.rebuild(None)
    assert not report.ok and preview.snapshot is None
    assert report.errors[0].path == "static/leak.txt" and "outside the site folder" in report.errors[0].message


def test_many_concurrent_requests_are_served(server) -> None:
    paths = [f"/articles/case-{n:02d}/" for n in range(1, 25)] * 4
    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(lambda p: request(server, p).status, paths))
    assert statuses == [200] * len(paths)


def test_busy_port_is_a_clear_error(server) -> None:
    from liaoning_site.build import UsageError

    with pytest.raises(UsageError, match=r"port \d+ on 127.0.0.1 is already in use; .* --port 0"):
        bind("127.0.0.1", server[1])



def start_serving(site: Path):
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-m", "liaoning_site", "serve", "--source", str(site), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def stop_with_ctrl_c(process) -> str:
    import signal

    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=15)
    finally:
        process.kill()
    return err


@pytest.mark.parametrize("attempt", range(3))
def test_ctrl_c_right_after_the_url_is_printed_exits_0(tmp_path: Path, attempt: int) -> None:
    process = start_serving(copy_site("full", tmp_path / "site"))
    assert "Serving the preview at" in process.stdout.readline()
    err = stop_with_ctrl_c(process)
    assert "Traceback" not in err
    assert process.returncode == 0 and "stopped" in err, err


@pytest.mark.parametrize("delay", [0.1, 0.3, 0.6, 1.0])
def test_ctrl_c_during_startup_prints_no_traceback(tmp_path: Path, delay: float) -> None:
    """Reviewers press Ctrl-C whenever they like: while Python imports, during the first build, after."""
    import signal
    import time

    process = start_serving(copy_site("full", tmp_path / "site"))
    time.sleep(delay)
    err = stop_with_ctrl_c(process)
    assert "Traceback" not in err
    # 0: stopped as asked; 130 or death by SIGINT: interrupted before the server existed.
    assert process.returncode in (0, 130, -signal.SIGINT), err


def test_garbage_of_a_rebuild_is_collected_once_the_preview_is_idle(tmp_path: Path, monkeypatch) -> None:
    # Rebuilds run with the garbage collector paused (reloads come sooner); what they leave in
    # cycles must still be collected, or a long editing session would grow without end.
    import gc
    import weakref

    from liaoning_site.serve import preview as preview_module

    monkeypatch.setattr(preview_module, "SETTLE_AFTER", 0.2)
    site = copy_site("minimal", tmp_path / "site")
    preview = Preview(preview_options(BuildOptions(source=site, jobs=1), "http://127.0.0.1:1/"))
    try:
        assert preview.rebuild().ok
        assert not gc.isenabled()

        class Node:
            pass

        cycle = Node()
        cycle.me = cycle  # type: ignore[attr-defined]
        alive = weakref.ref(cycle)
        del cycle
        assert alive() is not None  # not collected while the preview is busy
        deadline = time.monotonic() + 10
        while (alive() is not None or not gc.isenabled()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert alive() is None and gc.isenabled()
    finally:
        gc.enable()
