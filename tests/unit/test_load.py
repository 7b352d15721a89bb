"""load: find the sources, split front matter from body, report unreadable files at their position."""

from __future__ import annotations

import os
from pathlib import Path

from liaoning_site.config import SiteConfig
from liaoning_site.diagnostics import Diagnostics, Position
from liaoning_site.load import load_sources, parse_document

ARTICLE = "---\ntitle: 标题\ndate: 2025-06-12\nscenarios: [digital-life]\n---\n正文。\n"


def parse(text: str):
    diagnostics = Diagnostics()
    doc = parse_document(text, "content/articles/a.md", "article", Path("a.md"), diagnostics)
    return doc, [d.format() for d in diagnostics.items]


def config_for(site: Path, theme: Path | None = None) -> SiteConfig:
    return SiteConfig(
        source_dir=site, title="站", description="", base_url="https://example.org/", language="zh-CN",
        page_size=10, navigation=(), footer="", theme_dir=theme,
    )


def load(site: Path, theme: Path | None = None):
    diagnostics = Diagnostics()
    sources = load_sources(config_for(site, theme), diagnostics)
    return sources, [d.format() for d in diagnostics.items]


def write(root: Path, rel: str, text: str = ARTICLE) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- parse_document


def test_splits_front_matter_from_body() -> None:
    doc, problems = parse(ARTICLE + "\n第二段。\n")
    assert problems == []
    assert doc.meta.data["title"] == "标题"
    assert doc.body == "正文。\n\n第二段。\n"
    assert doc.body_line == 6
    assert doc.kind == "article" and doc.rel == "content/articles/a.md"


def test_front_matter_positions_are_file_lines() -> None:
    doc, _ = parse(ARTICLE)
    assert doc.meta.key_at("title") == Position(2, 1)
    assert doc.meta.at("scenarios", 0) == Position(4, 13)


def test_three_dots_also_close_front_matter() -> None:
    doc, problems = parse("---\ntitle: 标题\n...\n正文\n")
    assert problems == [] and doc.body == "正文\n" and doc.body_line == 4


def test_later_horizontal_rule_stays_in_the_body() -> None:
    doc, _ = parse("---\ntitle: 标题\n---\n上\n\n---\n\n下\n")
    assert doc.body == "上\n\n---\n\n下\n"


def test_empty_front_matter_is_an_empty_mapping() -> None:
    doc, problems = parse("---\n---\n正文\n")
    assert problems == []
    assert doc.meta.data == {} and doc.meta.start == Position(2, 1)
    assert doc.body == "正文\n" and doc.body_line == 3


def test_rejects_list_as_front_matter() -> None:
    doc, problems = parse("---\n- 甲\n- 乙\n---\n正文\n")
    assert doc is None
    assert problems == ["content/articles/a.md:2:1: error: expected front matter of `key: value` lines, found ['甲', '乙']"]


def test_rejects_plain_text_as_front_matter() -> None:
    doc, problems = parse("---\n只是一句话\n---\n正文\n")
    assert doc is None
    assert problems == ["content/articles/a.md:2:1: error: expected front matter of `key: value` lines, found '只是一句话'"]


def test_rejects_file_without_front_matter() -> None:
    doc, problems = parse("# 标题\n\n正文\n")
    assert doc is None
    assert problems == [
        "content/articles/a.md:1:1: error: missing front matter: the file must start with a `---` line, "
        "then `key: value` lines, then `---`"
    ]


def test_rejects_empty_file() -> None:
    doc, problems = parse("")
    assert doc is None and len(problems) == 1 and problems[0].startswith("content/articles/a.md:1:1: error: missing front matter")


def test_rejects_unclosed_front_matter() -> None:
    doc, problems = parse("---\ntitle: 标题\n正文\n")
    assert doc is None
    assert problems == [
        "content/articles/a.md:1:1: error: front matter never closes: add a line `---` after the last `key: value` line"
    ]


def test_yaml_error_in_front_matter_points_at_the_file_line() -> None:
    doc, problems = parse("---\ntitle: 标题\n date: 2025-06-12\n---\n")
    assert doc is None
    assert problems == ["content/articles/a.md:3:6: error: invalid YAML: mapping values are not allowed in this context"]


def test_digest_changes_with_any_edit_of_the_file() -> None:
    first, _ = parse(ARTICLE)
    same, _ = parse(ARTICLE)
    edited, _ = parse(ARTICLE + "多一行。\n")
    assert first.digest == same.digest != edited.digest


# --- load_sources


def test_loads_every_collection_with_its_kind(make_site) -> None:
    sources, problems = load(make_site())
    assert problems == []
    assert [(d.kind, d.rel) for d in sources.docs] == [
        ("scenario", "content/scenarios/digital-life.md"),
        ("scenario", "content/scenarios/digital-work.md"),
        ("article", "content/articles/hello.md"),
        ("page", "content/pages/about.md"),
    ]
    assert sources.campaign.data["year"] == 2025


def test_allows_sub_folders_under_articles(make_site) -> None:
    site = make_site({"content/articles/2025/06/deep.md": ARTICLE})
    sources, problems = load(site)
    assert problems == []
    assert "content/articles/2025/06/deep.md" in [d.rel for d in sources.docs]


