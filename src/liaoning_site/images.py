"""Responsive images (render stage): every raster image the content shows, in a few widths, as WebP
and in its own format, under names that carry the image's hash; SVG and GIF as they are, with sizes.

Input: the `Site` (covers, and the images in bodies as the model resolved them to published files).
Output: `Images`: per document, the images it shows (for `<picture>` markup and for page keys), and
the variant files. Each version of an image file is processed once, in worker processes, and kept in
the media cache, so a rebuild encodes only images it has not seen.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, NamedTuple
from urllib.parse import quote, unquote, urlsplit

from PIL import Image, ImageOps

from .diagnostics import Diagnostics, Position, tr
from .mediacache import Entry, MediaCache, make_key, store
from .model import Site
from .outputs import OutputFile
from .pool import map_forked
from .slugs import make_slug

WIDTHS = (480, 960, 1600)  # never wider than the original, which is always one of the widths
# Bodies and covers are as wide as the article column (`.wrap.narrow`: 42rem between 16px paddings).
SIZES = "(max-width: 704px) calc(100vw - 32px), 672px"
PROCESSING = "images-2"  # change with the encoding settings: every variant then gets a new name
# Progressive JPEG has optimised Huffman tables already; PNG's `optimize` costs three times the
# time for a percent of the bytes. WebP's default effort (method 4) is worth its time: the file
# most browsers fetch is the WebP one.
_SAVE: dict[str, dict[str, Any]] = {
    "jpeg": {"format": "JPEG", "quality": 82, "progressive": True},
    "png": {"format": "PNG"},
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
}
_EXT = {"jpeg": "jpg", "png": "png", "webp": "webp"}
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(?:px)?\s*")
_URL_SAFE = "/%:@-._~!$&'()*+;="
_REPLACED = ("src", "srcset", "sizes", "width", "height", "loading", "decoding", "fetchpriority")


@dataclass(frozen=True, slots=True)
class Variant:
    output: str  # path in the output folder
    width: int
    height: int
    webp: bool


@dataclass(frozen=True, slots=True)
class Shown:
    """One image file as the site shows it."""

    key: str  # hash of the file's bytes and of the processing: new pictures, new key
    width: int | None  # upright, as readers see it; None when the file does not say (an SVG)
    height: int | None
    variants: tuple[Variant, ...]  # narrowest first; none for SVG, GIF and animations
    original: str  # where the file itself is published

    def own(self) -> tuple[Variant, ...]:
        """Variants in the original's format (WebP originals have only those)."""
        return tuple(v for v in self.variants if not v.webp) or self.variants

    def webp(self) -> tuple[Variant, ...]:
        """WebP variants offered in a `<source>` besides the original's format; none for WebP originals."""
        own = self.own()
        return tuple(v for v in self.variants if v.webp and v not in own)



class _Use(NamedTuple):
    source: str  # the document showing the image
    position: Position  # where it names the image
    written: str  # the image as written there
    linked: str  # its published path as the body's links point to it (before the base path)
    path: Path
    cover: bool


@dataclass(frozen=True)
class Images:
    """Every image the documents show: how to mark each one up, and the variant files to publish."""

    base_path: str
    by_document: dict[str, dict[str, Shown]]  # document -> {published path as linked -> image}
    covers: dict[str, Shown]  # article -> its cover
    files: tuple[OutputFile, ...]

    def signature(self, source: str) -> tuple[str, ...]:
        """What a document's page shows of its images besides its text: their hashes, cover first."""
        cover = self.covers.get(source)
        return ((cover.key,) if cover else ()) + tuple(s.key for s in self.by_document.get(source, {}).values())

    def cover(self, source: str) -> dict[str, Any] | None:
        """The cover's `<picture>` data for templates (see the `picture` macro)."""
        shown = self.covers.get(source)
        if shown is None:
            return None
        return {
            "url": self.base_path + shown.original, "width": shown.width, "height": shown.height, "sizes": SIZES,
            "srcset": _srcset(shown.own(), self.base_path) if shown.variants else None,
            "webp_srcset": _srcset(shown.webp(), self.base_path) if shown.webp() else None,
        }

    def rewrite(self, source: str, body: str) -> str:
        """`<img>` -> `<picture>` in a body whose links already point at site paths.

        The first image gets loaded at once when the document has no cover, the others lazily.
        """
        shown = self.by_document.get(source)
        if not shown or "<img" not in body:
            return body
        eager = [source not in self.covers]

        def replace(match: re.Match[str]) -> str:
            attrs = _attributes(match[0][4:-1])
            src = attrs.get("src") or ""
            image = shown.get(src[len(self.base_path):]) if src.startswith(self.base_path) else None
            if image is None:
                return match[0]
            first, eager[0] = eager[0], False
            return picture_html(image, attrs, self.base_path, first)

        return _IMG.sub(replace, body)


