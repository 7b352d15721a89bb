"""The build cache: what one build may reuse from the previous one, kept under `.cache/`.

In memory (`serve`) the caches simply live on. For `build` they are stored in shards, one
pickle per slice of keys, so a build that changed one article rewrites one shard per
cache, not the whole cache. Anything unreadable, truncated or written by another version
is ignored and the build proceeds from scratch: the cache is never trusted over the sources.

Long bytes (documents' bodies and their HTML: 230 MB at 10,000 articles) are kept apart, in a
`.texts` file beside each shard, and come back as `Stored` records that read them on use: a
build that changed one article reads a few of them, not all, and unpickling took half as long.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .diagnostics import Diagnostic, current_language
from .heap import paused
from .load import LoadCache
from .markdown import MARKDOWN_VERSION
from .model.reuse import ModelCache
from .model.site import related_memo, remember_related
from .plans import card_digests, remember_card_digests
from .records import OpenFile, Stored, plain
from .render import RenderCache
from .search import SearchCache
from .slugs import made_slugs, remember as remember_slugs
from .validate import ValidateCache

CACHE_DIR = Path(".cache") / "liaoning-site"
MEDIA_DIR = "images"  # image variants and share cards, by hash (see mediacache.py): not tied to FORMAT
SEARCH_DIR = "search"  # what Pagefind was given for each page, by digest (see search.py)


def _code_digest() -> str:
    """Cached records are pickled classes of this package: any change to its code retires them."""
    hasher = hashlib.blake2b(digest_size=8)
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


FORMAT = f"liaoning-site {__version__}+{_code_digest()} py{sys.version_info[0]}.{sys.version_info[1]} {MARKDOWN_VERSION}"
SHARDS = 64
LONG = 256  # bytes at least this long go to the shard's texts file: a body of 90 Chinese characters
_TOKEN = 16  # random bytes that begin a texts file and are pickled with its shard: the two belong together


@dataclass
class BuildCaches:
    """What one build may reuse from the previous one; `serve` keeps one across rebuilds."""

    load: LoadCache = field(default_factory=LoadCache)
    validate: ValidateCache = field(default_factory=ValidateCache)
    render: RenderCache = field(default_factory=RenderCache)
    # Output file -> (size, mtime_ns) as the last build left it; lets unchanged pages stay on disk.
    manifest: dict[str, tuple[int, int]] = field(default_factory=dict)
    search: SearchCache = field(default_factory=SearchCache)  # the last search index (names only on disk)
    model: ModelCache | None = None  # the last model, kept by `serve` only (a build lets go of it early)
    # Shards as read, kept alive so that object identities stay meaningful until they are saved, and
    # each store's entries as read (a copy: some are updated in place).
    _loaded: dict[str, dict[int, tuple[dict[Any, Any], ...]]] = field(default_factory=dict, repr=False)
    _before: dict[str, list[dict[Any, Any]]] = field(default_factory=dict, repr=False)
    _staged_changes_only: bool = field(default=False, repr=False)  # staged shards need the others on disk


def _shard(key: Any) -> int:
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=2).digest()[0] % SHARDS


# Each store is a group of dictionaries sharded together, with the part of the key that picks
# the shard. A document's parsed form and its checked form share one shard, so the body text
# both refer to is pickled once.
Parts = tuple[tuple[dict[Any, Any], Callable[[Any], Any]], ...]


def _stores(caches: BuildCaches) -> dict[str, Parts]:
    same = lambda key: key  # noqa: E731
    return {
        "documents": ((caches.load.entries, same), (caches.validate.entries, lambda key: key[0])),
        "bodies": ((caches.render.bodies, same),),
        # Page bytes stay in the output folder; only the keys are kept (see save_caches).
        "pages": ((caches.render.pages, same),),
        # Image files' hashes by size and time, so unchanged images are not read again.
        "media": ((caches.render.media.hashes, same), (caches.render.media.records, same)),
    }


def _split(parts: Parts) -> dict[int, tuple[dict[Any, Any], ...]]:
    shards = {i: tuple({} for _ in parts) for i in range(SHARDS)}
    for number, (entries, shard_key) in enumerate(parts):
        for key, value in entries.items():
            shards[_shard(shard_key(key))][number][key] = value
    return shards


def _changed(
    name: str, parts: Parts, loaded: dict[int, tuple[dict[Any, Any], ...]], before: list[dict[Any, Any]],
) -> dict[int, tuple[dict[Any, Any], ...]]:
    """The shards holding a key added, removed or given another value since they were loaded (`before`:
    their entries as read), made anew; the keys of a shard are the same ones every time (see `_shard`)."""
    by_value = name == "pages"  # page keys are made again every time but compare by value
    missing = object()
    touched: set[int] = set()
    added: list[tuple[int, int, Any]] = []  # (shard, part, key) of keys not read from the shard
    for number, ((entries, shard_key), old) in enumerate(zip(parts, before)):
        touched.update(_shard(shard_key(key)) for key in old.keys() - entries.keys())
        for key, value in entries.items():
            # Unchanged entries are the very objects read from the shard, so identity tells what changed.
            was = old.get(key, missing)
            if was is not value and (not by_value or was != value):
                index = _shard(shard_key(key))
                touched.add(index)
                if was is missing:
                    added.append((index, number, key))
    shards = {
        index: tuple({key: entries[key] for key in loaded[index][number] if key in entries} for number, (entries, _) in enumerate(parts))
        for index in touched
    }
    for index, number, key in added:
        shards[index][number][key] = parts[number][0][key]
    return shards


def _format(source: Path) -> str:
    # Cached records hold absolute paths (images, templates): a moved or copied site starts afresh.
    # They hold messages too, in the language of the run that made them.
    return f"{FORMAT}\n{source.resolve()}\n{current_language()}"


def load_caches(source: Path, manifest: dict[str, tuple[int, int]] | None = None) -> BuildCaches:
    """The stored caches of `source`, or empty ones when there are none or they cannot be trusted;
    `manifest`: the output as the last build left it, from its stamp (see read_stamp)."""
    with paused():  # a million objects, none of them garbage: no collection pass over them
        caches = _read_caches(source)
    if caches._loaded and manifest:
        caches.manifest = manifest
    caches.render.media.folder = media_folder(source)
    caches.search.folder = (source / CACHE_DIR / SEARCH_DIR).resolve()
    return caches


def media_folder(source: Path) -> Path:
    """Where processed images and share cards are kept for `source`."""
    return (source / CACHE_DIR / MEDIA_DIR).resolve()


def _read_caches(source: Path) -> BuildCaches:
    folder = source / CACHE_DIR
    caches = BuildCaches()
    try:
        if (folder / "FORMAT").read_text(encoding="utf-8") != _format(source):
            return caches
        merged: dict[str, list[dict[Any, Any]]] = {}
        for name, parts in _stores(caches).items():
            merged[name] = [{} for _ in parts]
            caches._loaded[name] = {}
            for index in range(SHARDS):
                shard = _read_shard(folder / name / f"{index:02d}.pickle") or tuple({} for _ in parts)
                if not (isinstance(shard, tuple) and len(shard) == len(parts) and all(isinstance(p, dict) for p in shard)):
                    raise ValueError("foreign cache entry")
                for target, part in zip(merged[name], shard):
                    target.update(part)
                caches._loaded[name][index] = shard
        search = pickle.loads((folder / "search.pickle").read_bytes())
        remember_slugs(pickle.loads((folder / "slugs.pickle").read_bytes()))
        remember_related(pickle.loads((folder / "related.pickle").read_bytes()))
        remember_card_digests(pickle.loads((folder / "cards.pickle").read_bytes()))
    except Exception:  # noqa: BLE001 - a damaged cache only costs time, never correctness
        return BuildCaches()
    caches._before = {name: [dict(entries) for entries in parts] for name, parts in merged.items()}
    caches.load.entries, caches.validate.entries = merged["documents"]
    caches.render.bodies, caches.render.pages = merged["bodies"][0], merged["pages"][0]
    caches.render.media.hashes, caches.render.media.records = merged["media"]
    caches.search = search if isinstance(search, SearchCache) else SearchCache()
    return caches


def _read_shard(path: Path) -> Any:
    """A shard as written by _write_shard, its long bytes `Stored`; None if it is missing, or if its
    texts file is not the one written with it (a build was killed between putting the two in place)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    texts = _Texts(path.with_suffix(".texts"))
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = texts.stored
    try:
        token, shard = unpickler.load()
    except _NotThisFile:
        return None
    return shard if token == texts.token else None


