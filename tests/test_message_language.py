"""Messages speak the editors' language: Chinese unless `--lang en` (or LIAONING_SITE_LANG) asks
for English, at the same positions, in every command and in every output format."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import SITES
from test_invalid_sites import CASES, overlay

CJK = re.compile(r"[\u4e00-\u9fff]")
# Names, values and paths an editor wrote are quoted as written; only the words around them count.
QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\S*[/.]\S*")


def diagnostics(err: str) -> list[tuple[str, str]]:
    found = []
    for line in err.splitlines():
        match = re.match(r"^(\S+:\d+:\d+: (?:error|warning)): (.*)$", line)
        if match:
            found.append((match[1], match[2]))
    return found


def broken_site(case: str, make_site) -> Path:
    site = make_site()
    overlay(SITES / "invalid" / case, site)
    return site


@pytest.mark.parametrize("case", CASES)
def test_every_mistake_is_explained_in_chinese_at_the_same_place(case: str, make_site, run_cli, tmp_path: Path) -> None:
    site = broken_site(case, make_site)
    _, _, english = run_cli("build", "--source", site, "--output", tmp_path / "out", "--lang", "en")
    code, _, chinese = run_cli("build", "--source", site, "--output", tmp_path / "out", "--lang", "zh")
    assert code == 1
    assert [where for where, _ in diagnostics(chinese)] == [where for where, _ in diagnostics(english)]
    for where, message in diagnostics(chinese):
        assert CJK.search(QUOTED.sub("", message)), f"{where}: not in Chinese: {message}"
    for where, message in diagnostics(english):
        assert not CJK.search(QUOTED.sub("", message)), f"{where}: not in English: {message}"
    assert "生成失败" in chinese and "上一次生成的网站保持原样" in chinese


UNKNOWN_SCENARIO = """---
title: 场景拼错了
date: 2025-06-12
scenarios: [digital-lfe]
---
正文。
"""


def test_chinese_is_the_default_and_english_is_one_option_away(make_site, tmp_path: Path) -> None:
    site = make_site({"content/articles/typo.md": UNKNOWN_SCENARIO})
    env = {k: v for k, v in os.environ.items() if k != "LIAONING_SITE_LANG"}

    def build(*extra: str) -> str:
        command = [sys.executable, "-m", "liaoning_site", "build", "--source", str(site), "--output", str(tmp_path / "out"), *extra]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120).stderr

    assert "content/articles/typo.md:4:13: error: 未知的场景 'digital-lfe'（是否想写 `digital-life`？）；可选值：`digital-life`" in build()
    assert "content/articles/typo.md:4:13: error: unknown scenario 'digital-lfe' (did you mean `digital-life`?); allowed: `digital-life`" in build("--lang", "en")
    env["LIAONING_SITE_LANG"] = "en"
    assert "unknown scenario 'digital-lfe'" in build()
    assert "未知的场景" in build("--lang", "zh")


def test_check_speaks_chinese_in_every_format(make_site, run_cli) -> None:
    site = make_site({"content/articles/typo.md": UNKNOWN_SCENARIO})
    code, out, _ = run_cli("check", "--source", site, "--format", "json", "--lang", "zh")
    assert code == 1
    [item] = json.loads(out)
    assert item["message"].startswith("未知的场景 'digital-lfe'")
    code, _, err = run_cli("check", "--source", site, "--format", "github", "--lang", "zh")
    assert "::error file=content/articles/typo.md,line=4,col=13::未知的场景" in err
    code, _, err = run_cli("check", "--source", site, "--lang", "zh")
    assert err.splitlines()[-1] == "1 个错误，0 个提醒"


def test_a_cached_build_repeats_its_warnings_in_the_language_asked_for(make_site, run_cli) -> None:
    site = make_site()
    site_yml = site / "content" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + "pagesize: 5\n", encoding="utf-8")
    for language, expected in [("en", "unknown key `pagesize`"), ("zh", "未知的键 `pagesize`"), ("zh", "未知的键 `pagesize`"), ("en", "unknown key `pagesize`")]:
        code, out, err = run_cli("build", "--source", site, "--lang", language)
        assert code == 0 and expected in err, (language, err)


def test_new_article_and_usage_errors_speak_chinese(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site()
    code, out, _ = run_cli("new", "article", "大连的新课堂", "--scenario", "digital-life", "--source", site, "--lang", "zh")
    assert code == 0 and out.startswith("已创建 ") and "草稿" in out
    code, _, err = run_cli("new", "article", "大连的新课堂", "--scenario", "digital-life", "--source", site, "--lang", "zh")
    assert code == 1 and "已经存在，没有写入任何内容" in err
    code, _, err = run_cli("new", "article", "另一篇", "--scenario", "digital-lfe", "--source", site, "--lang", "zh")
    assert code == 1 and "未知的场景 'digital-lfe'（是否想写 `digital-life`？）" in err
    code, _, err = run_cli("build", "--source", tmp_path, "--lang", "zh")
    assert code == 2 and "下没有 content/ 文件夹" in err
