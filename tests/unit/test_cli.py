"""Command line: exit codes, one line per diagnostic, no traceback, check's output formats."""

from __future__ import annotations

import json

BROKEN = "---\ntitle: 坏文章\ndate: 2025/06/12\nscenarios: [digital-life]\n---\n正文\n"


def test_build_prints_summary_and_exits_zero(make_site, run_cli) -> None:
    code, out, err = run_cli("build", "--source", make_site())
    assert code == 0 and out.startswith("built ") and err == ""


def test_build_failure_is_one_line_per_error_and_exit_one(make_site, run_cli) -> None:
    site = make_site({"content/articles/bad.md": BROKEN})
    code, out, err = run_cli("build", "--source", site)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "content/articles/bad.md:3:7: error: expected a date like 2025-06-12 or 2025-06-12T09:30:00+08:00, found '2025/06/12'",
        "build failed: 1 error(s); the previous output was left untouched",
    ]


def test_invalid_base_url_option_is_a_usage_error(make_site, capsys) -> None:
    import pytest

    from liaoning_site.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["build", "--source", str(make_site()), "--base-url", "example.org/x"])
    assert exited.value.code == 2
    assert "argument --base-url: expected an absolute URL like https://example.org/szsy/, found 'example.org/x'" in capsys.readouterr().err


def test_check_writes_nothing_and_reports_in_json(make_site, run_cli) -> None:
    site = make_site({"content/articles/bad.md": BROKEN})
    code, out, _ = run_cli("check", "--source", site, "--format", "json")
    assert code == 1
    assert json.loads(out) == [{
        "path": "content/articles/bad.md", "line": 3, "col": 7, "severity": "error",
        "message": "expected a date like 2025-06-12 or 2025-06-12T09:30:00+08:00, found '2025/06/12'",
    }]
    assert not (site / "_site").exists()


def test_check_github_format_prints_annotations(make_site, run_cli) -> None:
    site = make_site({"content/articles/bad.md": BROKEN})
    code, _, err = run_cli("check", "--source", site, "--format", "github")
    assert code == 1
    assert err.startswith("::error file=content/articles/bad.md,line=3,col=7::expected a date")


def test_check_strict_fails_on_warnings(make_site, run_cli) -> None:
    site = make_site({"content/articles/w.md": "---\ntitle: 警告\ndate: 2025-06-12\nscenarios: [digital-life]\ntag: [x]\n---\n正文\n"})
    assert run_cli("check", "--source", site)[0] == 0
    code, _, err = run_cli("check", "--source", site, "--strict")
    assert code == 1
    assert "content/articles/w.md:5:1: warning: unknown key `tag` (did you mean `tags`?); it is ignored" in err