class _NotThisFile(ValueError):
    """The shard places a text beyond the end of its texts file."""


class _Texts:
    """A shard's texts file, for the `Stored` records unpickled with the shard."""

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            self._file: OpenFile | None = OpenFile(path)
        except FileNotFoundError:
            self._file, self.token, self._size = None, b"", 0
        else:
            self._size, self.token = os.fstat(self._file.fd).st_size, os.pread(self._file.fd, _TOKEN, 0)
        self._stored: dict[tuple[int, int], Stored] = {}  # one record per place: a body two records share is read once

    def stored(self, place: tuple[int, int]) -> Stored:
        found = self._stored.get(place)
        if found is None:
            offset, size = place
            if self._file is None or not (_TOKEN <= offset and offset + size <= self._size):
                raise _NotThisFile(self._path)
            found = self._stored[place] = Stored(self._file, offset, size)
        return found


def _write_shard(shard: Any, path: Path, texts_path: Path) -> None:
    """Pickle `shard` to `path`, its long bytes (and `Stored` ones, read now) to `texts_path`."""
    token = os.urandom(_TOKEN)
    texts = bytearray(token)
    placed: dict[int, tuple[int, int]] = {}  # by id: a body two records share is written once

    def persistent_id(value: Any) -> tuple[int, int] | None:
        kind = type(value)
        if kind is Stored or (kind is bytes and len(value) >= LONG):
            place = placed.get(id(value))
            if place is None:
                data = plain(value)
                place = placed[id(value)] = (len(texts), len(data))
                texts.extend(data)
            return place
        return None

    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = persistent_id
    pickler.dump((token, shard))
    texts_path.write_bytes(texts)
    path.write_bytes(out.getvalue())


