"""Pagefind's indexing service (`pagefind --service`), spoken to directly.

The `pagefind` Python package finds the binary (and, with the `extended` extra, installs the one
that segments Chinese). Its client is asynchronous and waits 0.1 s before reading each answer, a
third of a second per index; this one blocks on the pipe instead. The protocol: each request and
each answer is a JSON object, base64-encoded and followed by a comma.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any


class PagefindError(OSError):
    """Pagefind is missing, or it failed."""


def executable() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise PagefindError("the search index needs Pagefind: pip install 'pagefind[extended]'") from None
    found = get_executable()
    if found is None or not found.is_file():
        raise PagefindError("the Pagefind binary was not found: pip install 'pagefind[extended]'")
    return found


class PagefindService:
    """One Pagefind process; its indexes live in its memory until their files are fetched."""

    def __init__(self) -> None:
        binary = executable()
        self._log = tempfile.TemporaryFile()  # what Pagefind says besides its answers, for errors
        try:
            self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        except OSError as exc:
            self._log.close()
            raise PagefindError(f"Pagefind could not be started: {exc}") from exc
        self._last_id = 0
        self._pending = bytearray()

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a Pagefind that died leaves unsent bytes behind
                    stream.close()
        self._process.terminate()
        self._process.wait()
        self._log.close()

    def warm_up(self) -> None:
        """Index a line of Chinese: Pagefind loads its segmenter's dictionary on first use."""
        index = self._ask({"type": "NewIndex", "config": {}})["index_id"]
        page = '<html lang="zh-CN"><body><main data-pagefind-body>数字素养与技能</main></body></html>'
        self._ask({"type": "AddFile", "index_id": index, "file_path": "warm-up.html", "file_contents": page})
        self._ask({"type": "DeleteIndex", "index_id": index})

    def index_folder(self, folder: Path, exclude_selectors: list[str]) -> dict[str, bytes]:
        """The bundle of the HTML pages under `folder`: {path in the bundle: bytes}."""
        index = self._ask({"type": "NewIndex", "config": {"exclude_selectors": exclude_selectors}})["index_id"]
        self._ask({"type": "AddDir", "index_id": index, "path": str(folder)})
        files = self._ask({"type": "GetFiles", "index_id": index})["files"]
        self._ask({"type": "DeleteIndex", "index_id": index})  # the service lives on: free its memory
        return {f["path"]: base64.b64decode(f["content"]) for f in files}

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._last_id += 1
        request = {"message_id": self._last_id, "payload": payload}
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(base64.b64encode(json.dumps(request).encode("utf-8")) + b",")
            self._process.stdin.flush()
            answer = json.loads(base64.b64decode(self._read_answer()))
        except (OSError, ValueError, EOFError) as exc:
            raise PagefindError(f"Pagefind stopped answering ({exc}){self._said()}") from None
        reply = answer.get("payload") or {}
        if reply.get("type") == "Error" or answer.get("message_id") != self._last_id:
            raise PagefindError(f"Pagefind failed: {reply.get('message', answer)}{self._said()}")
        return reply

    def _read_answer(self) -> bytes:
        assert self._process.stdout is not None
        while (end := self._pending.find(b",")) < 0:
            chunk = self._process.stdout.read1(1 << 20)
            if not chunk:
                raise EOFError("Pagefind exited")
            self._pending += chunk
        answer = bytes(self._pending[:end])
        del self._pending[: end + 1]
        return answer

    def _said(self) -> str:
        self._log.seek(0)
        text = self._log.read()[-2000:].decode("utf-8", "replace").strip()
        return f": {text}" if text else ""


class Standby:
    """A Pagefind process started, and warmed up, before it is needed.

    Loading the segmenter takes a fifth of a second: a build starts one Pagefind at once, so that
    this happens while it reads and renders, on the other core, not when its first shard is indexed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready: PagefindService | None = None
        self._thread = threading.Thread(target=self._start, name="pagefind-standby", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            service = PagefindService()
        except PagefindError:
            return  # said again, and raised, when a Pagefind is needed
        try:
            service.warm_up()
        except PagefindError:
            service.close()
            return
        self._ready = service

    def take(self) -> PagefindService:
        """The started process (to the first caller), else a new one; the caller closes it."""
        ready = self._claim()
        return ready if ready is not None else PagefindService()

    def close(self) -> None:
        """Stop the process if it was never taken."""
        ready = self._claim()
        if ready is not None:
            ready.close()

    def _claim(self) -> PagefindService | None:
        self._thread.join()
        with self._lock:
            ready, self._ready = self._ready, None
        return ready

    def __enter__(self) -> Standby:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