def process_images(site: Site, cache: MediaCache, diagnostics: Diagnostics, jobs: int = 1) -> Images:
    """Every image the documents show, made (or found in the cache); an unreadable one is an error where it is named."""
    uses = list(_image_uses(site))
    keys = {path: make_key(PROCESSING, cache.file_hash(path)) for path in dict.fromkeys(use.path for use in uses)}
    cache.hashes = {name: known for name, known in cache.hashes.items() if Path(name) in keys}  # files still shown
    entries: dict[str, Entry] = {}
    missing: dict[str, _Job] = {}
    for path, key in keys.items():
        entry = cache.lookup(key)
        if entry is not None:
            entries[key] = entry
        elif key not in missing:
            missing[key] = _Job(path, key, cache.folder)
    failures: dict[str, str] = {}
    for job, result in zip(missing.values(), map_forked(_process, list(missing.values()), jobs, min_items=2, min_chunk=1)):
        if isinstance(result, Entry):
            cache.keep(job.key, result)
            entries[job.key] = result
        else:
            failures[job.key] = result
    by_document: dict[str, dict[str, Shown]] = {}
    covers: dict[str, Shown] = {}
    files: dict[str, OutputFile] = {}
    for use in uses:
        key = keys[use.path]
        if key in failures:
            diagnostics.error(use.source, use.position, _unreadable(use.written, failures[key]))
            continue
        shown, published = _shown(use.linked.split("#")[0], key, entries[key])
        files.update((f.output, f) for f in published)
        if use.cover:
            covers[use.source] = shown
        else:
            by_document.setdefault(use.source, {})[use.linked] = shown
    return Images(site.config.base_path, by_document, covers, tuple(files[k] for k in sorted(files)))


def check_images(site: Site, diagnostics: Diagnostics) -> None:
    """What `process_images` would refuse, without encoding anything (for `check`)."""
    results: dict[Path, str | None] = {}
    for use in _image_uses(site):
        if use.path not in results:
            results[use.path] = None if use.path.suffix.lower() == ".svg" else _readable(use.path)
        if results[use.path] is not None:
            diagnostics.error(use.source, use.position, _unreadable(use.written, results[use.path] or ""))


def picture_html(image: Shown, attrs: dict[str, str | None], base_path: str, eager: bool) -> str:
    """The markup of one image: `<picture>` with a WebP `<source>` when there are variants, else `<img>`.

    `src` stays the file as written (browsers that know `srcset` never fetch it when it lists widths):
    links to it keep working, and so does the page in a browser from before `srcset`.
    """
    url = html.escape(base_path + image.original)
    parts = [f'src="{url}"']
    if image.variants:
        parts.append(f'srcset="{html.escape(_srcset(image.own(), base_path))}" sizes="{SIZES}"')
    parts.append(_size_attributes(image, attrs))
    parts += [f'{name}="{html.escape(value)}"' if value is not None else name for name, value in attrs.items() if name not in _REPLACED]
    parts.append('loading="eager" fetchpriority="high"' if eager else 'loading="lazy" decoding="async"')
    img = "<img " + " ".join(p for p in parts if p) + ">"
    webp = image.webp()
    if not webp:
        return img
    return f'<picture><source type="image/webp" srcset="{html.escape(_srcset(webp, base_path))}" sizes="{SIZES}">{img}</picture>'


def _size_attributes(image: Shown, attrs: dict[str, str | None]) -> str:
    """The intrinsic size, so the page does not move as images arrive; an editor's width is kept, in proportion."""
    width, height = attrs.get("width"), attrs.get("height")
    if width and height:
        return f'width="{html.escape(width)}" height="{html.escape(height)}"'
    if image.width and image.height and width and width.isdigit():
        return f'width="{width}" height="{round(int(width) * image.height / image.width)}"'
    if image.width and image.height:
        return f'width="{image.width}" height="{image.height}"'
    return ""


def _srcset(variants: tuple[Variant, ...], base_path: str) -> str:
    # A space or comma would end a candidate's URL: folders named so are written percent-encoded.
    return ", ".join(f"{quote(base_path + v.output, safe=_URL_SAFE)} {v.width}w" for v in variants)


def _attributes(inner: str) -> dict[str, str | None]:
    """The attributes written inside a tag (after its name), values unescaped; the first of a name wins."""
    found: dict[str, str | None] = {}
    for match in _ATTR.finditer(inner.rstrip("/")):
        value = next((v for v in match.groups()[1:] if v is not None), None)
        found.setdefault(match[1].lower(), html.unescape(value) if value is not None else None)
    return found


def _image_uses(site: Site) -> Iterator[_Use]:
    """Every image shown by a published document, with the file behind it."""
    files = {a.output: a.path for a in site.assets}
    for doc in (*site.scenarios, *site.articles, *site.pages):
        links = site.links.get(doc.source, {})
        for ref in doc.references:
            if not ref.is_image:
                continue
            if ref.local:
                linked = links.get(ref.target)  # None: a missing file, already an error
            elif ref.target.startswith("/") and not ref.target.startswith("//"):
                linked = ref.target[1:]  # a site path: rewrite_links only puts the base path before it
            else:
                continue  # on another site: shown as written
            output = unquote(urlsplit(linked).path) if linked else None
            if output in files:
                yield _Use(doc.source, ref.position, ref.target, linked, files[output], False)
    for article in site.articles:
        if article.cover is not None:
            output = site.covers[article.source]
            yield _Use(article.source, article.cover.position, article.cover.path.name, output, article.cover.path, True)


