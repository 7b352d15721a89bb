"""validate: front matter -> typed Article/Scenario/Page records, every mistake at its position."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liaoning_site.config import SiteConfig
from liaoning_site.diagnostics import Diagnostics
from liaoning_site.load import parse_document
from liaoning_site.validate import (
    SHANGHAI,
    validate_article,
    validate_content,
    validate_page,
    validate_scenario,
)

SCENARIOS = ("digital-life", "digital-work")
LINES = ("publicity", "training")
HEAD = "---\ntitle: 辽宁好网民\ndate: 2025-06-12\nscenarios: [digital-life]\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "content" / "articles").mkdir(parents=True)
    return tmp_path


def config_for(site: Path) -> SiteConfig:
    return SiteConfig(
        source_dir=site, title="站", description="", base_url="https://example.org/", language="zh-CN",
        page_size=10, navigation=(), footer="", theme_dir=None,
    )


def raw(site: Path, text: str, rel: str = "content/articles/a.md", kind: str = "article"):
    diagnostics = Diagnostics()
    doc = parse_document(text, rel, kind, site / rel, diagnostics)
    assert doc is not None, [d.format() for d in diagnostics.items]
    return doc


def check(site: Path, extra: str = "", head: str = HEAD, body: str = "正文。\n"):
    """Validate one article whose front matter is `head` + `extra`; returns (article, diagnostics)."""
    diagnostics = Diagnostics()
    article = validate_article(raw(site, head + extra + "---\n" + body), SCENARIOS, LINES, config_for(site), diagnostics)
    return article, [d.format() for d in diagnostics.sorted()]


A = "content/articles/a.md"


# --- a good article


def test_reads_a_minimal_article(site: Path) -> None:
    article, problems = check(site)
    assert problems == []
    assert article.title == "辽宁好网民"
    assert article.scenarios == ("digital-life",)
    assert article.kind == "case-study"
    assert article.draft is False and article.cover is None and article.region is None
    assert article.body == "正文。\n" and article.body_line == 6


def test_derives_slug_from_title_in_pinyin(site: Path) -> None:
    article, _ = check(site)
    assert article.slug == "liao-ning-hao-wang-min"


def test_keeps_explicit_slug_when_title_changes(site: Path) -> None:
    first, _ = check(site, "slug: good-netizens\n")
    renamed, _ = check(site, "slug: good-netizens\n", head=HEAD.replace("辽宁好网民", "辽宁省好网民评选"))
    assert first.slug == renamed.slug == "good-netizens"
    assert renamed.title == "辽宁省好网民评选"


def test_slug_position_falls_back_to_the_title(site: Path) -> None:
    article, _ = check(site)
    assert article.positions["slug"] == article.positions["title"]
    explicit, _ = check(site, "slug: x\n")
    assert (explicit.positions["slug"].line, explicit.positions["slug"].col) == (5, 1)


def test_reads_every_optional_field(site: Path) -> None:
    article, problems = check(site, (
        "summary: 一句话。\nkind: news\nline: publicity\nregion: 沈阳市\ngroups: [农民, 学生]\n"
        "organization: 省委网信办\nauthor: 小李\ntags: [AI, 直播, AI]\n"
        "figures:\n  - {label: 培训, value: 30多, unit: 万人次}\n"
        "source: {name: 辽宁日报, url: 'https://example.org/a'}\n"
        "draft: true\nupdated: 2025-06-13\nexpires: 2025-07-01T18:00:00\n"
    ))
    assert problems == []
    assert article.summary == "一句话。" and article.kind == "news" and article.line == "publicity"
    assert article.region == "沈阳市" and article.groups == ("农民", "学生")
    assert article.organization == "省委网信办" and article.author == "小李"
    assert article.tags == ("AI", "直播")
    assert [(f.label, f.value, f.unit) for f in article.figures] == [("培训", "30多", "万人次")]
    assert article.source_name == "辽宁日报" and article.source_url == "https://example.org/a"
    assert article.draft is True
    assert article.updated == dt.datetime(2025, 6, 13, tzinfo=SHANGHAI)
    assert article.expires == dt.datetime(2025, 7, 1, 18, 0, tzinfo=SHANGHAI)


# --- dates


def test_date_becomes_midnight_in_shanghai(site: Path) -> None:
    article, _ = check(site)
    assert article.date == dt.datetime(2025, 6, 12, 0, 0, tzinfo=SHANGHAI)


def test_naive_datetime_is_shanghai_time(site: Path) -> None:
    article, _ = check(site, head=HEAD.replace("2025-06-12", "2025-06-12T09:30:00"))
    assert article.date == dt.datetime(2025, 6, 12, 9, 30, tzinfo=SHANGHAI)
    assert article.date.utcoffset() == dt.timedelta(hours=8)


def test_naive_datetime_text_without_seconds_is_shanghai_time(site: Path) -> None:
    article, _ = check(site, head=HEAD.replace("2025-06-12", "2025-06-12T09:30"))
    assert article.date == dt.datetime(2025, 6, 12, 9, 30, tzinfo=SHANGHAI)


def test_datetime_with_offset_keeps_its_instant(site: Path) -> None:
    article, _ = check(site, head=HEAD.replace("2025-06-12", "2025-06-12T01:30:00Z"))
    assert article.date == dt.datetime(2025, 6, 12, 9, 30, tzinfo=SHANGHAI)


def test_rejects_date_with_slashes(site: Path) -> None:
    article, problems = check(site, head=HEAD.replace("2025-06-12", "2025/06/12"))
    assert article is None
    assert problems == [
        f"{A}:3:7: error: expected a date like 2025-06-12 or 2025-06-12T09:30:00+08:00, found '2025/06/12'"
    ]


# --- required keys


def test_rejects_missing_title(site: Path) -> None:
    article, problems = check(site, head="---\ndate: 2025-06-12\nscenarios: [digital-life]\n")
    assert article is None
    assert problems == [f"{A}:2:1: error: missing required key `title`"]


def test_rejects_missing_date(site: Path) -> None:
    article, problems = check(site, head="---\ntitle: 标题\nscenarios: [digital-life]\n")
    assert article is None
    assert problems == [f"{A}:2:1: error: missing required key `date`"]


def test_rejects_empty_scenario_list(site: Path) -> None:
    article, problems = check(site, head=HEAD.replace("[digital-life]", "[]"))
    assert article is None
    assert problems == [f"{A}:4:12: error: `scenarios` must list at least one value"]


def test_rejects_title_without_usable_characters(site: Path) -> None:
    article, problems = check(site, head=HEAD.replace("辽宁好网民", "！！！"))
    assert article is None
    assert problems == [f"{A}:2:8: error: cannot make a URL from the title '！！！'; add a `slug:` line"]


# --- choices


def test_rejects_unknown_scenario_with_suggestion(site: Path) -> None:
    article, problems = check(site, head=HEAD.replace("[digital-life]", "[digital-life, digital-wrok]"))
    assert article is None
    assert problems == [
        f"{A}:4:27: error: unknown scenario 'digital-wrok' (did you mean `digital-work`?); "
        "allowed: `digital-life`, `digital-work`"
    ]


def test_repeated_scenario_is_kept_once(site: Path) -> None:
    article, _ = check(site, head=HEAD.replace("[digital-life]", "[digital-life, digital-work, digital-life]"))
    assert article.scenarios == ("digital-life", "digital-work")


def test_normalises_city_without_shi(site: Path) -> None:
    article, problems = check(site, "region: 大连\n")
    assert problems == [] and article.region == "大连市"


def test_accepts_whole_province(site: Path) -> None:
    article, _ = check(site, "region: 全省\n")
    assert article.region == "全省"


def test_rejects_city_outside_liaoning(site: Path) -> None:
    article, problems = check(site, "region: 北京\n")
    assert article is None
    assert len(problems) == 1
    assert problems[0].startswith(f"{A}:5:9: error: unknown region '北京'; allowed: `沈阳市`, `大连市`, ")
    assert problems[0].endswith("`葫芦岛市`, `全省`")


def test_rejects_unknown_group(site: Path) -> None:
    article, problems = check(site, "groups: [农民, 工人]\n")
    assert article is None
    assert problems == [
        f"{A}:5:14: error: unknown group '工人'; allowed: `农民`, `妇女`, `残疾人`, `老年人`, `学生`, `退役军人`"
    ]


def test_rejects_unknown_line_of_work_with_suggestion(site: Path) -> None:
    article, problems = check(site, "line: publicty\n")
    assert article is None
    assert problems == [
        f"{A}:5:7: error: unknown line of work 'publicty' (did you mean `publicity`?); allowed: `publicity`, `training`"
    ]


def test_rejects_unknown_kind(site: Path) -> None:
    article, problems = check(site, "kind: 新闻\n")
    assert article is None
    assert problems == [f"{A}:5:7: error: unknown kind '新闻'; allowed: `case-study`, `news`"]


# --- unknown keys


def test_warns_on_unknown_key_suggesting_nearest(site: Path) -> None:
    article, problems = check(site, "tag: [测试]\ncover-alt: 图\n")
    assert article is not None
    assert problems == [
        f"{A}:5:1: warning: unknown key `tag` (did you mean `tags`?); it is ignored",
        f"{A}:6:1: warning: unknown key `cover-alt` (did you mean `cover_alt`?); it is ignored",
    ]


def test_warns_on_unknown_key_without_suggestion_when_nothing_is_near(site: Path) -> None:
    _, problems = check(site, "xyzzy: 1\n")
    assert problems == [f"{A}:5:1: warning: unknown key `xyzzy`; it is ignored"]


def test_warns_on_unknown_key_inside_source_and_figures(site: Path) -> None:
    _, problems = check(site, (
        "source: {name: 报, link: 'https://example.org/'}\n"
        "figures:\n  - {label: 培训, value: 30多, note: 注}\n"
    ))
    assert problems == [
        f"{A}:5:19: warning: unknown key `link`; it is ignored",
        f"{A}:7:29: warning: unknown key `note`; it is ignored",
    ]


# --- source, slug, cover


def test_rejects_source_url_that_is_not_absolute(site: Path) -> None:
    article, problems = check(site, "source:\n  name: 辽宁日报\n  url: www.example.org\n")
    assert article is None
    assert problems == [f"{A}:7:8: error: expected an absolute URL starting with https:// or http://, found 'www.example.org'"]


def test_rejects_source_without_name(site: Path) -> None:
    article, problems = check(site, "source:\n  url: https://example.org/\n")
    assert article is None
    assert problems == [f"{A}:6:3: error: missing required key `name`"]


@pytest.mark.parametrize(("slug", "hint"), [("..", ""), ("a/b", ", e.g. `a-b`"), ("Hello World", ", e.g. `hello-world`"), ("a--b", ", e.g. `a-b`")])
def test_rejects_unsafe_explicit_slug(site: Path, slug: str, hint: str) -> None:
    article, problems = check(site, f"slug: '{slug}'\n")
    assert article is None
    assert problems == [
        f"{A}:5:7: error: slug {slug!r} is not a single safe URL segment: use lower-case letters, digits "
        f"and single hyphens{hint}"
    ]


def test_finds_cover_beside_the_article(site: Path) -> None:
    (site / "content/articles/cover.png").write_bytes(b"png")
    article, problems = check(site, "cover: cover.png\ncover_alt: 培训现场\n")
    assert problems == []
    assert article.cover.path == (site / "content/articles/cover.png").resolve()
    assert article.cover.output == "" and article.cover.alt == "培训现场"


def test_finds_cover_under_static(site: Path) -> None:
    (site / "static/img").mkdir(parents=True)
    (site / "static/img/c.png").write_bytes(b"png")
    article, problems = check(site, "cover: /img/c.png\ncover_alt: 封面\n")
    assert problems == []
    assert article.cover.path == site / "static/img/c.png" and article.cover.output == "img/c.png"


def test_rejects_cover_outside_the_site(site: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "x.png"
    outside.write_bytes(b"png")
    ref = "../" * 20 + outside.relative_to("/").as_posix()
    assert (site / "content/articles" / ref).resolve() == outside.resolve()
    article, problems = check(site, f"cover: '{ref}'\ncover_alt: 图\n")
    assert article is None
    assert problems == [f"{A}:5:8: error: image {ref!r} not found beside the article or under static/"]


def test_rejects_cover_without_alt_at_the_cover_key(site: Path) -> None:
    (site / "content/articles/cover.png").write_bytes(b"png")
    article, problems = check(site, "cover: cover.png\n")
    assert article is None
    assert problems == [f"{A}:5:1: error: `cover` needs `cover_alt`: describe the image for readers who cannot see it"]


# --- robustness


def test_huge_alias_value_gives_a_short_message(site: Path) -> None:
    # A small text that expands to 9**5 strings: the diagnostic must stay a readable line,
    # not print the whole expansion (with a deeper nesting, building that text never ends).
    lines = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcde":
        lines.append(f"{name}{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    head = "---\n" + "\n".join(lines) + "\ntitle: *e\ndate: 2025-06-12\nscenarios: [digital-life]\n"
    article, problems = check(site, head=head)
    assert article is None
    errors = [p for p in problems if ": error: " in p]
    assert len(errors) == 1
    assert errors[0].startswith(f"{A}:7:")
    assert len(errors[0]) < 300


# --- scenarios and pages


def test_scenario_slug_defaults_to_file_name(site: Path) -> None:
    doc = raw(site, "---\ntitle: 数字生活\norder: 2\n---\n介绍。\n", "content/scenarios/digital-life.md", "scenario")
    diagnostics = Diagnostics()
    scenario = validate_scenario(doc, diagnostics)
    assert diagnostics.items == []
    assert (scenario.slug, scenario.title, scenario.order, scenario.summary) == ("digital-life", "数字生活", 2, "")


def test_scenario_rejects_negative_order(site: Path) -> None:
    doc = raw(site, "---\ntitle: 数字生活\norder: -1\n---\n", "content/scenarios/digital-life.md", "scenario")
    diagnostics = Diagnostics()
    assert validate_scenario(doc, diagnostics) is None
    assert [d.format() for d in diagnostics.items] == [
        "content/scenarios/digital-life.md:3:8: error: expected `order` to be a whole number of at least 0, found -1"
    ]


def test_page_slug_derives_from_title(site: Path) -> None:
    doc = raw(site, "---\ntitle: 关于活动\n---\n正文\n", "content/pages/x.md", "page")
    diagnostics = Diagnostics()
    page = validate_page(doc, diagnostics)
    assert diagnostics.items == [] and page.slug == "guan-yu-huo-dong" and page.draft is False


def test_page_warns_on_article_only_key(site: Path) -> None:
    doc = raw(site, "---\ntitle: 关于\nslug: about\ndate: 2025-06-12\n---\n", "content/pages/about.md", "page")
    diagnostics = Diagnostics()
    assert validate_page(doc, diagnostics) is not None
    assert [d.format() for d in diagnostics.items] == [
        "content/pages/about.md:4:1: warning: unknown key `date` (did you mean `draft`?); it is ignored"
    ]


def test_content_orders_scenarios_and_checks_articles_against_them(site: Path) -> None:
    docs = (
        raw(site, "---\ntitle: 乙\norder: 2\n---\n", "content/scenarios/digital-work.md", "scenario"),
        raw(site, "---\ntitle: 甲\norder: 1\n---\n", "content/scenarios/digital-life.md", "scenario"),
        raw(site, HEAD.replace("digital-life", "digital-work") + "---\n"),
        raw(site, HEAD.replace("digital-life", "digital-learning") + "---\n", "content/articles/b.md"),
    )
    diagnostics = Diagnostics()
    content = validate_content(docs, None, config_for(site), diagnostics)
    assert [s.slug for s in content.scenarios] == ["digital-life", "digital-work"]
    assert [a.source for a in content.articles] == [A]
    [problem] = [d.format() for d in diagnostics.items]
    head, allowed = problem.split("; allowed: ")
    assert head == "content/articles/b.md:4:13: error: unknown scenario 'digital-learning' (did you mean `digital-life`?)"
    assert sorted(allowed.split(", ")) == ["`digital-life`", "`digital-work`"]


def test_the_province_by_name_suggests_quan_sheng(make_site, run_cli) -> None:
    site = make_site({"content/articles/p.md": "---\ntitle: 省级\ndate: 2025-06-12\nscenarios: [digital-life]\nregion: 辽宁省\n---\n正文\n"})
    code, _, err = run_cli("check", "--source", site)
    assert code == 1 and "unknown region '辽宁省' (did you mean `全省`?)" in err
