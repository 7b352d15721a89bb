"""Shared fixtures: tiny sites built from a dict of files, and the paths of the fixture sites."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from liaoning_site.cli import main
from support import copy_site


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """make_site({"content/articles/x.md": "...", "content/pages/about.md": None}) -> site folder.

    Starts from tests/sites/minimal; a value of None deletes that file; bytes are written as is.
    """

    def make(files: dict[str, str | bytes | None] | None = None, base: str = "minimal") -> Path:
        site = copy_site(base, tmp_path / "site")
        for rel, text in (files or {}).items():
            path = site / rel
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return site

    return make


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the command line in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