def _shown(linked: str, key: str, entry: Entry) -> tuple[Shown, list[OutputFile]]:
    # Variants are published beside the original, under names that carry the hash (cacheable forever)
    # and only URL-safe characters (srcset separates its candidates with commas and spaces).
    original = PurePosixPath(unquote(urlsplit(linked).path))
    stem = make_slug(original.stem)[:40].strip("-") or "image"
    folder = "" if str(original.parent) == "." else f"{original.parent}/"
    variants, files = [], []
    for width, height, fmt, name in entry.facts.get("variants", ()):
        output = f"{folder}{stem}-{width}.{key[:10]}.{_EXT[fmt]}"
        variants.append(Variant(output, width, height, fmt == "webp"))
        files.append(OutputFile(output, entry.files[name]))
    shown = Shown(key, entry.facts.get("width"), entry.facts.get("height"), tuple(variants), linked)
    return shown, files


def _unreadable(written: str, reason: str) -> str:
    if reason == "too-large":
        return tr(
            f"image {written!r} has too many pixels to process safely; save it smaller (at most 8000 pixels wide)",
            f"图片 {written!r} 的像素太多，无法安全处理；请缩小后再保存（宽度不超过 8000 像素）",
        )
    return tr(
        f"image {written!r} cannot be read: it is damaged or not an image; save it again as JPEG, PNG, WebP, GIF or SVG",
        f"无法读取图片 {written!r}：文件已损坏或不是图片；请重新保存为 JPEG、PNG、WebP、GIF 或 SVG 格式",
    )


# --- in worker processes: decode, resize, encode


@dataclass(frozen=True, slots=True)
class _Job:
    path: Path
    key: str
    folder: Path | None


def _process(job: _Job) -> Entry | str:
    """The entry for one image file, or why it cannot be read ("unreadable", "too-large")."""
    try:
        if job.path.suffix.lower() == ".svg":
            facts, files = _svg_facts(job.path.read_bytes()), {}
        else:
            facts, files = _encode(job.path)
    except Image.DecompressionBombError:
        return "too-large"
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors for a damaged file
        return "unreadable"
    return store(job.folder, job.key, facts, files)


def _readable(path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.draft("RGB", (64, 64))  # JPEG decodes at a fraction of its size: damage still shows
                image.load()
    except Image.DecompressionBombError:
        return "too-large"
    except Exception:  # noqa: BLE001
        return "unreadable"
    return None


def _encode(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as opened:
            opened.load()
            if (opened.format or "").upper() == "GIF" or getattr(opened, "is_animated", False):
                return {"width": opened.width, "height": opened.height}, {}  # shown as it is
            own = (opened.format or "").lower()
            icc = opened.info.get("icc_profile")
            image = ImageOps.exif_transpose(opened)  # as cameras meant it; EXIF (and GPS) is not copied
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if image.mode not in ("RGB", "RGBA") or (alpha and image.mode != "RGBA"):
        image = image.convert("RGBA" if alpha else "RGB")
    fmt = own if own in _SAVE else ("png" if alpha else "jpeg")
    formats = ("webp",) if fmt == "webp" else ("webp", fmt)
    width, height = image.size
    facts: dict[str, Any] = {"width": width, "height": height, "variants": []}
    files: dict[str, bytes] = {}
    resized = image
    # Widest first, each from the one before: a third of the work of resizing the original each time.
    for w in sorted([x for x in WIDTHS if x < width] + [width], reverse=True):
        h = max(1, round(height * w / width))
        if resized.width != w:
            resized = resized.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for f in formats:
            name = f"{w}.{_EXT[f]}"
            files[name] = _save(resized, f, icc)
            facts["variants"].append([w, h, f, name])
    facts["variants"].sort(key=lambda v: (v[0], v[2] != "webp"))  # narrowest first, WebP before its twin
    return facts, files


def _save(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    options = dict(_SAVE[fmt])
    if icc:
        options["icc_profile"] = icc
    image.save(out, **options)
    return out.getvalue()


def _svg_facts(data: bytes) -> dict[str, Any]:
    """Width and height from the root element (absolute lengths), else from its viewBox."""
    root = _SVG_ROOT.search(data[:65536])
    if root is None:
        return {"width": None, "height": None}
    attrs = _attributes(root[0].decode("utf-8", "replace")[4:-1])
    width, height = _length(attrs.get("width")), _length(attrs.get("height"))
    box = [float(n) for n in re.findall(r"-?[0-9]*\.?[0-9]+", attrs.get("viewbox") or "")]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width is None and height is None:
            width, height = box[2], box[3]
        elif width is None and height is not None:
            width = height * box[2] / box[3]
        elif height is None and width is not None:
            height = width * box[3] / box[2]
    if width is None or height is None or width < 1 or height < 1:
        return {"width": None, "height": None}
    return {"width": round(width), "height": round(height)}


def _length(value: str | None) -> float | None:
    match = _LENGTH.fullmatch(value or "")
    return float(match[1]) if match else None
