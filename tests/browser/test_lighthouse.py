"""Lighthouse 12.2.3 (npm) in Debian's Chromium, mobile settings, on the real site served over
HTTP: at least 95 in performance, accessibility, best practices and SEO, on the home page and an
article. The scores are printed (pytest -s) so that they can be recorded."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS
from httpfolder import real_site_served

ROOT = Path(__file__).resolve().parents[2]  # node_modules/ lives here
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with real_site_served(tmp_path_factory.mktemp("lighthouse") / "out") as url:
        yield url


def lighthouse(url: str, report: Path) -> dict[str, float]:
    assert LIGHTHOUSE.is_file(), "run `npm ci` to install lighthouse"
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}", f"--chrome-flags={flags}",
         f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile", "--screenEmulation.mobile=true"],
        check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=240, capture_output=True,
    )
    result = json.loads(report.read_text(encoding="utf-8"))
    return {name: result["categories"][name]["score"] for name in CATEGORIES}


@pytest.mark.parametrize("path", ["", "articles/jinnong-hotline/"])
def test_lighthouse_scores_at_least_95(site_url: str, path: str, tmp_path: Path) -> None:
    scores = lighthouse(site_url + path, tmp_path / "report.json")
    print(f"lighthouse /{path}: " + ", ".join(f"{name} {round(score * 100)}" for name, score in scores.items()))
    assert all(score >= 0.95 for score in scores.values()), scores
