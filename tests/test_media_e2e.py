"""End to end: responsive images, share cards and the scenario drawings in built sites.

tests/sites/full has an article with a cover and a body image (a 16×9 PNG); a copy of it gets a
photo-sized cover, an article without a cover, a changed image file and a broken one.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from support import ROOT, SITES, copy_site
from liaoning_site.build import BuildOptions, build
from liaoning_site.cli import main
from liaoning_site.serve.command import preview_options
from liaoning_site.serve.preview import Preview
from liaoning_site.serve.watch import classify, watched_roots
from liaoning_site.sharecard import find_font
from test_incremental import BASE_URL, full_build, served

COVER_PAGE = Path("articles") / "dai-feng-mian-tu-de-wen-zhang" / "index.html"
CASES = Path("content") / "articles" / "2025" / "cases"
needs_font = pytest.mark.skipif(find_font() is None, reason="no CJK font: scripts/test installs fonts-noto-cjk")


def png(size: tuple[int, int], color: tuple[int, int, int] = (11, 61, 145)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def page(output: Path, rel: Path | str) -> str:
    return (output / rel).read_text(encoding="utf-8")


def pictures(html: str) -> list[str]:
    return re.findall(r"<picture>.*?</picture>", html, re.DOTALL)


def attr(tag: str, name: str) -> str:
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    assert match, (name, tag)
    return match[1]


def candidates(output: Path, srcset: str, base: str = "/") -> list[tuple[Path, int]]:
    """Each srcset candidate as (file in the output, width it claims)."""
    found = []
    for candidate in srcset.split(", "):
        url, width = candidate.rsplit(" ", 1)
        assert url.startswith(base) and width.endswith("w")
        found.append((output / url[len(base):], int(width[:-1])))
    return found


@pytest.fixture(scope="module")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("full") / "out"
    assert main(["build", "--source", str(SITES / "full"), "--output", str(output), "--no-cache"]) == 0
    return output


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full site with a photo-sized cover, and an article whose images have no cover above them."""
    site = copy_site("full", tmp_path_factory.mktemp("photo") / "site")
    (site / CASES / "cover.png").write_bytes(png((2000, 1125)))
    (site / CASES / "no-cover.md").write_text(
        "---\ntitle: 没有封面的文章\ndate: 2025-06-21\nscenarios: [digital-life]\n---\n正文。\n\n"
        "![第一张](first.jpg)\n\n![第二张](cover.png)\n", encoding="utf-8")
    Image.new("RGB", (1000, 500), (232, 177, 14)).save(site / CASES / "first.jpg", format="JPEG")
    return site


@pytest.fixture(scope="module")
def photo_output(photo_site: Path) -> Path:
    output = photo_site.parent / "out"
    build(BuildOptions(source=photo_site, output=output))
    return output


def test_cover_and_body_image_become_pictures_with_their_size(full_site: Path) -> None:
    html = page(full_site, COVER_PAGE)
    cover, body = pictures(html)
    assert '<figure class="cover"><picture>' in html
    for markup in (cover, body):
        source = re.search(r"<source [^>]*>", markup)[0]
        img = re.search(r"<img [^>]*>", markup)[0]
        assert attr(source, "type") == "image/webp"
        assert attr(img, "src") == "/articles/dai-feng-mian-tu-de-wen-zhang/cover.png"  # the file as written
        assert (attr(img, "width"), attr(img, "height")) == ("16", "9")  # no layout shift
        assert attr(img, "sizes") == attr(source, "sizes")
        # A 16-pixel image is never made wider: its one width, in WebP and PNG.
        (webp, width), = candidates(full_site, attr(source, "srcset"))
        (own, same), = candidates(full_site, attr(img, "srcset"))
        assert width == same == 16 and webp.suffix == ".webp" and own.suffix == ".png"
        for file, fmt in ((webp, "WEBP"), (own, "PNG")):
            with Image.open(file) as image:
                assert image.size == (16, 9) and image.format == fmt
    assert attr(cover, "alt") == "蓝色的示意图" and attr(body, "alt") == "蓝色示意图"
    # The cover is the first image above the fold; the body's images wait until they are near.
    assert 'loading="eager" fetchpriority="high"' in cover and "decoding" not in cover
    assert 'loading="lazy" decoding="async"' in body and "fetchpriority" not in body


