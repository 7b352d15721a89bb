"""Search: recall on substring queries, index size and indexing time, with and without the pairs.

    python benchmarks/search_recall.py                    # the real site: recall, size, time
    python benchmarks/search_recall.py --corpus 1000      # also a synthetic corpus: size and time

Readers search like Ctrl-F: every run of two or more Chinese characters on a page must find it.
Queries are cut out of the text Pagefind indexed for every page (a fixed random seed, lengths 2
to 8), in both scripts, and run in Chromium (Debian's, through Playwright) against:

  Pagefind alone     the index without the character pairs, queried with the words as typed
  with pairs         the index the build writes, queried through js/search.js (its pairs)

Index size is what grows with the content: index/, fragment/, filter/ and the metadata files
(the JavaScript and WebAssembly that come with Pagefind are the same for any site).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from liaoning_site.outputs import OutputFile  # noqa: E402
from liaoning_site.pool import default_jobs  # noqa: E402
from liaoning_site.search import build_bundle, search_documents  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
DATA = re.compile(r"^(index|fragment|filter)/|\.pf_meta$")


def build(source: Path, output: Path, *extra: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "liaoning_site", "build", "--source", str(source), "--output", str(output), *extra],
                          capture_output=True, text=True, env={**os.environ, "CI": "true", "LIAONING_SITE_LANG": "en"})
    if done.returncode != 0:
        raise SystemExit(f"build of {source} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def index(output: Path, grams: bool) -> tuple[list[OutputFile], float]:
    """Pagefind's bundle for the pages already in `output`, as the build makes it; and the seconds it took."""
    pages = [OutputFile(p.relative_to(output).as_posix(), None) for p in sorted(output.rglob("*.html"))]
    started = time.perf_counter()
    files = build_bundle(search_documents(pages, output, default_jobs(), grams))
    return files, time.perf_counter() - started


def data_size(files: list[OutputFile]) -> int:
    return sum(len(f.data or b"") for f in files if DATA.search(f.output.removeprefix("pagefind/")))


def write(files: list[OutputFile], folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for f in files:
        path = folder / f.output.removeprefix("pagefind/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f.data or b"")


def records(files: list[OutputFile]) -> dict[str, dict]:
    """Pagefind's record of each indexed page (text, filters, metadata, URL) by its id."""
    found = {}
    for f in sorted(files, key=lambda f: f.output):
        if f.output.startswith("pagefind/fragment/"):
            page_id = f.output.rsplit("/", 1)[1].removesuffix(".pf_fragment")
            found[page_id] = json.loads(gzip.decompress(f.data or b"")[len(b"pagefind_dcd"):])
    return found


def queries(files: list[OutputFile], per_page: int, seed: int = 2025) -> dict[str, list[tuple[str, str]]]:
    """By language: (query, page URL), runs of characters cut out of each indexed page's text."""
    rnd = random.Random(seed)
    found: dict[str, list[tuple[str, str]]] = {}
    for page_id, record in records(files).items():
        runs = HAN_RUN.findall(record["content"].replace("\u200b", ""))
        for _ in range(per_page):
            run = rnd.choice(runs)
            size = rnd.randint(2, min(8, len(run)))
            start = rnd.randrange(len(run) - size + 1)
            found.setdefault(page_id.rsplit("_", 1)[0], []).append((run[start:start + size], record["url"]))
    return found


SEARCH = """async ([bundle, pairs, urls, queries]) => {
    const { findPages } = await import(document.querySelector('script[src*="/js/search."]').src);
    const pagefind = await import(bundle + "pagefind.js");
    const missed = [];
    for (const [query, url] of queries) {
        const found = pairs ? await findPages(pagefind, query) : await pagefind.search(query);
        if (!found.results.some((result) => urls[result.id] === url)) missed.push(query);
    }
    return missed;
}"""


def recall(output: Path, alone: list[OutputFile], ours: list[OutputFile], per_page: int) -> None:
    from playwright.sync_api import sync_playwright

    write(alone, output / "pagefind-alone")
    write(ours, output / "pagefind-pairs")  # as the build makes it, in one piece (the build's own may be in shards)
    quiet = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *args: None})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    asked = queries(ours, per_page)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        for language, prefix in (("zh-cn", ""), ("zh-hant", "zh-hant/")):
            if language not in asked:
                continue
            page.goto(url + prefix + "search/")
            page.wait_for_selector("[data-search][data-state=done]")
            for name, bundle, pairs, files in (("Pagefind alone", "/pagefind-alone/", False, alone), ("with pairs", "/pagefind-pairs/", True, ours)):
                urls = {page_id: record["url"] for page_id, record in records(files).items()}
                missed = page.evaluate(SEARCH, [bundle, pairs, urls, asked[language]])
                total = len(asked[language])
                print(f"  recall {language:8} {name:15} {total - len(missed):5}/{total} = {100 * (total - len(missed)) / total:5.1f} %"
                      + (f"   missed e.g. {' '.join(missed[:6])}" if missed else ""))
        browser.close()
    server.shutdown()


def report(title: str, output: Path, build_seconds: float) -> tuple[list[OutputFile], list[OutputFile]]:
    alone, alone_seconds = index(output, grams=False)
    ours, ours_seconds = index(output, grams=True)
    pages = sum(1 for f in ours if f.output.startswith("pagefind/fragment/"))
    print(f"{title}: {pages} pages indexed; cold build {build_seconds:.2f} s, of which indexing {ours_seconds:.2f} s")
    print(f"  index data: Pagefind alone {data_size(alone) / 1024:9.1f} KB ({alone_seconds:.2f} s)")
    print(f"              with pairs     {data_size(ours) / 1024:9.1f} KB ({ours_seconds:.2f} s) = "
          f"{data_size(ours) / data_size(alone):.2f} x")
    bundle = sum(len(f.data or b"") for f in ours)
    print(f"  whole pagefind/ folder as deployed: {bundle / 1024:.1f} KB in {len(ours)} files")
    return alone, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-page", type=int, default=40, help="substring queries per indexed page and script")
    parser.add_argument("--corpus", type=int, default=0, help="also measure a synthetic corpus of this many articles")
    parser.add_argument("--no-recall", action="store_true", help="sizes and times only (no browser)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="search-bench-") as temp:
        work = Path(temp)
        output = work / "real"
        seconds = build(ROOT, output, "--no-cache")
        alone, ours = report("real site", output, seconds)
        if not args.no_recall:
            recall(output, alone, ours, args.per_page)
        if args.corpus:
            from corpus import make_corpus

            source = make_corpus(args.corpus, work / f"corpus-{args.corpus}")
            seconds = build(source, source / "_site")
            report(f"synthetic corpus of {args.corpus} articles", source / "_site", seconds)
            page = next((source / "content" / "articles").rglob("a000007.md"))
            page.write_text(page.read_text(encoding="utf-8").replace("\n\n", "\n\n补充的一段文字。\n\n", 1), encoding="utf-8")
            print(f"  one article edited: build {build(source, source / '_site'):.2f} s (the whole index is built again)")
            css = ROOT / "static" / "css" / "site.css"
            theme = source / "static" / "css"
            theme.mkdir(parents=True, exist_ok=True)
            (theme / "site.css").write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
            print(f"  stylesheet edited (every page changes, not their text): build {build(source, source / '_site'):.2f} s "
                  "(the index is reused)")


if __name__ == "__main__":
    main()
