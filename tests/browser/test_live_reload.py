"""Live reload in real Chromium against `liaoning-site serve` on the real site."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from playwright.sync_api import Page

ARTICLE = "content/articles/cases/jinnong-hotline.md"


def open_live(browser, url: str) -> Page:
    page = browser.new_page()
    page.goto(url)
    page.wait_for_selector("html[data-live-reload=on]")
    return page


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_saved_text_appears_without_any_action_within_300_ms(browser, served) -> None:
    page = open_live(browser, served.url + "articles/jinnong-hotline/")
    article = served.source / ARTICLE
    latencies = []
    previous = "农民是弥合数字鸿沟需要重点关注的群体。"
    for n in range(3):
        new = f"第{n}次修改：农民是数字素养提升的重点群体。"
        with page.expect_event("load", timeout=5000):
            saved_at = time.time() * 1000
            replace_in(article, previous, new)
        previous = new
        assert new in page.inner_text(".prose").replace("\u2009", "")  # the typography spaces 第 0 次
        latencies.append(page.evaluate("performance.timeOrigin") - saved_at)
        page.wait_for_selector("html[data-live-reload=on]")
    print(f"save-to-reload latencies (ms): {[round(x) for x in latencies]}")
    assert statistics.median(latencies) < 300


def test_mistake_shows_overlay_with_file_and_line_then_goes_away(browser, served) -> None:
    page = open_live(browser, served.url + "articles/jinnong-hotline/")
    article = served.source / ARTICLE
    replace_in(article, "date: 2025-06-12", "date: 2025/06/12 <b>粗体</b>")
    overlay = page.wait_for_selector("#liaoning-site-errors", timeout=5000)
    text = overlay.inner_text()
    assert f"{ARTICLE}:4:7: error: expected a date" in text
    assert "<b>粗体</b>" in text  # shown as text, not parsed as HTML
    assert page.query_selector("#liaoning-site-errors b") is None
    assert "农民是弥合数字鸿沟" in page.inner_text(".prose")  # the last good page is still there
    with page.expect_event("load", timeout=5000):
        replace_in(article, "date: 2025/06/12 <b>粗体</b>", "date: 2025-06-12")
    page.wait_for_selector("html[data-live-reload=on]")
    assert page.query_selector("#liaoning-site-errors") is None


def test_css_change_applies_without_navigation(browser, served) -> None:
    page = open_live(browser, served.url)
    origin = page.evaluate("performance.timeOrigin")
    css = served.source / "static" / "css" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.brand-title { color: rgb(1, 2, 3) !important; }\n", encoding="utf-8")
    page.wait_for_function("getComputedStyle(document.querySelector('.brand-title')).color === 'rgb(1, 2, 3)'", timeout=5000)
    assert page.evaluate("performance.timeOrigin") == origin


def test_ctrl_c_stops_cleanly(served) -> None:
    import signal

    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=10) == 0
    stderr = served.process.stderr.read()
    assert "Traceback" not in stderr and "stopped" in stderr
