"""The site's icons and web app manifest: drawn here, so no image file is taken from elsewhere.

The mark is the one in the header (three rising bars on navy, a gold base line): an SVG for
browsers that take one, PNGs for phones' home screens, and an ICO for old browsers. Drawing them
takes a fifteenth of a second: they are kept in the media cache, by the digest of this file.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import PIL

from PIL import Image, ImageDraw

from .mediacache import MediaCache, make_key, store
from .model import urls
from .model.site import Site
from .outputs import OutputFile

NAVY, WHITE, GOLD = (11, 61, 145), (255, 255, 255), (232, 177, 14)
# The header's mark, on a 40-unit grid: (x, y, width, height) of each shape.
_BARS = ((9, 13, 6, 14), (17, 9, 6, 18), (25, 17, 6, 10))
_BASE = (8, 29, 24, 3)

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">'
    '<rect width="40" height="40" rx="8" fill="#0b3d91"/>'
    '<path d="M9 27h6V13H9zm8 0h6V9h-6zm8 0h6V17h-6z" fill="#fff"/>'
    '<rect x="8" y="29" width="24" height="3" rx="1.5" fill="#e8b10e"/></svg>\n'
)


@lru_cache(maxsize=None)
def draw_mark(size: int, maskable: bool = False) -> Image.Image:
    """The mark at `size` pixels; `maskable` leaves the safe margin Android crops icons to."""
    scale = size / 40
    image = Image.new("RGB", (size, size), NAVY) if maskable else Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not maskable:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=round(8 * scale), fill=NAVY)
    inset = 0.1 if maskable else 0.0  # maskable: shrink the drawing into the middle 80%

    def box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        k = scale * (1 - 2 * inset)
        offset = size * inset
        return (offset + x * k, offset + y * k, offset + (x + w) * k - 1, offset + (y + h) * k - 1)

    for bar in _BARS:
        draw.rectangle(box(*bar), fill=WHITE)
    draw.rounded_rectangle(box(*_BASE), radius=max(1, round(1.5 * scale)), fill=GOLD)
    return image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


NAMES = ("favicon.ico", "favicon.svg", "apple-touch-icon.png", "icon-192.png", "icon-512.png")


def icon_files() -> dict[str, bytes]:
    """The same bytes on every build, by file name (NAMES)."""
    ico = io.BytesIO()
    draw_mark(48).save(ico, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return dict(zip(NAMES, (
        ico.getvalue(),
        SVG.encode("utf-8"),
        _png(draw_mark(180, maskable=True)),
        _png(draw_mark(192)),
        _png(draw_mark(512, maskable=True)),
    )))


@lru_cache(maxsize=1)
def _drawing() -> str:
    return make_key("icons", Path(__file__).read_bytes(), PIL.__version__)


def render_icons(site: Site, cache: MediaCache | None = None) -> list[OutputFile]:
    cache = cache if cache is not None else MediaCache()
    entry = cache.lookup(_drawing())
    if entry is None:
        entry = store(cache.folder, _drawing(), {}, icon_files())
        cache.keep(_drawing(), entry)
    files = [OutputFile(name, entry.files[name]) for name in NAMES]
    files.append(OutputFile(urls.manifest().output, _manifest(site)))
    return files


def _manifest(site: Site) -> bytes:
    config, base = site.config, site.config.base_path
    manifest = {
        "name": config.title,
        "short_name": site.campaign.short_name,
        "description": config.description,
        "lang": config.language,
        "start_url": base,
        "scope": base,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b3d91",
        "icons": [
            {"src": base + "icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": base + "icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": base + "favicon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
