"""Watching sources: which file events matter, what kind of change each is, and debouncing bursts.

Editors' tools save in several steps (temp file, rename, swap files); those leftovers are
dropped here, and a burst of events becomes one rebuild.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

KINDS = ("content", "templates", "static")
_TEMP_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".temp", ".part", ".crdownload", ".bak", ".orig", "~")


@dataclass(frozen=True, slots=True)
class Change:
    path: Path
    kind: str  # "content" | "config" | "templates" | "static"

    @property
    def is_css(self) -> bool:
        return self.kind == "static" and self.path.suffix == ".css"


def is_temp_file(name: str) -> bool:
    """Editor swap, backup and lock files (vim, emacs, JetBrains, Office, browsers' downloads)."""
    return (
        name.startswith((".", "#", "~$"))
        or name.endswith(_TEMP_SUFFIXES)
        or (name.startswith("#") and name.endswith("#"))
        or name == "4913"  # vim's write-permission probe
    )


def classify(path: Path, roots: dict[Path, str]) -> Change | None:
    """The kind of change a path is, or None when it does not affect the site.

    `roots` maps watched folders (content/, templates/, static/, and a theme's) to their kind.
    """
    if is_temp_file(path.name):
        return None
    for root, kind in roots.items():
        if path == root or path.is_relative_to(root):
            rel = path.relative_to(root)
            if any(part.startswith(".") for part in rel.parts):
                return None
            if kind == "content" and len(rel.parts) == 1 and path.suffix in (".yml", ".yaml"):
                return Change(path, "config")
            return Change(path, kind)
    return None


def watched_roots(source: Path, theme: Path | None) -> dict[Path, str]:
    roots = {(source / kind).resolve(): kind for kind in KINDS}
    if theme is not None:
        roots.update({(theme / kind).resolve(): kind for kind in ("templates", "static")})
    return roots


class _Handler(FileSystemEventHandler):
    def __init__(self, roots: dict[Path, str], events: "queue.Queue[Change]"):
        self.roots = roots
        self.events = events

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                change = classify(Path(str(raw)).resolve(), self.roots)
                if change is not None:
                    self.events.put(change)


class Watcher:
    """Runs a watchdog observer over the roots and hands out debounced batches of changes."""

    def __init__(self, roots: dict[Path, str]):
        self.events: queue.Queue[Change] = queue.Queue()
        self.observer = Observer()
        handler = _Handler(roots, self.events)
        for root in roots:
            if root.is_dir():
                self.observer.schedule(handler, str(root), recursive=True)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=2)

    def next_batch(self, quiet: float = 0.03, limit: float = 0.3, timeout: float | None = None) -> set[Change]:
        """Block for the first change, then collect until `quiet` seconds pass without one (at most `limit`)."""
        return collect_batch(self.events, quiet, limit, timeout)


def collect_batch(events: "queue.Queue[Change]", quiet: float, limit: float, timeout: float | None = None) -> set[Change]:
    try:
        batch = {events.get(timeout=timeout)}
    except queue.Empty:
        return set()
    deadline = time.monotonic() + limit
    while True:
        remaining = min(quiet, deadline - time.monotonic())
        if remaining <= 0:
            return batch
        try:
            batch.add(events.get(timeout=remaining))
        except queue.Empty:
            return batch
