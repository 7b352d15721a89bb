"""Crash safety of the write stage: a build killed at any moment, or hitting a full disk, never leaves
a broken output behind.

- `build` killed with SIGKILL at seeded random moments over a 300-article site: right after the kill,
  `_site/` is the previous output byte for byte, or the complete new one; or, if the kill fell inside
  the write stage, what it left is exactly what `recover_interrupted` turns back into one of those two.
  The next build then succeeds, equals a cold `--no-cache` build and leaves no journal, temporary
  or old folder behind.
- Deterministic kill points inside the in-place (journaled) write: between writing a temporary file
  and renaming it, and while the journal is being deleted.
- A full disk (ENOSPC) part-way through writing: one line of error, no traceback, exit 1, and the
  previous output untouched.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import liaoning_site.write as write_module
from liaoning_site.cli import main
from liaoning_site.write import recover_interrupted
from support import corpus_module

ENV = {**os.environ, "CI": "true"}

Snapshot = dict[str, "bytes | None"]  # path inside the folder -> bytes (None for a folder)


def snapshot(folder: Path) -> Snapshot | None:
    """Every file and folder, hidden ones included (deployers upload those too)."""
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def describe(actual: Snapshot | None, expected: Snapshot | None) -> str:
    if actual is None or expected is None:
        return f"one side is missing (actual {'missing' if actual is None else 'present'})"
    extra = sorted(set(actual) - set(expected))[:5]
    missing = sorted(set(expected) - set(actual))[:5]
    changed = sorted(k for k in set(actual) & set(expected) if actual[k] != expected[k])[:5]
    return f"extra {extra}, missing {missing}, different {changed}"


def leftovers(output: Path) -> list[str]:
    """What a killed build may leave beside the output folder: `._site.journal`, `._site.tmp-*`, `._site.old-*`."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


def cli(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "liaoning_site", *map(str, args)], capture_output=True, text=True, env=ENV, timeout=timeout
    )


# --- random SIGKILLs on a 300-article site


