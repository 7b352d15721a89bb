"""What search engines, link previews and phones read: Open Graph, JSON-LD, icons and the manifest."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from support import ROOT
from liaoning_site.cli import main
from liaoning_site.metadata import json_ld


class Head(HTMLParser):
    """Meta tags, links and JSON-LD blocks of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.jsonld: list[dict] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta.setdefault(values.get("property") or values["name"], []).append(values.get("content", ""))
        elif tag == "link" and "rel" in values:
            self.links.setdefault(values["rel"], values.get("href", ""))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_jsonld = True

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(json.loads(data))
            self._in_jsonld = False


def head_of(page: Path) -> Head:
    head = Head()
    head.feed(page.read_text(encoding="utf-8"))
    return head


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("meta") / "out"
    assert main(["build", "--source", str(ROOT), "--output", str(out), "--no-cache", "--base-url", "https://example.org/szsy/"]) == 0
    return out


def an_article(site: Path) -> Path:
    return sorted((site / "articles").glob("*/index.html"))[0]


def test_article_has_open_graph_and_twitter_tags(site: Path) -> None:
    page = an_article(site)
    head = head_of(page)
    url = "https://example.org/szsy/" + page.parent.relative_to(site).as_posix() + "/"
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:url"] == [url] and head.links["canonical"] == url
    assert head.meta["og:title"][0] and head.meta["og:title"] == head.meta["twitter:title"]
    assert head.meta["og:description"] == head.meta["description"] == head.meta["twitter:description"]
    assert head.meta["og:locale"] == ["zh_CN"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", head.meta["article:published_time"][0])
    assert len(head.meta["article:section"]) == 1


def test_article_describes_itself_as_a_news_article_with_breadcrumbs(site: Path) -> None:
    page = an_article(site)
    head = head_of(page)
    kinds = {item["@type"]: item for item in head.jsonld}
    news, trail = kinds["NewsArticle"], kinds["BreadcrumbList"]
    assert news["@context"] == "https://schema.org"
    assert news["headline"] == head.meta["og:title"][0]
    assert news["url"] == head.links["canonical"] == news["mainEntityOfPage"]["@id"]
    assert news["datePublished"] == head.meta["article:published_time"][0]
    assert news["publisher"]["name"] == "辽宁省全民数字素养与技能提升月"
    logo = news["publisher"]["logo"]["url"]
    assert logo.startswith("https://example.org/szsy/") and (site / logo.removeprefix("https://example.org/szsy/")).is_file()
    assert news["author"][0]["name"]
    names = [item["name"] for item in trail["itemListElement"]]
    assert names[0] == "首页" and names[-1] == news["headline"] and len(names) == 3
    assert [item["position"] for item in trail["itemListElement"]] == [1, 2, 3]
    assert trail["itemListElement"][0]["item"] == "https://example.org/szsy/"


def test_home_page_offers_site_search_to_search_engines(site: Path) -> None:
    head = head_of(site / "index.html")
    [website] = [item for item in head.jsonld if item["@type"] == "WebSite"]
    assert website["url"] == "https://example.org/szsy/"
    assert website["potentialAction"]["target"]["urlTemplate"] == "https://example.org/szsy/search/?q={search_term_string}"
    assert head.meta["og:type"] == ["website"]


@pytest.mark.parametrize("page", ["scenarios/digital-life/index.html", "archive/index.html", "tags/index.html", "about/index.html"])
def test_other_pages_carry_breadcrumbs_from_the_home_page(site: Path, page: str) -> None:
    [trail] = [item for item in head_of(site / page).jsonld if item["@type"] == "BreadcrumbList"]
    items = trail["itemListElement"]
    assert items[0]["name"] == "首页" and items[-1]["item"] == "https://example.org/szsy/" + page.removesuffix("index.html")


def test_icons_and_manifest_work_under_a_sub_path(site: Path) -> None:
    head = head_of(site / "index.html")
    assert head.links["manifest"] == "/szsy/manifest.webmanifest"
    assert head.links["apple-touch-icon"] == "/szsy/apple-touch-icon.png"
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == manifest["scope"] == "/szsy/"
    assert manifest["lang"] == "zh-CN" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        path = site / icon["src"].removeprefix("/szsy/")
        assert path.is_file(), icon
        if icon["type"] == "image/png":
            width, height = map(int, icon["sizes"].split("x"))
            assert Image.open(path).size == (width, height)
    assert Image.open(site / "apple-touch-icon.png").size == (180, 180)
    assert {size for size in Image.open(site / "favicon.ico").info["sizes"]} >= {(16, 16), (32, 32)}


def test_json_ld_cannot_end_its_script_element() -> None:
    text = str(json_ld({"headline": "</script><script>alert(1)</script><!-- \u2028"}))
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text)["headline"] == "</script><script>alert(1)</script><!-- \u2028"
