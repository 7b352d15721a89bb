"""Hostile and unusual input, one case each: the build either succeeds with the right pages or fails
with exact, one-line diagnostics (positions computed by hand in the comments), never a traceback,
never a file outside the output folder, never an overwritten page.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

DIAGNOSTIC = re.compile(r"^content/[^\n\r]+?:\d+:\d+: (error|warning): .+$")
FAILED = re.compile(r"^build failed: \d+ error\(s\); the previous output was left untouched$")
UNKNOWN_KIND = "unknown kind 'bad'; allowed: `case-study`, `news`"


def article(title: str = "测试文章", extra: str = "", body: str = "正文。\n", nl: str = "\n") -> str:
    lines = ["---", f"title: {title}", "date: 2025-06-12", "scenarios: [digital-life]", *extra.splitlines(), "---"]
    return nl.join(lines) + nl + body.replace("\n", nl)


def diagnostics_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]


def assert_clean_stderr(err: str) -> None:
    assert "Traceback" not in err
    for line in err.splitlines():
        assert DIAGNOSTIC.fullmatch(line) or FAILED.fullmatch(line), f"stray stderr line: {line!r}"


def build(run_cli, site: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    try:
        code, stdout, err = run_cli("build", "--source", site, "--output", out, "--jobs", "1", *extra)
    except Exception as exc:  # what the command line would print as a traceback
        pytest.fail(f"the build crashed with {type(exc).__name__}: {exc}")
    assert_clean_stderr(err)
    return code, stdout, err


def page(out: Path, slug: str) -> str:
    return (out / "articles" / slug / "index.html").read_text(encoding="utf-8")


# --- encodings and line endings


def test_utf8_bom_builds_and_the_title_has_no_bom(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({"content/articles/bom.md": b"\xef\xbb\xbf" + article("BOM标题").encode("utf-8")})
    out = tmp_path / "out"
    code, _, err = build(run_cli, site, out)
    assert code == 0, err
    assert diagnostics_of(err) == []
    html = page(out, "bom-biao-ti")  # the slug comes from the title without the BOM
    assert "BOM标题" in html
    assert "\ufeff" not in html
    assert "\ufeff" not in (out / "index.html").read_text(encoding="utf-8")


def test_crlf_line_endings_build(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({"content/articles/crlf.md": article("回车换行", "tags: [Windows]", "第一段。\n\n## 小标题\n\n第二段。\n", nl="\r\n").encode()})
    out = tmp_path / "out"
    code, _, err = build(run_cli, site, out)
    assert code == 0, err
    html = page(out, "hui-che-huan-hang")
    assert "\r" not in html
    assert "第二段。" in html and "小标题" in html


def test_crlf_and_cr_files_report_errors_at_their_file_lines(make_site, run_cli, tmp_path: Path) -> None:
    # Line 1 `---`, 2 title, 3 date, 4 scenarios, 5 `kind: ...` (value at column 7), 6 `---`,
    # 7 an empty line, 8 `见[那篇](missing.md)。`: 见 1, [ 2, 那篇 3-4, ] 5, ( 6, the target at 7.
    body = "\n见[那篇](missing.md)。\n"
    site = make_site({
        "content/articles/crlf.md": article("回车", "kind: bad", body, nl="\r\n").encode(),
        "content/articles/mac.md": article("旧式回车", "kind: bad", body, nl="\r").encode(),
    })
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert diagnostics_of(err) == [f"content/articles/crlf.md:5:7: error: {UNKNOWN_KIND}", f"content/articles/mac.md:5:7: error: {UNKNOWN_KIND}"]
    # Front matter fixed: the broken links in the bodies are reported next (a later stage).
    (site / "content/articles/crlf.md").write_bytes(article("回车", "kind: news", body, nl="\r\n").encode())
    (site / "content/articles/mac.md").write_bytes(article("旧式回车", "kind: news", body, nl="\r").encode())
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    missing = "link to content/articles/missing.md, which does not exist; check the file name and the `../` parts"
    assert diagnostics_of(err) == [f"content/articles/crlf.md:8:7: error: {missing}", f"content/articles/mac.md:8:7: error: {missing}"]
    assert not (tmp_path / "out").exists()


def test_invalid_utf8_is_an_error_at_its_line_and_character(make_site, run_cli, tmp_path: Path) -> None:
    # CRLF lines; line 2 is `title: 标题` then byte 0xc0: `title: ` is 7 characters, 标 8, 题 9, the bad byte 10.
    good = article("标", nl="\r\n").encode()
    bad = b"---\r\ntitle: \xe6\xa0\x87\xe9\xa2\x98\xc0\r\ndate: 2025-06-12\r\nscenarios: [digital-life]\r\n---\r\n"
    # In the body: line 6 `ab` then 0xff: column 3.
    body = article("体", body="").encode() + b"ab\xffcd\n"
    site = make_site({"content/articles/good.md": good, "content/articles/bad.md": bad, "content/articles/body.md": body})
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert diagnostics_of(err) == [
        "content/articles/bad.md:2:10: error: file is not valid UTF-8 (byte 0xc0); save it as UTF-8",
        "content/articles/body.md:6:3: error: file is not valid UTF-8 (byte 0xff); save it as UTF-8",
    ]


def test_empty_markdown_file_is_missing_front_matter(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({"content/articles/empty.md": b""})
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert diagnostics_of(err) == [
        "content/articles/empty.md:1:1: error: missing front matter: the file must start with a `---` line, "
        "then `key: value` lines, then `---`"
    ]


def test_line_separator_pasted_into_a_title_does_not_shift_positions(make_site, run_cli, tmp_path: Path) -> None:
    # Word and web pages paste U+2028 (LINE SEPARATOR) and U+0085 (NEL) into text; editors show them
    # inside one line, and the loader counts lines by "\n" only. `kind: bad` is on line 5 of each file.
    site = make_site({
        "content/articles/ls.md": article('"第一行\u2028第二行"', "kind: bad"),
        "content/articles/nel.md": article('"第一行\x85第二行"', "kind: bad"),
    })
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert diagnostics_of(err) == [f"content/articles/ls.md:5:7: error: {UNKNOWN_KIND}", f"content/articles/nel.md:5:7: error: {UNKNOWN_KIND}"]


def test_line_separator_in_a_plain_title_is_reported_on_its_own_line_if_at_all(make_site, run_cli, tmp_path: Path) -> None:
    # Unquoted, the separator may be refused; if so, the editor must be sent to line 2, where it is.
    site = make_site({"content/articles/ls.md": article("第一行\u2028第二行")})
    code, _, err = build(run_cli, site, tmp_path / "out")
    found = diagnostics_of(err)
    assert code == 0 or (found and all(line.startswith("content/articles/ls.md:2:") for line in found)), found


def test_a_key_with_a_newline_gives_one_line_diagnostics(make_site, run_cli, tmp_path: Path) -> None:
    # `"a\nb": 1` is a valid YAML key holding a newline; its warning must still be one line (line 5).
    site = make_site({"content/articles/nl.md": article("换行键", '"a\\nb": 1')})
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 0, err
    [warning] = diagnostics_of(err)
    assert warning.startswith("content/articles/nl.md:5:1: warning: unknown key ")


# --- size


def test_twenty_megabyte_article_builds_in_bounded_time(make_site, run_cli, tmp_path: Path) -> None:
    paragraph = "辽宁省全民数字素养与技能提升月活动持续推进，各地积极开展培训。" * 20 + "\n\n"
    count = 20_000_000 // len(paragraph.encode("utf-8")) + 1
    text = article("大文章", body=paragraph * count + "最后一段。\n")
    assert len(text.encode("utf-8")) >= 20_000_000
    site = make_site({"content/articles/big.md": text})
    out = tmp_path / "out"
    started = time.perf_counter()
    code, _, err = build(run_cli, site, out)
    elapsed = time.perf_counter() - started
    assert code == 0, err
    assert elapsed < 60, f"a 20 MB article took {elapsed:.1f} s"
    path = out / "articles" / "da-wen-zhang" / "index.html"
    assert path.stat().st_size > 20_000_000
    assert "最后一段。" in path.read_text(encoding="utf-8")


# --- YAML attacks


def _limit_memory() -> None:  # in the child: a runaway expansion fails instead of eating the machine
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def test_yaml_alias_bomb_finishes_quickly_with_short_messages(make_site, tmp_path: Path) -> None:
    """The "billion laughs": nine levels of nine aliases, 9**9 strings once expanded, used as real fields."""
    lines = ['lol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        lines.append(f"lol{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    bomb = "\n".join(lines)
    site = make_site({
        "content/articles/bomb.md": article("炸弹", bomb + "\ntags: *a8"),
        "content/articles/bomb2.md": "---\n" + bomb + "\ntitle: *a8\ndate: 2025-06-12\nscenarios: [digital-life]\n---\n正文\n",
    })
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "liaoning_site", "build", "--source", site, "--output", tmp_path / "out", "--jobs", "1"],
            capture_output=True, text=True, timeout=10, preexec_fn=_limit_memory, env={**os.environ, "CI": "true"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail("an alias bomb in the front matter kept the build busy for more than 10 s")
    elapsed = time.perf_counter() - started
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert elapsed < 10, f"took {elapsed:.1f} s"
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if ": error: " in line]
    assert any(line.startswith("content/articles/bomb.md:") and "`tags`" in line for line in errors), proc.stderr
    assert any(line.startswith("content/articles/bomb2.md:") and "`title`" in line for line in errors), proc.stderr
    for line in proc.stderr.splitlines():
        assert len(line) < 400, f"message too long ({len(line)} characters): {line[:200]}…"
        assert DIAGNOSTIC.fullmatch(line) or FAILED.fullmatch(line), line


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/object/new:os.system"])
def test_object_constructing_yaml_tag_is_an_error_and_never_runs(tag: str, make_site, run_cli, tmp_path: Path) -> None:
    marker = tmp_path / "hacked"
    # Line 2: `title: ` is 7 characters, the tag starts at column 8.
    text = f'---\ntitle: {tag} ["echo hacked > {marker}"]\ndate: 2025-06-12\nscenarios: [digital-life]\n---\n正文\n'
    site = make_site({"content/articles/evil.md": text})
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert diagnostics_of(err) == [
        f"content/articles/evil.md:2:8: error: invalid YAML: could not determine a constructor for the tag "
        f"'tag:yaml.org,2002:{tag[2:]}'"
    ]
    assert not marker.exists()


@pytest.mark.parametrize(
    "value",
    ["!!timestamp x", "!!bool x", "!!int ''"],
    ids=["timestamp", "bool", "empty-int"],
)
def test_explicit_yaml_tag_with_a_bad_value_is_an_error_not_a_crash(value: str, make_site, run_cli, tmp_path: Path) -> None:
    # Line 5: `summary: ` is 9 characters, the tag starts at column 10.
    site = make_site({"content/articles/tagged.md": article("标签", f"summary: {value}")})
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    [line] = diagnostics_of(err)
    assert line.startswith("content/articles/tagged.md:5:10: error: "), line


def test_duplicate_keys_are_errors_naming_the_key(make_site, run_cli, tmp_path: Path) -> None:
    # Line 5 repeats `title` (column 1). Line 6: `source: {name: 甲, url: https://example.org/, name: 乙}`:
    # `source: {` is 9 characters, `name: 甲, ` 9 more, `url: https://example.org/, ` 27 more: the
    # second `name` starts at column 46.
    text = article("第一个标题", "title: 第二个标题\nsource: {name: 甲, url: https://example.org/, name: 乙}")
    site = make_site({"content/articles/dup.md": text})
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert diagnostics_of(err) == [
        "content/articles/dup.md:5:1: error: duplicate key `title`: each key may appear only once",
        "content/articles/dup.md:6:46: error: duplicate key `name`: each key may appear only once",
    ]


# --- files and names


def test_symlinks_leading_outside_the_source_are_errors(make_site, run_cli, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text(article("秘密"), encoding="utf-8")
    (outside / "folder" / "more.md").write_text(article("更多秘密"), encoding="utf-8")
    site = make_site()
    (site / "content/articles/link.md").symlink_to(outside / "secret.md")
    (site / "content/articles/linked").symlink_to(outside / "folder", target_is_directory=True)
    out = tmp_path / "out"
    code, _, err = build(run_cli, site, out)
    assert code == 1
    assert diagnostics_of(err) == [
        f"content/articles/link.md:1:1: error: this is a link to {outside / 'secret.md'}, outside the site folder; copy the file in instead",
        f"content/articles/linked/more.md:1:1: error: this is a link to {outside / 'folder' / 'more.md'}, outside the site folder; copy the file in instead",
    ]
    assert not out.exists()


def test_file_names_with_spaces_and_chinese_build(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({"content/articles/新 文章.md": article("新文章", body="新文章的正文。\n")})
    out = tmp_path / "out"
    code, _, err = build(run_cli, site, out)
    assert code == 0, err
    assert "新文章的正文。" in page(out, "xin-wen-zhang")
    # The same name in a diagnostic, as it is on disk (line 5: `kind: bad`).
    (site / "content/articles/新 文章.md").write_text(article("新文章", "kind: bad"), encoding="utf-8")
    code, _, err = build(run_cli, site, out)
    assert code == 1
    assert diagnostics_of(err) == [f"content/articles/新 文章.md:5:7: error: {UNKNOWN_KIND}"]


def test_slugs_that_are_not_one_safe_segment_are_errors(make_site, run_cli, tmp_path: Path) -> None:
    # `slug: ` is 6 characters, the value starts at column 7 of line 5.
    site = make_site({
        "content/articles/dots.md": article("点", "slug: .."),
        "content/articles/ab.md": article("斜杠", "slug: a/b"),
        "content/articles/up.md": article("上级", "slug: ../../escape"),
        "content/articles/caps.md": article("大写", "slug: Hello"),
    })
    out = tmp_path / "out"
    code, _, err = build(run_cli, site, out)
    assert code == 1
    rule = "is not a single safe URL segment: use lower-case letters, digits and single hyphens"
    assert diagnostics_of(err) == [
        f"content/articles/ab.md:5:7: error: slug 'a/b' {rule}, e.g. `a-b`",
        f"content/articles/caps.md:5:7: error: slug 'Hello' {rule}, e.g. `hello`",
        f"content/articles/dots.md:5:7: error: slug '..' {rule}",
        f"content/articles/up.md:5:7: error: slug '../../escape' {rule}, e.g. `escape`",
    ]
    assert not out.exists()
    assert not (tmp_path / "escape").exists()


def test_file_names_differing_in_case_build_distinct_pages(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({
        "content/articles/A.md": article("Alpha", body="大写文件。\n"),
        "content/articles/a.md": article("Beta", body="小写文件。\n"),
    })
    out = tmp_path / "out"
    code, _, err = build(run_cli, site, out)
    assert code == 0, err
    assert "大写文件。" in page(out, "alpha") and "小写文件。" not in page(out, "alpha")
    assert "小写文件。" in page(out, "beta") and "大写文件。" not in page(out, "beta")


def test_titles_differing_only_in_case_collide_and_nothing_is_overwritten(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({
        "content/articles/A.md": article("Same", body="大写文件。\n"),
        "content/articles/a.md": article("same", body="小写文件。\n"),
    })
    out = tmp_path / "out"
    code, _, err = build(run_cli, site, out)
    assert code == 1
    fix = "give one of them another `slug`"
    assert diagnostics_of(err) == [
        f"content/articles/A.md:2:1: error: URL /articles/same/ is also produced by content/articles/a.md; {fix}",
        f"content/articles/a.md:2:1: error: URL /articles/same/ is also produced by content/articles/A.md; {fix}",
    ]
    assert not out.exists()


def test_explicit_slug_colliding_with_a_derived_one_names_both_files(make_site, run_cli, tmp_path: Path) -> None:
    # y.md's slug comes from its title (reported at the title, line 2); z.md's is written on line 5.
    site = make_site({
        "content/articles/y.md": article("ABC"),
        "content/articles/z.md": article("另一篇", "slug: abc"),
    })
    code, _, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    fix = "give one of them another `slug`"
    assert diagnostics_of(err) == [
        f"content/articles/y.md:2:1: error: URL /articles/abc/ is also produced by content/articles/z.md; {fix}",
        f"content/articles/z.md:5:1: error: URL /articles/abc/ is also produced by content/articles/y.md; {fix}",
    ]
