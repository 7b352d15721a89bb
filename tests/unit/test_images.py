"""Responsive images: variants never wider than the original, WebP beside the original format,
upright sizes, `<picture>` markup, the media cache (reused, and ignored when damaged), and an
unreadable image reported where it is named, in both languages."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Callable

import pytest
from PIL import Image

from liaoning_site.build import BuildOptions, prepare_site
from liaoning_site.diagnostics import Diagnostics, use_language
from liaoning_site.images import SIZES, Shown, Variant, check_images, picture_html, process_images
from liaoning_site.mediacache import MediaCache, prune

ARTICLE = """---
title: 图片测试
date: 2025-06-12
scenarios: [digital-life]
{front}---
第一段。

![培训现场](photo.jpg)

![示意图](diagram.png "标题")
"""


def image_bytes(size: tuple[int, int], fmt: str = "JPEG", mode: str = "RGB", exif_orientation: int | None = None) -> bytes:
    image = Image.new(mode, size, (11, 61, 145, 128) if mode == "RGBA" else (11, 61, 145))
    out = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def images_site(make_site: Callable[..., Path]) -> Callable[..., Path]:
    def make(photo: bytes | None = None, diagram: bytes | None = None, front: str = "", **extra: bytes | str) -> Path:
        files: dict[str, str | bytes | None] = {
            "content/articles/pics.md": ARTICLE.format(front=front),
            "content/articles/photo.jpg": photo if photo is not None else image_bytes((2000, 1000)),
            "content/articles/diagram.png": diagram if diagram is not None else image_bytes((300, 200), "PNG", "RGBA"),
        }
        files.update(extra)
        return make_site(files)

    return make


def processed(site: Path, cache: MediaCache | None = None, jobs: int = 1):
    diagnostics = Diagnostics()
    model = prepare_site(BuildOptions(source=site, jobs=jobs), diagnostics)
    images = process_images(model, cache if cache is not None else MediaCache(), diagnostics, jobs)
    return images, diagnostics


def open_file(data: bytes | Path) -> Image.Image:
    return Image.open(io.BytesIO(data) if isinstance(data, bytes) else data)


def test_variants_are_480_960_1600_and_the_original_width_in_webp_and_the_original_format(images_site) -> None:
    images, diagnostics = processed(images_site())
    assert diagnostics.items == []
    photo = images.by_document["content/articles/pics.md"]["articles/tu-pian-ce-shi/photo.jpg"]
    assert (photo.width, photo.height) == (2000, 1000)
    assert [(v.width, v.height, v.webp) for v in photo.variants] == [
        (480, 240, True), (480, 240, False), (960, 480, True), (960, 480, False),
        (1600, 800, True), (1600, 800, False), (2000, 1000, True), (2000, 1000, False),
    ]
    files = {f.output: f.data for f in images.files}
    for variant in photo.variants:
        with open_file(files[variant.output]) as image:
            assert image.size == (variant.width, variant.height)
            assert image.format == ("WEBP" if variant.webp else "JPEG")
    # Published beside the original, under names that carry the image's hash.
    assert photo.variants[0].output == f"articles/tu-pian-ce-shi/photo-480.{photo.key[:10]}.webp"


def test_images_are_never_upscaled(images_site) -> None:
    images, _ = processed(images_site(photo=image_bytes((700, 350))))
    shown = images.by_document["content/articles/pics.md"]
    assert sorted({v.width for v in shown["articles/tu-pian-ce-shi/photo.jpg"].variants}) == [480, 700]
    assert sorted({v.width for v in shown["articles/tu-pian-ce-shi/diagram.png"].variants}) == [300]


def test_png_keeps_its_transparency_and_format(images_site) -> None:
    images, _ = processed(images_site())
    diagram = images.by_document["content/articles/pics.md"]["articles/tu-pian-ce-shi/diagram.png"]
    files = {f.output: f.data for f in images.files}
    own = [v for v in diagram.variants if not v.webp][0]
    with open_file(files[own.output]) as image:
        assert image.format == "PNG" and image.mode == "RGBA" and image.getpixel((0, 0))[3] == 128
    webp = [v for v in diagram.variants if v.webp][0]
    with open_file(files[webp.output]) as image:
        assert image.format == "WEBP" and image.mode == "RGBA"


def test_camera_orientation_is_applied_and_metadata_dropped(images_site) -> None:
    # A phone photo stored sideways, with an EXIF tag that says "turn me": readers see it upright.
    images, _ = processed(images_site(photo=image_bytes((1200, 800), exif_orientation=6)))
    photo = images.by_document["content/articles/pics.md"]["articles/tu-pian-ce-shi/photo.jpg"]
    assert (photo.width, photo.height) == (800, 1200)
    files = {f.output: f.data for f in images.files}
    with open_file(files[photo.variants[-1].output]) as image:
        assert image.size == (800, 1200) and not image.getexif()


def test_svg_and_gif_are_shown_as_they_are_with_their_sizes(images_site) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"><rect width="300" height="150"/></svg>'
    gif = image_bytes((40, 30), "GIF", "P")
    site = images_site(**{
        "content/articles/pics.md": ARTICLE.format(front="").replace("photo.jpg", "chart.svg").replace("diagram.png", "anim.gif"),
        "content/articles/chart.svg": svg, "content/articles/anim.gif": gif,
    })
    images, diagnostics = processed(site)
    assert diagnostics.items == []
    shown = images.by_document["content/articles/pics.md"]
    chart, anim = shown["articles/tu-pian-ce-shi/chart.svg"], shown["articles/tu-pian-ce-shi/anim.gif"]
    assert (chart.width, chart.height, chart.variants) == (300, 150, ())
    assert (anim.width, anim.height, anim.variants) == (40, 30, ())
    assert images.files == ()
    markup = picture_html(chart, {"src": "x", "alt": "图表"}, "/", eager=False)
    assert markup == '<img src="/articles/tu-pian-ce-shi/chart.svg" width="300" height="150" alt="图表" loading="lazy" decoding="async">'


def test_picture_markup_offers_webp_and_keeps_the_editors_attributes() -> None:
    variants = (Variant("a/p-480.k.webp", 480, 240, True), Variant("a/p-480.k.jpg", 480, 240, False),
                Variant("a/p-1000.k.webp", 1000, 500, True), Variant("a/p-1000.k.jpg", 1000, 500, False))
    shown = Shown("k", 1000, 500, variants, "a/p.jpg")
    lazy = picture_html(shown, {"alt": "现场", "src": "/a/p.jpg", "title": "标题", "class": "wide"}, "/szsy/", eager=False)
    assert lazy == (
        '<picture><source type="image/webp" srcset="/szsy/a/p-480.k.webp 480w, /szsy/a/p-1000.k.webp 1000w" sizes="' + SIZES + '">'
        '<img src="/szsy/a/p.jpg" srcset="/szsy/a/p-480.k.jpg 480w, /szsy/a/p-1000.k.jpg 1000w" sizes="' + SIZES + '" '
        'width="1000" height="500" alt="现场" title="标题" class="wide" loading="lazy" decoding="async"></picture>'
    )
    eager = picture_html(shown, {"alt": "现场", "width": "400"}, "/", eager=True)
    assert 'width="400" height="200"' in eager and 'loading="eager" fetchpriority="high"' in eager and "decoding" not in eager


def test_bodies_get_pictures_and_the_first_one_loads_at_once_without_a_cover(images_site) -> None:
    images, _ = processed(images_site())
    body = '<p><img alt="培训现场" src="/articles/tu-pian-ce-shi/photo.jpg"></p><p><img alt="示意图" src="/articles/tu-pian-ce-shi/diagram.png" title="标题"></p>'
    html = images.rewrite("content/articles/pics.md", body)
    assert html.count("<picture>") == 2
    first, second = html.split("</picture>")[:2]
    assert 'loading="eager" fetchpriority="high"' in first and 'loading="lazy" decoding="async"' in second
    assert 'src="/articles/tu-pian-ce-shi/photo.jpg"' in first and 'title="标题"' in second


def test_with_a_cover_every_body_image_is_lazy(images_site) -> None:
    site = images_site(front="cover: photo.jpg\ncover_alt: 培训现场\n")
    images, _ = processed(site)
    cover = images.cover("content/articles/pics.md")
    assert cover is not None and (cover["width"], cover["height"]) == (2000, 1000)
    assert cover["srcset"].endswith(" 2000w") and ".webp 480w" in cover["webp_srcset"]
    html = images.rewrite("content/articles/pics.md", '<p><img alt="培训现场" src="/articles/tu-pian-ce-shi/photo.jpg"></p>')
    assert 'loading="lazy"' in html and "eager" not in html


def test_a_second_build_reuses_the_cache_without_encoding(images_site, tmp_path: Path) -> None:
    site = images_site()
    folder = tmp_path / "media"
    first = MediaCache(folder)
    images, _ = processed(site, first)
    assert first.made == 2
    stored = sorted(p for p in folder.rglob("*") if p.is_file())
    times = {p: p.stat().st_mtime_ns for p in stored}
    again = MediaCache(folder)  # as the next `build` finds it: nothing in memory
    reused, _ = processed(site, again)
    assert again.made == 0
    assert {p: p.stat().st_mtime_ns for p in stored} == times
    assert reused.files == images.files  # the very same stored files, not new copies


def test_a_damaged_cache_entry_is_made_again(images_site, tmp_path: Path) -> None:
    site = images_site()
    folder = tmp_path / "media"
    images, _ = processed(site, MediaCache(folder))
    photo = next(f.data for f in images.files if isinstance(f.data, Path) and f.data.suffix == ".jpg")
    photo.write_bytes(photo.read_bytes()[:10])  # truncated, as by a full disk
    diagram = next(f.data for f in images.files if isinstance(f.data, Path) and f.data.suffix == ".png")
    (diagram.parent / "entry.json").write_text("{not json")
    again = MediaCache(folder)
    repaired, _ = processed(site, again)
    assert again.made == 2
    for file in repaired.files:
        assert isinstance(file.data, Path)
        with Image.open(file.data) as image:
            image.load()


def test_entries_the_last_build_recorded_are_checked_by_size_and_remade_when_damaged(images_site, tmp_path: Path) -> None:
    site = images_site()
    folder = tmp_path / "media"
    first = MediaCache(folder)
    images, _ = processed(site, first)
    assert first.records  # what the next build gets from .cache/ (pickled with the other caches)
    for record in folder.rglob("entry.json"):
        record.write_text("{not json")  # not read again: the recorded sizes are enough
    again = MediaCache(folder, records=dict(first.records))
    reused, _ = processed(site, again)
    assert again.made == 0 and reused.files == images.files
    photo = next(f.data for f in images.files if isinstance(f.data, Path) and f.data.suffix == ".jpg")
    photo.write_bytes(photo.read_bytes()[:10])  # truncated: its size no longer matches
    third = MediaCache(folder, records=dict(first.records))
    repaired, _ = processed(site, third)
    assert third.made == 1  # the damaged entry only: the other one's files still match what was recorded
    for file in repaired.files:
        with Image.open(file.data) as image:
            image.load()


def test_images_are_processed_in_parallel_workers(images_site, tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "media")
    images, diagnostics = processed(images_site(), cache, jobs=2)
    assert diagnostics.items == [] and cache.made == 2
    assert all(isinstance(f.data, Path) and f.data.is_file() for f in images.files)


def test_an_unreadable_image_is_an_error_where_it_is_named_in_both_languages(images_site) -> None:
    site = images_site(photo=b"\xff\xd8\xff\xe0 this is not really a JPEG")
    _, diagnostics = processed(site)
    assert [d.format() for d in diagnostics.items] == [
        "content/articles/pics.md:8:9: error: image 'photo.jpg' cannot be read: it is damaged or not an image; "
        "save it again as JPEG, PNG, WebP, GIF or SVG",
    ]
    use_language("zh")
    found = Diagnostics()
    model = prepare_site(BuildOptions(source=site), found)
    check_images(model, found)  # `check` reports it too, without encoding anything
    assert [d.format() for d in found.items] == [
        "content/articles/pics.md:8:9: error: 无法读取图片 'photo.jpg'：文件已损坏或不是图片；请重新保存为 JPEG、PNG、WebP、GIF 或 SVG 格式",
    ]


def test_an_unreadable_cover_is_an_error_at_the_cover_key(images_site) -> None:
    site = images_site(front="cover: broken.png\ncover_alt: 坏图\n", **{"content/articles/broken.png": b"\x89PNG\r\n\x1a\n truncated"})
    _, diagnostics = processed(site)
    assert [d.format() for d in diagnostics.items] == [
        "content/articles/pics.md:5:8: error: image 'broken.png' cannot be read: it is damaged or not an image; "
        "save it again as JPEG, PNG, WebP, GIF or SVG",
    ]


def test_the_media_cache_forgets_entries_no_build_used_for_two_weeks(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path)
    for name in ("used", "old", "recent", ".tmp-killed"):
        (tmp_path / name).mkdir()
    old = 1_000_000_000
    for name in ("used", "old", ".tmp-killed"):
        os.utime(tmp_path / name, (old, old))
    cache.used = {"used"}
    prune(cache, now=old + 15 * 86400)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".pruned") == ["recent", "used"]
    assert (tmp_path / "used").stat().st_mtime > old  # marked fresh
    # At most once an hour: a build's leftovers wait for the next tidy-up.
    (tmp_path / ".tmp-killed").mkdir()
    os.utime(tmp_path / ".tmp-killed", (old, old))
    prune(cache, now=old + 15 * 86400 + 60)
    assert (tmp_path / ".tmp-killed").exists()
    prune(cache, now=old + 15 * 86400 + 3601)
    assert not (tmp_path / ".tmp-killed").exists()
