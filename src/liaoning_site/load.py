"""Load stage: the files under content/ and static/ -> raw records with positions (`Sources`).

Nothing here knows what a field means; it only finds files, decodes them, splits front
matter from body and parses YAML, reporting every file it cannot read at its position.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import diagnostics as msg
from .config import SiteConfig
from .diagnostics import Diagnostic, Diagnostics, Position, tr
from .records import Record, Stored, WithBody
from .sourcefile import read_text
from .yamlsource import LocatedYaml, parse_yaml

CAMPAIGN_FILE = "content/campaign.yml"
# Collections under content/: folder name -> kind of document, and whether sub-folders count.
COLLECTIONS = (("scenarios", "scenario", False), ("articles", "article", True), ("pages", "page", False))


@dataclass(frozen=True, slots=True)
class RawDoc(Record, WithBody):
    """One Markdown source: its front matter (with positions) and its body."""

    kind: str  # "scenario" | "article" | "page"
    rel: str  # path relative to the site root, with "/" separators
    path: str  # the file as found (a str: 10,000 Paths take a tenth of a second to unpickle)
    meta: LocatedYaml
    body_utf8: bytes | Stored  # the body (`body`), as UTF-8
    body_line: int  # file line on which the body starts (1-based)
    digest: str  # hash of the whole text: any edit to the file changes it


@dataclass(frozen=True, slots=True)
class StaticFile:
    rel: str  # path inside the output folder
    path: Path
    origin: str  # path relative to the site root (or theme), for diagnostics
    digest: str  # of the bytes: fingerprinted file names change exactly when the file does


@dataclass(frozen=True, slots=True)
class Sources:
    campaign: LocatedYaml | None
    docs: tuple[RawDoc, ...]
    static: tuple[StaticFile, ...]


@dataclass
class LoadCache:
    """Documents read by an earlier build (in `serve`), reused while their files are unchanged.

    A file counts as unchanged while its size, mtime and inode are; the watcher also
    `forget`s every path it saw change, in case two saves fall within one mtime tick.

    The watcher's paths also spare walking the folders again: while every save since the last
    listing was to a file already listed, the list of files is the same, and only the saved files
    are looked at (as Hugo's and Zola's servers trust their file events).
    """

    entries: dict[str, tuple[tuple[int, int, int], RawDoc | None, list[Diagnostic]]] = field(default_factory=dict)
    listing: dict[str, dict[str, tuple[str, str, tuple[int, int, int]]]] = field(default_factory=dict)  # folder -> rel -> file
    saved: set[str] | None = None  # paths saved since the last listing, as the watcher saw them; None: not known
    watched: bool = False  # a watcher `forget`s every saved path (`serve`): listings may be kept

    def forget(self, rels: set[str]) -> None:
        for rel in rels:
            self.entries.pop(rel, None)
        if self.saved is not None:
            self.saved |= rels


def load_sources(config: SiteConfig, diagnostics: Diagnostics, cache: LoadCache | None = None) -> Sources:
    """Read campaign.yml, every Markdown document and the list of static files."""
    root = config.source_dir
    campaign = _load_campaign(root, diagnostics)
    docs: list[RawDoc] = []
    seen: dict[str, tuple[tuple[int, int, int], RawDoc | None, list[Diagnostic]]] = {}
    for folder, kind, recursive in COLLECTIONS:
        if not recursive:
            _warn_nested(root / "content" / folder, root, diagnostics)
        for path, rel, stamp in _listed(root / "content" / folder, root, recursive, cache):
            entry = _load_cached(path, rel, kind, root, stamp, cache)
            seen[rel] = entry
            if entry[2]:
                diagnostics.extend(entry[2])
            if entry[1] is not None:
                docs.append(entry[1])
    if cache is not None:
        cache.entries, cache.saved = seen, set() if cache.watched else None
    return Sources(campaign, tuple(docs), tuple(_static_files(config, diagnostics)))


def _warn_nested(folder: Path, root: Path, diagnostics: Diagnostics) -> None:
    """Scenarios and pages are read from their folder only; say so rather than drop files silently."""
    for path in sorted(folder.glob("*/**/*.md")):
        rel = path.relative_to(root).as_posix()
        if not any(_is_hidden(part) for part in path.relative_to(folder).parts):
            diagnostics.warning(rel, Position(), tr(
                f"ignored: files in sub-folders of {folder.relative_to(root).as_posix()}/ are not read; move it up one level",
                f"已忽略：{folder.relative_to(root).as_posix()}/ 的子文件夹中的文件不会被读取；请把它移到上一层",
            ))


def _load_cached(path: str, rel: str, kind: str, root: Path, stamp: tuple[int, int, int], cache: LoadCache | None):
    if cache is not None and rel in cache.entries and cache.entries[rel][0] == stamp and stamp != (0, 0, 0):
        return cache.entries[rel]
    local = Diagnostics()
    file = Path(path)
    doc = None if _escapes(file, root, rel, local) else load_document(file, rel, kind, local)
    return stamp, doc, local.items


def load_document(path: Path, rel: str, kind: str, diagnostics: Diagnostics) -> RawDoc | None:
    """Read one Markdown file and split it into front matter and body."""
    text = read_text(path, rel, diagnostics)
    if text is None:
        return None
    return parse_document(text, rel, kind, path, diagnostics)


def parse_document(text: str, rel: str, kind: str, path: Path, diagnostics: Diagnostics) -> RawDoc | None:
    """Split `---` front matter from the body; pure, so it is testable without files."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        diagnostics.error(rel, Position(1, 1), msg.no_front_matter())
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        diagnostics.error(rel, Position(1, 1), msg.unclosed_front_matter())
        return None
    meta = parse_yaml("\n".join(lines[1:end]), rel, diagnostics, line_offset=1)
    if meta is None:
        return None
    if meta.data is None:
        meta = LocatedYaml(data={}, start=Position(2, 1))
    if not isinstance(meta.data, dict):
        diagnostics.error(rel, meta.start, msg.expected(tr("front matter of `key: value` lines", "文章信息应为若干 `键: 值` 行"), meta.data))
        return None
    body = "\n".join(lines[end + 1 :])
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    return RawDoc(kind, rel, str(path), meta, body.encode("utf-8"), end + 2, digest)


