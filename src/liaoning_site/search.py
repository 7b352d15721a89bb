"""Search stage: the rendered HTML pages -> Pagefind's index (`pagefind/...`) as more `OutputFile`s.

Pagefind (the extended binary, which segments Chinese into words) indexes the element of each
page marked `data-pagefind-body`, with the filters and metadata marked inside it. It runs on a
copy of each marked element in a temporary folder, never on the output folder, so a failed build
still leaves the previous output exactly as it was, and the index always matches the pages
written with it.

The index is cut into shards (`pagefind/0/`, `pagefind/1/`, …, listed in `pagefind/shards.json`;
search.js merges them in the browser), each a whole Pagefind bundle of the pages whose path hashes
to it. Pagefind cannot update an index, and costs about 5 ms and 1 MB a page: a shard holds at most
SHARD_PAGES pages on average (half a second of indexing), so an edited page re-indexes its shard
only, one Pagefind process per core indexes shard after shard, and memory stays bounded at any size.
The price: a reader's first search fetches each shard's small metadata (128 shards at 10,000 pages),
and ranking scores come from each shard's own word statistics.

A build with a cache keeps each document it gave Pagefind, compressed and named after its digest
(`SearchCache.folder`): a shard made again for one edited page takes its other pages' documents
from there, not from their HTML (3 ms a page, a quarter of a second for a shard).

Readers search like Ctrl-F: every run of two or more Chinese characters on a page must find it,
also where Pagefind's segmenter cut the run into other words (searching 能工 inside 智能工厂). So
each page also carries its pairs of neighbouring characters as hidden metadata, spelled as words of
letters and digits that no segmenter cuts (see searchtext), and search.js asks for a query's pairs
rather than its words.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import json
import re
import os
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Container, Iterable

from .outputs import OutputFile, Spooled, content_bytes, spool
from .pagefindservice import PagefindError, PagefindService, Standby
from .pool import map_forked
from .searchtext import EXCLUDE, GRAMS, TITLE_GRAMS, han_grams, han_tokens, page_text

PREFIX = "pagefind/"
SHARDS = PREFIX + "shards.json"
SHARD_PAGES = 100  # a power of two of shards is used, so a shard holds 50 to 100 pages on average
# Pagefind also writes its own search interfaces; search.js uses only the search library.
_UNUSED = re.compile(r"pagefind-(component-|modular-)?ui\.(js|css)$|pagefind-highlight\.js$")
_BODY = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\sdata-pagefind-body[\s>=/]")
_LANG = re.compile(r'<html\b[^>]*\slang="([^"]*)"')
VERSION = "3"  # of the documents given to Pagefind: a change here retires the cached index


# Pagefind could not be run (it is missing, or it failed): like a missing program, not a content mistake.
SearchError = PagefindError


@dataclass
class SearchCache:
    """The last index, by shard folder: the digest of what the shard was built from, and its files;
    and the digest of each page's document ("" for a page with nothing to index).

    A file's bytes are kept in memory (`serve`) or spooled; a build keeps only names, the files being on disk.
    """

    shards: dict[str, tuple[str, dict[str, bytes | Spooled | None]]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None  # where documents are kept by digest (`build` with a cache), not stored itself

    def names_only(self) -> SearchCache:
        return SearchCache({folder: (key, dict.fromkeys(files)) for folder, (key, files) in self.shards.items()}, self.pages)


def indexed_region(page: bytes) -> tuple[str, str] | None:
    """(language, the element marked `data-pagefind-body` as HTML) of a page, or None if it has none."""
    text = page.decode("utf-8")
    found = _BODY.search(text)
    if found is None:
        return None
    name, start = found[1], found.start()
    depth = 0
    for tag in re.finditer(rf"<(/?){name}\b[^>]*>", text[start:]):
        depth += -1 if tag[1] else 1
        if depth == 0:
            lang = _LANG.search(text)
            return (lang[1] if lang else "", text[start:start + tag.end()])
    raise ValueError(f"<{name} data-pagefind-body> is never closed")


def search_document(lang: str, region: str) -> str:
    """What Pagefind reads for one page: its marked element, and its character pairs as metadata."""
    text, title = page_text(region)
    grams, title_grams = han_grams(text, title)
    hidden = "".join(
        f'<span data-pagefind-meta="{name}:{han_tokens(values)}"></span>'
        for name, values in ((GRAMS, grams), (TITLE_GRAMS, title_grams)) if values
    )
    end = region.rindex("</")
    return f'<!DOCTYPE html><html lang="{html.escape(lang)}"><meta charset="utf-8"><body>{region[:end]}{hidden}{region[end:]}</body></html>'


def search_documents(files: Iterable[OutputFile], output: Path | None, jobs: int = 1, grams: bool = True) -> dict[str, str]:
    """What Pagefind reads, by output file, for the HTML pages among `files` that mark an element.

    A page whose `data` is None is read from `output` (it is unchanged since the last build).
    `grams=False`: the pages as Pagefind alone would read them (for measurements).
    """
    pages = [f for f in files if f.output.endswith(".html")]
    made = map_forked(partial(_document, output=output, grams=grams), pages, jobs)
    return {f.output: d for f, d in zip(pages, made) if d is not None}


def write_search_documents(
    files: Iterable[OutputFile], output: Path | None, folder: Path, jobs: int = 1, keep_in: Path | None = None,
) -> dict[str, str]:
    """`search_documents`, each written to `folder` under its output path by the worker that made it
    (at 10,000 pages they weigh 300 MB, which this process need not hold), and kept in `keep_in` if
    given; returns each page's document digest, "" for a page with nothing to index."""
    pages = [f for f in files if f.output.endswith(".html")]
    work = partial(_write_document, output=output, folder=folder, keep_in=keep_in)
    return dict(zip((f.output for f in pages), map_forked(work, pages, jobs)))


