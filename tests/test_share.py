"""Sharing an article: a QR code of its own address (in both scripts), the address itself, a copy
button that only appears with JavaScript, and a Weibo share link."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from html import unescape

import pytest

from support import ROOT
from liaoning_site.cli import main
from liaoning_site.share import qr_svg

BASE = "https://example.org/szsy/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("share") / "out"
    assert main(["build", "--source", str(ROOT), "--output", str(out), "--no-cache", "--base-url", BASE]) == 0
    return out


@pytest.mark.parametrize("prefix", ["", "zh-hant/"])
def test_each_article_shares_its_own_address(site: Path, prefix: str) -> None:
    pages = sorted((site / prefix / "articles").glob("*/index.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        url = BASE + prefix + page.parent.relative_to(site / prefix).as_posix() + "/"
        block = re.search(r'<section class="share".*?</section>', html, re.S)[0]
        svg = re.search(r'<svg role="img".*?</svg>', block, re.S)[0]
        assert svg == str(qr_svg(url, f"本文二维码：{url}")).replace("本文二维码", "本文二維碼" if prefix else "本文二维码")
        assert f'data-copy-url="{url}" hidden>' in block and f">{url}</a>" in block
        weibo = unescape(re.search(r'class="share-weibo" href="([^"]+)"', block)[1])
        assert urlsplit(weibo).netloc == "service.weibo.com" and parse_qs(urlsplit(weibo).query)["url"] == [url]
        assert re.search(r'<script src="/szsy/js/share\.[0-9a-f]{10}\.js" defer></script>', html)


@pytest.mark.parametrize("url", [BASE + "articles/dalishu-village/", BASE + "zh-hant/articles/" + "很长的地址" * 8 + "/"])
def test_the_qr_codes_lines_scan_back_to_the_address(url: str) -> None:
    import zxingcpp
    from PIL import Image, ImageDraw

    svg = str(qr_svg(url, "x"))
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg)[1])
    path = re.search(r'<path stroke="#0b3d91" d="M0 \.5((?:m-?\d+ -?\d+h\d+)+)"/>', svg)[1]
    image = Image.new("L", (size, size), 255)
    draw, x, y = ImageDraw.Draw(image), 0, 0
    for dx, dy, length in re.findall(r"m(-?\d+) (-?\d+)h(\d+)", path):  # each line one module high
        x, y = x + int(dx), y + int(dy)
        draw.rectangle((x, y, x + int(length) - 1, y), fill=0)
        x += int(length)
    found = zxingcpp.read_barcode(image.resize((size * 6, size * 6), Image.Resampling.NEAREST))
    assert found is not None and found.text == url and found.ec_level == "M"


def test_qr_code_is_the_same_for_the_same_address() -> None:
    one, two = qr_svg("https://example.org/a/", "x"), qr_svg("https://example.org/b/", "x")
    assert one == qr_svg("https://example.org/a/", "x") and one != two
    assert 'role="img" aria-label="x"' in one and "viewBox=" in one
