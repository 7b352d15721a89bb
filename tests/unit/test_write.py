"""Write stage: atomic swap, refusal of unsafe paths and folders, recovery after a killed build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from liaoning_site.model.linkcheck import Asset
from liaoning_site.outputs import OutputFile, spool
from liaoning_site.write import MARKER, OutputError, check_output_dir, output_check_ahead, recover_interrupted, safe_join, spool_beside, write_outputs


def test_writes_files_and_assets_then_marks_the_folder(tmp_path: Path) -> None:
    asset = tmp_path / "logo.svg"
    asset.write_text("<svg/>", encoding="utf-8")
    out = tmp_path / "out"
    write_outputs([OutputFile("index.html", b"<p>hi</p>"), OutputFile("a/b/index.html", b"x")], [Asset(asset, "img/logo.svg", "static/logo.svg")], out)
    assert (out / "index.html").read_bytes() == b"<p>hi</p>"
    assert (out / "a/b/index.html").read_bytes() == b"x"
    assert (out / "img/logo.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (out / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logo.svg", "out"]


def test_a_failing_write_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs([OutputFile("index.html", b"old")], [], out)
    with pytest.raises(OutputError):
        write_outputs([OutputFile("index.html", b"new"), OutputFile("../escape.html", b"x")], [], out)
    assert (out / "index.html").read_bytes() == b"old"
    assert not (tmp_path / "escape.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_refuses_the_same_output_twice(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="two outputs want 'x.html'"):
        write_outputs([OutputFile("x.html", b"1"), OutputFile("x.html", b"2")], [], tmp_path / "out")


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a/../../x", "a//b", "", "a\\..\\x", "./x"])
def test_safe_join_refuses_paths_leaving_the_folder(rel: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        safe_join(tmp_path, rel)


def test_check_output_dir_accepts_empty_own_or_missing_folders(tmp_path: Path) -> None:
    source = tmp_path / "site"
    (source / "content").mkdir(parents=True)
    check_output_dir(source / "_site", source)
    (tmp_path / "empty").mkdir()
    check_output_dir(tmp_path / "empty", source)
    own = tmp_path / "own"
    own.mkdir()
    (own / MARKER).write_text("", encoding="utf-8")
    (own / "index.html").write_text("", encoding="utf-8")
    check_output_dir(own, source)


def test_check_output_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_output_dir(tmp_path / "f", tmp_path)


def test_recovers_the_old_site_when_a_swap_was_interrupted(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    old = tmp_path / "._site.old-123"
    old.mkdir()
    (old / "index.html").write_text("old", encoding="utf-8")
    (tmp_path / "._site.tmp-456").mkdir()
    recover_interrupted(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_small_change_is_applied_in_place_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = [OutputFile(f"p{i}/index.html", f"page {i}".encode()) for i in range(100)]
    manifest = write_outputs(files, [], out)
    inode = (out / "p1/index.html").stat().st_ino
    files[0] = OutputFile("p0/index.html", b"changed")
    unchanged = [OutputFile(f.output, None) for f in files[1:99]]  # p99 dropped
    manifest = write_outputs([files[0], *unchanged], [], out, manifest)
    assert (out / "p0/index.html").read_bytes() == b"changed"
    assert (out / "p1/index.html").stat().st_ino == inode
    assert not (out / "p99").exists()
    assert set(manifest) == {f"p{i}/index.html" for i in range(99)}


def test_a_killed_in_place_update_is_undone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs([OutputFile("a.html", b"old a"), OutputFile("b.html", b"old b")], [], out)
    # The state a kill leaves mid-way: journal written, a.html replaced, new.html added.
    journal = tmp_path / ".out.journal"
    (journal / "old").mkdir(parents=True)
    os.link(out / "a.html", journal / "old" / "a.html")
    (journal / "plan.json").write_text('{"restore": ["a.html"], "added": ["new.html"]}', encoding="utf-8")
    (out / "a.html").unlink()
    (out / "a.html").write_bytes(b"new a")
    (out / "new.html").write_bytes(b"new")
    recover_interrupted(out)
    assert (out / "a.html").read_bytes() == b"old a" and (out / "b.html").read_bytes() == b"old b"
    assert not (out / "new.html").exists() and not journal.exists()


def test_spooled_pages_are_moved_into_place_and_unchanged_ones_keep_their_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / ".out.spool-0badc0ffee00").mkdir()  # left by a killed build
    with spool_beside(out) as folder:
        assert folder.parent == tmp_path and not (tmp_path / ".out.spool-0badc0ffee00").exists()
        files = [OutputFile(f"p{i}/index.html", spool(folder, f"p{i}/index.html", f"第{i}页".encode())) for i in range(100)]
        manifest = write_outputs(files, [], out)
        assert not any(folder.iterdir())  # moved, not copied
    assert (out / "p7/index.html").read_text(encoding="utf-8") == "第7页"
    kept = (out / "p1/index.html").stat()
    with spool_beside(out) as folder:
        again = [OutputFile(f"p{i}/index.html", spool(folder, f"p{i}/index.html", (b"changed" if i == 0 else f"第{i}页".encode()))) for i in range(100)]
        write_outputs(again, [], out, manifest)  # one change: in place
    assert (out / "p0/index.html").read_bytes() == b"changed"
    assert (out / "p1/index.html").stat().st_ino == kept.st_ino and (out / "p1/index.html").stat().st_mtime_ns == kept.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_output_is_checked_ahead_by_another_process(tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = write_outputs([OutputFile(f"p{i}/index.html", f"page {i}".encode()) for i in range(20)], [], out)
    assert output_check_ahead(out, manifest)(manifest) is True
    (out / "p3" / "index.html").write_text("edited by hand", encoding="utf-8")
    ask = output_check_ahead(out, manifest)
    assert ask(manifest) is False
    # Asked about another manifest (the cache's, written by a build killed before its stamp), it looks itself.
    other = {**manifest, "p3/index.html": (len("edited by hand".encode()), (out / "p3" / "index.html").stat().st_mtime_ns)}
    assert output_check_ahead(out, manifest)(other) is True
    assert output_check_ahead(out, {})({}) is False  # no last build: nothing to trust