def test_photos_get_480_960_1600_and_their_own_width(photo_output: Path) -> None:
    cover = pictures(page(photo_output, COVER_PAGE))[0]
    img = re.search(r"<img [^>]*>", cover)[0]
    assert (attr(img, "width"), attr(img, "height")) == ("2000", "1125")
    for srcset, fmt in ((attr(cover, "srcset"), "WEBP"), (attr(img, "srcset"), "PNG")):
        found = candidates(photo_output, srcset)
        assert [w for _, w in found] == [480, 960, 1600, 2000]
        for file, width in found:
            assert re.fullmatch(r"cover-\d+\.[0-9a-f]{10}\.(webp|png)", file.name)
            with Image.open(file) as image:
                assert image.size == (width, round(1125 * width / 2000)) and image.format == fmt


def test_without_a_cover_the_first_body_image_loads_at_once(photo_output: Path) -> None:
    first, second = pictures(page(photo_output, Path("articles") / "mei-you-feng-mian-de-wen-zhang" / "index.html"))
    assert 'alt="第一张"' in first and 'loading="eager" fetchpriority="high"' in first
    assert [w for _, w in candidates(photo_output, attr(first, "srcset"))] == [480, 960, 1000]
    assert 'alt="第二张"' in second and 'loading="lazy" decoding="async"' in second


def test_feeds_carry_absolute_image_candidates(photo_output: Path) -> None:
    feed = (photo_output / "feed.xml").read_text(encoding="utf-8")
    srcsets = re.findall(r"srcset=\"(.*?)\"", feed)
    assert srcsets and all(c.startswith("https://example.org/") for s in srcsets for c in s.split(", "))


def test_an_image_changed_under_the_same_name_changes_its_pages(photo_site: Path, photo_output: Path, tmp_path: Path) -> None:
    before = page(photo_output, COVER_PAGE)
    (photo_site / CASES / "cover.png").write_bytes(png((1200, 600), (232, 177, 14)))
    build(BuildOptions(source=photo_site, output=photo_output))
    after = page(photo_output, COVER_PAGE)
    assert after != before and 'width="1200" height="600"' in after
    cold = tmp_path / "cold"
    build(BuildOptions(source=photo_site, output=cold, cache=False))
    files = lambda folder: {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}  # noqa: E731
    assert files(photo_output) == files(cold)


def test_an_image_edit_in_the_preview_equals_a_full_build(tmp_path: Path) -> None:
    site = copy_site("full", tmp_path / "site")
    preview = Preview(preview_options(BuildOptions(source=site), BASE_URL))
    assert preview.rebuild(None).ok
    (site / CASES / "cover.png").write_bytes(png((600, 300)))
    changed = classify((site / CASES / "cover.png").resolve(), watched_roots(site.resolve(), ROOT))
    assert preview.rebuild({changed}).ok
    expected = full_build(site, tmp_path / "full")
    actual = served(preview)
    assert sorted(actual) == sorted(expected)
    assert [rel for rel in expected if actual[rel] != expected[rel]] == []
    assert 'width="600" height="300"' in actual[COVER_PAGE.as_posix()].decode("utf-8")


