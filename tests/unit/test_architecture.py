"""The pipeline's imports go one way: a stage may use earlier stages, never later ones."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "liaoning_site"

# Earlier stages first. A module may only import modules of a lower rank.
RANK = {
    "diagnostics": 0, "heap": 0, "records": 0,
    "yamlsource": 1, "sourcefile": 1, "slugs": 1, "outputs": 1, "pool": 1, "progress": 1,
    "schema": 2, "sanitize": 2,
    "config": 3,
    "load": 4,
    "campaign": 5,
    "links": 5,
    "rawhtml": 6,
    "validate": 6,
    "scaffold": 7,
    "markdown": 7,
    "model": 7,
    "views": 8, "metadata": 1,
    "checks": 8,
    "feeds": 9, "sitemap": 9, "plans": 9, "icons": 9,
    "render": 10,
    "searchtext": 1, "pagefindservice": 1, "search": 10,
    "hant": 2, "mirror": 8, "charts": 1, "typography": 1, "share": 1,
    "mediacache": 2, "images": 9, "sharecard": 9, "pngband": 1,
    "write": 11,
    "cache": 11,
    "build": 12,
    "serve": 13,
    "cli": 14,
    "__main__": 15,
    "__init__": -1,
}


def stage_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_stages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    inside_subpackage = path.parent != PACKAGE
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            if node.level == 1 and inside_subpackage:
                continue  # a subpackage's own modules
            base = (node.module or "").split(".")[0]
            found |= {base} if base else {alias.name for alias in node.names}
    return found


def test_every_module_has_a_rank() -> None:
    assert {stage_of(p) for p in PACKAGE.rglob("*.py")} <= set(RANK)


def test_imports_only_go_to_earlier_stages() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        stage = stage_of(path)
        for imported in imported_stages(path):
            if imported in RANK and RANK[imported] >= RANK[stage] and stage not in ("__init__",) and imported != "__init__":
                wrong.append(f"{path.relative_to(PACKAGE)} imports {imported}")
    assert wrong == []
