"""Serve a built output folder over HTTP under any base path, the way a plain web server would."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code == 404 and not_found.is_file():  # as deployed: the site's own 404 page
            body = not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@contextmanager
def real_site_served(output: Path, base_url: str = "http://127.0.0.1/") -> Iterator[str]:
    """The real campaign site built into `output` for `base_url`, served under that URL's path."""
    from urllib.parse import urlsplit

    from liaoning_site.cli import main
    from support import ROOT

    assert main(["build", "--source", str(ROOT), "--output", str(output), "--no-cache", "--base-url", base_url]) == 0
    with serving(output, urlsplit(base_url).path) as url:
        yield url


@contextmanager
def serving(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Yields the site's URL, e.g. http://127.0.0.1:PORT/szsy/."""
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
