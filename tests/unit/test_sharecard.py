"""Share cards: 1200×630, titles wrapped the Chinese way, drawn once per title (cached), and a
single warning (no cards, no failure) on a machine without a font that has Chinese glyphs."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

import pytest
from PIL import Image

from liaoning_site.build import BuildOptions, prepare_site
from liaoning_site.diagnostics import Diagnostics
from liaoning_site.mediacache import MediaCache
from liaoning_site.sharecard import FONT_ENV, HEIGHT, WIDTH, _font, _title_mask, card_png, draw_card, draw_share_cards, find_font, wrap

FONT = find_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font: scripts/test installs fonts-noto-cjk")


@needs_font
def test_finds_the_simplified_chinese_face_of_noto_sans_cjk() -> None:
    assert FONT is not None
    family = _font(FONT.bold, 20).getname()[0]
    assert "SC" in family or not FONT.bold.path.endswith(".ttc")  # a collection holds JP, KR, SC, TC, HK faces


@needs_font
def test_a_card_is_1200_by_630() -> None:
    assert FONT is not None
    card = draw_card("辽宁12316金农热线：用大数据与人工智能服务农户", "数智赋能 全民共享", "辽宁省全民数字素养与技能提升月", FONT)
    assert card.size == (WIDTH, HEIGHT) == (1200, 630)


@needs_font
def test_the_title_is_drawn_in_white_between_the_site_name_and_the_theme() -> None:
    from PIL import ImageChops

    assert FONT is not None
    empty = draw_card("", "数智赋能 全民共享", "辽宁省全民数字素养与技能提升月", FONT).convert("RGB")
    card = draw_card("智慧助老：银发族学用智能手机", "数智赋能 全民共享", "辽宁省全民数字素养与技能提升月", FONT).convert("RGB")
    left, top, right, bottom = ImageChops.difference(card, empty).getbbox()
    assert 80 <= left and right <= 1080 and 130 <= top and bottom <= 470  # only the title's place changed
    colours = card.crop((left, top, right, bottom)).getcolors(1 << 16)
    assert max(count for count, colour in colours if min(colour) >= 250) > 5000  # strokes of (nearly) white


@needs_font
@pytest.mark.parametrize("title", ["智慧助老", "辽宁12316金农热线：用大数据与人工智能服务农户，让农民用上Internet和AI，" * 3])
def test_a_card_file_holds_exactly_the_drawn_card(title: str) -> None:
    assert FONT is not None
    data = card_png(title, "数智赋能 全民共享", "辽宁省全民数字素养与技能提升月", FONT)
    Image.open(io.BytesIO(data)).verify()
    image = Image.open(io.BytesIO(data))
    drawn = draw_card(title, "数智赋能 全民共享", "辽宁省全民数字素养与技能提升月", FONT)
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert image.convert("RGB").tobytes() == drawn.convert("RGB").tobytes()


@needs_font
def test_a_title_set_token_by_token_looks_as_freetype_draws_the_line_whole() -> None:
    from PIL import ImageChops, ImageDraw, ImageStat

    assert FONT is not None
    line = "数字素养：用上Internet和AI"
    whole = Image.new("L", (1200, 340))
    ImageDraw.Draw(whole).text((80, 170), line, font=_font(FONT.bold, 68), fill=255, anchor="lm")
    mask = _title_mask(line, FONT)  # one line of size 68, its middle at 300 - 130
    assert all(abs(a - b) <= 2 for a, b in zip(mask.getbbox(), whole.getbbox()))
    assert abs(ImageStat.Stat(mask).sum[0] / ImageStat.Stat(whole).sum[0] - 1) < 0.02  # as much ink
    assert ImageStat.Stat(ImageChops.difference(mask, whole)).mean[0] < 2  # in the same places


@needs_font
def test_titles_wrap_between_characters_but_never_inside_latin_words_or_before_closing_punctuation() -> None:
    assert FONT is not None
    font = _font(FONT.bold, 68)
    lines = wrap("辽宁12316金农热线：用大数据与人工智能服务农户，让农民用上Internet和AI", font, 600)
    assert "".join(lines) == "辽宁12316金农热线：用大数据与人工智能服务农户，让农民用上Internet和AI"
    assert all(font.getlength(line) <= 600 for line in lines)
    assert not any(line[0] in "，。：；" for line in lines)
    assert any("Internet" in line for line in lines) and any("12316" in line for line in lines)


def test_no_cjk_font_means_one_warning_and_no_cards(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FONT_ENV, "/nonexistent/font.ttc")
    assert find_font() is None
    diagnostics = Diagnostics()
    site = prepare_site(BuildOptions(source=make_site()), diagnostics)
    cards = draw_share_cards(site, MediaCache(), diagnostics)
    assert (cards.articles, cards.site, cards.files) == ({}, None, ())
    assert [d.format() for d in diagnostics.items] == [
        "(share cards):1:1: warning: no font with Chinese characters was found, so pages have no share image (og:image); "
        f"install one (Debian: apt-get install fonts-noto-cjk) or name one in {FONT_ENV}",
    ]


@needs_font
def test_cards_are_drawn_once_per_title_and_kept(make_site: Callable[..., Path], tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    site = prepare_site(BuildOptions(source=make_site()), diagnostics)
    first = MediaCache(tmp_path / "media")
    cards = draw_share_cards(site, first, diagnostics)
    assert diagnostics.items == [] and first.made == len(site.articles) + 1
    article = site.articles[0]
    output = cards.articles[article.source]
    assert output.startswith(site.routes[article.source].path + "share.") and output.endswith(".png")
    data = {f.output: f.data for f in cards.files}
    for file in data.values():
        assert isinstance(file, Path)
        with Image.open(file) as image:
            assert image.size == (1200, 630) and image.format == "PNG"
    again = MediaCache(tmp_path / "media")
    assert draw_share_cards(site, again, Diagnostics()).files == cards.files and again.made == 0


@needs_font
def test_without_a_cache_folder_cards_are_kept_in_memory(make_site: Callable[..., Path]) -> None:
    diagnostics = Diagnostics()
    site = prepare_site(BuildOptions(source=make_site()), diagnostics)
    cards = draw_share_cards(site, MediaCache(), diagnostics)
    assert cards.site is not None and cards.site.startswith("share.")
    for file in cards.files:
        assert isinstance(file.data, bytes)
        with Image.open(io.BytesIO(file.data)) as image:
            assert image.size == (1200, 630)


@needs_font
def test_a_card_the_last_build_left_in_the_output_is_kept_there_without_a_look_in_the_media_cache(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = prepare_site(BuildOptions(source=make_site()), Diagnostics())
    cards = draw_share_cards(site, MediaCache(tmp_path / "media"), Diagnostics())
    written = {cards.articles[site.articles[0].source], "index.html"}  # as an intact output's manifest lists them
    media = MediaCache(tmp_path / "media")
    looked: list[str] = []
    real = media.lookup
    media.lookup = lambda key: looked.append(key) or real(key)  # type: ignore[method-assign]
    kept = draw_share_cards(site, media, Diagnostics(), written=written)
    data = {f.output: f.data for f in kept.files}
    assert data[cards.articles[site.articles[0].source]] is None  # the file there stays
    assert all(isinstance(data[f.output], Path) for f in cards.files if f.output not in written)
    assert len(looked) == len(cards.files) - 1
    assert len(media.used) == len(cards.files)  # its cache entry is still in use: not tidied away
