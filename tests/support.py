"""Paths and helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "sites"


def copy_site(name: str, dest: Path) -> Path:
    """Copy a fixture site to `dest`, pointing its theme at this repository's templates and static."""
    shutil.copytree(SITES / name, dest, ignore=shutil.ignore_patterns(".cache", "_site"))
    site_yml = dest / "content" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8").replace("theme: ../../..", f"theme: {ROOT}"), encoding="utf-8")
    return dest


def corpus_module() -> ModuleType:
    """benchmarks/corpus.py, whose `make_corpus(count, dest)` writes a synthetic site of `count` articles."""
    spec = importlib.util.spec_from_file_location("liaoning_benchmark_corpus", ROOT / "benchmarks" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
