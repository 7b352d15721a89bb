"""Write stage: `OutputFile`s and assets -> the output folder, never half-written.

A first or large build is written into a temporary folder beside the output and swapped
in with two renames. A small change (one edited article) is applied in place, after hard
links to the files it replaces are kept in a journal that `recover_interrupted` uses to
undo it if the build was killed. Files whose bytes are unchanged are never rewritten.
This is the only module that touches the output folder.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .model.linkcheck import Asset
from .diagnostics import tr
from .outputs import OutputFile, Spooled, content_bytes

# Marks a folder as made by us, so a later build may replace it without asking.
MARKER = ".liaoning-site-output"


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


def check_output_dir(output: Path, source: Path) -> None:
    """Refuse an output that would destroy the sources or someone else's files."""
    output, source = output.resolve(), source.resolve()
    if output == source or source.is_relative_to(output):
        raise OutputError(tr(
            f"output folder {output} contains the source folder; choose another --output, e.g. {source / '_site'}",
            f"输出文件夹 {output} 包含了网站源文件夹；请换一个 --output，例如 {source / '_site'}",
        ))
    for folder in ("content", "templates", "static"):
        if output.is_relative_to(source / folder):
            raise OutputError(tr(
                f"output folder {output} is inside {folder}/; choose another --output, e.g. {source / '_site'}",
                f"输出文件夹 {output} 在 {folder}/ 里面；请换一个 --output，例如 {source / '_site'}",
            ))
    if output.exists() and not output.is_dir():
        raise OutputError(tr(
            f"output path {output} is a file, not a folder; remove it or choose another --output",
            f"输出路径 {output} 是一个文件而不是文件夹；请删除它，或换一个 --output",
        ))
    if output.is_dir() and not (output / MARKER).exists() and any(output.iterdir()):
        raise OutputError(tr(
            f"output folder {output} is not empty and was not made by liaoning-site; "
            "empty it, delete it, or choose another --output",
            f"输出文件夹 {output} 不是空的，也不是 liaoning-site 生成的；请清空或删除它，或换一个 --output",
        ))


def safe_join(root: Path, rel: str) -> Path:
    """Join an output path, refusing anything that would land outside the output folder."""
    return root.joinpath(*_checked(rel))


def _checked(rel: str) -> list[str]:
    """The parts of an output path, or OutputError if it would land outside the output folder."""
    parts = rel.split("/")
    if any(p in ("..", ".", "") for p in parts) or "\\" in rel:
        raise OutputError(f"refusing to write {rel!r}: it would leave the output folder")
    return parts


Manifest = dict[str, tuple[int, int]]  # output file -> (size, mtime_ns)


