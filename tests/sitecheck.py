"""Helpers for end-to-end tests: read a built site the way a browser or crawler would."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(values[name] or "")


def parse_page(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def file_for(output: Path, base_path: str, url_path: str) -> Path | None:
    """The output file a site-internal URL path maps to, or None if it leaves the site."""
    if not url_path.startswith(base_path):
        return None
    rel = unquote(url_path[len(base_path):])
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return output / rel


def broken_links(output: Path, base_path: str = "/") -> list[str]:
    """Every internal link or asset (including #fragments) that does not resolve in the output."""
    problems = []
    ids_cache: dict[Path, set[str]] = {}
    for page in html_pages(output):
        parsed = parse_page(page)
        ids_cache[page] = parsed.ids
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "tel:")):
                continue
            if not parts.path:  # same-page fragment
                if parts.fragment and unquote(parts.fragment) not in parsed.ids:
                    problems.append(f"{page.relative_to(output)}: #{parts.fragment} has no target")
                continue
            if not parts.path.startswith("/"):
                problems.append(f"{page.relative_to(output)}: relative link {link!r}")
                continue
            target = file_for(output, base_path, parts.path)
            if target is None or not target.is_file():
                problems.append(f"{page.relative_to(output)}: {link} does not exist")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = parse_page(target).ids
                if unquote(parts.fragment) not in ids_cache[target]:
                    problems.append(f"{page.relative_to(output)}: {link} has no such anchor")
    return problems
