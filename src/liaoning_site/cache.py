"""The build cache: what one build may reuse from the previous one, kept under `.cache/`.

In memory (`serve`) the caches simply live on. For `build` they are stored in shards, one
pickle per slice of keys, so a build that changed one article rewrites one shard per
cache, not the whole cache. Anything unreadable, truncated or written by another version
is ignored and the build proceeds from scratch: the cache is never trusted over the sources.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .load import LoadCache
from .markdown import MARKDOWN_VERSION
from .render import RenderCache
from .validate import ValidateCache

CACHE_DIR = Path(".cache") / "liaoning-site"
FORMAT = f"liaoning-site {__version__} py{sys.version_info[0]}.{sys.version_info[1]} {MARKDOWN_VERSION} cache-1"
SHARDS = 64


@dataclass
class BuildCaches:
    """What one build may reuse from the previous one; `serve` keeps one across rebuilds."""

    load: LoadCache = field(default_factory=LoadCache)
    validate: ValidateCache = field(default_factory=ValidateCache)
    render: RenderCache = field(default_factory=RenderCache)
    # Output file -> (size, mtime_ns) as the last build left it; lets unchanged pages stay on disk.
    manifest: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Shards as read, kept alive so that object identities stay meaningful until they are saved.
    _loaded: dict[str, dict[int, tuple[dict[Any, Any], frozenset[Any]]]] = field(default_factory=dict, repr=False)


def _shard(key: Any) -> int:
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=2).digest()[0] % SHARDS


def _split(entries: dict[Any, Any]) -> dict[int, dict[Any, Any]]:
    shards: dict[int, dict[Any, Any]] = {i: {} for i in range(SHARDS)}
    for key, value in entries.items():
        shards[_shard(key)][key] = value
    return shards


def _signature(name: str, shard: dict[Any, Any]) -> frozenset[Any]:
    if name == "pages":  # page keys are rebuilt every time but compare by value
        return frozenset(shard.items())
    # Unchanged entries are the very objects read from the shard, so identity tells what changed.
    return frozenset((key, id(value)) for key, value in shard.items())


def _stores(caches: BuildCaches) -> dict[str, dict[Any, Any]]:
    return {
        "load": caches.load.entries,
        "validate": caches.validate.entries,
        "bodies": caches.render.bodies,
        # Page bytes stay in the output folder; only the keys are kept.
        "pages": {out: (key, None) for out, (key, _) in caches.render.pages.items()},
        "manifest": {"manifest": caches.manifest},
    }


def _format(source: Path) -> str:
    # Cached records hold absolute paths (images, templates): a moved or copied site starts afresh.
    return f"{FORMAT}\n{source.resolve()}"


def load_caches(source: Path) -> BuildCaches:
    """The stored caches of `source`, or empty ones when there are none or they cannot be trusted."""
    folder = source / CACHE_DIR
    caches = BuildCaches()
    try:
        if (folder / "FORMAT").read_text(encoding="utf-8") != _format(source):
            return caches
        stores: dict[str, dict[Any, Any]] = {}
        for name in ("load", "validate", "bodies", "pages", "manifest"):
            merged: dict[Any, Any] = {}
            caches._loaded[name] = {}
            for index in range(SHARDS):
                path = folder / name / f"{index:02d}.pickle"
                shard = pickle.loads(path.read_bytes()) if path.exists() else {}
                if not isinstance(shard, dict):
                    raise ValueError("foreign cache entry")
                merged.update(shard)
                caches._loaded[name][index] = (shard, _signature(name, shard))
            stores[name] = merged
    except Exception:  # noqa: BLE001 - a damaged cache only costs time, never correctness
        return BuildCaches()
    caches.load.entries = stores["load"]
    caches.validate.entries = stores["validate"]
    caches.render.bodies = stores["bodies"]
    caches.render.pages = stores["pages"]
    caches.manifest = stores["manifest"].get("manifest", {})
    return caches


def save_caches(source: Path, caches: BuildCaches) -> None:
    """Write the shards that changed since they were loaded; each one atomically."""
    folder = source / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "FORMAT").exists() or (folder / "FORMAT").read_text(encoding="utf-8") != _format(source):
        caches._loaded = {}
        _atomic_write(folder / "FORMAT", _format(source).encode("utf-8"))
    for name, entries in _stores(caches).items():
        loaded = caches._loaded.get(name, {})
        for index, shard in _split(entries).items():
            if index in loaded and loaded[index][1] == _signature(name, shard):
                continue
            (folder / name).mkdir(exist_ok=True)
            _atomic_write(folder / name / f"{index:02d}.pickle", pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL))


def input_stamp(source: Path, theme: Path | None, settings: object) -> str:
    """A digest of every source file's size and mtime, and of the build's settings."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{_format(source)}\n{settings!r}\n".encode("utf-8"))
    folders = [source / "content", source / "templates", source / "static"]
    if theme is not None:
        folders += [theme / "templates", theme / "static"]
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                hasher.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def read_stamp(source: Path) -> tuple[str, float | None, dict[str, tuple[int, int]]] | None:
    """The stamp of the last successful build: (inputs, next change as a timestamp, output manifest)."""
    try:
        stored = pickle.loads((source / CACHE_DIR / "stamp.pickle").read_bytes())
        if isinstance(stored, tuple) and len(stored) == 4 and stored[0] == _format(source):
            return stored[1], stored[2], stored[3]
    except Exception:  # noqa: BLE001 - no stamp, or a damaged one: build normally
        pass
    return None


def write_stamp(source: Path, inputs: str, next_change: float | None, manifest: dict[str, tuple[int, int]]) -> None:
    folder = source / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    _atomic_write(folder / "stamp.pickle", pickle.dumps((_format(source), inputs, next_change, manifest)))


def _atomic_write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)