class Corpus:
    """A generated site with three states: A (as generated), B (three articles edited: written in
    place under the journal), C (the site title changed: every page changes, written fresh and swapped)."""

    EDITED = 3

    def __init__(self, site: Path) -> None:
        self.site = site
        self.articles = sorted((site / "content" / "articles").rglob("*.md"))[: self.EDITED]
        self.originals = {p: p.read_bytes() for p in [*self.articles, site / "content" / "site.yml"]}

    def set_state(self, state: str) -> None:
        for path, data in self.originals.items():
            text = data.decode("utf-8")
            if state == "B" and path.suffix == ".md":
                text += "\n本次更新补充的一段文字。\n"
            if state == "C" and path.name == "site.yml":
                text = "".join(line.rstrip("\n") + "（更新版）\n" if line.startswith("title:") else line for line in text.splitlines(True))
            if path.read_bytes() != text.encode("utf-8"):
                path.write_bytes(text.encode("utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, dict[str, Snapshot]]:
    root = tmp_path_factory.mktemp("crash")
    site = corpus_module().make_corpus(300, root / "site")
    corpus = Corpus(site)
    cold: dict[str, Snapshot] = {}
    for state in "ABC":
        corpus.set_state(state)
        proc = cli("build", "--source", site, "--output", root / f"cold-{state}", "--no-cache")
        assert proc.returncode == 0, proc.stderr
        cold[state] = snapshot(root / f"cold-{state}")
    assert cold["A"] != cold["B"] != cold["C"]
    return corpus, cold


def _recovered_copy(output: Path, scratch: Path) -> Snapshot | None:
    """What `recover_interrupted` makes of the output and its leftovers, worked out on a copy."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for path in output.parent.iterdir():
        if path == output or path.name.startswith(f".{output.name}."):
            shutil.copytree(path, scratch / path.name, symlinks=True) if path.is_dir() else shutil.copy2(path, scratch / path.name)
    recover_interrupted(scratch / output.name)
    return snapshot(scratch / output.name)


def test_a_killed_build_leaves_the_previous_or_the_new_output(corpus, tmp_path: Path) -> None:
    corpus, cold = corpus
    site, output = corpus.site, corpus.site / "_site"
    corpus.set_state("A")
    shutil.rmtree(output, ignore_errors=True)
    first = cli("build", "--source", site)
    assert first.returncode == 0, first.stderr
    assert snapshot(output) == cold["A"]

    rnd = random.Random(20250612)
    delays = [rnd.uniform(0.05, 1.5) for _ in range(10)]
    targets = ["B", "A", "C", "A", "B", "C", "B", "A", "C", "A"]
    current = "A"
    outcomes = []
    for delay, target in zip(delays, targets):
        corpus.set_state(target)
        proc = subprocess.Popen(
            [sys.executable, "-m", "liaoning_site", "build", "--source", str(site)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, start_new_session=True,
        )
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.killpg(proc.pid, signal.SIGKILL)  # the build and its render workers, as a CI timeout would
        proc.wait()
        previous, new = cold[current], cold[target]
        left = leftovers(output)
        state = snapshot(output)
        where = f"kill after {delay:.2f} s while going {current} -> {target}"
        if state == previous:
            outcome = "previous"
        elif state == new:
            outcome = "new"
        else:
            assert not finished, f"{where}: the build finished but the output is neither state"
            assert left, f"{where}: the output is half-written and nothing records how to undo it: " + describe(state, previous)
            recovered = _recovered_copy(output, tmp_path / "scratch")
            assert recovered in (previous, new), f"{where}: recovery gives neither state: " + describe(recovered, previous)
            outcome = "recoverable"
        outcomes.append((round(delay, 2), outcome, tuple(left)))

        after = cli("build", "--source", site)
        assert after.returncode == 0, f"{where}: the next build failed: {after.stderr}"
        assert "Traceback" not in after.stderr
        assert leftovers(output) == [], f"{where}: leftovers after the next build"
        assert snapshot(output) == new, f"{where}: the next build differs from a cold build: " + describe(snapshot(output), new)
        current = target
    print("kills:", outcomes)


# --- deterministic kill points in the in-place (journaled) write, on a small site


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the program catches it, so no cleanup runs."""


# Both scenarios have articles, so no feed carries the build time (an empty feed's <updated> does).
SMALL_SITE = {
    "content/articles/work.md": "---\ntitle: 工作\ndate: 2025-06-13\nscenarios: [digital-work]\n---\n工作正文。\n",
}


def _build(site: Path, *args: object) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--source", str(site), "--jobs", "1", *map(str, args)])
    return code, err.getvalue()


def _small_site_with_an_edit(make_site, tmp_path: Path) -> tuple[Path, Path, Snapshot, Snapshot]:
    """A built minimal site, then one article edited (a small change: written in place). Returns the
    site, its output, the previous output and a cold build of the edited site."""
    site = make_site(SMALL_SITE)
    output = site / "_site"
    code, err = _build(site)
    assert code == 0, err
    previous = snapshot(output)
    hello = site / "content/articles/hello.md"
    hello.write_text(hello.read_text(encoding="utf-8") + "\n新增的一段。\n", encoding="utf-8")
    code, err = _build(site, "--no-cache", "--output", tmp_path / "cold")
    assert code == 0, err
    return site, output, previous, snapshot(tmp_path / "cold")


def _next_build_is_clean(site: Path, output: Path, new: Snapshot) -> None:
    code, err = _build(site)
    assert code == 0, f"the build after the kill failed: {err}"
    assert leftovers(output) == []
    actual = snapshot(output)
    assert actual == new, "the build after the kill differs from a cold build: " + describe(actual, new)


def test_killed_between_writing_a_temporary_file_and_renaming_it(make_site, tmp_path: Path, monkeypatch) -> None:
    site, output, previous, new = _small_site_with_an_edit(make_site, tmp_path)
    real_replace = os.replace
    calls = []

    def replace(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 2:  # the second page's temporary file is written, not yet renamed
            raise Killed()
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(write_module.os, "replace", replace)
    with pytest.raises(Killed):
        _build(site)
    monkeypatch.undo()
    assert leftovers(output) == [f".{output.name}.journal"]
    recovered = _recovered_copy(output, tmp_path / "scratch")
    assert recovered == previous, "recovery does not restore the previous output: " + describe(recovered, previous)
    _next_build_is_clean(site, output, new)


def test_killed_while_deleting_the_journal(make_site, tmp_path: Path, monkeypatch) -> None:
    """Every change is applied and the journal renamed away (the commit point); the kill lands while
    the renamed journal is being deleted. rmtree deletes in directory order, which on ext4 depends
    on a per-filesystem hash seed, so files under `old/` can be gone while `plan.json` is still there."""
    site, output, previous, new = _small_site_with_an_edit(make_site, tmp_path)
    real_rmtree = shutil.rmtree
    killed = []

    def rmtree(path, *args, **kwargs):
        path = Path(path)
        if path.name.startswith(f".{output.name}.") and (path / "plan.json").exists():
            first = sorted(p for p in (path / "old").rglob("*") if p.is_file())[0]
            first.unlink()  # rmtree got this far
            killed.append(path)
            raise Killed()
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(write_module.shutil, "rmtree", rmtree)
    with pytest.raises(Killed):
        _build(site)
    monkeypatch.undo()
    assert killed and (output / "index.html").exists()
    assert snapshot(output) == new  # the changes were all applied before the commit point
    _next_build_is_clean(site, output, new)


# --- a full disk


def _fail_writes_after(monkeypatch, output: Path, allowed: int) -> list[Path]:
    """Make `Path.write_bytes` into the output (or its temporary folder) fail with ENOSPC after
    `allowed` calls, leaving a truncated file behind as a full disk does."""
    real = pathlib.Path.write_bytes
    output = output.resolve()
    inside = (str(output) + os.sep, str(output.parent / f".{output.name}.tmp-"))
    calls: list[Path] = []

    def write_bytes(self: Path, data: bytes) -> int:
        if not str(self.resolve()).startswith(inside):
            return real(self, data)
        calls.append(self)
        if len(calls) > allowed:
            real(self, bytes(data)[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    return calls


def _assert_one_line_disk_full_error(code: int, err: str) -> None:
    assert code == 1
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"liaoning-site: error: {os.strerror(errno.ENOSPC)}: "), lines[0]


def test_full_disk_during_a_fresh_write_keeps_the_previous_output(make_site, tmp_path: Path, monkeypatch) -> None:
    site = make_site(SMALL_SITE)
    output = tmp_path / "out"
    code, err = _build(site, "--no-cache", "--output", output)  # no cache: every build writes a fresh folder
    assert code == 0, err
    previous = snapshot(output)
    (site / "content/site.yml").write_text((site / "content/site.yml").read_text(encoding="utf-8").replace("title: 最小示例站", "title: 新站名"), encoding="utf-8")
    calls = _fail_writes_after(monkeypatch, output, allowed=3)
    code, err = _build(site, "--no-cache", "--output", output)
    monkeypatch.undo()
    assert len(calls) == 4
    _assert_one_line_disk_full_error(code, err)
    assert snapshot(output) == previous
    assert leftovers(output) == []
    code, err = _build(site, "--no-cache", "--output", output)
    assert code == 0, err
    assert "新站名" in (output / "index.html").read_text(encoding="utf-8")


def test_full_disk_during_an_in_place_write_keeps_the_previous_output(make_site, tmp_path: Path, monkeypatch) -> None:
    site, output, previous, new = _small_site_with_an_edit(make_site, tmp_path)
    calls = _fail_writes_after(monkeypatch, output, allowed=1)
    code, err = _build(site)
    monkeypatch.undo()
    assert len(calls) == 2, "expected the small change to be written in place, file by file"
    _assert_one_line_disk_full_error(code, err)
    actual = snapshot(output)
    assert actual == previous, "a build that failed on a full disk changed the previous output: " + describe(actual, previous)
    _next_build_is_clean(site, output, new)