def stage_changed_shards(source: Path, caches: BuildCaches) -> list[Path]:
    """Write the shards that changed since they were loaded beside their files, and let go of
    every store's entries; returns the files written, which save_caches puts in place.

    A build does this while Pagefind works: the stores are final by then, and what they held
    (parsed documents, Markdown HTML: 200 MB at 10,000 articles) is gone before the search index,
    the build's largest moment, is complete. Nothing replaces a stored shard before the output is
    written: a build that fails leaves the cache as the last one did (see discard_staged).
    """
    _let_go_of_outputs(caches)
    folder = source / CACHE_DIR
    staged: list[Path] = []
    caches._staged_changes_only = any(caches._loaded.values())
    for name, parts in _stores(caches).items():
        loaded, before = caches._loaded.pop(name, {}), caches._before.pop(name, None)
        # A store read from nothing is written whole, every shard.
        shards = _changed(name, parts, loaded, before) if loaded and before is not None else _split(parts)
        for entries, _ in parts:
            entries.clear()
        for index in sorted(shards):
            shard = shards.pop(index)  # let go of each shard once it is written
            (folder / name).mkdir(parents=True, exist_ok=True)
            path, texts = (folder / name / f".{index:02d}.{kind}.{os.getpid()}{_STAGED}" for kind in ("pickle", "texts"))
            _write_shard(shard, path, texts)
            staged += [texts, path]
    return staged


