"""The site's icons: drawn once, then kept in the media cache like share cards."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from PIL import Image

from liaoning_site.build import BuildOptions, prepare_site
from liaoning_site.diagnostics import Diagnostics
from liaoning_site.icons import NAMES, render_icons
from liaoning_site.mediacache import MediaCache


def test_icons_are_drawn_once_and_then_taken_from_the_media_cache(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = prepare_site(BuildOptions(source=make_site()), Diagnostics())
    first = MediaCache(tmp_path / "media")
    drawn = {f.output: f.data for f in render_icons(site, first)}
    assert first.made == 1 and set(NAMES) < set(drawn)
    again = MediaCache(tmp_path / "media")
    kept = {f.output: f.data for f in render_icons(site, again)}
    assert again.made == 0 and kept == drawn
    with Image.open(kept["icon-512.png"]) as image:  # type: ignore[arg-type]
        assert image.size == (512, 512)
    in_memory = {f.output: f.data for f in render_icons(site, MediaCache())}
    assert {name: in_memory[name] for name in NAMES} == {name: Path(kept[name]).read_bytes() for name in NAMES}  # type: ignore[arg-type]
    assert Image.open(io.BytesIO(in_memory["favicon.ico"])).info["sizes"] >= {(16, 16), (32, 32)}  # type: ignore[arg-type]
