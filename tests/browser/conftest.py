"""Browser fixtures: Debian's Chromium driven by Playwright, and a running `liaoning-site serve`."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Chromium's own network traffic (updates, sync) would be refused on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).is_file(), f"Chromium not found at {CHROMIUM}; scripts/test installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Served:
    def __init__(self, source: Path, process: subprocess.Popen[str], url: str):
        self.source = source
        self.process = process
        self.url = url


def copy_real_site(dest: Path) -> Path:
    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """The real site, copied so tests can edit it, served on a free port."""
    source = copy_real_site(tmp_path / "site")
    process = subprocess.Popen(
        [sys.executable, "-m", "liaoning_site", "serve", "--source", str(source), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"(http://\S+/)", line)
    assert match, f"serve did not start: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
    yield Served(source, process, match[1])
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