def _document(file: OutputFile, output: Path | None, grams: bool = True) -> str | None:
    data = file.data
    if data is None:
        assert output is not None, f"{file.output} was not rendered and there is no output folder to read it from"
        data = output / file.output
    region = indexed_region(data.read_bytes() if isinstance(data, Path) else content_bytes(data))
    if region is None:
        return None
    return search_document(*region) if grams else f'<html lang="{html.escape(region[0])}"><body>{region[1]}</body></html>'


def _write_document(file: OutputFile, output: Path | None, folder: Path, keep_in: Path | None = None) -> str:
    document = _document(file, output)
    if document is None:
        return ""
    data = document.encode("utf-8")
    _placed(folder, file.output).write_bytes(data)
    digest = _digest(data)
    if keep_in is not None and not (keep_in / digest).exists():
        temp = keep_in / f".{digest}.{os.getpid()}.tmp"
        temp.write_bytes(zlib.compress(data, 1))
        os.replace(temp, keep_in / digest)  # whole or not at all, whichever build gets there first
    return digest


def _restored(kept: Path, digest: str, folder: Path, rel: str) -> bool:
    """Put the kept document with this digest in `folder` under `rel`; False if it is missing or damaged."""
    try:
        data = zlib.decompress((kept / digest).read_bytes())
    except (OSError, zlib.error):
        return False
    if _digest(data) != digest:
        return False
    _placed(folder, rel).write_bytes(data)
    return True


def _forget_unused(kept: Path, used: Container[str]) -> None:
    for entry in os.scandir(kept):
        if entry.name not in used and not entry.name.startswith("."):
            with contextlib.suppress(OSError):  # another build's tidying got there first
                os.unlink(entry.path)


