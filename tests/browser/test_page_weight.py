"""The home page on a phone: everything it loads for the first screen stays under 200 KB, and
Chinese text uses the system's fonts (no web font download)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from httpfolder import real_site_served

BUDGET = 200 * 1024
FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".otf", ".eot")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with real_site_served(tmp_path_factory.mktemp("weight") / "out") as url:
        yield url


def test_home_page_above_the_fold_is_under_200_kb_with_no_web_fonts(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True)
    loaded: dict[str, int] = {}
    page.on("requestfinished", lambda request: loaded.__setitem__(request.url, request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]))
    page.goto(site_url, wait_until="networkidle")
    page.close()
    assert site_url in loaded and any(url.endswith(".css") for url in loaded)
    assert not [url for url in loaded if url.lower().endswith(FONT_SUFFIXES)]
    total = sum(loaded.values())
    print(f"home page on a phone: {len(loaded)} requests, {total / 1024:.1f} KB")
    assert total < BUDGET, {url: size for url, size in loaded.items()}