_STAGED = ".staged"


def discard_staged(staged: list[Path]) -> None:
    for path in staged:
        path.unlink(missing_ok=True)


def _put_staged(staged: list[Path]) -> None:
    for path in staged:
        _, index, kind = path.name.split(".")[:3]  # .NN.KIND.PID.staged
        os.replace(path, path.with_name(f"{index}.{kind}"))


def _let_go_of_outputs(caches: BuildCaches) -> None:
    """Page bytes are in the output folder, not stored; linked bodies and templates are made again."""
    caches.render.pages = {output: (key, None) for output, (key, _) in caches.render.pages.items()}
    caches.render.linked, caches.render.environment = {}, None


def save_caches(source: Path, caches: BuildCaches, staged: list[Path] | None = None) -> None:
    """Write the shards that changed since they were loaded, each one atomically; `caches` is
    emptied on the way (a build saves them last). `staged`: those shards, from stage_changed_shards.

    Pickling a string keeps a UTF-8 copy of it inside the string: at 10,000 articles, 200 MB more
    by the end if everything stayed alive. Each shard's entries are let go of once it is written.
    """
    _let_go_of_outputs(caches)
    caches.search = caches.search.names_only()
    folder = source / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "FORMAT").exists() or (folder / "FORMAT").read_text(encoding="utf-8") != _format(source):
        if staged is not None and caches._staged_changes_only:  # the shards on disk are of another format now
            discard_staged(staged)
            staged = []
            for name in _stores(caches):
                for path in [*(folder / name).glob("*.pickle"), *(folder / name).glob("*.texts")]:
                    path.unlink()  # the stores start afresh, the next build reads none of them
        caches._loaded, caches._before = {}, {}
        _atomic_write(folder / "FORMAT", _format(source).encode("utf-8"))
    _atomic_write(folder / "search.pickle", pickle.dumps(caches.search, protocol=pickle.HIGHEST_PROTOCOL))
    _atomic_write(folder / "slugs.pickle", pickle.dumps(made_slugs(), protocol=pickle.HIGHEST_PROTOCOL))
    _atomic_write(folder / "related.pickle", pickle.dumps(related_memo(), protocol=pickle.HIGHEST_PROTOCOL))
    _atomic_write(folder / "cards.pickle", pickle.dumps(card_digests(), protocol=pickle.HIGHEST_PROTOCOL))
    _put_staged(staged if staged is not None else stage_changed_shards(source, caches))
    _remove_leftovers(folder)


def _remove_leftovers(folder: Path) -> None:
    """Staged shards of builds that were killed (their process is gone)."""
    for path in folder.glob(f"*/.*{_STAGED}"):
        pid = path.name.split(".")[-2]  # .NN.pickle.PID.staged
        if not (pid.isdigit() and _running(int(pid))):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


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


# The last successful build's (inputs, next change as a timestamp, output manifest, warnings).
Stamp = tuple[str, float | None, dict[str, tuple[int, int]], list[Diagnostic]]


def read_stamp(source: Path) -> Stamp | None:
    """The stamp of the last successful build: (inputs, next change as a timestamp, output manifest, its warnings)."""
    try:
        stored = pickle.loads((source / CACHE_DIR / "stamp.pickle").read_bytes())
        if isinstance(stored, tuple) and len(stored) == 5 and stored[0] == _format(source):
            return stored[1], stored[2], stored[3], stored[4]
    except Exception:  # noqa: BLE001 - no stamp, or a damaged one: build normally
        pass
    return None


def write_stamp(
    source: Path, inputs: str, next_change: float | None, manifest: dict[str, tuple[int, int]], warnings: list[Diagnostic]
) -> None:
    folder = source / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    _atomic_write(folder / "stamp.pickle", pickle.dumps((_format(source), inputs, next_change, manifest, warnings)))


def _atomic_write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)