def _placed(folder: Path, rel: str) -> Path:
    """Where the document of output file `rel` goes under `folder`, its parent folders made."""
    path = folder.joinpath(*rel.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def index_site(
    files: Iterable[OutputFile], output: Path | None, cache: SearchCache, kept: Container[str] = (), jobs: int = 1,
    meanwhile: Callable[[], object] | None = None, standby: Standby | None = None, spool_to: Path | None = None,
) -> list[OutputFile]:
    """Pagefind's files for the HTML pages among `files`, under `pagefind/` (see search_documents),
    left in `spool_to` if given (see `Spooled`), not in memory;
    `meanwhile` is called once, while Pagefind works (even when it has nothing to do); Pagefind
    starts with the `standby` process if given.

    A shard none of whose pages' indexed elements changed is reused: its files come back as they
    were (`data=None` when they are in `kept`, the files the last build left on disk). A page not
    rendered again (`data=None`) is read from `output` only if its shard must be built again, and
    its document is not kept in `cache.folder`.
    """
    pages = [f for f in files if f.output.endswith(".html")]
    unchanged = {f.output for f in pages if f.data is None and f.output in cache.pages}
    documents = cache.folder
    if documents is not None:
        documents.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="liaoning-search-") as temp:
        written = Path(temp, "pages")
        digests = {f.output: cache.pages[f.output] for f in pages if f.output in unchanged}
        digests.update(write_search_documents([f for f in pages if f.output not in unchanged], output, written, jobs, documents))
        cache.pages = digests
        indexed = sorted(rel for rel, digest in digests.items() if digest)
        count = shard_count(len(indexed))
        shards: dict[str, list[str]] = {}
        for rel in indexed:
            shards.setdefault(f"{PREFIX}{shard_of(rel, count)}/", []).append(rel)
        shards = dict(sorted(shards.items(), key=lambda item: int(item[0][len(PREFIX):-1])))
        keys = {folder: _key((rel, digests[rel]) for rel in rels) for folder, rels in shards.items()}
        result: list[OutputFile] = []
        stale: list[str] = []
        for folder, key in keys.items():
            last = cache.shards.get(folder)
            if last is not None and last[0] == key and all(data is not None or name in kept for name, data in last[1].items()):
                result += [OutputFile(name, data) for name, data in last[1].items()]
            else:
                stale.append(folder)
        missing = [rel for folder in stale for rel in shards[folder] if rel in unchanged]
        if documents is not None:
            missing = [rel for rel in missing if not _restored(documents, digests[rel], written, rel)]
        write_search_documents([OutputFile(rel, None) for rel in missing], output, written, jobs, documents)
        sites = {folder: _gathered(written, shards[folder], Path(temp, str(number))) for number, folder in enumerate(stale)}

        def and_tidy() -> None:
            if meanwhile is not None:
                meanwhile()
            if documents is not None:
                _forget_unused(documents, set(digests.values()))

        bundles = build_bundles(sites, jobs, and_tidy, standby, spool_to)
    for folder, bundle in bundles.items():
        result += bundle
        cache.shards[folder] = (keys[folder], {f.output: f.data for f in bundle})
    for folder in set(cache.shards) - set(keys):
        del cache.shards[folder]
    listing = json.dumps([folder.removeprefix(PREFIX) for folder in keys]).encode()
    return [OutputFile(SHARDS, listing), *sorted(result, key=lambda f: f.output)]


def shard_count(pages: int) -> int:
    count = 1
    while pages > count * SHARD_PAGES:
        count *= 2
    return count


def shard_of(rel: str, count: int) -> int:
    """A page's shard: from its output path alone, so it stays put while other pages come and go."""
    return int.from_bytes(hashlib.blake2b(rel.encode("utf-8"), digest_size=8).digest(), "big") % count


def _gathered(written: Path, pages: list[str], site: Path) -> Path:
    """A folder for Pagefind holding the documents of `pages`, moved there from `written`."""
    for rel in pages:
        written.joinpath(*rel.split("/")).rename(_placed(site, rel))
    return site


def build_bundle(documents: dict[str, str], folder: str = PREFIX) -> list[OutputFile]:
    """Pagefind's bundle for these documents (by output file), under `folder`, the same bytes every time."""
    with tempfile.TemporaryDirectory(prefix="liaoning-search-") as temp:
        for rel, document in documents.items():
            _placed(Path(temp), rel).write_text(document, encoding="utf-8")
        return build_bundles({folder: Path(temp)})[folder]


def build_bundles(
    sites: dict[str, Path], processes: int = 1, meanwhile: Callable[[], object] | None = None,
    standby: Standby | None = None, spool_to: Path | None = None,
) -> dict[str, list[OutputFile]]:
    """A bundle for each shard (folder -> the folder of its documents for Pagefind), by `processes`
    Pagefind processes at once, each indexing shard after shard (starting one costs a fifth of a
    second; the first is the `standby` one if given). `meanwhile` is called while they work.

    With `spool_to`, each bundle's files go there as soon as it is made (150 MB at 10,000 pages,
    else held until the output is written).
    """
    waiting = list(sites.items())
    bundles: dict[str, list[OutputFile]] = {}

    def index_in_turn() -> None:
        with standby.take() if standby is not None else PagefindService() as service:
            while waiting:
                folder, site = waiting.pop(0)
                files = service.index_folder(site, list(EXCLUDE))
                made = _same_bytes_every_time({rel: data for rel, data in files.items() if not _UNUSED.search(rel)})
                bundles[folder] = [
                    OutputFile(folder + rel, data if spool_to is None else spool(spool_to, folder + rel, data))
                    for rel, data in sorted(made.items())
                ]

    # Threads only wait on the Pagefind processes' pipes; the processes do the work.
    count = min(processes, len(sites))
    with ThreadPoolExecutor(max_workers=max(1, count)) as threads:
        started = [threads.submit(index_in_turn) for _ in range(count)]
        if meanwhile is not None:
            meanwhile()
        for running in started:
            running.result()
    return {folder: bundles[folder] for folder in sites}


