"""Model stage: what is published, routes, pagination, taxonomies, related articles, collisions."""

from __future__ import annotations

import datetime as dt

import pytest

from liaoning_site.build import BuildOptions, prepare_site
from liaoning_site.cache import BuildCaches
from liaoning_site.diagnostics import BuildFailed, Diagnostics
from liaoning_site.model import urls
from liaoning_site.model.reuse import ModelCache
from liaoning_site.model.pagination import paginate
from liaoning_site.validate import SHANGHAI


def article(title: str, date: str = "2025-06-12", extra: str = "", slug: str | None = None) -> str:
    slug_line = f"slug: {slug}\n" if slug else ""
    return f"---\ntitle: {title}\n{slug_line}date: {date}\nscenarios: [digital-life]\n{extra}---\n正文。\n"


def model(site, **options):
    return prepare_site(BuildOptions(source=site, **options), Diagnostics())


def errors_of(site, **options) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        model(site, **options)
    return [d.format() for d in failed.value.diagnostics]


def test_paginate_keeps_order_and_links_neighbours() -> None:
    pages = paginate(list(range(12)), 5, lambda n: urls.scenario("x", n))
    assert [p.items for p in pages] == [(0, 1, 2, 3, 4), (5, 6, 7, 8, 9), (10, 11)]
    assert pages[0].route.path == "scenarios/x/" and pages[1].route.path == "scenarios/x/page/2/"
    assert pages[0].prev is None and pages[1].prev == pages[0].route and pages[2].next is None


def test_paginate_gives_one_empty_page_for_no_items() -> None:
    pages = paginate([], 5, urls.home)
    assert len(pages) == 1 and pages[0].items == ()


def test_articles_are_sorted_newest_first_with_slug_tiebreak(make_site) -> None:
    site = make_site({
        "content/articles/b.md": article("乙", "2025-06-12", slug="b"),
        "content/articles/a.md": article("甲", "2025-06-12", slug="a"),
        "content/articles/c.md": article("丙", "2025-06-13", slug="c"),
    })
    assert [a.slug for a in model(site).articles] == ["c", "a", "b", "ni-hao-liao-ning"]


def test_as_of_hides_future_and_expired_articles(make_site) -> None:
    site = make_site({
        "content/articles/later.md": article("以后", "2025-06-21T08:00:00", slug="later"),
        "content/articles/gone.md": article("过期", "2025-06-01", "expires: 2025-06-15\n", slug="gone"),
    })
    as_of = dt.datetime(2025, 6, 20, 9, 0, tzinfo=SHANGHAI)
    assert {a.slug for a in model(site, as_of=as_of).articles} == {"ni-hao-liao-ning"}
    earlier = dt.datetime(2025, 6, 14, tzinfo=SHANGHAI)
    assert "gone" in {a.slug for a in model(site, as_of=earlier).articles}


def test_preview_marks_drafts_and_future_as_unpublished(make_site) -> None:
    site = make_site({
        "content/articles/d.md": article("草稿", extra="draft: true\n", slug="d"),
        "content/articles/f.md": article("未来", "2099-01-01", slug="f"),
    })
    result = model(site, drafts=True, future=True)
    assert result.unpublished == {"content/articles/d.md", "content/articles/f.md"}


def test_regions_written_with_or_without_shi_share_one_page(make_site) -> None:
    site = make_site({
        "content/articles/a.md": article("甲", extra="region: 大连\n", slug="a"),
        "content/articles/b.md": article("乙", extra="region: 大连市\n", slug="b"),
    })
    (term,) = model(site).taxonomies["regions"]
    assert (term.name, term.slug, len(term.articles)) == ("大连市", "da-lian", 2)


def test_homophone_tags_are_an_error_not_a_merge(make_site) -> None:
    site = make_site({
        "content/articles/a.md": article("甲", extra="tags: [公式]\n", slug="a"),
        "content/articles/b.md": article("乙", extra="tags: [攻势]\n", slug="b"),
    })
    (error,) = [e for e in errors_of(site) if "both become" in e]
    assert error.startswith("content/articles/")
    assert "/tags/gong-shi/" in error and "'公式'" in error and "'攻势'" in error


def test_static_file_colliding_with_generated_page_is_an_error(make_site) -> None:
    site = make_site({"static/feed.xml": "<x/>"})
    assert errors_of(site) == [
        "static/feed.xml:1:1: error: URL /feed.xml is reserved for a page the site generates; "
        "give this one another file name"
    ]


def test_related_articles_share_a_tag_and_exclude_self(make_site) -> None:
    files = {f"content/articles/a{i}.md": article(f"文{i}", f"2025-06-{10 + i}", "tags: [共同]\n", slug=f"a{i}") for i in range(6)}
    site = model(make_site(files))
    related = site.related["content/articles/a3.md"]
    assert len(related) == 3 and all(r.slug != "a3" for r in related)
    assert {r.slug for r in related} <= {"a1", "a2", "a4", "a5"}
    assert site.related["content/articles/hello.md"] == ()


