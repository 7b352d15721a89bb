"""HTTP for the preview: pages from the in-memory snapshot, live reload over Server-Sent Events.

Only paths the build produced can be served (the snapshot is a dictionary), so no request
can read outside the site, list a folder, or follow a symlink out of it. The reload script
is added to HTML responses here, at serve time; built files never contain it.
"""

from __future__ import annotations

import json
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..search import PREFIX as SEARCH_PREFIX, SearchError
from .preview import Preview, State

EVENTS_PATH = "/__liaoning/events"
SCRIPT_PATH = "/__liaoning/reload.js"
SCRIPT_TAG = f'<script src="{SCRIPT_PATH}"></script>'.encode()
KEEPALIVE_SECONDS = 10.0
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml", "application/atom+xml")
mimetypes.add_type("application/atom+xml", ".xml")  # our only .xml files besides the sitemap are feeds
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("image/webp", ".webp")


def content_type(rel: str) -> str:
    if rel.endswith("sitemap.xml"):
        kind = "application/xml"
    else:
        kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(TEXT_TYPES) else kind


def normalize(raw_path: str) -> str | None:
    """URL path -> output-relative path, or None for anything that tries to leave the site."""
    path = unquote(urlsplit(raw_path).path)
    if "\0" in path or "\\" in path or not path.startswith("/"):
        return None
    if any(part in ("..", ".") for part in path.split("/")):
        return None
    return path[1:]


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # live-reload connections never block shutdown
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], preview: Preview | None = None):
        super().__init__(address, PreviewHandler)
        self.preview = preview  # set before serving starts


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "liaoning-site-preview"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # reviewers want build messages, not an access log

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        path = urlsplit(self.path).path
        assert self.server.preview is not None
        if path == EVENTS_PATH and not head:
            self._stream_events()
            return
        if path == SCRIPT_PATH:
            script = resources.files("liaoning_site.serve").joinpath("reload.js").read_bytes()
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", script, head)
            return
        rel = normalize(self.path)
        snapshot = self.server.preview.snapshot
        if rel is None:
            self._send(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", b"bad path\n", head)
            return
        if snapshot is None:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", self._error_page(), head)
            return
        target = rel + "index.html" if rel == "" or rel.endswith("/") else rel
        if rel.startswith(SEARCH_PREFIX) and not snapshot.has(target):
            self._send_search_file(rel, head)  # built on first request (Preview.search_file)
            return
        if not snapshot.has(target) and snapshot.has(target + "/index.html"):
            query = urlsplit(self.path).query
            self._redirect(path + "/" + (f"?{query}" if query else ""))
            return
        found = snapshot.lookup(target)
        status = HTTPStatus.OK
        if found is None:
            status, target, found = HTTPStatus.NOT_FOUND, "404.html", snapshot.lookup("404.html") or b"Not found\n"
        data = found.read_bytes() if isinstance(found, Path) else found
        if target.endswith(".html"):
            data = inject_script(data)
        self._send(status, content_type(target), data, head)

    def _send_search_file(self, rel: str, head: bool) -> None:
        assert self.server.preview is not None
        try:
            data = self.server.preview.search_file(rel)
        except SearchError as exc:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", f"{exc}\n".encode(), head)
            return
        if data is None:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)
            return
        self._send(HTTPStatus.OK, content_type(rel), data, head)

    def _send(self, status: HTTPStatus, kind: str, data: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _error_page(self) -> bytes:
        """Shown only while no build has ever succeeded; the overlay lists the errors."""
        return inject_script(b'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>\xe6\x9e\x84\xe5\xbb\xba\xe5\xa4\xb1\xe8\xb4\xa5</title><body></body></html>')

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        preview = self.server.preview
        state = preview.state
        try:
            self._write_event(state)
            while True:
                newer = preview.wait(state.epoch, KEEPALIVE_SECONDS)
                if newer.epoch == state.epoch:
                    self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    continue
                state = newer
                self._write_event(state)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return

    def _write_event(self, state: State) -> None:
        payload = {
            "epoch": state.epoch,
            "css": state.css_only,
            "errors": [{"path": d.path, "line": d.line, "col": d.col, "message": d.message, "text": d.format()} for d in state.errors],
        }
        self.wfile.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode("utf-8"))
        self.wfile.flush()


def inject_script(page: bytes) -> bytes:
    index = page.rfind(b"</body>")
    return page[:index] + SCRIPT_TAG + page[index:] if index >= 0 else page + SCRIPT_TAG

