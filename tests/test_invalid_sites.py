"""Broken content, one mistake per case: the build fails with exactly the expected diagnostics.

Each folder under tests/sites/invalid/ holds files laid over tests/sites/minimal (same
relative paths; a file named `<name>.delete` removes `<name>`), and `expected.txt` with
the exact lines the build must print, in order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import SITES

CASES = sorted(p.name for p in (SITES / "invalid").iterdir() if p.is_dir())


def overlay(case: Path, site: Path) -> None:
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_dir() or rel.as_posix() == "expected.txt":
            continue
        if path.name.endswith(".delete"):
            (site / rel.parent / path.name.removesuffix(".delete")).unlink()
            continue
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


@pytest.mark.parametrize("case", CASES)
def test_reports_exact_diagnostics(case: str, make_site, run_cli, tmp_path: Path) -> None:
    site = make_site()
    overlay(SITES / "invalid" / case, site)
    code, out, err = run_cli("build", "--source", site, "--output", tmp_path / "out")
    expected = (SITES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    diagnostics = [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]
    assert diagnostics == expected
    assert code == 1
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
