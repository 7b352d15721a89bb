"""Incremental rebuilds in `serve` equal a full build, byte for byte, after every kind of edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import copy_site
from liaoning_site.build import BuildOptions, build
from liaoning_site.serve.command import preview_options
from liaoning_site.serve.preview import Preview
from liaoning_site.serve.watch import classify, watched_roots

BASE_URL = "http://127.0.0.1:8000/"


def full_build(site: Path, output: Path) -> dict[str, bytes]:
    options = preview_options(BuildOptions(source=site, output=output), BASE_URL)
    build(options)
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file() and p.name != ".liaoning-site-output"}


def served(preview: Preview) -> dict[str, bytes]:
    snapshot = preview.snapshot
    assert snapshot is not None
    # The search index is built when a browser first asks for it: here, for every step.
    return {**snapshot.files, **{rel: path.read_bytes() for rel, path in snapshot.assets.items()}, **preview.search_files()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site("full", tmp_path / "site")


def test_every_edit_gives_the_same_bytes_as_a_full_build(site: Path, tmp_path: Path) -> None:
    preview = Preview(preview_options(BuildOptions(source=site), BASE_URL))
    assert preview.rebuild(None).ok
    roots = watched_roots(site.resolve(), Path(__file__).resolve().parent.parent)
    cases = site / "content" / "articles" / "2025" / "cases"
    templates = site / "templates"

    def add_template() -> None:
        templates.mkdir(exist_ok=True)
        base = (Path(__file__).resolve().parent.parent / "templates" / "base.html").read_text(encoding="utf-8")
        (templates / "base.html").write_text(base.replace("</main>", "</main>\n<p>模板已修改</p>"), encoding="utf-8")

    steps = {
        "edit body": (lambda: edit(cases / "case-10.md", "第10号案例的第一段", "修改后的第一段"), [cases / "case-10.md"]),
        # Body-only saves reuse the last model (model/reuse.py): a new link, a scenario's and a page's text.
        "link in a body": (lambda: edit(cases / "case-10.md", "修改后的第一段", "修改后的第一段（另见[第11号案例](case-11.md)）"), [cases / "case-10.md"]),
        "edit scenario body": (lambda: edit(site / "content" / "scenarios" / "digital-life.md", "包含**加粗**文字", "包含*强调*文字"),
                               [site / "content" / "scenarios" / "digital-life.md"]),
        "edit page body": (lambda: edit(site / "content" / "pages" / "about.md", "本站用于测试。", "本站只用于测试。"), [site / "content" / "pages" / "about.md"]),
        "edit title": (lambda: edit(cases / "case-11.md", "title: 第11号测试案例", "title: 改过标题的第11号案例"), [cases / "case-11.md"]),
        # Related articles and the sitemap are reused while tags and dates stay the same: change them.
        "change tags": (lambda: edit(cases / "case-12.md", "tags: [智慧农业, 人工智能]", "tags: [人工智能]"), [cases / "case-12.md"]),
        "change date": (lambda: edit(cases / "case-14.md", "date: 2025-07-15", "date: 2024-01-15"), [cases / "case-14.md"]),
        "change scenario": (lambda: edit(cases / "case-13.md", "scenarios: [digital-life]", "scenarios: [digital-learning]"), [cases / "case-13.md"]),
        "add article": (lambda: (cases / "new.md").write_text(
            "---\ntitle: 新增文章\ndate: 2025-07-01\nscenarios: [digital-life]\ntags: [智慧农业]\n---\n新文章正文。\n", encoding="utf-8"), [cases / "new.md"]),
        "delete article": (lambda: (cases / "case-24.md").unlink(), [cases / "case-24.md"]),
        "rename file": (lambda: (cases / "case-23.md").rename(cases / "renamed-23.md"), [cases / "case-23.md", cases / "renamed-23.md"]),
        "edit template": (add_template, [templates / "base.html"]),
        "edit campaign.yml": (lambda: edit(site / "content" / "campaign.yml", "theme: 数智赋能 全民共享", "theme: 数智赋能 共建共享"), [site / "content" / "campaign.yml"]),
        "edit link target slug": (lambda: edit(site / "content" / "articles" / "2024" / "case-01.md", "slug: case-01", "slug: first-case"),
                                  [site / "content" / "articles" / "2024" / "case-01.md"]),
    }
    for step, (change, paths) in steps.items():
        change()
        report = preview.rebuild({classify(p.resolve(), roots) for p in paths})
        assert report.ok, (step, report.errors)
        expected = full_build(site, tmp_path / f"full-{len(step)}-{step.replace(' ', '-')}")
        actual = served(preview)
        assert sorted(actual) == sorted(expected), step
        different = [rel for rel in expected if actual[rel] != expected[rel]]
        assert different == [], step


def test_a_body_edit_renders_only_the_pages_that_show_the_article(site: Path) -> None:
    preview = Preview(preview_options(BuildOptions(source=site), BASE_URL))
    preview.rebuild(None)
    pages = len(preview.caches.render.pages)
    stats = preview.caches.render.stats
    stats.markdown = stats.rendered = stats.reused = 0
    article = site / "content" / "articles" / "2025" / "cases" / "case-10.md"
    edit(article, "做法一：开展培训", "做法一：开展线上培训")
    roots = watched_roots(site.resolve(), None)
    assert preview.rebuild({classify(article.resolve(), roots)}).ok
    assert stats.markdown == 1
    # Deep in the body: the lists and related cards showing it are unchanged, so only its own page.
    assert stats.rendered == 1 and stats.reused == pages - 1
    edit(article, "第10号案例的第一段", "第10号案例改过的第一段")  # the summary shown on its cards
    assert preview.rebuild({classify(article.resolve(), roots)}).ok
    assert stats.rendered > 5


def test_a_body_edit_plans_again_only_the_pages_made_from_the_article(site: Path) -> None:
    preview = Preview(preview_options(BuildOptions(source=site), BASE_URL))
    preview.rebuild(None)
    memo = preview.caches.render.plans
    assert memo is not None
    before = {entry[2].route.output: entry[2] for entry in memo.plans.values()}
    article = site / "content" / "articles" / "2025" / "cases" / "case-10.md"
    edit(article, "做法一：开展培训", "做法一：开展线上培训")
    assert preview.rebuild({classify(article.resolve(), watched_roots(site.resolve(), None))}).ok
    after = {entry[2].route.output: entry[2] for entry in memo.plans.values()}
    assert sorted(after) == sorted(before)
    planned = {output for output, plan in after.items() if plan is not before[output]}
    # Its own page, the list pages it is on, and the articles that show it as related: no others.
    model = preview.caches.model.site
    source = "content/articles/2025/cases/case-10.md"
    holding = {p.route.output for pagers in (*model.scenario_pagers.values(), *model.term_pagers.values()) for p in pagers
               if any(a.source == source for a in p.items)}
    showing = {model.routes[s].output for s, related in model.related.items() if any(a.source == source for a in related)}
    assert planned == {model.routes[source].output} | holding | showing
    assert len(planned) < len(after) / 5


def test_a_failed_rebuild_keeps_the_last_good_site(site: Path) -> None:
    preview = Preview(preview_options(BuildOptions(source=site), BASE_URL))
    preview.rebuild(None)
    before = preview.snapshot
    epoch = preview.state.epoch
    article = site / "content" / "articles" / "2024" / "case-02.md"
    edit(article, "date: ", "date: 不是日期 ")
    roots = watched_roots(site.resolve(), None)
    report = preview.rebuild({classify(article.resolve(), roots)})
    assert not report.ok and preview.snapshot is before
    assert preview.state.epoch == epoch + 1
    assert [d.format() for d in preview.state.errors][0].startswith("content/articles/2024/case-02.md:4:7: error: expected a date")
    edit(article, "date: 不是日期 ", "date: ")
    assert preview.rebuild({classify(article.resolve(), roots)}).ok
    assert preview.state.errors == () and preview.state.epoch == epoch + 2


def test_answers_kept_between_rebuilds_follow_tags_and_dates(site: Path) -> None:
    # Related articles and the sitemap are remembered from the previous rebuild in this process;
    # after tags or dates change, they must equal what a process that never built would make.
    from liaoning_site import sitemap
    from liaoning_site.build import prepare_site
    from liaoning_site.diagnostics import Diagnostics
    from liaoning_site.model import site as model

    options = preview_options(BuildOptions(source=site), BASE_URL)
    cases = site / "content" / "articles" / "2025" / "cases"

    def related(of) -> dict[str, list[str]]:
        return {source: [a.source for a in articles] for source, articles in of.related.items()}

    def kept_and_fresh() -> tuple[object, bytes, object, bytes]:
        kept = prepare_site(options, Diagnostics())
        kept_map = sitemap.render_sitemap(kept).data
        model._last_related[:] = [None, {}]
        sitemap._last[:] = [None, b"", None]
        fresh = prepare_site(options, Diagnostics())
        return kept, kept_map, fresh, sitemap.render_sitemap(fresh).data

    sitemap.render_sitemap(prepare_site(options, Diagnostics()))
    edit(cases / "case-12.md", "tags: [智慧农业, 人工智能]", "tags: [只有这一篇]")
    kept, _, fresh, _ = kept_and_fresh()
    assert related(kept) == related(fresh)
    assert related(fresh)["content/articles/2025/cases/case-12.md"] == []

    edit(cases / "case-14.md", "date: 2025-07-15", "date: 2024-01-15")
    _, kept_map, _, fresh_map = kept_and_fresh()
    assert kept_map == fresh_map and b"2024-01-15" in fresh_map
