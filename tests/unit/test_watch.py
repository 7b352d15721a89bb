"""Watcher logic: which events count, what kind of change they are, and debouncing."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import pytest

from liaoning_site.serve.watch import Change, classify, collect_batch, is_temp_file, watched_roots


@pytest.mark.parametrize("name", [".hello.md.swp", "hello.md~", "#hello.md#", ".#hello.md", "4913", "x.tmp", "~$文档.docx", ".DS_Store"])
def test_editor_temp_files_are_ignored(name: str) -> None:
    assert is_temp_file(name)


@pytest.mark.parametrize("name", ["hello.md", "辽宁.md", "site.css", "cover.png"])
def test_real_files_are_not_temp_files(name: str) -> None:
    assert not is_temp_file(name)


def test_classifies_changes_by_folder(tmp_path: Path) -> None:
    roots = watched_roots(tmp_path, None)
    assert classify(tmp_path / "content" / "articles" / "a.md", roots) == Change(tmp_path / "content" / "articles" / "a.md", "content")
    assert classify(tmp_path / "content" / "site.yml", roots).kind == "config"
    assert classify(tmp_path / "content" / "campaign.yml", roots).kind == "config"
    assert classify(tmp_path / "templates" / "base.html", roots).kind == "templates"
    assert classify(tmp_path / "static" / "css" / "site.css", roots).is_css


def test_output_cache_and_hidden_folders_are_ignored(tmp_path: Path) -> None:
    roots = watched_roots(tmp_path, None)
    for path in ("_site/index.html", ".cache/x", ".git/index", "content/.drafts/x.md", "README.md", "content/articles/.a.md.swp"):
        assert classify(tmp_path / path, roots) is None, path


def test_theme_folders_are_watched(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    roots = watched_roots(tmp_path / "site", theme)
    assert classify(theme / "templates" / "base.html", roots).kind == "templates"
    assert classify(theme / "content" / "x.md", roots) is None


def test_a_burst_of_events_becomes_one_batch() -> None:
    events: queue.Queue[Change] = queue.Queue()

    def save_in_steps() -> None:
        for name in ("a.md", "b.md", "a.md"):
            events.put(Change(Path(name), "content"))
            time.sleep(0.01)

    threading.Thread(target=save_in_steps).start()
    batch = collect_batch(events, quiet=0.05, limit=1.0, timeout=1.0)
    assert batch == {Change(Path("a.md"), "content"), Change(Path("b.md"), "content")}
    assert collect_batch(events, quiet=0.05, limit=1.0, timeout=0.05) == set()
