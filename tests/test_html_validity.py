"""The built HTML validates with the Nu Html Checker (npm `vnu-jar`, run with Java): zero errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from support import ROOT, SITES
from liaoning_site.cli import main

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_page_is_valid_html(tmp_path: Path) -> None:
    assert shutil.which("java"), "Java is required for the Nu Html Checker (.ci/run installs it)"
    assert VNU.is_file(), "run `npm ci` to install vnu-jar"
    outputs = {
        "real": ["--source", str(ROOT)],
        "full": ["--source", str(SITES / "full"), "--drafts", "--future"],
        "subpath": ["--source", str(SITES / "full"), "--base-url", "https://example.org/szsy/"],
    }
    for name, args in outputs.items():
        assert main(["build", *args, "--output", str(tmp_path / name), "--no-cache"]) == 0
    # A page with a known error proves the checker really looks at our files.
    control = tmp_path / "control"
    control.mkdir()
    (control / "index.html").write_text("<!DOCTYPE html><html lang=zh><title>x</title><p><div></p>", encoding="utf-8")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "json",
         *(str(tmp_path / name) for name in [*outputs, "control"])],
        capture_output=True, text=True, check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    ours = [f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in messages if "/control/" not in m.get("url", "")]
    assert ours == []
    assert any("/control/" in m.get("url", "") for m in messages)
    checked = sum(1 for name in outputs for _ in (tmp_path / name).rglob("*.html"))
    assert checked > 100
