"""The search stage: what a page says, its pairs of characters, and Pagefind's index as output files."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from liaoning_site.outputs import OutputFile
from liaoning_site.pagefindservice import Standby
from liaoning_site.cli import main
from liaoning_site import search
from liaoning_site.search import SearchCache, SearchError, index_site, indexed_region, search_document
from liaoning_site.searchtext import han_grams, han_token, page_text


def page(body: str, lang: str = "zh-CN", marked: bool = True) -> bytes:
    attribute = " data-pagefind-body" if marked else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title></head><body><header>站点导航</header>'
        f'<main id="main"{attribute}>{body}</main><footer>页脚文字</footer></body></html>'
    ).encode("utf-8")


ARTICLE = (
    '<div hidden data-pagefind-ignore><span data-pagefind-filter="kind">典型案例</span>'
    '<span data-pagefind-meta="date">2025年6月12日</span></div>'
    '<p class="breadcrumb"><a href="/">首页</a> / 数字工作</p>'
    "<h1>智能工厂建设</h1>"
    '<div class="prose"><p>辽宁省评选<a href="/x/">数字化车间</a>和智能工厂&amp;标杆。</p>'
    '<div><div class="share"><div>分享本文</div><p>微信扫一扫</p></div></div>'
    "<script>var 脚本 = 1;</script><p>成效明显</p></div>"
)


# --- what a page says


def test_page_text_leaves_out_navigation_scripts_and_ignored_parts() -> None:
    text, title = page_text(ARTICLE)
    assert title == "智能工厂建设"
    assert "辽宁省评选数字化车间和智能工厂&标杆。" in text  # links are part of the sentence; entities decoded
    assert "成效明显" in text
    for left_out in ("首页", "分享本文", "微信扫一扫", "脚本", "典型案例", "2025年6月12日"):
        assert left_out not in text


def test_pairs_cover_every_run_and_the_title_has_its_own() -> None:
    grams, title_grams = han_grams("智能工厂建设。辽宁省评选工厂", "智能工厂建设")
    assert title_grams == ["厂建", "工厂", "建设", "智能", "能工"]
    assert {"辽宁", "宁省", "省评", "评选", "选工"} <= set(grams)
    assert not set(grams) & set(title_grams)
    # 设 only ever ends a run: alone, it is a word too, for a browser that splits the pair 建设.
    assert "设" in grams and "厂" not in grams  # 厂 begins the pair 厂建


def test_only_runs_of_two_or_more_characters_make_pairs() -> None:
    assert han_grams("AI 与 5G 技术", "") == (["技术", "术"], [])


def test_characters_are_spelled_in_letters_and_digits_of_one_width() -> None:
    assert han_token("能工") == "q0ph90ijp"  # U+80FD is 0·36³ + 25·36² + 17·36 + 9, U+5DE5 0·36³ + 18·36² + 19·36 + 25
    assert re.fullmatch(r"q[0-9a-z]{8}", han_token("数字")) and re.fullmatch(r"q[0-9a-z]{4}", han_token("\U0003134f"))
    # Every character has four digits: no pair's token begins another pair's, and each reads back.
    chars = ["一", "\u3400", "\u9fff", "\uf900", "\U00020000", "\U0003134f", "\U0010ffff"]
    tokens = {han_token(a + b): a + b for a in chars for b in chars}
    assert len(tokens) == len(chars) ** 2
    assert not any(t != u and u.startswith(t) for t in tokens for u in tokens)
    assert all("".join(chr(int(t[i:i + 4], 36)) for i in (1, 5)) == pair for t, pair in tokens.items())


# --- the documents Pagefind reads


def test_the_marked_element_is_found_whole_with_its_language() -> None:
    html = page('<div><main data-x="1">inner</main></div><p>尾</p>', lang="zh-Hant")
    lang, region = indexed_region(html)  # type: ignore[misc]
    assert lang == "zh-Hant"
    assert region.startswith('<main id="main" data-pagefind-body>') and region.endswith("<p>尾</p></main>")
    assert indexed_region(page("<p>正文</p>", marked=False)) is None


def test_a_search_document_carries_the_pairs_as_hidden_metadata() -> None:
    lang, region = indexed_region(page(ARTICLE))  # type: ignore[misc]
    document = search_document(lang, region)
    assert document.startswith('<!DOCTYPE html><html lang="zh-CN">')
    tokens = " ".join(han_token(pair) for pair in ["厂建", "工厂", "建设", "智能", "能工"])
    assert f'<span data-pagefind-meta="title_grams:{tokens}"></span></main>' in document
    assert "站点导航" not in document and "页脚文字" not in document


# --- the index


def pages(**bodies: str) -> list[OutputFile]:
    return [OutputFile(f"{slug}/index.html", page(body)) for slug, body in bodies.items()]


@pytest.fixture(scope="module")
def built() -> tuple[list[OutputFile], SearchCache]:
    cache = SearchCache()
    files = [*pages(a=ARTICLE, b="<h1>大梨树村</h1><p>数字乡村</p>"), OutputFile("c/index.html", page("<p>不在索引里</p>", marked=False))]
    return index_site([*files, OutputFile("feed.xml", b"<feed/>")], None, cache), cache


def test_the_index_is_written_as_output_files_under_pagefind(built) -> None:
    files, _ = built
    names = {f.output for f in files}
    assert {"pagefind/shards.json", "pagefind/0/pagefind.js", "pagefind/0/pagefind-worker.js", "pagefind/0/pagefind-entry.json"} <= names
    assert json.loads(next(f.data for f in files if f.output == "pagefind/shards.json")) == ["0/"]
    assert all(f.output.startswith("pagefind/") and isinstance(f.data, bytes) for f in files)
    assert not any("pagefind-ui" in name or "highlight" in name for name in names)  # search.js is the interface
    entry = json.loads(next(f.data for f in files if f.output == "pagefind/0/pagefind-entry.json"))
    assert entry["languages"]["zh-cn"]["page_count"] == 2  # the unmarked page is not in it


def test_fragments_hold_the_text_filters_and_metadata(built) -> None:
    files, _ = built
    fragments = [json.loads(gzip.decompress(f.data)[12:]) for f in files if f.output.startswith("pagefind/0/fragment/")]
    article = next(f for f in fragments if f["url"] == "/a/")
    assert article["filters"] == {"kind": ["典型案例"]}
    assert article["meta"]["date"] == "2025年6月12日" and article["meta"]["title"] == "智能工厂建设"
    assert han_token("能工") in article["meta"]["title_grams"].split()
    assert "首页" not in article["content"] and "分享" not in article["content"]


def test_the_same_pages_give_the_same_bytes(built) -> None:
    files, _ = built
    again = index_site(pages(a=ARTICLE, b="<h1>大梨树村</h1><p>数字乡村</p>"), None, SearchCache())
    assert {f.output: f.data for f in again} == {f.output: f.data for f in files}


def test_unchanged_pages_reuse_the_last_index(built, tmp_path: Path) -> None:
    files, cache = built
    output = tmp_path / "out"
    (output / "b").mkdir(parents=True)
    (output / "b" / "index.html").write_bytes(page("<h1>大梨树村</h1><p>数字乡村</p>"))
    on_disk = cache.names_only()  # as a later build reads it from .cache/
    names = {name for _, shard in cache.shards.values() for name in shard}
    unchanged = [OutputFile("a/index.html", page(ARTICLE)), OutputFile("b/index.html", None)]
    reused = index_site(unchanged, output, on_disk, kept=names)
    assert {(f.output, f.data) for f in reused if f.output != "pagefind/shards.json"} == {(name, None) for name in names}
    # Not on disk any more (someone removed the output): built again.
    assert all(f.data is not None for f in index_site(unchanged, output, on_disk, kept=()))


def test_an_edited_page_rebuilds_the_index(built) -> None:
    files, cache = built
    edited = index_site(pages(a=ARTICLE, b="<h1>大梨树村</h1><p>数字乡村振兴</p>"), None, cache)
    assert {f.output for f in edited} != {f.output for f in files}
    assert all(f.data is not None for f in edited)


def test_a_large_site_is_indexed_in_shards_and_an_edit_rebuilds_only_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHARD_PAGES", 2)
    bodies = {f"p{n}": f"<h1>第{n}篇</h1><p>数字乡村第{n}段正文</p>" for n in range(7)}
    cache = SearchCache()
    built = [f.output for f in index_site(pages(**bodies), None, cache)]
    listing = json.loads(index_site(pages(**bodies), None, cache)[0].data)
    # 7 pages, at most 2 a shard on average: 4 shards, of which (by the paths' hashes) none is empty
    # here; an empty one would be left out of the list.
    assert len(listing) >= 3 and set(listing) <= {"0/", "1/", "2/", "3/"}
    fragments_by_shard = {folder: sum(1 for name in built if name.startswith(f"pagefind/{folder}fragment/")) for folder in listing}
    assert sum(fragments_by_shard.values()) == 7 and all(fragments_by_shard.values())
    made = []
    real_build = search.build_bundles
    monkeypatch.setattr(search, "build_bundles", lambda sites, *rest: made.extend(
        (f, {p.relative_to(d).as_posix() for p in d.rglob("*.html")}) for f, d in sites.items()) or real_build(sites, *rest))
    edited = {**bodies, "p3": "<h1>第3篇</h1><p>改过的正文</p>"}
    index_site(pages(**edited), None, cache)
    assert len(made) == 1 and "p3/index.html" in made[0][1] and len(made[0][1]) < 7
    # The shards' bundles together are what searching the whole site needs: every page, once.
    entries = [json.loads(f.data) for f in index_site(pages(**edited), None, cache) if f.output.endswith("pagefind-entry.json")]
    assert sum(e["languages"]["zh-cn"]["page_count"] for e in entries) == 7


def test_a_page_not_rendered_again_is_read_only_when_its_shard_is_rebuilt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(search, "SHARD_PAGES", 1)
    names = [f"p{n}" for n in range(20)]
    one, other = next((a, b) for a in names for b in names if search.shard_of(f"{a}/index.html", 2) != search.shard_of(f"{b}/index.html", 2))
    cache = SearchCache()
    index_site(pages(**{one: "<h1>第一篇</h1>", other: "<h1>第二篇</h1>"}), None, cache)
    # `other` was not rendered again, and is not in the (empty) output folder: its shard is reused.
    again = [*pages(**{one: "<h1>第一篇，改过</h1>"}), OutputFile(f"{other}/index.html", None)]
    entries = [json.loads(f.data) for f in index_site(again, tmp_path, cache) if f.output.endswith("pagefind-entry.json")]
    assert sum(e["languages"]["zh-cn"]["page_count"] for e in entries) == 2
    # Its shard changes (a page joins it): now it is read, and it is missing.
    with pytest.raises(FileNotFoundError):
        index_site([*again, *pages(**{n: "<h1>新的一篇</h1>" for n in names if n not in (one, other)})], tmp_path, cache)


def test_a_site_with_nothing_to_index_lists_no_shard() -> None:
    files = index_site([OutputFile("c/index.html", page("<p>不在索引里</p>", marked=False))], None, SearchCache())
    assert [(f.output, json.loads(f.data)) for f in files] == [("pagefind/shards.json", [])]


def test_pages_keep_their_shard_while_others_come_and_go() -> None:
    paths = [f"articles/a{n}/index.html" for n in range(1000)]
    assert [search.shard_of(p, 8) for p in paths] == [search.shard_of(p, 8) for p in reversed(paths)][::-1]
    most = search.SHARD_PAGES
    assert search.shard_count(most) == 1 and search.shard_count(most + 1) == 2 and search.shard_count(64 * most + 1) == 128
    sizes = [sum(1 for p in paths if search.shard_of(p, 8) == n) for n in range(8)]
    assert min(sizes) > 80 and max(sizes) < 170  # spread evenly


def test_without_pagefind_the_build_fails_and_leaves_the_output(make_site, tmp_path: Path, monkeypatch, capsys) -> None:
    site = make_site()
    output = tmp_path / "out"
    assert main(["build", "--source", str(site), "--output", str(output)]) == 0
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    about = site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n改过的正文。\n", encoding="utf-8")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchError, match="pagefind"):
        index_site(pages(a=ARTICLE), None, SearchCache())
    assert main(["build", "--source", str(site), "--output", str(output)]) == 1
    assert "liaoning-site: error: the Pagefind binary was not found: pip install 'pagefind[extended]'" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("script, said", [
    ("echo 'index folder is unreadable' >&2; exit 3", "index folder is unreadable"),  # dies at once
    ("read -r -d , request; printf 'bm90IGpzb24=,'; sleep 5", "stopped answering"),  # answers garbage
])
def test_a_failing_pagefind_is_reported_with_what_it_said(tmp_path: Path, monkeypatch, script: str, said: str) -> None:
    binary = tmp_path / "pagefind"
    binary.write_text(f"#!/bin/bash\n{script}\n", encoding="utf-8")
    binary.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))
    with pytest.raises(SearchError, match=said):
        index_site(pages(a=ARTICLE), None, SearchCache())
    # A Pagefind started ahead (as a build does) that failed its warm-up: the same error, when needed.
    with Standby() as standby, pytest.raises(SearchError, match=said):
        index_site(pages(a=ARTICLE), None, SearchCache(), standby=standby)


def _pagefind_children() -> list[str]:
    """This process's running Pagefind children (Linux: /proc lists each thread's children)."""
    children = {pid for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()}
    found = []
    for pid in children:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        if "pagefind" in stat[stat.index("(") + 1:stat.rindex(")")] and stat[stat.rindex(")") + 2] != "Z":
            found.append(pid)
    return found


def test_a_pagefind_started_ahead_is_used_once_and_stopped_if_unused(tmp_path: Path) -> None:
    with Standby() as standby:
        with standby.take() as first, standby.take() as second:
            assert first is not second and len(_pagefind_children()) == 2  # the second one is new
            for service in (first, second):
                assert "pagefind-entry.json" in service.index_folder(_one_page_site(tmp_path), [])
        assert _pagefind_children() == []
    with Standby():
        pass  # never needed
    assert _pagefind_children() == []
    # What it makes is what a Pagefind started when needed makes.
    with Standby() as standby:
        assert index_site(pages(a=ARTICLE), None, SearchCache(), standby=standby) == index_site(pages(a=ARTICLE), None, SearchCache())


def _one_page_site(folder: Path) -> Path:
    (folder / "a.html").write_text(search_document("zh-CN", f"<main data-pagefind-body>{ARTICLE}</main>"), encoding="utf-8")
    return folder


def test_a_shard_made_again_takes_its_other_pages_documents_from_the_kept_ones(tmp_path: Path) -> None:
    # Deriving a page's document from its HTML costs 3 ms: a build with a cache keeps them by digest.
    bodies = {f"p{n}": f"<h1>第{n}篇</h1><p>数字乡村第{n}段正文</p>" for n in range(6)}
    output = tmp_path / "out"
    for slug, body in bodies.items():
        (output / slug).mkdir(parents=True)
        (output / slug / "index.html").write_bytes(page(body))
    cache = SearchCache(folder=tmp_path / "kept")
    index_site(pages(**bodies), output, cache)
    assert len(list(cache.folder.iterdir())) == 6
    (output / "p1" / "index.html").write_bytes(b"<html>damaged: not read, its kept document is</html>")
    (cache.folder / cache.pages["p2/index.html"]).write_bytes(b"damaged")  # made again from the page
    edited = {**bodies, "p0": "<h1>第0篇</h1><p>改过的正文</p>"}
    unchanged = [OutputFile(f"{slug}/index.html", None) for slug in bodies if slug != "p0"]
    made = index_site([*pages(p0=edited["p0"]), *unchanged], output, cache)
    cold = index_site(pages(**edited), None, SearchCache())
    assert {f.output: f.data for f in made} == {f.output: f.data for f in cold}
    # The edited page's old document is let go of; the new one is kept.
    assert {p.name for p in cache.folder.iterdir()} == set(cache.pages.values())