def test_ignores_hidden_files_and_editor_backups(make_site) -> None:
    site = make_site({
        "content/articles/.hidden.md": ARTICLE,
        "content/articles/_partial.md": ARTICLE,
        "content/articles/hello.md~": ARTICLE,
        "content/articles/.#hello.md": ARTICLE,
        "content/articles/.hello.md.swp": ARTICLE,
        "content/articles/.git/x.md": ARTICLE,
        "content/articles/_drafts/y.md": ARTICLE,
        "content/articles/notes.txt": "不是文章",
    })
    sources, problems = load(site)
    assert problems == []
    assert [d.rel for d in sources.docs if d.kind == "article"] == ["content/articles/hello.md"]


def test_symlink_leading_outside_the_source_is_an_error(make_site, tmp_path: Path) -> None:
    site = make_site()
    outside = write(tmp_path / "elsewhere", "secret.md")
    os.symlink(outside, site / "content/articles/linked.md")
    sources, problems = load(site)
    assert problems == [
        f"content/articles/linked.md:1:1: error: this is a link to {outside.resolve()}, outside the site folder; "
        "copy the file in instead"
    ]
    assert "content/articles/linked.md" not in [d.rel for d in sources.docs]


def test_symlink_inside_the_source_is_allowed(make_site) -> None:
    site = make_site()
    write(site, "shared/inside.md", ARTICLE.replace("标题", "共享"))
    os.symlink(site / "shared/inside.md", site / "content/articles/inside.md")
    sources, problems = load(site)
    assert problems == []
    assert "content/articles/inside.md" in [d.rel for d in sources.docs]


def test_reports_missing_campaign_file(make_site) -> None:
    sources, problems = load(make_site({"content/campaign.yml": None}))
    assert sources.campaign is None
    assert problems == ["content/campaign.yml:1:1: error: cannot read file: No such file or directory"]


def test_reports_unreadable_article_and_keeps_the_others(make_site) -> None:
    site = make_site({"content/articles/gbk.md": "---\ntitle: 你好\n---\n".encode("gbk")})
    sources, problems = load(site)
    assert problems == ["content/articles/gbk.md:2:8: error: file is not valid UTF-8 (byte 0xc4); save it as UTF-8"]
    assert [d.rel for d in sources.docs if d.kind == "article"] == ["content/articles/hello.md"]


def test_site_static_files_override_the_theme_and_skip_hidden(make_site, tmp_path: Path) -> None:
    site = make_site()
    theme = tmp_path / "theme"
    write(theme, "static/css/site.css", "theme")
    write(theme, "static/js/app.js", "theme")
    write(site, "static/css/site.css", "site")
    write(site, "static/.DS_Store", "x")
    write(site, "static/img/logo.png~", "x")
    sources, _ = load(site, theme)
    assert [(f.rel, f.origin) for f in sources.static] == [
        ("css/site.css", "static/css/site.css"),
        ("js/app.js", "static/js/app.js"),
    ]
    assert sources.static[0].path == site / "static/css/site.css"


def test_pages_in_sub_folders_are_reported_not_dropped_silently(make_site, run_cli) -> None:
    site = make_site({"content/pages/old/page.md": "---\ntitle: 旧页面\n---\n正文\n"})
    code, _, err = run_cli("check", "--source", site)
    assert "content/pages/old/page.md:1:1: warning: ignored: files in sub-folders of content/pages/ are not read; move it up one level" in err


def test_a_watched_cache_walks_the_folders_only_when_a_save_was_not_to_a_listed_file(tmp_path: Path, monkeypatch) -> None:
    from liaoning_site import load as load_module
    from liaoning_site.load import LoadCache

    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (tmp_path / "content" / "campaign.yml").write_text("name: 活动\n", encoding="utf-8")
    for name in ("a", "b"):
        (articles / f"{name}.md").write_text(ARTICLE.replace("正文", f"{name}的正文"), encoding="utf-8")
    walks: list[str] = []
    walk = load_module._markdown_files
    monkeypatch.setattr(load_module, "_markdown_files", lambda folder, *rest: walks.append(folder.name) or walk(folder, *rest))
    config, cache = config_for(tmp_path), LoadCache(watched=True)

    def bodies() -> dict[str, str]:
        return {d.rel: d.body.strip() for d in load_sources(config, Diagnostics(), cache).docs}

    assert bodies() == {"content/articles/a.md": "a的正文。", "content/articles/b.md": "b的正文。"}
    assert walks.count("articles") == 1
    (articles / "a.md").write_text(ARTICLE.replace("正文", "改过的正文"), encoding="utf-8")
    cache.forget({"content/articles/a.md"})
    assert bodies()["content/articles/a.md"] == "改过的正文。"
    assert walks.count("articles") == 1  # a listed file was saved: the listing stands
    (articles / "c.md").write_text(ARTICLE, encoding="utf-8")
    (articles / "b.md").unlink()
    cache.forget({"content/articles/c.md", "content/articles/b.md"})
    assert sorted(bodies()) == ["content/articles/a.md", "content/articles/c.md"]
    assert walks.count("articles") == 2
    # Without a watcher, every load walks: nothing tells it what changed.
    unwatched = LoadCache()
    load_sources(config, Diagnostics(), unwatched)
    load_sources(config, Diagnostics(), unwatched)
    assert walks.count("articles") == 4