def _load_campaign(root: Path, diagnostics: Diagnostics) -> LocatedYaml | None:
    text = read_text(root / CAMPAIGN_FILE, CAMPAIGN_FILE, diagnostics)
    return None if text is None else parse_yaml(text, CAMPAIGN_FILE, diagnostics)


def _listed(folder: Path, root: Path, recursive: bool, cache: LoadCache | None) -> list[tuple[str, str, tuple[int, int, int]]]:
    """The folder's Markdown files: as listed last time with the saved ones looked at again, if
    every save was to a listed file that is still a file; else walked anew."""
    prefix = folder.relative_to(root).as_posix() + "/"
    last = cache.listing.get(prefix) if cache is not None and cache.saved is not None else None
    if last is not None:
        assert cache is not None and cache.saved is not None
        saved = [rel for rel in cache.saved if rel.startswith(prefix)]
        if all(rel in last for rel in saved):
            try:
                again = {rel: (last[rel][0], rel, _stamp(os.stat(last[rel][0]))) for rel in saved}
            except OSError:
                again = None
            if again is not None:
                last.update(again)
                return list(last.values())
    files = _markdown_files(folder, root, recursive)
    if cache is not None:
        cache.listing[prefix] = {file[1]: file for file in files}
    return files


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    if not stat.S_ISREG(st.st_mode):
        raise OSError("not a file")
    return st.st_mtime_ns, st.st_size, st.st_ino


def _markdown_files(folder: Path, root: Path, recursive: bool) -> list[tuple[str, str, tuple[int, int, int]]]:
    """(path, path relative to the site root, stamp) of each Markdown file, sorted for a stable order.

    Hidden and `_` names are skipped. Plain strings and scandir's entries keep this cheap: `serve`
    runs it on every save, over every article.
    """
    found: list[tuple[str, str, tuple[int, int, int]]] = []
    # Paths below `folder` are made relative by cutting its own path off; `root` may be ".".
    base, prefix = folder.relative_to(root).as_posix() + "/", len(str(folder)) + 1
    pending = [str(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if _is_hidden(entry.name):
                continue
            if entry.is_dir():
                if recursive:
                    pending.append(entry.path)
            elif entry.name.endswith(".md") and entry.is_file():
                try:
                    stamp = _stamp(entry.stat())
                except OSError:
                    stamp = (0, 0, 0)
                found.append((entry.path, base + entry.path[prefix:].replace(os.sep, "/"), stamp))
    return sorted(found, key=lambda item: item[1])


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "_")) or name.endswith("~")


def _escapes(path: Path, root: Path, rel: str, diagnostics: Diagnostics) -> bool:
    """A symlink that leads outside the site would publish files the editor never meant to."""
    if not path.resolve().is_relative_to(root.resolve()):
        diagnostics.error(rel, Position(), msg.outside_source(str(path.resolve())))
        return True
    return False


_DIGESTS: dict[tuple[Path, int, int], str] = {}  # a preview session reads each version once


def _content_digest(path: Path) -> str:
    st = path.stat()
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.blake2b(path.read_bytes(), digest_size=5).hexdigest()
    return _DIGESTS[key]


def _static_files(config: SiteConfig, diagnostics: Diagnostics) -> list[StaticFile]:
    files: dict[str, StaticFile] = {}
    for folder in config.static_dirs:
        base = folder.parent
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or name.endswith("~"):
                    continue
                path = Path(dirpath) / name
                rel = path.relative_to(folder).as_posix()
                origin = path.relative_to(base).as_posix()
                if _escapes(path, base, origin, diagnostics):
                    continue
                # Later folders (the site's own) override earlier ones (the theme's) on purpose.
                files[rel] = StaticFile(rel, path, origin, _content_digest(path))
    return [files[k] for k in sorted(files)]