class OutputPlan:
    """What to do to the output folder: every output, and which of them must be written.

    Outputs are added as they are made (a build plans its pages while Pagefind indexes them);
    nothing touches the output folder until `write`.
    """

    def __init__(self, output: Path, previous: Manifest | None = None, verified: bool = False) -> None:
        self.output = output.resolve()
        recover_interrupted(self.output)
        # `verified`: the caller has just checked the output against `previous` (it costs a stat per file).
        self.previous = previous if previous and (verified or output_matches(self.output, previous)) else {}
        self.outputs: dict[str, bytes | Spooled | Path | None] = {}  # None: keep the file the last build wrote
        self.changed: dict[str, None] = {}  # ordered, with fast membership
        self.deleted: list[str] = []

    def add(self, files: Iterable[OutputFile], assets: Iterable[Asset] = ()) -> None:
        previous, root = self.previous, f"{self.output}{os.sep}"
        for rel, content in [*((f.output, f.data) for f in files), *((a.output, a.path) for a in assets)]:
            if rel not in previous:  # what the last build wrote was checked then
                _checked(rel)
            if rel in self.outputs:
                # The model already refuses collisions; this guards against a bug writing a file twice.
                raise OutputError(f"two outputs want {rel!r}")
            self.outputs[rel] = content
            if content is None:
                if rel not in previous:
                    raise OutputError(f"{rel!r} was not rendered and is not in the previous output")
            elif rel not in previous or not _same(root + rel, content, previous[rel]):
                self.changed[rel] = None

    def write(self) -> Manifest:
        """Bring the output folder to exactly the planned files; returns the manifest of what is now on disk."""
        previous, output = self.previous, self.output
        self.deleted = [rel for rel in previous if rel not in self.outputs]
        if previous and len(self.changed) + len(self.deleted) <= max(64, len(self.outputs) // 5):
            _apply_in_place(self)
        else:
            _write_fresh(self)
        manifest = {rel: previous[rel] for rel in self.outputs if rel in previous and rel not in self.changed}
        for rel in self.changed if previous else self.outputs:
            st = (output / rel).stat()
            manifest[rel] = (st.st_size, st.st_mtime_ns)
        return manifest


def output_matches(output: Path, manifest: Manifest) -> bool:
    """True when the output folder is exactly as the last build left it (nobody edited it since)."""
    if not manifest or not (output / MARKER).is_file():
        return False
    root = f"{output}{os.sep}"  # plain strings: pathlib's joins were most of the time at 40,000 files
    for rel, stamp in manifest.items():
        try:
            st = os.stat(root + rel)
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != stamp:
            return False
    return True


def output_check_ahead(output: Path, manifest: Manifest) -> Callable[[Manifest], bool]:
    """`output_matches` for `manifest`, worked out by a forked process while this one goes on (a
    stat per output file: a tenth of a second at 10,000 articles). Returns the function that asks:
    it waits for the answer, or checks by itself for another manifest or if the process failed.
    """
    def check(wanted: Manifest) -> bool:
        return output_matches(output, wanted)

    if not manifest or not hasattr(os, "fork"):
        return check
    readable, writable = os.pipe()
    pid = os.fork()  # before any thread is started, and small: the caches are not read yet
    if pid == 0:
        answer = b""
        try:
            os.close(readable)
            answer = b"1" if output_matches(output, manifest) else b"0"
            os.write(writable, answer)
        finally:
            os._exit(0 if answer else 1)
    os.close(writable)

    def ask(wanted: Manifest) -> bool:
        try:
            answer = os.read(readable, 1)
        finally:
            os.close(readable)
            os.waitpid(pid, 0)
        return answer == b"1" if answer and wanted == manifest else check(wanted)

    return ask


def write_outputs(
    files: Iterable[OutputFile], assets: Iterable[Asset], output: Path, previous: Manifest | None = None, verified: bool = False
) -> Manifest:
    """Bring `output` to exactly these files; returns the manifest of what is now on disk.

    Files whose bytes did not change are left alone (deployers sync by size and mtime). A small
    change is applied in place under a journal that undoes it if the build is killed; a large
    one is written into a fresh folder that replaces the old one in a single rename.
    """
    plan = OutputPlan(output, previous, verified)
    plan.add(files, assets)
    return plan.write()


def _same(existing: str, content: bytes | Spooled | Path, stamp: tuple[int, int]) -> bool:
    if isinstance(content, Path):  # assets are copied with their mtime, so size and mtime tell
        st = content.stat()
        return (st.st_size, st.st_mtime_ns) == stamp
    size = content.size if isinstance(content, Spooled) else len(content)
    if size != stamp[0]:
        return False
    with open(existing, "rb") as f:
        return f.read() == content_bytes(content)


def _temp_beside(target: Path, token: str) -> Path:
    # Named from the journal's token, so that recovery knows every temporary file it may find.
    return target.with_name(f".{target.name}.{token}.tmp")


def _put(target: Path, content: bytes | Spooled | Path, token: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_beside(target, token)
    try:
        if isinstance(content, Path):
            shutil.copy2(content, temp)
        elif isinstance(content, Spooled):
            _move(content.path, temp)
        else:
            temp.write_bytes(content)
        os.replace(temp, target)
    except Exception:
        temp.unlink(missing_ok=True)
        raise


def _write_fresh(plan: OutputPlan) -> None:
    output = plan.output
    temp = output.parent / f".{output.name}.tmp-{uuid.uuid4().hex[:12]}"
    temp.mkdir(parents=True)
    try:
        for rel, content in plan.outputs.items():
            target = temp.joinpath(*rel.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            if content is None or (rel not in plan.changed and (output / rel).exists()):
                os.link(output / rel, target)  # unchanged: the same file, mtime and all
            elif isinstance(content, Path):
                shutil.copy2(content, target)
            elif isinstance(content, Spooled):
                _move(content.path, target)
            else:
                target.write_bytes(content)
        (temp / MARKER).write_text("This folder is generated by liaoning-site build; it is replaced on every build.\n")
        _swap(temp, output)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _move(spooled: Path, target: Path) -> None:
    try:
        os.replace(spooled, target)  # the spool is beside the output: on the same file system
    except OSError:
        shutil.copyfile(spooled, target)


@contextmanager
def spool_beside(output: Path) -> Iterator[Path]:
    """A folder for rendered files on their way to `output` (see `Spooled`), removed afterwards."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    for killed in output.parent.glob(f".{output.name}.spool-*"):  # left by a build that was killed
        shutil.rmtree(killed, ignore_errors=True)
    folder = output.parent / f".{output.name}.spool-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _journal(output: Path) -> Path:
    return output.parent / f".{output.name}.journal"


def _apply_in_place(plan: OutputPlan) -> None:
    """Keep a hard link to every file about to change, then change them; the journal undoes a kill.

    The journal is committed by renaming it away in one step: until then, recovery undoes the
    change; after it, the change stands. A failure we can see (a full disk) is undone at once.
    """
    output = plan.output
    journal = _journal(output)
    kept = journal / "old"
    kept.mkdir(parents=True)
    token = uuid.uuid4().hex[:12]
    record: dict[str, object] = {"token": token, "restore": [], "added": []}
    for rel in [*plan.changed, *plan.deleted]:
        if (output / rel).exists():
            (kept / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(output / rel, kept / rel)
            record["restore"].append(rel)  # type: ignore[attr-defined]
        else:
            record["added"].append(rel)  # type: ignore[attr-defined]
    with open(journal / "plan.json", "w", encoding="utf-8") as f:
        json.dump(record, f)
        f.flush()
        os.fsync(f.fileno())
    try:
        for rel in plan.changed:
            content = plan.outputs[rel]
            assert content is not None
            _put(output / rel, content, token)
        for rel in plan.deleted:
            (output / rel).unlink(missing_ok=True)
            _prune_empty(output / rel, output)
    except Exception:
        _undo(output, journal)
        raise
    committed = output.parent / f".{output.name}.committed-{token}"
    os.rename(journal, committed)  # the commit point
    shutil.rmtree(committed, ignore_errors=True)


def _undo(output: Path, journal: Path) -> None:
    """Put back what a journaled change replaced; safe to run again if it is itself interrupted."""
    try:
        record = json.loads((journal / "plan.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {"token": "", "restore": [], "added": []}  # killed before anything was changed
    for rel in record["added"]:
        (output / rel).unlink(missing_ok=True)
        _prune_empty(output / rel, output)
    for rel in record["restore"]:
        old = journal / "old" / rel
        if old.exists():  # moved back already by an earlier, interrupted recovery
            (output / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, output / rel)
    if token := record.get("token"):  # journals of older versions did not name their temporary files
        for rel in [*record["added"], *record["restore"]]:
            _temp_beside(output / rel, token).unlink(missing_ok=True)
    shutil.rmtree(journal)


def _prune_empty(path: Path, root: Path) -> None:
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _swap(temp: Path, output: Path) -> None:
    old = output.parent / f".{output.name}.old-{uuid.uuid4().hex[:12]}"
    if output.exists():
        os.rename(output, old)
    os.rename(temp, output)
    shutil.rmtree(old, ignore_errors=True)


def recover_interrupted(output: Path) -> None:
    """Clean up after a build that was killed: undo a half-applied change, finish or undo a swap."""
    journal = _journal(output)
    if journal.exists():
        _undo(output, journal)
    leftovers = sorted(output.parent.glob(f".{output.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if not output.exists() and leftovers:
        os.rename(leftovers.pop(), output)
    for path in [*leftovers, *output.parent.glob(f".{output.name}.tmp-*"), *output.parent.glob(f".{output.name}.committed-*")]:
        shutil.rmtree(path, ignore_errors=True)
