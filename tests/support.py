"""Paths and helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "sites"


def copy_site(name: str, dest: Path) -> Path:
    """Copy a fixture site to `dest`, pointing its theme at this repository's templates and static."""
    shutil.copytree(SITES / name, dest, ignore=shutil.ignore_patterns(".cache", "_site"))
    site_yml = dest / "content" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8").replace("theme: ../../..", f"theme: {ROOT}"), encoding="utf-8")
    return dest
