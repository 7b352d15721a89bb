"""`liaoning-site new article`: a complete, valid draft that builds; never overwrites."""

from __future__ import annotations

import datetime as dt

import yaml

from liaoning_site.scaffold import new_article


def test_new_article_is_a_valid_draft_that_builds(make_site, run_cli) -> None:
    site = make_site()
    code, out, _ = run_cli("new", "article", "大连市新的数字课堂", "--scenario", "digital-life", "--region", "大连", "--source", site)
    assert code == 0 and "created" in out
    path = site / "content" / "articles" / "da-lian-shi-xin-de-shu-zi-ke-tang.md"
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert front["title"] == "大连市新的数字课堂" and front["scenarios"] == ["digital-life"]
    assert front["region"] == "大连市" and front["draft"] is True and isinstance(front["date"], dt.date)
    assert run_cli("build", "--source", site)[0] == 0
    assert not (site / "_site" / "articles" / "da-lian-shi-xin-de-shu-zi-ke-tang").exists()  # a draft
    code, _, err = run_cli("build", "--source", site, "--drafts", "--output", site / "with-drafts")
    assert code == 0 and err == ""
    assert (site / "with-drafts" / "articles" / "da-lian-shi-xin-de-shu-zi-ke-tang" / "index.html").is_file()


def test_uses_todays_date_in_shanghai(make_site) -> None:
    path = new_article(make_site(), "日期测试", "digital-work", today=dt.date(2025, 6, 12))
    assert "date: 2025-06-12\n" in path.read_text(encoding="utf-8")


def test_refuses_to_overwrite(make_site, run_cli) -> None:
    site = make_site()
    (site / "content" / "articles" / "xin-wen-zhang.md").write_text("已有内容", encoding="utf-8")
    code, _, err = run_cli("new", "article", "新文章", "--scenario", "digital-life", "--source", site)
    assert code == 1 and "content/articles/xin-wen-zhang.md already exists; nothing was written" in err
    assert (site / "content" / "articles" / "xin-wen-zhang.md").read_text(encoding="utf-8") == "已有内容"


def test_unknown_scenario_and_region_suggest_the_nearest(make_site, run_cli) -> None:
    site = make_site()
    code, _, err = run_cli("new", "article", "标题", "--scenario", "digital-lfe", "--source", site)
    assert code == 1 and "unknown scenario 'digital-lfe' (did you mean `digital-life`?)" in err
    code, _, err = run_cli("new", "article", "标题", "--scenario", "digital-life", "--region", "大莲", "--source", site)
    assert code == 1 and "(did you mean `大连市`?)" in err
    assert sorted(p.name for p in (site / "content" / "articles").iterdir()) == ["hello.md"]
