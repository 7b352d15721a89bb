"""Crawl the served output like a reader's browser: every internal link and asset answers 200,
at the domain root and under a sub-path base URL."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from httpfolder import serving
from support import ROOT
from liaoning_site.cli import main


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src", "poster") or (name == "content" and value.startswith("http")):
                self.found.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.found += [part.split()[0] for part in value.split(",") if part.strip()]


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def crawl(start: str, public: str) -> tuple[set[str], list[str]]:
    """Visit every page reachable from `start`; absolute links to `public` are read from the server."""
    seen, broken, queue = {start}, [], [start]
    while queue:
        url = queue.pop()
        status, body, kind = fetch(url)
        if status != 200:
            broken.append(f"{url}: {status}")
            continue
        targets: list[str] = []
        if kind.startswith("text/html"):
            parser = _Links()
            parser.feed(body.decode("utf-8"))
            targets = parser.found
        elif kind.startswith("text/css"):
            targets = re.findall(r"url\(['\"]?([^'\")]+)", body.decode("utf-8"))
        elif url.endswith(".webmanifest"):
            targets = re.findall(r'"src": "([^"]+)"', body.decode("utf-8"))
        for target in targets:
            absolute = urldefrag(urljoin(url, target))[0]
            if absolute.startswith(public):  # canonical and og: URLs name the public site
                absolute = start + absolute[len(public):]
            if absolute.startswith(start) and absolute not in seen:
                seen.add(absolute)
                queue.append(absolute)
            elif urlsplit(absolute).netloc == urlsplit(start).netloc and not absolute.startswith(start):
                broken.append(f"{url}: {target} leaves the base path")
    return seen, broken


@pytest.mark.parametrize("base", ["https://example.org/", "https://example.org/szsy/"])
def test_every_internal_link_and_asset_answers(base: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", "--source", str(ROOT), "--output", str(out), "--no-cache", "--base-url", base]) == 0
    with serving(out, urlsplit(base).path) as start:
        seen, broken = crawl(start, base)
    assert broken == []
    pages = {p for p in seen if p.endswith("/")}
    assert len(pages) == len(list(out.rglob("index.html")))  # every page is reachable by links
    assert any(p.endswith(".css") for p in seen) and any(p.endswith("icon-192.png") for p in seen)