def _digest(document: bytes) -> str:
    return hashlib.blake2b(document, digest_size=16).hexdigest()


def _key(pages: Iterable[tuple[str, str]]) -> str:
    """A shard's key: its pages (output file, document digest) and what turns documents into an index."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{VERSION}\0{_pagefind_version()}\0{EXCLUDE}\0".encode())
    for rel, digest in pages:
        hasher.update(f"{rel}\0{digest}\0".encode())
    return hasher.hexdigest()


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


def _same_bytes_every_time(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with the parts Pagefind writes in a random order put in order, and renamed after.

    Pagefind lists a filter's values, and the languages in pagefind-entry.json, in hash-map order,
    which changes from run to run. Filter files are named after their content and listed in each
    language's metadata, itself named in pagefind-entry.json: all three are rewritten.
    """
    renamed: dict[str, str] = {}  # old name -> new name, as the metadata and the entry file write them
    for rel in [r for r in files if r.startswith("filter/")]:
        data = _sorted_filter(_cbor_payload(files.pop(rel)))
        stem = rel.removeprefix("filter/").removesuffix(".pf_filter")
        name = f"{stem.rsplit('_', 1)[0]}_{hashlib.sha1(data).hexdigest()[:7]}"
        renamed[stem] = name
        files[f"filter/{name}.pf_filter"] = _gzip(data)
    for rel in [r for r in files if r.endswith(".pf_meta")]:
        data = _cbor_payload(files.pop(rel))
        for old, new in renamed.items():
            data = data.replace(old.encode(), new.encode())  # same length: the CBOR stays valid
        data = _sorted_filter_list(data, renamed.values())
        stem = rel.removeprefix("pagefind.").removesuffix(".pf_meta")
        name = f"{stem.rsplit('_', 1)[0]}_{hashlib.sha1(data).hexdigest()[:13]}"
        renamed[stem] = name
        files[f"pagefind.{name}.pf_meta"] = _gzip(data)
    entry = json.loads(files["pagefind-entry.json"])
    for language in entry.get("languages", {}).values():
        language["hash"] = renamed.get(language["hash"], language["hash"])
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return files


_SIGNATURE = b"pagefind_dcd"


def _cbor_payload(data: bytes) -> bytes:
    data = gzip.decompress(data)
    assert data.startswith(_SIGNATURE), "not a Pagefind data file"
    return data


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _sorted_filter(data: bytes) -> bytes:
    """A filter file (`[name, [[value, [page, ...]], ...]]` in CBOR) with its values in order."""
    at = _cbor_head(data, len(_SIGNATURE))[1]  # inside the outer array
    return _sorted_array(data, _cbor_end(data, at))  # after the filter's name


def _sorted_filter_list(data: bytes, names: Iterable[str]) -> bytes:
    """A language's metadata (a CBOR array) with its list of `[filter, file name]` pairs in order."""
    count, at = _cbor_head(data, len(_SIGNATURE))
    for _ in range(count):
        end = _cbor_end(data, at)
        if any(name.encode() in data[at:end] for name in names):
            return _sorted_array(data, at)
        at = end
    return data


def _sorted_array(data: bytes, at: int) -> bytes:
    """`data` with the items of the CBOR array that starts at `at` sorted by their bytes."""
    count, first = _cbor_head(data, at)
    items, end = [], first
    for _ in range(count):
        start, end = end, _cbor_end(data, end)
        items.append(data[start:end])
    return data[:first] + b"".join(sorted(items)) + data[end:]


def _cbor_head(data: bytes, at: int) -> tuple[int, int]:
    """(the argument of the CBOR item at `at`, where its content starts)."""
    info = data[at] & 31
    if info < 24:
        return info, at + 1
    if info > 27:
        raise ValueError("Pagefind wrote a CBOR item of indefinite length")
    size = 1 << (info - 24)
    return int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def _cbor_end(data: bytes, at: int) -> int:
    """Where the CBOR item that starts at `at` ends."""
    major = data[at] >> 5
    value, at = _cbor_head(data, at)
    if major in (2, 3):  # byte and text strings
        return at + value
    if major in (4, 5):  # arrays, maps
        for _ in range(value if major == 4 else 2 * value):
            at = _cbor_end(data, at)
        return at
    if major == 6:  # a tag, then its item
        return _cbor_end(data, at)
    return at  # integers and simple values
