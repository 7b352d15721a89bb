"""Check every link and image in the documents' bodies and decide what each one points to.

Relative `.md` links become the target's page URL; other relative files (images, PDFs)
are copied next to the page that uses them; site paths (`/archive/`) must name an output.
Each problem is reported at the link's own line and column.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Iterable, Protocol
from urllib.parse import urlsplit

from ..config import SITE_FILE, SiteConfig
from ..diagnostics import Diagnostics, tr
from ..validate import find_image
from ..links import Reference
from .urls import Route


class Document(Protocol):
    source: str
    references: tuple[Reference, ...]


@dataclass(frozen=True, slots=True)
class Asset:
    """A file copied into the output as it is."""

    path: Path
    output: str
    origin: str  # source file that brought it in, for diagnostics


def check_links(
    documents: Iterable[Document],
    routes: dict[str, Route],
    all_sources: set[str],
    config: SiteConfig,
    diagnostics: Diagnostics,
) -> tuple[dict[str, dict[str, str]], tuple[Asset, ...]]:
    """Return, per document, {target as written -> site path}, plus the files to copy."""
    links: dict[str, dict[str, str]] = {}
    assets: list[Asset] = []
    for doc in documents:
        mapping: dict[str, str] = {}
        for ref in doc.references:
            if ref.is_image and not ref.text.strip():
                diagnostics.error(doc.source, ref.position, tr(
                    f"image {ref.target!r} has no alt text: write `![what it shows]({ref.target})`",
                    f"图片 {ref.target!r} 没有替代文字：请写成 `![图片内容]({ref.target})`",
                ))
            if not ref.local:
                continue
            target = ref.path
            suffix = f"#{ref.fragment}" if ref.fragment else ""
            if target.endswith(".md"):
                path = _page_link(doc.source, ref, target, routes, all_sources, diagnostics)
                if path is not None:
                    mapping[ref.target] = path + suffix
                continue
            asset = _file_link(doc, ref, target, routes[doc.source], config, diagnostics)
            if asset is not None:
                assets.append(asset)
                mapping[ref.target] = asset.output + suffix
        links[doc.source] = mapping
    return links, tuple(assets)


def _page_link(source, ref: Reference, target: str, routes, all_sources, diagnostics) -> str | None:
    if target in routes:
        return routes[target].path
    if target in all_sources:
        diagnostics.error(source, ref.position, tr(
            f"link to {target}, which is not published in this build (a draft, or dated in the future)",
            f"链接到的 {target} 在这次生成中不发布（是草稿，或日期在将来）",
        ))
    else:
        diagnostics.error(source, ref.position, tr(
            f"link to {target}, which does not exist; check the file name and the `../` parts",
            f"链接到的 {target} 不存在；请检查文件名和 `../` 部分",
        ))
    return None


def _file_link(doc: Document, ref: Reference, target: str, route: Route, config: SiteConfig, diagnostics) -> Asset | None:
    beside = config.source_dir / posixpath.dirname(doc.source)
    written = urlsplit(ref.target).path
    found = find_image(written, beside, config)
    if found is None:
        kind = tr("image", "图片") if ref.is_image else tr("file", "文件")
        diagnostics.error(doc.source, ref.position, tr(
            f"{kind} {ref.target!r} not found beside {doc.source} or under static/",
            f"找不到{kind} {ref.target!r}：{doc.source} 旁边和 static/ 下都没有",
        ))
        return None
    path, static_output = found
    # A file beside the document is published next to the document's page.
    return Asset(path, static_output or route.path + path.name, doc.source)


def check_site_paths(documents: Iterable[Document], outputs: AbstractSet[str], config: SiteConfig, diagnostics: Diagnostics) -> None:
    """Links written as site paths (`/archive/`), in bodies and in the menu, must lead to an output."""
    written = [(doc.source, ref.target, ref.position) for doc in documents for ref in doc.references if ref.target.startswith("/")]
    written += [(SITE_FILE, item.url, item.position) for item in config.navigation]
    for source, target, position in written:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
            continue
        path = parts.path.lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        if path not in outputs:
            diagnostics.error(source, position, tr(f"link to {parts.path}, which is not a page of this site", f"链接到的 {parts.path} 不是本站的页面"))
