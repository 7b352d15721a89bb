"""axe-core in Chromium on the real site: zero violations at any impact level.

The home page, a scenario page, an article, a term page, the archive, the 404 page, the data page,
Traditional twins and the search
page with results, on a phone-sized and a desktop-sized window, served over HTTP as readers get it.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

import pytest

from liaoning_site.cli import main

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["", "scenarios/digital-life/", "articles/jinnong-hotline/", "tags/zhi-hui-nong-ye/", "archive/", "404.html",
         "search/?q=金农热线", "data/", "zh-hant/", "zh-hant/articles/jinnong-hotline/", "zh-hant/data/"]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    output = tmp_path_factory.mktemp("a11y") / "out"
    assert main(["build", "--source", str(ROOT), "--output", str(output), "--base-url", "http://127.0.0.1/", "--no-cache"]) == 0
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(browser, site_url: str, path: str, width: int) -> None:
    assert AXE.is_file(), "run `npm ci` to install axe-core"
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(site_url + path)
    if path.startswith("search/"):  # with its results shown (drawn by js/search.js)
        page.wait_for_selector("[data-search][data-state=done] .search-result")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
    page.close()
    assert violations == []


def test_axe_reports_a_known_violation(browser) -> None:
    # A control: the same call on a page with a missing alt text must find it.
    page = browser.new_page()
    page.set_content('<!DOCTYPE html><html lang="zh-CN"><title>t</title><main><img src="x.png"></main></html>')
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    page.close()
    assert "image-alt" in [v["id"] for v in result["violations"]]
