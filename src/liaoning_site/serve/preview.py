"""The previewed site: the last good build held in memory, the current errors, and an epoch.

A rebuild reuses the caches of the previous one, so only changed documents are read and
converted and only pages whose inputs changed are rendered again. A failed rebuild keeps
the last good site and publishes its errors; every outcome bumps the epoch, which is what
browsers wait on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..build import BuildCaches, BuildOptions, render
from ..cache import media_folder
from ..diagnostics import BuildFailed, Diagnostic, Diagnostics
from ..heap import pause, settle
from ..model.reuse import ModelCache
from ..plans import PlanMemo
from ..outputs import OutputFile
from ..search import PREFIX as SEARCH_PREFIX, SearchCache, index_site
from .watch import Change


SETTLE_AFTER = 1.0  # seconds without a save before the last rebuild's garbage is collected


@dataclass(frozen=True)
class Snapshot:
    """One complete build: rendered files in memory, assets as paths to their sources."""

    files: dict[str, bytes]
    assets: dict[str, Path]

    def lookup(self, rel: str) -> bytes | Path | None:
        return self.files.get(rel) if rel in self.files else self.assets.get(rel)

    def has(self, rel: str) -> bool:
        return rel in self.files or rel in self.assets


@dataclass(frozen=True)
class State:
    epoch: int
    errors: tuple[Diagnostic, ...]
    css_only: bool  # the last change touched stylesheets only: swap them, no reload


@dataclass
class RebuildReport:
    ok: bool
    seconds: float
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


class Preview:
    """Owns the caches and the current snapshot; safe to read from many request threads."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.caches = self._fresh_caches()
        self.snapshot: Snapshot | None = None
        self._state = State(0, (), False)
        self._changed = threading.Condition()
        self._rebuilding = threading.Lock()
        # The search index is built when a browser first asks for it, once per snapshot: most
        # saves are previewed without searching, and indexing a large site takes seconds.
        self._search = SearchCache()
        self._indexed: tuple[Snapshot, dict[str, bytes]] | None = None
        self._indexing = threading.Lock()
        self._settling: threading.Timer | None = None

    @property
    def state(self) -> State:
        return self._state

    def rebuild(self, changes: set[Change] | None = None) -> RebuildReport:
        """Rebuild after `changes` (None: from scratch) and publish the result to waiting browsers."""
        with self._rebuilding:
            pause()  # the site's objects live until the next save: see heap.py
            try:
                return self._rebuild(changes)
            finally:
                self._settle_when_idle()

    def _rebuild(self, changes: set[Change] | None) -> RebuildReport:
        started = time.perf_counter()
        self._invalidate(changes)
        diagnostics = Diagnostics()
        try:
            site, files = render(self.options, diagnostics, self.caches)
        except BuildFailed as failed:
            errors = [d for d in failed.diagnostics if d.severity == "error"]
            self._publish(None, tuple(errors), False)
            return RebuildReport(False, time.perf_counter() - started, errors, diagnostics.warnings)
        # Image variants and share cards are files in the media cache: served from there.
        stored = {f.output: f.data for f in files if isinstance(f.data, Path)}
        snapshot = Snapshot({f.output: f.data for f in files if not isinstance(f.data, Path)}, {a.output: a.path for a in site.assets} | stored)
        css_only = bool(changes) and all(c.is_css for c in changes) and not self._state.errors
        self._publish(snapshot, (), css_only)
        return RebuildReport(True, time.perf_counter() - started, [], diagnostics.warnings)

    def _settle_when_idle(self) -> None:
        """Collect the rebuild's garbage once no save came for a moment, out of the reload's way."""
        if self._settling is not None:
            self._settling.cancel()
        self._settling = threading.Timer(SETTLE_AFTER, self._settle)
        self._settling.daemon = True
        self._settling.start()

    def _settle(self) -> None:
        with self._rebuilding:
            settle()

    def search_files(self) -> dict[str, bytes]:
        """The search index (`pagefind/...`) of the current snapshot, as `build` would write it."""
        snapshot = self.snapshot
        if snapshot is None:
            return {}
        with self._indexing:
            if self._indexed is None or self._indexed[0] is not snapshot:
                pages = (OutputFile(rel, data) for rel, data in snapshot.files.items())
                files = {f.output: f.data for f in index_site(pages, None, self._search, jobs=self.options.jobs)}
                assert all(isinstance(data, bytes) for data in files.values())
                self._indexed = (snapshot, files)  # type: ignore[assignment]
            return self._indexed[1]  # type: ignore[return-value]

    def search_file(self, rel: str) -> bytes | None:
        """A file of the current snapshot's search index, or None if there is no such file."""
        return self.search_files().get(rel) if rel.startswith(SEARCH_PREFIX) else None

    def _invalidate(self, changes: set[Change] | None) -> None:
        if changes is None:
            self.caches = self._fresh_caches()
            return
        root = self.options.source.resolve()
        self.caches.load.forget({c.path.relative_to(root).as_posix() for c in changes if c.path.is_relative_to(root)})
        # Article checks look at image files on disk and at the config; other edits leave them valid.
        # The model is reused only after saves of Markdown files (and only if their front matter is
        # unchanged: see model/reuse.py).
        if any(c.kind != "content" or c.path.suffix != ".md" for c in changes):
            self.caches.validate.entries.clear()
            if self.caches.model is not None:
                self.caches.model.forget()

    def _fresh_caches(self) -> BuildCaches:
        """Empty caches, but image variants and share cards are shared with `build` (they are made slowly)."""
        caches = BuildCaches(model=ModelCache())
        caches.load.watched, caches.render.plans = True, PlanMemo()
        if self.options.cache:
            caches.render.media.folder = media_folder(self.options.source)
        return caches

    def _publish(self, snapshot: Snapshot | None, errors: tuple[Diagnostic, ...], css_only: bool) -> None:
        with self._changed:
            if snapshot is not None:
                self.snapshot = snapshot
            self._state = State(self._state.epoch + 1, errors, css_only)
            self._changed.notify_all()

    def wait(self, epoch: int, timeout: float) -> State:
        """Block until the epoch differs from `epoch` (or the timeout passes); return the state."""
        with self._changed:
            self._changed.wait_for(lambda: self._state.epoch != epoch, timeout=timeout)
            return self._state
