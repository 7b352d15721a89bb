"""Shared fixtures: tiny sites built from a dict of files, and the paths of the fixture sites.

Messages are in Chinese for editors; most tests read them in English (`--lang en`, here the
LIAONING_SITE_LANG default, which subprocesses inherit too). The editors' guide and the tests of
the Chinese messages choose Chinese explicitly.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Callable, Iterator

import pytest

from liaoning_site.cli import main
from liaoning_site.diagnostics import use_language
from support import copy_site

os.environ["LIAONING_SITE_LANG"] = "en"


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Each test starts in English, whatever language the previous one chose."""
    use_language("en")
    yield
    use_language("en")


@pytest.fixture(autouse=True)
def ordinary_garbage_collection() -> Iterator[None]:
    """`serve` pauses and freezes the garbage collector (see heap.py): each test ends with it as usual."""
    yield
    gc.unfreeze()
    gc.enable()


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
