"""Processed media kept between builds: image variants and share cards, by the hash of their inputs.

An entry is a folder `<root>/<key>/` holding its files and `entry.json` (facts about them, such as
pixel sizes, and each file's size). It is made in a temporary folder and renamed into place, so a
killed build never leaves half an entry; an entry whose files do not match its record is ignored and
made again. Without a folder (`--no-cache`, or the renderer called directly) entries live in memory.
Entries are made in worker processes: `store` runs there, `lookup` in the parent.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RECORD = "entry.json"
FORMAT = 1
KEEP_UNUSED = 14 * 86400  # seconds an entry no build used is kept (drafts, previews, old versions)
_TEMP = ".tmp-"
# Entries are kept for days after their last use: walking 10,000 of them on every save would cost a
# tenth of a second for nothing. The last tidy-up's time is this file's mtime.
PRUNE_EVERY = 3600
_PRUNED = ".pruned"


@dataclass(frozen=True, slots=True)
class Entry:
    facts: dict[str, Any]  # plain JSON data about the files
    files: dict[str, bytes | Path]  # name -> the bytes, or the stored file


@dataclass
class MediaCache:
    """Where entries are kept; `serve` holds one across rebuilds, `build` gets one from `cache`."""

    folder: Path | None = None
    memory: dict[str, Entry] = field(default_factory=dict)  # entries kept in memory (no folder)
    hashes: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # file -> (size, mtime_ns, hash)
    # key -> (facts, file name -> size) of entries on disk: checking sizes is enough to reuse one, and
    # spares reading 10,000 records in a build that changed one article.
    records: dict[str, tuple[dict[str, Any], dict[str, int]]] = field(default_factory=dict)
    # Entries found whole during this process's life (`serve` asks for the same ones on every save).
    verified: dict[str, Entry] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # keys the current (or last) build looked up: `prune` keeps them
    made: int = 0  # entries made since this cache was created: tests and benchmarks watch it

    def file_hash(self, path: Path) -> str:
        """Hash of a file's bytes, read again only when its size or modification time changed."""
        st = path.stat()
        known = self.hashes.get(str(path))
        if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
            return known[2]
        hasher = hashlib.blake2b(digest_size=16)
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                hasher.update(block)
        self.hashes[str(path)] = (st.st_size, st.st_mtime_ns, hasher.hexdigest())
        return hasher.hexdigest()

    def lookup(self, key: str) -> Entry | None:
        """The entry made earlier for `key`, if it is complete."""
        self.used.add(key)
        if self.folder is None:
            return self.memory.get(key)
        if key in self.verified:
            return self.verified[key]
        record = self.records.get(key)
        if record is not None:
            facts, sizes = record
            folder = f"{self.folder}{os.sep}{key}{os.sep}"  # plain strings: 10,000 cards' paths add up
            try:
                if all(os.stat(folder + name).st_size == size for name, size in sizes.items()):
                    self.verified[key] = Entry(facts, {name: Path(folder + name) for name in sizes})
                    return self.verified[key]
            except OSError:
                pass
        entry = _read_entry(self.folder / key)
        self._record(key, entry)
        return entry

    def keep(self, key: str, entry: Entry) -> None:
        """Remember an entry a worker made (in memory only: on disk the worker stored it)."""
        self.made += 1
        if self.folder is None:
            self.memory[key] = entry
        else:
            self._record(key, entry)

    def _record(self, key: str, entry: Entry | None) -> None:
        if entry is None:
            self.records.pop(key, None)
            return
        self.verified[key] = entry
        sizes = {name: os.stat(path).st_size for name, path in entry.files.items() if isinstance(path, Path)}
        self.records[key] = (entry.facts, sizes)

    def start(self) -> None:
        """A build begins: the entries it uses are counted afresh."""
        self.used = set()

    def forget_unused(self) -> None:
        """Drop in-memory entries this build did not use."""
        self.memory = {k: v for k, v in self.memory.items() if k in self.used}
        self.records = {k: v for k, v in self.records.items() if k in self.used}
        self.verified = {k: v for k, v in self.verified.items() if k in self.used}


def make_key(*parts: object) -> str:
    """A short, stable hash of plain values: names of cache entries and of the published files."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=10).hexdigest()


def store(folder: Path | None, key: str, facts: dict[str, Any], files: dict[str, bytes]) -> Entry:
    """Keep a new entry under `folder` (or return it as it is without one); safe against other builds."""
    if folder is None:
        return Entry(facts, dict(files))
    target = folder / key
    temp = folder / f"{_TEMP}{key}-{uuid.uuid4().hex[:8]}"
    temp.mkdir(parents=True)
    try:
        for name, data in files.items():
            (temp / name).write_bytes(data)
        record = {"format": FORMAT, "facts": facts, "files": {name: len(data) for name, data in files.items()}}
        (temp / RECORD).write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
        if _read_entry(target) is None:  # else another build has just made it: the same bytes
            shutil.rmtree(target, ignore_errors=True)  # a damaged entry
            try:
                os.rename(temp, target)
            except OSError:  # another build renamed its copy in first
                if _read_entry(target) is None:
                    raise
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return Entry(facts, {name: target / name for name in files})


def _read_entry(folder: Path) -> Entry | None:
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        if record.get("format") != FORMAT or not isinstance(record.get("facts"), dict):
            return None
        files = {}
        for name, size in record["files"].items():
            path = folder / name
            if path.stat().st_size != size:
                return None
            files[name] = path
    except (OSError, ValueError, AttributeError, TypeError):  # missing, truncated or foreign: make it again
        return None
    return Entry(record["facts"], files)


def prune(cache: MediaCache, now: float | None = None) -> None:
    """Mark the entries this build used as fresh; remove those unused for a while, and leftovers of
    killed builds. Done at most once every PRUNE_EVERY seconds."""
    folder = cache.folder
    if folder is None or not folder.is_dir():
        return
    now = time.time() if now is None else now
    stamp = folder / _PRUNED
    try:
        if 0 <= now - stamp.stat().st_mtime < PRUNE_EVERY:
            return
    except OSError:
        pass
    for path in folder.iterdir():
        if path.name == _PRUNED:
            continue
        try:
            age = now - path.stat().st_mtime
            if path.name in cache.used:
                if age > 86400:
                    os.utime(path)
            elif age > (3600 if path.name.startswith(_TEMP) else KEEP_UNUSED):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue
    try:
        stamp.touch()
        os.utime(stamp, (now, now))
    except OSError:
        pass
