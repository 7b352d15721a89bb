"""config: content/site.yml (and --base-url) -> SiteConfig, every mistake at its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaoning_site.config import NavItem, load_config, normalize_base_url
from liaoning_site.diagnostics import Diagnostics

ROOT = Path(__file__).resolve().parents[2]
SITE_YML = (
    "title: 测试站\n"
    "description: 描述。\n"
    "base_url: https://example.org/szsy\n"
    "language: zh-CN\n"
    "navigation:\n"
    "  - {title: 首页, url: /}\n"
    "  - {title: 关于, url: /about/}\n"
)


def configure(site: Path, base_url: str | None = None):
    diagnostics = Diagnostics()
    config = load_config(site, diagnostics, base_url)
    return config, [d.format() for d in diagnostics.sorted()]


def with_site_yml(make_site, text: str) -> Path:
    return make_site({"content/site.yml": text})


# --- normalize_base_url


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("https://example.org", "https://example.org/"),
        ("https://example.org/", "https://example.org/"),
        ("https://example.org/szsy", "https://example.org/szsy/"),
        ("https://example.org/szsy/", "https://example.org/szsy/"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("  https://example.org/a/b  ", "https://example.org/a/b/"),
    ],
)
def test_normalises_base_url_to_end_with_slash(raw: str, normal: str) -> None:
    assert normalize_base_url(raw) == normal


@pytest.mark.parametrize(
    "raw", ["example.org", "example.org/szsy", "//example.org/", "ftp://example.org/", "https://", "https://example.org/?a=1", "https://example.org/#top", "/szsy/", ""]
)
def test_rejects_base_url_that_is_not_absolute_http(raw: str) -> None:
    assert normalize_base_url(raw) is None


# --- load_config


def test_reads_the_minimal_site(make_site) -> None:
    config, problems = configure(make_site())
    assert problems == []
    assert config.title == "最小示例站"
    assert config.base_url == "https://example.org/" and config.base_path == "/"
    assert config.language == "zh-CN" and config.page_size == 10
    assert config.navigation == (NavItem("首页", "/"), NavItem("关于", "/about/"))
    assert config.theme_dir == ROOT
    assert config.template_dirs == (ROOT / "templates",)


def test_base_url_with_sub_path_gets_a_trailing_slash(make_site) -> None:
    config, problems = configure(with_site_yml(make_site, SITE_YML))
    assert problems == []
    assert config.base_url == "https://example.org/szsy/"
    assert config.base_path == "/szsy/"


def test_base_url_option_wins_over_the_file(make_site) -> None:
    config, _ = configure(make_site(), "https://cdn.example.com/szsy")
    assert config.base_url == "https://cdn.example.com/szsy/" and config.base_path == "/szsy/"


def test_rejects_invalid_base_url_option(make_site) -> None:
    config, problems = configure(make_site(), "example.org/x")
    assert config is None
    assert problems == ["--base-url:1:1: error: expected an absolute URL like https://example.org/szsy/, found 'example.org/x'"]


def test_rejects_base_url_without_scheme_at_the_value(make_site) -> None:
    config, problems = configure(with_site_yml(make_site, SITE_YML.replace("https://example.org/szsy", "example.org")))
    assert config is None
    assert problems == ["content/site.yml:3:11: error: expected an absolute URL like https://example.org/szsy/, found 'example.org'"]


def test_rejects_missing_base_url(make_site) -> None:
    config, problems = configure(with_site_yml(make_site, SITE_YML.replace("base_url: https://example.org/szsy\n", "")))
    assert config is None
    assert problems == ["content/site.yml:1:1: error: missing required key `base_url`"]


def test_rejects_missing_title(make_site) -> None:
    config, problems = configure(with_site_yml(make_site, SITE_YML.replace("title: 测试站\n", "")))
    assert config is None
    assert problems == ["content/site.yml:1:1: error: missing required key `title`"]


def test_navigation_url_must_start_with_slash(make_site) -> None:
    config, problems = configure(with_site_yml(make_site, SITE_YML.replace("url: /about/", "url: about/")))
    assert problems == ["content/site.yml:7:22: error: expected a site path starting with `/`, like /archive/, found 'about/'"]
    assert config.navigation == (NavItem("首页", "/"),)


def test_navigation_entry_needs_a_title(make_site) -> None:
    _, problems = configure(with_site_yml(make_site, SITE_YML.replace("{title: 关于, url: /about/}", "{url: /about/}")))
    assert problems == ["content/site.yml:7:5: error: missing required key `title`"]


def test_navigation_must_be_a_list(make_site) -> None:
    text = SITE_YML.split("navigation:")[0] + "navigation: /about/\n"
    _, problems = configure(with_site_yml(make_site, text))
    assert problems == ["content/site.yml:5:13: error: expected `navigation` to be a list of entries, found '/about/'"]


def test_rejects_missing_theme_folder(make_site) -> None:
    site = with_site_yml(make_site, SITE_YML + "theme: nowhere\n")
    config, problems = configure(site)
    assert problems == [
        f"content/site.yml:8:8: error: theme folder 'nowhere' does not exist (resolved to {(site / 'nowhere').resolve()})"
    ]
    assert config is not None and config.theme_dir is None


def test_theme_path_is_relative_to_the_source(make_site, tmp_path: Path) -> None:
    (tmp_path / "shared-theme").mkdir()
    site = with_site_yml(make_site, SITE_YML + "theme: ../shared-theme\n")
    config, problems = configure(site)
    assert problems == [] and config.theme_dir == (tmp_path / "shared-theme").resolve()


def test_rejects_page_size_of_zero(make_site) -> None:
    config, problems = configure(with_site_yml(make_site, SITE_YML + "page_size: 0\n"))
    assert problems == ["content/site.yml:8:12: error: expected `page_size` to be a whole number of at least 1, found 0"]
    assert config.page_size == 10


def test_warns_on_unknown_key_with_suggestion(make_site) -> None:
    config, problems = configure(with_site_yml(make_site, SITE_YML + "baseurl: https://example.org/\n"))
    assert config is not None
    assert problems == ["content/site.yml:8:1: warning: unknown key `baseurl` (did you mean `base_url`?); it is ignored"]


def test_rejects_site_yml_that_is_a_list(make_site) -> None:
    config, problems = configure(with_site_yml(make_site, "- title: 站\n"))
    assert config is None
    assert problems == ["content/site.yml:1:1: error: expected a mapping of settings (`key: value` lines), found [{'title': '站'}]"]


def test_reports_missing_site_yml(make_site) -> None:
    config, problems = configure(make_site({"content/site.yml": None}))
    assert config is None
    assert problems == ["content/site.yml:1:1: error: cannot read file: No such file or directory"]


def test_navigation_to_a_missing_page_fails_the_build(make_site, run_cli, tmp_path: Path) -> None:
    # "No broken internal links": a menu entry is a link on every page.
    site = make_site()
    yml = site / "content/site.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("url: /about/", "url: /missing/"), encoding="utf-8")
    code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out")
    assert "content/site.yml:9:22: error: link to /missing/, which is not a page of this site" in err.splitlines()
    assert code == 1
