"""The build cache under .cache/: cached builds equal cold builds, unchanged files keep their
mtime, damaged caches are ignored, and a killed in-place update is undone."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys

import pytest
from pathlib import Path

from support import copy_site, corpus_module
from liaoning_site import heap, records
from liaoning_site.build import BuildOptions, build
from liaoning_site.cache import CACHE_DIR, load_caches
from liaoning_site.search import SearchError


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_cached_builds_equal_cold_builds_after_a_series_of_edits(tmp_path: Path) -> None:
    site = copy_site("full", tmp_path / "site")
    cases = site / "content" / "articles" / "2025" / "cases"
    edits = [
        lambda: None,
        lambda: edit(cases / "case-10.md", "第10号案例的第一段", "改过的第一段"),
        lambda: edit(cases / "case-11.md", "title: 第11号", "title: 新标题的第11号"),
        lambda: (cases / "case-24.md").unlink(),
        lambda: (cases / "added.md").write_text("---\ntitle: 新增\ndate: 2025-07-01\nscenarios: [digital-work]\n---\n正文。\n", encoding="utf-8"),
        lambda: edit(site / "content" / "campaign.yml", "数智赋能 全民共享", "数智赋能 共建共享"),
        lambda: edit(site / "content" / "site.yml", "page_size: 5", "page_size: 4"),
    ]
    for step, change in enumerate(edits):
        change()
        build(BuildOptions(source=site, jobs=1))
        cold = tmp_path / f"cold-{step}"
        build(BuildOptions(source=site, output=cold, cache=False, jobs=1))
        assert files_of(site / "_site") == files_of(cold), f"step {step}"
    assert (site / CACHE_DIR / "FORMAT").is_file()


def test_one_edit_rewrites_only_the_files_that_changed(tmp_path: Path) -> None:
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    output = site / "_site"
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    os.utime(site / "content" / "articles" / "2024" / "case-03.md")  # touched, not changed
    edit(site / "content" / "articles" / "2025" / "cases" / "case-10.md", "做法一：开展培训", "做法一：开展线上培训")
    build(BuildOptions(source=site, jobs=1))
    # Files named after their content (the search index's) are replaced: gone counts as changed.
    changed = {p.relative_to(output).as_posix() for p, mtime in before.items() if not p.exists() or p.stat().st_mtime_ns != mtime}
    assert "articles/case-10/index.html" in changed
    assert "articles/case-03/index.html" not in changed and "css/site.css" not in changed
    assert len(changed) < len(before) // 5


def test_the_same_site_named_another_way_reuses_every_page(tmp_path: Path, run_cli, monkeypatch) -> None:
    site = copy_site("full", tmp_path / "site")
    assert run_cli("build", "--source", site, "--jobs", "1")[0] == 0
    edit(site / "content" / "articles" / "2025" / "cases" / "case-10.md", "做法一：开展培训", "做法一：开展线上培训")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("build", "--source", "site", "--jobs", "1", "--timings", "--lang", "en")
    assert code == 0
    rendered, pages = map(int, re.search(r"rendering (\d+) of (\d+) pages", err).groups())
    assert 1 <= rendered < pages // 5


def test_one_edit_rewrites_one_shard_of_the_parsed_documents(tmp_path: Path) -> None:
    # Saving the cache after a one-article edit costs one shard, not the whole cache.
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    shards = sorted((site / CACHE_DIR / "documents").glob("*.pickle"))
    assert len(shards) > 8
    before = {p: p.stat().st_mtime_ns for p in shards}
    edit(site / "content" / "articles" / "2025" / "cases" / "case-10.md", "做法一：开展培训", "做法一：开展线上培训")
    build(BuildOptions(source=site, jobs=1))
    assert [p.name for p in shards if p.stat().st_mtime_ns != before[p]] != []
    assert len([p for p in shards if p.stat().st_mtime_ns != before[p]]) == 1


def rebuilt_in_a_new_process(tmp_path: Path, first: str, report: str) -> str:
    """Build the full site here, edit one article, and build it again in a new Python that runs
    `first` before the command; what that one prints at the end: the command's code and `report`."""
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    edit(site / "content" / "articles" / "2025" / "cases" / "case-10.md", "做法一：开展培训", "做法一：开展线上培训")
    script = (
        f"import gc, sys; from liaoning_site import heap; {first}; from liaoning_site.cli import main; "
        f"code = main(['build', '--source', {str(site)!r}, '--jobs', '1']); print(code, {report})"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    return (done.stdout.splitlines() or [""])[-1] + done.stderr


def test_a_rebuild_whose_slugs_are_known_does_not_load_the_pinyin_dictionaries(tmp_path: Path) -> None:
    # pypinyin's dictionaries are a third of the command's start-up time.
    assert rebuilt_in_a_new_process(tmp_path, "pass", "'pypinyin' in sys.modules") == "0 False"


def test_a_rebuild_whose_articles_and_tags_are_the_same_reuses_the_related_articles(tmp_path: Path) -> None:
    count = "import liaoning_site.model.site as m; calls = []; real = m._find_related; m._find_related = lambda *a: calls.append(1) or real(*a)"
    assert rebuilt_in_a_new_process(tmp_path, count, "len(calls)") == "0 0"


def test_a_rebuild_makes_card_digests_for_the_edited_article_only(tmp_path: Path) -> None:
    # Every list page's key holds its cards' digests; the last build's are kept for unchanged files.
    count = "import liaoning_site.plans as p; calls = []; real = p._digest; p._digest = lambda data: calls.append(1) or real(data)"
    code, calls = rebuilt_in_a_new_process(tmp_path, count, "len(calls)").split()[:2]
    # One card and one archive line, and the keys of the archive and the data page, which list every article.
    assert (code, calls) == ("0", "4")


def test_a_build_called_from_python_frees_what_it_made_and_the_command_leaves_it_to_its_exit(tmp_path: Path) -> None:
    # The command ends with os._exit: freeing a 10,000-article cache object by object, and a
    # collection pass over it, would only delay the prompt. A program calling build() goes on.
    said = rebuilt_in_a_new_process(tmp_path, "heap.exit_follows()", "gc.isenabled(), [type(kept).__name__ for kept in heap._kept_for_exit]")
    assert gc.isenabled() and heap._kept_for_exit == []  # here, after build()
    assert said == "0 False ['BuildCaches']"


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    for shard in (site / CACHE_DIR).rglob("*.pickle"):
        shard.write_bytes(b"not a pickle")
    edit(site / "content" / "articles" / "2024" / "case-02.md", "第2号案例的第一段", "改过的")
    build(BuildOptions(source=site, jobs=1))
    build(BuildOptions(source=site, output=tmp_path / "cold", cache=False, jobs=1))
    assert files_of(site / "_site") == files_of(tmp_path / "cold")


@pytest.mark.parametrize("damage", ["truncated", "left from an earlier build"])
def test_a_damaged_or_mismatched_texts_file_is_not_trusted(tmp_path: Path, damage: str) -> None:
    # Bodies are kept in a texts file beside each shard: cut short, or left from another build
    # (one killed between putting the shard and its texts in place), it is never read as the body.
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    texts = {p: p.read_bytes() for p in (site / CACHE_DIR).rglob("*.texts")}
    assert len([data for data in texts.values() if len(data) > 16]) > 8
    if damage == "truncated":
        for path, data in texts.items():
            path.write_bytes(data[:20])
    else:
        # As long as before: each text is where it was, with other words.
        edit(site / "content" / "articles" / "2025" / "cases" / "case-10.md", "做法一：开展培训", "做法一：组织培训")
        build(BuildOptions(source=site, jobs=1))
        changed = [path for path, data in texts.items() if path.read_bytes() != data and len(data) == path.stat().st_size]
        assert changed
        for path in changed:
            path.write_bytes(texts[path])
        for path in (site / CACHE_DIR / "bodies").iterdir():
            path.unlink()  # every body is converted again, from the stored documents
    edit(site / "content" / "articles" / "2024" / "case-02.md", "第2号案例的第一段", "改过的")
    build(BuildOptions(source=site, jobs=1))
    build(BuildOptions(source=site, output=tmp_path / "cold", cache=False, jobs=1))
    assert files_of(site / "_site") == files_of(tmp_path / "cold")


def test_a_texts_file_cut_short_costs_its_own_shard_only(tmp_path: Path) -> None:
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    documents = len(load_caches(site).load.entries)
    texts = sorted(p for p in (site / CACHE_DIR / "documents").glob("*.texts") if p.stat().st_size > 16)
    texts[0].write_bytes(texts[0].read_bytes()[:20])
    assert 0 < len(load_caches(site).load.entries) < documents


def test_a_one_edit_build_reads_few_of_the_stored_bodies(tmp_path: Path, monkeypatch) -> None:
    # At 10,000 articles the bodies and their HTML weigh 230 MB: a build reads those it shows again.
    site = corpus_module().make_corpus(300, tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    article = sorted((site / "content" / "articles").rglob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\n补充的一段文字。\n", encoding="utf-8")
    made, read = [], set()
    real_init, real_read = records.Stored.__init__, records.Stored.read
    monkeypatch.setattr(records.Stored, "__init__", lambda self, *args: made.append(1) or real_init(self, *args))
    monkeypatch.setattr(records.Stored, "read", lambda self: read.add(id(self)) or real_read(self))
    build(BuildOptions(source=site, jobs=1))
    assert len(made) > 3 * 300  # each article's front matter, body and HTML
    assert 0 < len(read) < len(made) / 4  # the feeds' articles, the edited one's neighbours, scenarios and pages


def test_hand_edited_output_is_not_trusted(tmp_path: Path) -> None:
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    page = site / "_site" / "articles" / "case-05" / "index.html"
    page.write_text("edited by hand", encoding="utf-8")
    build(BuildOptions(source=site, jobs=1))
    assert "edited by hand" not in page.read_text(encoding="utf-8")


def test_nothing_changed_is_up_to_date_and_touches_nothing(tmp_path: Path, run_cli) -> None:
    site = copy_site("full", tmp_path / "site")
    assert run_cli("build", "--source", site, "--jobs", "1")[0] == 0
    before = {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*")}
    code, out, _ = run_cli("build", "--source", site, "--jobs", "1")
    assert code == 0 and "is up to date" in out
    assert {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*")} == before
    # Any change to a source, a setting or the output makes it build again.
    (site / "_site" / "index.html").write_text("x", encoding="utf-8")
    code, out, _ = run_cli("build", "--source", site, "--jobs", "1")
    assert "built" in out and (site / "_site" / "index.html").read_text(encoding="utf-8") != "x"
    assert "built" in run_cli("build", "--source", site, "--drafts", "--jobs", "1")[1]
    os.utime(site / "content" / "articles" / "2024" / "case-01.md", ns=(1, 1))
    assert "built" in run_cli("build", "--source", site, "--drafts", "--jobs", "1")[1]


def test_up_to_date_expires_when_a_future_article_falls_due(tmp_path: Path, run_cli) -> None:
    site = copy_site("minimal", tmp_path / "site")
    soon = site / "content" / "articles" / "soon.md"
    from datetime import datetime, timedelta, timezone
    due = (datetime.now(timezone.utc) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    soon.write_text(f"---\ntitle: 即将发布\nslug: soon\ndate: {due}\nscenarios: [digital-life]\n---\n正文。\n", encoding="utf-8")
    assert run_cli("build", "--source", site)[0] == 0
    assert not (site / "_site" / "articles" / "soon").exists()
    import time
    time.sleep(2.5)
    code, out, _ = run_cli("build", "--source", site)
    assert "built" in out and (site / "_site" / "articles" / "soon" / "index.html").is_file()


def test_an_up_to_date_build_repeats_the_warnings(tmp_path: Path, run_cli) -> None:
    site = copy_site("minimal", tmp_path / "site")
    edit(site / "content" / "site.yml", "page_size: 10", "page_size: 10\npagesize: 5")
    first = run_cli("build", "--source", site)
    second = run_cli("build", "--source", site)
    assert "is up to date" in second[1]
    warning = "content/site.yml:6:1: warning: unknown key `pagesize` (did you mean `page_size`?); it is ignored"
    assert warning in first[2].splitlines() and warning in second[2].splitlines()


def test_a_build_that_fails_while_indexing_leaves_the_cache_as_it_was(tmp_path: Path, monkeypatch) -> None:
    # The cache's changed shards are written while Pagefind works, and put in place only after the output.
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    stored = {p: p.read_bytes() for p in (site / CACHE_DIR).rglob("*.pickle")}
    edit(site / "content" / "articles" / "2025" / "cases" / "case-10.md", "做法一：开展培训", "做法一：开展线上培训")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchError):
        build(BuildOptions(source=site, jobs=1))
    assert {p: p.read_bytes() for p in (site / CACHE_DIR).rglob("*.pickle")} == stored
    assert list((site / CACHE_DIR).rglob("*.staged")) == []


def test_shards_a_killed_build_staged_are_removed_by_the_next(tmp_path: Path) -> None:
    site = copy_site("full", tmp_path / "site")
    build(BuildOptions(source=site, jobs=1))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    leftover = site / CACHE_DIR / "documents" / f".03.pickle.{gone}.staged"
    leftover.write_bytes(b"half of a shard")
    edit(site / "content" / "articles" / "2025" / "cases" / "case-10.md", "做法一：开展培训", "做法一：开展线上培训")
    build(BuildOptions(source=site, jobs=1))
    assert not leftover.exists()
    build(BuildOptions(source=site, output=tmp_path / "cold", cache=False, jobs=1))
    assert files_of(site / "_site") == files_of(tmp_path / "cold")
