"""slugs: Chinese and mixed text -> stable, readable, safe URL segments."""

from __future__ import annotations

import pytest

from liaoning_site.slugs import MAX_LENGTH, is_safe_slug, make_slug, to_pinyin


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("辽宁好网民", "liao-ning-hao-wang-min"),
        ("辽宁", "liao-ning"),
        ("2025年数字素养提升月", "2025-nian-shu-zi-su-yang-ti-sheng-yue"),
        ("AI赋能乡村", "ai-fu-neng-xiang-cun"),
        ("辽宁：数字乡村！", "liao-ning-shu-zi-xiang-cun"),
        ("Hello World", "hello-world"),
        ("  前后  空格  ", "qian-hou-kong-ge"),
    ],
)
def test_makes_pinyin_slug(text: str, slug: str) -> None:
    assert make_slug(text) == slug


@pytest.mark.parametrize(("text", "slug"), [("重庆", "chong-qing"), ("银行", "yin-hang"), ("长春", "chang-chun")])
def test_reads_polyphonic_characters_by_phrase(text: str, slug: str) -> None:
    assert make_slug(text) == slug


@pytest.mark.parametrize(
    ("city", "slug"),
    [
        ("沈阳", "shen-yang"), ("大连", "da-lian"), ("鞍山", "an-shan"), ("抚顺", "fu-shun"),
        ("本溪", "ben-xi"), ("丹东", "dan-dong"), ("锦州", "jin-zhou"), ("营口", "ying-kou"),
        ("阜新", "fu-xin"), ("辽阳", "liao-yang"), ("盘锦", "pan-jin"), ("铁岭", "tie-ling"),
        ("朝阳", "chao-yang"), ("葫芦岛", "hu-lu-dao"),
    ],
)
def test_liaoning_city_names_read_as_place_names(city: str, slug: str) -> None:
    # Region pages use the city's name without 市 (/regions/da-lian/); 朝阳 the city is Chaoyang.
    assert make_slug(city) == slug


def test_traditional_characters_give_the_same_slug() -> None:
    assert make_slug("遼寧") == make_slug("辽宁") == "liao-ning"


@pytest.mark.parametrize("text", ["", "！！！", "……", "   "])
def test_text_without_letters_gives_empty_slug(text: str) -> None:
    assert make_slug(text) == ""


def test_long_title_is_cut_at_a_syllable() -> None:
    slug = make_slug("数字素养" * 30)
    assert 0 < len(slug) <= MAX_LENGTH
    assert is_safe_slug(slug)
    assert all(part in ("shu", "zi", "su", "yang") for part in slug.split("-"))


def test_derived_slugs_are_always_safe() -> None:
    for text in ("辽宁好网民", "AI赋能乡村", "Hello, World!", "a/b", "..", "C++ 入门", "5G+工业互联网"):
        slug = make_slug(text)
        assert slug == "" or is_safe_slug(slug), (text, slug)


def test_to_pinyin_spaces_han_runs_and_keeps_the_rest() -> None:
    assert to_pinyin("辽宁ABC") == " liao ning ABC"


@pytest.mark.parametrize("slug", ["liao-ning", "a_b", "2025", "x1-y2"])
def test_accepts_safe_slug(slug: str) -> None:
    assert is_safe_slug(slug)


@pytest.mark.parametrize("slug", ["", "-a", "a-", "a--b", "A", "a b", "a/b", "..", ".", "辽宁", "a.b", "a\n", "abc\n"])
def test_rejects_unsafe_slug(slug: str) -> None:
    assert not is_safe_slug(slug)


def test_slugs_of_an_earlier_build_are_taken_back_only_from_the_same_libraries(monkeypatch) -> None:
    from liaoning_site import slugs

    stored = (slugs.made_slugs()[0], {"新造的词": "xin-zao-de-ci-from-cache"})
    monkeypatch.setattr(slugs, "_made", {})
    slugs.remember(("pypinyin 0.1, python-slugify 1.0", {"另一个词": "stale"}))
    slugs.remember(stored)
    assert make_slug("新造的词") == "xin-zao-de-ci-from-cache"
    assert make_slug("另一个词") == "ling-yi-ge-ci"
