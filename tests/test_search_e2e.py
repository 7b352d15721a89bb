"""The real site, built: its search index, the search page and what every page tells the index."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from support import ROOT
from liaoning_site.searchtext import han_token
from liaoning_site.cli import main


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("search") / "out"
    assert main(["build", "--source", str(ROOT), "--output", str(output), "--no-cache"]) == 0
    return output


def fragments(site: Path) -> dict[str, dict]:
    """The indexed pages by URL: Pagefind's record of each (text, filters, metadata)."""
    found = {}
    for path in site.glob("pagefind/*/fragment/*.pf_fragment"):
        record = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        found[record["url"]] = record
    return found


def test_the_index_is_built_with_the_site(site: Path) -> None:
    assert json.loads((site / "pagefind" / "shards.json").read_bytes()) == ["0/"]  # a site this size is one shard
    bundle = site / "pagefind" / "0"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-worker.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    languages = entry["languages"]
    assert set(languages) == {"zh-cn", "zh-hant"}  # the Traditional mirror has its own
    for language in languages.values():
        assert (bundle / f"pagefind.{language['hash']}.pf_meta").is_file()
    articles = len(list((ROOT / "content" / "articles").rglob("*.md")))
    scenarios = len(list((ROOT / "content" / "scenarios").glob("*.md")))
    pages = len(list((ROOT / "content" / "pages").glob("*.md")))
    assert languages["zh-cn"]["page_count"] == articles + scenarios + pages


def test_only_content_is_indexed_not_lists_or_navigation(site: Path) -> None:
    records = fragments(site)
    assert "/articles/jinnong-hotline/" in records and "/zh-hant/articles/jinnong-hotline/" in records
    assert "/scenarios/digital-life/" in records and "/about/" in records
    assert not any(url.startswith(("/tags/", "/regions/", "/groups/", "/archive/", "/search/")) or url == "/" for url in records)
    text = records["/articles/jinnong-hotline/"]["content"]
    assert "金农" in text
    for chrome in ("跳到正文", "主导航", "本文目录", "相关报道", "分享本文", "首页"):
        assert chrome not in text


def test_filters_and_metadata_of_an_article(site: Path) -> None:
    records = fragments(site)
    article = records["/articles/jinnong-hotline/"]
    assert article["filters"] == {"kind": ["典型案例"], "region": ["全省"], "scenario": ["数字工作", "数字学习"]}
    meta = article["meta"]
    assert meta["title"].startswith("辽宁") and "金农热线" in meta["title"].replace(" ", "")
    assert meta["date"] == "2025年6月12日" and meta["scenario"] == "数字工作、数字学习"
    assert {han_token("金农"), han_token("农热"), han_token("热线")} <= set(meta["title_grams"].split())
    twin = records["/zh-hant/articles/jinnong-hotline/"]
    assert twin["filters"]["scenario"] == ["數字工作", "數字學習"]
    assert records["/scenarios/digital-life/"]["filters"] == {"kind": ["场景"], "scenario": ["数字生活"]}


def test_the_search_page_and_the_header_box(site: Path) -> None:
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in page
    assert 'data-pagefind="/pagefind/"' in page and 'data-base="/"' in page
    assert '<script type="module" src="/js/search.' in page
    for choice in ("<option>数字生活</option>", "<option>丹东市</option>", "<option>新闻动态</option>"):
        assert choice in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<form class="site-search" role="search" aria-label="全站搜索" action="/search/" method="get">' in home
    assert "data-pagefind-body" not in home
    twin = (site / "zh-hant" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'action="/zh-hant/search/"' in twin and 'data-pagefind="/pagefind/"' in twin  # one index for both


def test_a_sub_path_reaches_the_search_page_and_the_index(tmp_path: Path) -> None:
    output = tmp_path / "out"
    assert main(["build", "--source", str(ROOT), "--output", str(output), "--no-cache", "--base-url", "https://example.org/szsy/"]) == 0
    page = (output / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind="/szsy/pagefind/"' in page and 'data-base="/szsy/"' in page
    assert 'action="/szsy/search/"' in (output / "index.html").read_text(encoding="utf-8")
    # Pagefind records paths from the output folder; search.js puts the base path in front.
    assert "/articles/jinnong-hotline/" in fragments(output)


def test_an_unchanged_build_keeps_the_index_files(tmp_path: Path) -> None:
    import shutil

    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, tmp_path / "site" / name)
    source = tmp_path / "site"
    assert main(["build", "--source", str(source)]) == 0
    bundle = source / "_site" / "pagefind"
    before = {p: p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()}
    css = source / "static" / "css" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* a change of style */\n", encoding="utf-8")
    assert main(["build", "--source", str(source)]) == 0  # every page changes (the stylesheet's name)...
    assert {p: p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()} == before  # ...not what they say