# --- `serve` reuses the last model when a save changed bodies only (model/reuse.py)


def tagged(title: str, slug: str, tags: str, body: str, date: str = "2025-06-12") -> str:
    return f"---\ntitle: {title}\nslug: {slug}\ndate: {date}\nscenarios: [digital-life]\ntags: [{tags}]\n---\n{body}\n"


def kept_model(site, caches, diagnostics=None, **options):
    return prepare_site(BuildOptions(source=site, **options), diagnostics or Diagnostics(), caches)


def shape(of) -> dict:
    """What the pages show of the model: lists by source and digest, related articles, links."""
    def docs(items):
        return [(a.source, a.digest) for a in items]

    return {
        "articles": docs(of.articles),
        "pagers": {k: [docs(p.items) for p in ps] for k, ps in (*of.scenario_pagers.items(), *of.term_pagers.items())},
        "terms": {kind: [(t.name, docs(t.articles)) for t in terms] for kind, terms in of.taxonomies.items()},
        "related": {s: docs(r) for s, r in of.related.items()},
        "links": of.links,
        "assets": of.assets,
    }


def test_a_body_edit_keeps_the_model_and_a_front_matter_edit_makes_it_anew(make_site) -> None:
    site = make_site({
        "content/articles/a.md": tagged("甲", "a", "农业", "甲的正文。"),
        "content/articles/b.md": tagged("乙", "b", "农业, 教育", "乙的正文。", "2025-06-11"),
        "content/articles/c.md": tagged("丙", "c", "教育", "丙的正文。", "2025-06-10"),
    })
    caches = BuildCaches(model=ModelCache())  # as `serve` keeps them
    first = kept_model(site, caches)
    (site / "content/articles/a.md").write_text(tagged("甲", "a", "农业", "甲改过的正文，链接到[乙](b.md)。"), encoding="utf-8")
    second = kept_model(site, caches)
    assert shape(second) == shape(model(site))  # what a model made from nothing holds
    assert second.links["content/articles/a.md"] == {"b.md": "articles/b/"}
    # Kept, not made again: the tag list without the edited article is the very same object.
    education = next(t for t in second.taxonomies["tags"] if t.name == "教育")
    assert education is next(t for t in first.taxonomies["tags"] if t.name == "教育")

    (site / "content/articles/a.md").write_text(tagged("甲", "a", "教育", "甲改过的正文。"), encoding="utf-8")
    third = kept_model(site, caches)
    assert shape(third) == shape(model(site))
    assert [a.slug for a in next(t for t in third.taxonomies["tags"] if t.name == "教育").articles] == ["a", "b", "c"]


def test_a_body_edit_still_reports_what_the_body_gets_wrong(make_site) -> None:
    site = make_site({
        "content/articles/a.md": tagged("甲", "a", "农业", "甲的正文。"),
        "content/articles/b.md": tagged("乙", "b", "农业", "乙的正文。"),
    })
    caches = BuildCaches(model=ModelCache())  # as `serve` keeps them
    kept_model(site, caches)
    a = site / "content/articles/a.md"
    a.write_text(tagged("甲", "a", "农业", "甲的正文。\n\n见[丁](d.md)和![](photo.png)。"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        kept_model(site, caches)
    found = [d.format() for d in failed.value.diagnostics]
    assert any(line.startswith("content/articles/a.md:10:6: error: link to content/articles/d.md, which does not exist") for line in found), found
    assert any(line.startswith("content/articles/a.md:10:16: error: image 'photo.png' has no alt text") for line in found), found

    a.write_text(tagged("甲", "a", "农业", "甲的正文。\n\n<script>alert(1)</script>"), encoding="utf-8")
    warned = Diagnostics()
    kept_model(site, caches, warned)
    assert [d.format()[:35] for d in warned.warnings] == ["content/articles/a.md:10:1: warning"]
    # Saving another article's body keeps the first one's warning: it is still in its text.
    (site / "content/articles/b.md").write_text(tagged("乙", "b", "农业", "乙改过的正文。"), encoding="utf-8")
    again = Diagnostics()
    kept_model(site, caches, again)
    assert again.warnings == warned.warnings


def test_a_kept_model_is_made_anew_once_an_article_date_has_passed(make_site) -> None:
    site = make_site({"content/articles/later.md": tagged("以后", "later", "农业", "正文。", "2025-06-21T08:00:00")})
    caches = BuildCaches(model=ModelCache())  # as `serve` keeps them
    before = dt.datetime(2025, 6, 20, tzinfo=SHANGHAI)
    assert "later" not in {a.slug for a in kept_model(site, caches, as_of=before).articles}
    (site / "content/articles/later.md").write_text(tagged("以后", "later", "农业", "改过的正文。", "2025-06-21T08:00:00"), encoding="utf-8")
    after = dt.datetime(2025, 6, 22, tzinfo=SHANGHAI)
    assert "later" in {a.slug for a in kept_model(site, caches, as_of=after).articles}
    assert "later" not in {a.slug for a in kept_model(site, caches, as_of=before).articles}
