"""The Traditional-character mirror under /zh-hant/: OpenCC conversion that leaves URLs, code and
`translate="no"` alone, editors' phrases first, twins for every page with hreflang pairs, feeds,
sitemap alternates, and the same Traditional forms as the campaign report's Traditional text."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import ROOT, copy_site
from liaoning_site.cli import main
from liaoning_site.hant import Converter

# Names and terms as the campaign report's published Traditional text writes them.
TERMS = ["遼寧", "網信辦", "數字素養", "撫順新鋼鐵", "金農熱線", "大梨樹村", "科技館"]


# --- the converter


def test_text_attributes_are_converted_but_urls_code_and_untranslated_parts_are_not() -> None:
    page = (
        '<html lang="zh-CN"><head><meta name="description" content="数字素养"><title>辽宁网信办</title></head>'
        '<body><p>数字化车间<code>数字 = 1</code></p><pre>智能工厂</pre>'
        '<a href="/图片/数字.png" title="数字素养">金农热线</a><span translate="no">简体</span>'
        '<img src="大梨树.jpg" alt="大梨树村"><p>科技馆</p></body></html>'
    )
    out = Converter().html(page)
    assert '<meta name="description" content="數字素養">' in out and "<title>遼寧網信辦</title>" in out
    assert "<p>數字化車間<code>数字 = 1</code></p><pre>智能工厂</pre>" in out
    assert '<a href="/图片/数字.png" title="數字素養">金農熱線</a>' in out
    assert '<span translate="no">简体</span>' in out and '<img src="大梨树.jpg" alt="大梨樹村">' in out
    assert "<p>科技館</p>" in out


def test_editors_phrases_win_over_opencc() -> None:
    plain = Converter("s2t")
    assert plain.text("群众") == "羣衆"  # OpenCC's s2t keeps the older forms
    mine = Converter("s2t", {"群众": "群眾", "千山": "千山"})
    assert mine.text("服务群众，游览千山") == "服務群眾，遊覽千山"


def test_regional_conversions_are_selectable() -> None:
    assert Converter("s2twp").text("软件和网络") == "軟體和網路"
    assert Converter("s2tw").text("群众") == "群眾"


def test_structured_data_strings_convert_but_urls_stay() -> None:
    data = {"headline": "金农热线", "url": "https://example.org/文章/", "author": [{"name": "辽宁省委网信办"}]}
    assert Converter().json_ld(data) == {"headline": "金農熱線", "url": "https://example.org/文章/", "author": [{"name": "遼寧省委網信辦"}]}


# --- the real site's mirror


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hant") / "out"
    assert main(["build", "--source", str(ROOT), "--output", str(out), "--no-cache", "--base-url", "https://example.org/szsy/"]) == 0
    return out


def simplified_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("zh-hant/")]


def test_every_page_has_its_traditional_twin_with_hreflang_pairs(site: Path) -> None:
    pages = simplified_pages(site)
    assert len(pages) > 30
    for page in pages:
        rel = page.relative_to(site).as_posix()
        twin = site / "zh-hant" / rel
        assert twin.is_file(), rel
        path = rel.removesuffix("index.html")
        hans, hant = f"https://example.org/szsy/{path}", f"https://example.org/szsy/zh-hant/{path}"
        for html in (page.read_text(encoding="utf-8"), twin.read_text(encoding="utf-8")):
            if rel == "404.html":
                continue
            assert f'<link rel="alternate" hreflang="zh-Hans" href="{hans}">' in html
            assert f'<link rel="alternate" hreflang="zh-Hant" href="{hant}">' in html
            assert f'<link rel="alternate" hreflang="x-default" href="{hans}">' in html
        text = twin.read_text(encoding="utf-8")
        assert text.startswith('<!DOCTYPE html>\n<html lang="zh-Hant">')
        if rel != "404.html":
            assert f'<link rel="canonical" href="{hant}">' in text


def test_the_switch_links_the_same_page_in_the_other_script(site: Path) -> None:
    hans = (site / "articles" / "jinnong-hotline" / "index.html").read_text(encoding="utf-8")
    hant = (site / "zh-hant" / "articles" / "jinnong-hotline" / "index.html").read_text(encoding="utf-8")
    for html, current in ((hans, "hans"), (hant, "hant")):
        switch = re.search(r'<nav class="script-switch".*?</nav>', html, re.S)[0]
        assert 'href="/szsy/articles/jinnong-hotline/" hreflang="zh-Hans"' in switch and ">简体</a>" in switch
        assert 'href="/szsy/zh-hant/articles/jinnong-hotline/" hreflang="zh-Hant"' in switch and ">繁體</a>" in switch
        assert re.search(rf'data-script="{current}" aria-current="true"', switch)
        assert switch.count("aria-current") == 1


def test_traditional_pages_use_the_reports_forms_of_names_and_terms(site: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (site / "zh-hant").rglob("*.html"))
    for term in TERMS:
        assert term in text, term
    simplified_forms = ["辽宁", "网信办", "数字素养", "抚顺新钢铁", "金农热线", "大梨树村"]
    visible = re.sub(r"<(code|pre|script)[^>]*>.*?</\1>|<[^>]+>|translate=\"no\"[^<]*", "", text, flags=re.S)
    assert not [w for w in simplified_forms if w in visible]


def test_links_inside_the_mirror_stay_in_the_mirror(site: Path) -> None:
    twin = (site / "zh-hant" / "index.html").read_text(encoding="utf-8")
    anchors = [tag for tag in re.findall(r"<a [^>]*>", twin) if "hreflang=" not in tag]  # the switch aside
    pages = [href for tag in anchors for href in re.findall(r'href="(/szsy/[^"#]*/)"', tag)]
    assert len(pages) > 10 and all(href.startswith("/szsy/zh-hant/") for href in pages), pages
    assert '/szsy/css/site.' in twin and '/szsy/zh-hant/css/' not in twin  # assets are shared
    [website] = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', twin, re.S)]
    assert website["name"] == "遼寧省全民數字素養與技能提升月" and website["url"] == "https://example.org/szsy/zh-hant/"


def test_each_script_has_its_own_feed(site: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(site / "zh-hant" / "feed.xml").getroot()
    assert root.find(f"{atom}title").text.startswith("遼寧")
    entries = root.findall(f"{atom}entry")
    assert entries and all(e.find(f"{atom}id").text.startswith("https://example.org/szsy/zh-hant/articles/") for e in entries)
    assert all(e.find(f"{atom}link").get("href").startswith("https://example.org/szsy/zh-hant/") for e in entries)
    hans = ET.parse(site / "feed.xml").getroot()
    assert {e.find(f"{atom}id").text for e in hans.findall(f"{atom}entry")}.isdisjoint({e.find(f"{atom}id").text for e in entries})


def test_the_sitemap_lists_both_scripts_with_alternates(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = {u.find("s:loc", ns).text: u for u in root.findall("s:url", ns)}
    hans = [loc for loc in locs if "/zh-hant/" not in loc]
    assert len(locs) == 2 * len(hans)
    for loc in hans:
        twin = loc.replace("/szsy/", "/szsy/zh-hant/", 1)
        for url in (locs[loc], locs[twin]):
            alternates = {a.get("hreflang"): a.get("href") for a in url.findall("x:link", ns)}
            assert alternates == {"zh-Hans": loc, "zh-Hant": twin, "x-default": loc}


# --- editors' phrases and settings


def with_traditional(site: Path, settings: str = "traditional:\n  conversion: s2t\n") -> None:
    site_yml = site / "content" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + settings, encoding="utf-8")


def test_the_phrase_dictionary_changes_the_mirror_even_from_the_cache(tmp_path: Path, run_cli) -> None:
    site = copy_site("minimal", tmp_path / "site")
    with_traditional(site)
    out = tmp_path / "out"
    assert run_cli("build", "--source", site, "--output", out)[0] == 0
    title = (site / "content" / "site.yml").read_text(encoding="utf-8").split("title: ", 1)[1].split("\n", 1)[0]
    twin = out / "zh-hant" / "index.html"
    converted = Converter().text(title)
    assert f"<title>{converted}</title>" in twin.read_text(encoding="utf-8")
    (site / "content" / "zh-hant.yml").write_text(f"{title}: 自訂的站名\n", encoding="utf-8")
    assert run_cli("build", "--source", site, "--output", out)[0] == 0
    assert "<title>自訂的站名</title>" in twin.read_text(encoding="utf-8")
    assert "自訂的站名" in (out / "zh-hant" / "about" / "index.html").read_text(encoding="utf-8")


def test_bad_settings_are_reported_at_their_place(tmp_path: Path, run_cli) -> None:
    site = copy_site("minimal", tmp_path / "site")
    lines = len((site / "content" / "site.yml").read_text(encoding="utf-8").splitlines())
    with_traditional(site, "traditional:\n  conversion: s2x\n")
    (site / "content" / "zh-hant.yml").write_text("千山: [一, 二]\n", encoding="utf-8")
    code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out")
    assert code == 1
    assert f"content/site.yml:{lines + 2}:15: error: unknown conversion 's2x'" in err
    assert "content/zh-hant.yml:1:5: error: expected a phrase and its Traditional form, both text" in err


def test_cached_builds_of_the_mirror_equal_cold_builds(tmp_path: Path, run_cli) -> None:
    site = copy_site("full", tmp_path / "site")
    with_traditional(site)
    article = next((site / "content" / "articles").rglob("*.md"))
    out, cold = tmp_path / "out", tmp_path / "cold"
    assert run_cli("build", "--source", site, "--output", out)[0] == 0
    article.write_text(article.read_text(encoding="utf-8").replace("\n---\n", "\n---\n开头加一句：数字乡村。\n", 1), encoding="utf-8")
    assert run_cli("build", "--source", site, "--output", out)[0] == 0
    assert run_cli("build", "--source", site, "--output", cold, "--no-cache")[0] == 0

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert files(out) == files(cold)
    assert "數字鄉村" in "".join(p.read_text(encoding="utf-8") for p in (out / "zh-hant" / "articles").rglob("*.html"))