def test_an_unreadable_image_fails_the_build_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = copy_site("full", tmp_path / "site")
    output = tmp_path / "out"
    assert main(["build", "--source", str(site), "--output", str(output)]) == 0
    before = page(output, COVER_PAGE)
    (site / CASES / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    capsys.readouterr()
    assert main(["build", "--source", str(site), "--output", str(output)]) == 1
    err = capsys.readouterr().err
    message = "image 'cover.png' cannot be read: it is damaged or not an image; save it again as JPEG, PNG, WebP, GIF or SVG"
    assert f"content/articles/2025/cases/with-cover.md:6:8: error: {message}" in err
    assert f"content/articles/2025/cases/with-cover.md:26:10: error: {message}" in err
    assert page(output, COVER_PAGE) == before  # the previous output stays
    assert main(["check", "--source", str(site)]) == 1
    assert f"with-cover.md:6:8: error: {message}" in capsys.readouterr().err


@needs_font
def test_every_published_article_has_a_share_card(full_site: Path) -> None:
    articles = sorted((full_site / "articles").glob("*/index.html"))
    assert len(articles) > 20
    for article in articles:
        html = article.read_text(encoding="utf-8")
        url = attr(re.search(r'<meta property="og:image"[^>]*>', html)[0], "content")
        assert re.fullmatch(rf"https://example\.org/articles/{article.parent.name}/share\.[0-9a-f]{{10}}\.png", url)
        with Image.open(full_site / url.removeprefix("https://example.org/")) as card:
            assert card.size == (1200, 630) and card.format == "PNG"
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        assert url in html.split('"@type":"NewsArticle"', 1)[1]  # JSON-LD's images name it too
    home = page(full_site, "index.html")
    site_card = attr(re.search(r'<meta property="og:image"[^>]*>', home)[0], "content")
    assert re.fullmatch(r"https://example\.org/share\.[0-9a-f]{10}\.png", site_card)
    assert f'<meta property="og:image" content="{site_card}">' in page(full_site, "archive/index.html")
    with Image.open(full_site / site_card.removeprefix("https://example.org/")) as card:
        assert card.size == (1200, 630)


def test_without_a_cjk_font_the_build_warns_once_and_has_no_cards(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAONING_SITE_CJK_FONT", str(tmp_path / "no-such-font.ttc"))
    output = tmp_path / "out"
    assert main(["build", "--source", str(SITES / "full"), "--output", str(output), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "(share cards):1:1: warning: no font with Chinese characters" in err
    assert not list(output.rglob("share.*.png"))
    assert 'property="og:image"' not in page(output, COVER_PAGE)


def test_scenario_pages_and_home_cards_show_the_scenario_drawings(full_site: Path) -> None:
    home = page(full_site, "index.html")
    drawings = re.findall(r'<img class="scenario-art"[^>]*>', home)
    assert len(drawings) == 4
    for slug in ("digital-life", "digital-work", "digital-learning", "digital-innovation"):
        tag = next(t for t in drawings if f"/img/scenarios/{slug}." in t)
        assert attr(tag, "alt") == "" and (attr(tag, "width"), attr(tag, "height")) == ("120", "80")
        svg = (full_site / attr(tag, "src").lstrip("/")).read_text(encoding="utf-8")
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 160"')
        title = re.search(r"<title>(.*?)</title>", svg)[1]
        assert re.match(r"数字(生活|工作|学习|创新)：", title)
        scenario = page(full_site, f"scenarios/{slug}/index.html")
        head = re.search(r'<img class="scenario-art"[^>]*>', scenario)[0]
        assert attr(head, "src") == attr(tag, "src") and attr(head, "alt") == ""
        assert (attr(head, "width"), attr(head, "height")) == ("240", "160")


def test_the_drawings_use_only_the_sites_colours() -> None:
    palette = {"#0b3d91", "#e8b10e", "#fff", "#0f766e", "#0b5a54", "#e3f4f1", "#b45309", "#8a3d05", "#fdf0e2",
               "#5b3cc4", "#432a9a", "#eeeafc", "#b4232f", "#8f1b25", "#fbe9ea"}
    for path in sorted((ROOT / "static" / "img" / "scenarios").glob("*.svg")):
        colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]+)"', path.read_text(encoding="utf-8")))
        assert colours and colours <= palette, path.name
