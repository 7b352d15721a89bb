"""Reader features in Chromium: the 简/繁 switch leads to the same page in the other script, and the
copy button (hidden without JavaScript) copies the article's address, and every QR code scans."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from httpfolder import real_site_served



@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reader") / "out"


@pytest.fixture(scope="module")
def site_url(output: Path) -> Iterator[str]:
    with real_site_served(output, "http://127.0.0.1/szsy/") as url:
        yield url


def test_switching_script_keeps_the_reader_on_the_same_article(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + "articles/jinnong-hotline/")
    assert page.locator("h1").inner_text().startswith("辽宁")
    page.get_by_role("link", name="繁體").click()
    page.wait_for_url(site_url + "zh-hant/articles/jinnong-hotline/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert page.locator("h1").inner_text().startswith("遼寧")
    page.get_by_role("link", name="简体").click()
    page.wait_for_url(site_url + "articles/jinnong-hotline/")
    page.close()


def test_copy_button_copies_the_address(browser, site_url: str) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/").rsplit("/", 1)[0])
    page = context.new_page()
    page.goto(site_url + "articles/jinnong-hotline/")
    button = page.get_by_role("button", name="复制链接")
    button.click()
    page.get_by_role("status").filter(has_text="链接已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == "https://www.example.org/szsy/articles/jinnong-hotline/".replace("https://www.example.org", "http://127.0.0.1")
    context.close()


def test_without_javascript_the_copy_button_stays_hidden(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "articles/jinnong-hotline/")
    assert page.get_by_role("button", name="复制链接").count() == 0
    assert page.locator(".share-qr svg").is_visible()
    context.close()


def test_every_articles_qr_code_scans_to_its_own_address(browser, site_url: str, output: Path) -> None:
    """What a phone camera does: the code as Chromium draws it, decoded by ZXing, gives the page's
    canonical address (in both scripts, so for every URL the site's codes are drawn for)."""
    import io

    import zxingcpp
    from PIL import Image

    pages = sorted(p.parent for p in output.glob("**/articles/*/index.html"))
    assert any(p.relative_to(output).parts[0] == "zh-hant" for p in pages) and len(pages) >= 20, pages
    page = browser.new_page(viewport={"width": 800, "height": 800})
    for folder in pages:
        path = folder.relative_to(output).as_posix() + "/"
        page.goto(site_url + path)
        shot = page.locator(".share-qr svg").screenshot()
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
        canonical = page.locator('link[rel="canonical"]').get_attribute("href")
        assert [code.text for code in found] == [canonical], path
    page.close()
