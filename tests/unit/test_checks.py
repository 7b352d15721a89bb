"""`check`'s editorial warnings: things that build but read badly."""

from __future__ import annotations


def article(title: str, extra: str = "", body: str = "正文。", date: str = "2025-06-12") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nscenarios: [digital-life]\n{extra}---\n{body}\n"


def test_check_warns_about_what_reads_badly(make_site, run_cli) -> None:
    long_summary = "很长的摘要" * 25
    site = make_site({
        "content/articles/a.md": article("同一个标题", f"slug: a\nsummary: {long_summary}\n", "见[官网](http://example.org/)。"),
        "content/articles/b.md": article("同一个标题", "slug: b\n", date="2099-01-01"),
    })
    code, _, err = run_cli("check", "--source", site)
    assert code == 0
    lines = [line for line in err.splitlines() if ": warning: " in line]
    assert lines == [
        "content/articles/a.md:6:1: warning: the summary has 125 characters; search engines show about 120, shorten it",
        "content/articles/a.md:8:7: warning: link 'http://example.org/' uses http://; use https:// if the site offers it",
        "content/articles/b.md:2:1: warning: the title '同一个标题' is also used by content/articles/a.md; readers cannot tell them apart",
        "content/articles/b.md:3:1: warning: the date is in the future and the article is not a draft: it will appear by itself on that day; add `draft: true` if it is not ready",
        "content/scenarios/digital-work.md:1:1: warning: no article belongs to the scenario 'digital-work': its page would be empty",
    ]
    assert run_cli("check", "--source", site, "--strict")[0] == 1


def test_build_does_not_run_editorial_checks(make_site, run_cli) -> None:
    site = make_site({"content/articles/a.md": article("标题", "slug: a\n", "见[官网](http://example.org/)。")})
    code, _, err = run_cli("build", "--source", site)
    assert code == 0 and "http://" not in err


def test_check_reports_what_build_would_refuse_and_what_the_preview_would(make_site, run_cli) -> None:
    site = make_site({
        "content/articles/draft.md": article("草稿", "slug: draft\ndraft: true\n", "见[缺失](missing.md)。"),
        "content/articles/linker.md": article("链接", "slug: linker\n", "见[草稿](draft.md)。"),
    })
    code, _, err = run_cli("check", "--source", site)
    assert code == 1
    assert "content/articles/draft.md:8:7: error: link to content/articles/missing.md, which does not exist; check the file name and the `../` parts" in err
    assert "content/articles/linker.md:7:7: error: link to content/articles/draft.md, which is not published in this build (a draft, or dated in the future)" in err
