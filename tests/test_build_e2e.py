"""End to end: build the real campaign site and the fixture sites, then read the output like a user."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import ROOT, SITES, copy_site
from liaoning_site.cli import main
from sitecheck import broken_links, file_for, html_pages, parse_page

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build(source: Path, output: Path, *extra: str) -> None:
    # --no-cache: sources inside the repository are never written to (.cache/ would appear there).
    assert main(["build", "--source", str(source), "--output", str(output), "--no-cache", *extra]) == 0


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("real") / "out"
    build(ROOT, output)
    return output


@pytest.fixture(scope="module")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("full") / "out"
    build(SITES / "full", output)
    return output


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("subpath") / "out"
    build(SITES / "full", output, "--base-url", "https://example.org/szsy")
    return output


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- The real campaign site


def test_real_site_builds_without_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--source", str(ROOT), "--output", str(tmp_path / "out"), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "error" not in err


def test_real_site_has_every_page_kind(real_site: Path) -> None:
    articles = list((ROOT / "content" / "articles").rglob("*.md"))
    assert len(list((real_site / "articles").glob("*/index.html"))) == len(articles) >= 10
    for scenario in ("digital-life", "digital-work", "digital-learning", "digital-innovation"):
        assert (real_site / "scenarios" / scenario / "index.html").is_file()
        assert (real_site / "scenarios" / scenario / "feed.xml").is_file()
    for rel in ("index.html", "about/index.html", "archive/index.html", "tags/index.html", "regions/index.html",
                "groups/index.html", "feed.xml", "sitemap.xml", "robots.txt", "404.html"):
        assert (real_site / rel).is_file(), rel
    assert (real_site / "regions" / "da-lian" / "index.html").is_file()
    assert (real_site / "groups" / "nong-min" / "index.html").is_file()


def test_real_home_page_shows_campaign(real_site: Path) -> None:
    home = text(real_site / "index.html")
    assert '<html lang="zh-CN">' in home
    for expected in ("数智赋能", "全民共享", "2025年6月12日", "#辽宁好网民 引领新风尚#", "800多万", "数字生活", "数字创新"):
        assert expected in home
    # Structured data aside, no inline script: a strict Content-Security-Policy can be used.
    scripts = re.findall(r"<script\b[^>]*>", home)
    assert all('type="application/ld+json"' in tag or " src=" in tag for tag in scripts), scripts


def test_real_site_links_all_resolve(real_site: Path) -> None:
    assert broken_links(real_site) == []


def test_article_page_has_chinese_date_reading_time_and_heading_ids(real_site: Path) -> None:
    page = text(real_site / "articles" / "jinnong-hotline" / "index.html")
    assert '<time datetime="2025-06-12T00:00:00+08:00">2025年6月12日</time>' in page
    assert re.search(r"阅读约 \d+ 分钟", page)
    ids = re.findall(r'<h2 id="([^"]+)"', page)
    assert ids and all(re.search(r"[\u4e00-\u9fff]", i) for i in ids if i not in ("key-figures", "toc-title", "related-title", "share-title"))
    assert len(ids) == len(set(ids))


def test_cross_article_links_are_rewritten(real_site: Path) -> None:
    page = text(real_site / "articles" / "jinnong-hotline" / "index.html")
    assert 'href="/articles/dalishu-village/"' in page
    assert ".md" not in re.sub(r"<pre>.*?</pre>", "", page, flags=re.S)


# --- Feeds, sitemap, robots


def test_feed_lists_articles_with_ids_and_updated(full_site: Path) -> None:
    feed = ET.parse(full_site / "feed.xml").getroot()
    assert feed.find(f"{ATOM}updated").text
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        url = entry.find(f"{ATOM}id").text
        assert url == entry.find(f"{ATOM}link").get("href")
        assert file_for(full_site, "/", url.removeprefix("https://example.org")).is_file()
        assert entry.find(f"{ATOM}updated").text and entry.find(f"{ATOM}content").text
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert not any("draft-article" in i or "future-article" in i for i in ids)


def test_scenario_feed_lists_only_its_articles(full_site: Path) -> None:
    feed = ET.parse(full_site / "scenarios" / "digital-innovation" / "feed.xml").getroot()
    ids = {e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")}
    assert ids == {"https://example.org/articles/dai-feng-mian-tu-de-wen-zhang/"}


def test_sitemap_lists_every_public_page(full_site: Path) -> None:
    root = ET.parse(full_site / "sitemap.xml").getroot()
    locs = {u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")}
    pages = {
        "https://example.org/" + p.relative_to(full_site).as_posix().removesuffix("index.html")
        for p in html_pages(full_site)
        if p.name != "404.html" and p.parent.name != "search"  # the search page is a tool (noindex), not content
    }
    assert locs == pages
    robots = text(full_site / "robots.txt")
    assert "Sitemap: https://example.org/sitemap.xml" in robots


# --- Publishing rules


def test_drafts_future_and_expired_articles_are_left_out(full_site: Path) -> None:
    for slug in ("draft-article", "future-article", "expired-notice"):
        assert not (full_site / "articles" / slug).exists()
    assert not (full_site / "contact").exists()
    assert "草稿文章不应发布" not in text(full_site / "archive" / "index.html")


def test_drafts_and_future_flags_include_them(tmp_path: Path) -> None:
    build(SITES / "full", tmp_path / "out", "--drafts", "--future")
    assert (tmp_path / "out" / "articles" / "draft-article" / "index.html").is_file()
    assert (tmp_path / "out" / "articles" / "future-article" / "index.html").is_file()
    assert (tmp_path / "out" / "contact" / "index.html").is_file()
    sitemap = text(tmp_path / "out" / "sitemap.xml")
    assert "draft-article" not in sitemap


def test_as_of_hides_later_articles(tmp_path: Path) -> None:
    build(SITES / "full", tmp_path / "out", "--as-of", "2025-01-15T12:00")
    assert (tmp_path / "out" / "articles" / "expired-notice" / "index.html").is_file()
    assert not (tmp_path / "out" / "articles" / "case-24").exists()


# --- Pagination and taxonomies


def test_scenario_pages_are_paginated(full_site: Path) -> None:
    pages = sorted((full_site / "scenarios" / "digital-life").rglob("index.html"))
    assert len(pages) >= 3
    second = text(full_site / "scenarios" / "digital-life" / "page" / "2" / "index.html")
    assert 'href="/scenarios/digital-life/" rel="prev"' in second
    assert 'href="/scenarios/digital-life/page/3/" rel="next"' in second
    cards = sum(text(p).count('class="card') - text(p).count('class="card-') for p in pages)
    assert cards == len({*re.findall(r"case-\d\d", "".join(text(p) for p in pages))})


def test_tag_pages_list_tagged_articles(full_site: Path) -> None:
    index = text(full_site / "tags" / "index.html")
    assert 'href="/tags/zhi-hui-nong-ye/"' in index
    assert (full_site / "tags" / "zhi-hui-nong-ye" / "page" / "3" / "index.html").is_file()
    region = text(full_site / "regions" / "da-lian" / "index.html")
    assert "大连市" in region


def test_archive_groups_by_year_and_month(full_site: Path) -> None:
    archive = text(full_site / "archive" / "index.html")
    assert archive.index("2025年") < archive.index("2024年")
    assert "2025年6月" in archive and "2024年5月" in archive


def test_cover_and_body_image_are_copied_beside_the_article(full_site: Path) -> None:
    page = text(full_site / "articles" / "dai-feng-mian-tu-de-wen-zhang" / "index.html")
    assert 'src="/articles/dai-feng-mian-tu-de-wen-zhang/cover.png"' in page
    assert (full_site / "articles" / "dai-feng-mian-tu-de-wen-zhang" / "cover.png").is_file()
    assert 'href="/about/#联系我们"' in page
    assert 'id="数字化转型-新机遇"' in page and 'id="数字化转型-新机遇_1"' in page


def test_full_site_links_all_resolve(full_site: Path) -> None:
    assert broken_links(full_site) == []


# --- Base URL with a sub-path


def test_subpath_base_url_is_honoured_everywhere(subpath_site: Path) -> None:
    assert broken_links(subpath_site, "/szsy/") == []
    for page in html_pages(subpath_site):
        for link in parse_page(page).links:
            if link.startswith("/"):
                assert link.startswith("/szsy/"), f"{page}: {link}"
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text(page))
        assert canonical and canonical[1].startswith("https://example.org/szsy/")
    feed = text(subpath_site / "feed.xml")
    assert 'href="https://example.org/szsy/feed.xml"' in feed
    assert 'href="/articles' not in feed and "href=&quot;/articles" not in feed
    assert "https://example.org/szsy/articles/case-01/" in feed
    sitemap = ET.parse(subpath_site / "sitemap.xml").getroot()
    assert all(u.find(f"{SITEMAP}loc").text.startswith("https://example.org/szsy/") for u in sitemap)
    assert "Sitemap: https://example.org/szsy/sitemap.xml" in text(subpath_site / "robots.txt")


# --- Safety of the output folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_failed_build_leaves_previous_output_untouched(make_site, run_cli) -> None:
    site = make_site()
    assert run_cli("build", "--source", site)[0] == 0
    before = snapshot(site / "_site")
    article = site / "content" / "articles" / "hello.md"
    article.write_text(text(article).replace("title: 你好，辽宁", "title:"), encoding="utf-8")
    code, _, err = run_cli("build", "--source", site)
    assert code == 1
    assert "content/articles/hello.md:2:1: error: `title` is empty; give it a value" in err
    assert snapshot(site / "_site") == before
    assert [p.name for p in site.iterdir() if p.name.startswith("._site")] == []


def test_second_build_replaces_output_and_drops_stale_files(make_site, run_cli) -> None:
    site = make_site()
    assert run_cli("build", "--source", site)[0] == 0
    (site / "content" / "articles" / "hello.md").rename(site / "content" / "articles" / "renamed.md")
    text_ = text(site / "content" / "articles" / "renamed.md").replace("你好，辽宁", "改名后的文章")
    (site / "content" / "articles" / "renamed.md").write_text(text_, encoding="utf-8")
    assert run_cli("build", "--source", site)[0] == 0
    assert not (site / "_site" / "articles" / "ni-hao-liao-ning").exists()
    assert (site / "_site" / "articles" / "gai-ming-hou-de-wen-zhang" / "index.html").is_file()


@pytest.mark.parametrize("where", ["source", "parent", "foreign", "inside-content"])
def test_refuses_dangerous_output_folders(where: str, make_site, run_cli, tmp_path: Path) -> None:
    site = make_site()
    output = {
        "source": site,
        "parent": site.parent,
        "foreign": tmp_path / "someone-elses",
        "inside-content": site / "content" / "out",
    }[where]
    if where == "foreign":
        output.mkdir()
        (output / "keep.txt").write_text("important", encoding="utf-8")
    before = snapshot(site)
    code, _, err = run_cli("build", "--source", site, "--output", output)
    assert code == 2
    assert err.startswith("liaoning-site: error: output")
    assert "--output" in err or "empty it" in err
    assert snapshot(site) == before
    if where == "foreign":
        assert text(output / "keep.txt") == "important"


def test_missing_content_folder_is_a_clear_error(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("build", "--source", tmp_path)
    assert code == 2
    assert f"{tmp_path} has no content/ folder" in err and "--source" in err


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "liaoning_site", "build", "--source", str(SITES / "minimal"), "--output", str(tmp_path / "o"), "--no-cache"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o" / "index.html").is_file()


def test_default_output_is_site_folder_under_source(tmp_path: Path, run_cli) -> None:
    site = copy_site("minimal", tmp_path / "s")
    assert run_cli("build", "--source", site)[0] == 0
    assert (site / "_site" / "index.html").is_file()


def test_template_mistakes_are_reported_at_the_template_line(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site()
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("{% extends \"base.html\" %}\n{% block content %}\n{{ page.nope }}\n{% endblock %}\n", encoding="utf-8")
    (site / "templates" / "archive.html").write_text("{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n", encoding="utf-8")
    code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out")
    assert code == 1 and "Traceback" not in err
    lines = err.splitlines()
    assert "templates/404.html:3:1: error: template error while rendering /404.html: 'dict object' has no attribute 'nope'" in lines
    assert any(line.startswith("templates/archive.html:3:1: error: template error: ") for line in lines)


def test_site_templates_override_the_theme(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site()
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("<!DOCTYPE html><title>自定义</title><p>自定义404</p>\n", encoding="utf-8")
    assert run_cli("build", "--source", site, "--output", tmp_path / "out")[0] == 0
    assert "自定义404" in text(tmp_path / "out" / "404.html")


def stylesheet_href(page: Path) -> str:
    match = re.search(r'<link rel="stylesheet" href="([^"]+)">', page.read_text(encoding="utf-8"))
    assert match
    return match[1]


def test_stylesheets_are_fingerprinted_so_a_cdn_may_cache_them_forever(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site()
    out = tmp_path / "out"
    assert run_cli("build", "--source", site, "--output", out)[0] == 0
    href = stylesheet_href(out / "index.html")
    assert re.fullmatch(r"/css/site\.[0-9a-f]{10}\.css", href), href
    css = (ROOT / "static" / "css" / "site.css").read_bytes()
    assert (out / href[1:]).read_bytes() == css and (out / "css" / "site.css").read_bytes() == css
    # A new version of the stylesheet is a new file name on every page.
    (site / "static" / "css").mkdir(parents=True)
    (site / "static" / "css" / "site.css").write_bytes(css + b"\n.new-rule { color: red; }\n")
    assert run_cli("build", "--source", site, "--output", out)[0] == 0
    for page in html_pages(out):
        assert stylesheet_href(page) not in (href, "/css/site.css"), page
    assert not (out / href[1:]).exists()  # the old version is gone with the build that replaced it


def test_the_preview_keeps_plain_stylesheet_names_for_in_place_swaps(make_site, tmp_path: Path) -> None:
    from liaoning_site.build import BuildOptions
    from liaoning_site.serve.command import preview_options
    from liaoning_site.serve.preview import Preview

    site = make_site()
    preview = Preview(preview_options(BuildOptions(source=site), "http://127.0.0.1:8000/"))
    assert preview.rebuild(None).ok
    home = preview.snapshot.files["index.html"].decode("utf-8")
    assert '<link rel="stylesheet" href="/css/site.css">' in home


def test_titles_and_cards_get_the_cjk_spacing(real_site: Path) -> None:
    article = text(real_site / "articles" / "jinnong-hotline" / "index.html")
    assert "<h1>辽宁\u200912316\u2009金农热线：用大数据与人工智能服务农户</h1>" in article
    assert "<title>辽宁12316金农热线" in article  # the document head keeps the text as written
    assert '>辽宁\u200912316\u2009金农热线：' in text(real_site / "scenarios" / "digital-work" / "index.html")  # its card


def test_timings_say_how_long_each_stage_took(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    site = tmp_path / "site"
    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, site / name)

    def timings() -> tuple[float, list[tuple[float, str]]]:
        assert main(["build", "--source", str(site), "--timings"]) == 0
        out, err = capsys.readouterr()
        lines = err.split("time per stage:\n", 1)[1].splitlines()
        stages = [re.fullmatch(r"\s*([\d.]+) s  (.+)", line).groups() for line in lines]
        return float(re.search(r"in ([\d.]+) s", out)[1]), [(float(seconds), name) for seconds, name in stages]

    total, stages = timings()
    names = [name for _, name in stages]
    for expected in ("looking for changes", "reading content/", "drawing share cards", "converting Markdown", "rendering ",
                     "indexing the pages for search", "writing ", "saving the build cache"):
        assert sum(name.startswith(expected) for name in names) == 1, (expected, names)
    assert names.index("drawing share cards") < names.index("indexing the pages for search") < names.index("saving the build cache")
    assert 0 < sum(seconds for seconds, _ in stages) <= total + 0.005 * len(stages)  # each is rounded
    # Nothing changed: the only stage is finding that out.
    _, again = timings()
    assert [name for _, name in again] == ["looking for changes"]
