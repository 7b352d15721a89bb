"""Share cards (render stage): the 1200×630 PNG a link preview shows (og:image), drawn with Pillow.

A card shows the article's title, the campaign's theme and the site's name in the site's colours; the
site has one more card for its other pages. Chinese needs a font with CJK glyphs: one is looked for on
this machine at build time (`LIAONING_SITE_CJK_FONT` names one; else Noto Sans CJK from Debian's
`fonts-noto-cjk`, other common Chinese fonts, or what fontconfig lists for zh-cn). Without one the
build warns once and publishes no cards. Each card is drawn once per (title, theme, site name, font),
in worker processes, and kept in the media cache; its file name carries that hash.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Container, NamedTuple

from PIL import Image, ImageChops, ImageDraw, ImageFont

from .diagnostics import Diagnostics, Position, tr
from .mediacache import Entry, MediaCache, make_key, store
from .model import Site
from .outputs import OutputFile
from .pngband import FixedRows, fixed_rows, png_with_band
from .pool import map_forked

WIDTH, HEIGHT = 1200, 630
DRAWING = "card-5"  # change with the drawing: every card gets a new name
NAVY, RING, DEEP, GOLD = (11, 61, 145), (24, 76, 160), (8, 43, 102), (232, 177, 14)
WHITE, ON_BLUE = (255, 255, 255), (214, 226, 245)
FONT_ENV = "LIAONING_SITE_CJK_FONT"
NO_FONT = "(share cards)"  # where the missing-font warning is reported: it is about this machine
_FONT_FOLDERS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk",
                 "/usr/share/fonts/opentype/source-han-sans", "/usr/share/fonts/truetype/wqy", "/System/Library/Fonts",
                 "C:/Windows/Fonts")
# (regular, bold) file names in the folders above, best first.
_FONT_FILES = (
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"), ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf"),
    ("SourceHanSans-Regular.ttc", "SourceHanSans-Bold.ttc"), ("wqy-microhei.ttc", "wqy-microhei.ttc"),
    ("wqy-zenhei.ttc", "wqy-zenhei.ttc"), ("PingFang.ttc", "PingFang.ttc"), ("msyh.ttc", "msyhbd.ttc"),
)
# Mark, on the header's 40-unit grid (see icons.py): three rising bars and a gold base line.
_BARS = ((9, 13, 6, 14), (17, 9, 6, 18), (25, 17, 6, 10))
_BASE = (8, 29, 24, 3)
_TOKENS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:+%'’\-]*|\s+|.")
_NO_LINE_START = set("，。、：；！？）》」』”’…—·%,.;:!?)]}")
_SITE = ""  # no document has this source


class Face(NamedTuple):
    path: str
    index: int  # the face inside a collection (.ttc): the Simplified Chinese one


@dataclass(frozen=True, slots=True)
class CardFont:
    regular: Face
    bold: Face
    identity: str  # files, sizes and times: a new font version draws new cards


@dataclass(frozen=True)
class ShareCards:
    """The cards of this build: per article and for the site; none without a CJK font."""

    articles: dict[str, str]  # article source -> output path of its card
    site: str | None  # output path of the site's card
    files: tuple[OutputFile, ...]
    key: str  # the font and the site's card: part of every page's key

    def output(self, source: str | None) -> str | None:
        """The card for a document (`None`: the site's)."""
        return self.site if source is None else self.articles.get(source)


def draw_share_cards(
    site: Site, cache: MediaCache, diagnostics: Diagnostics, jobs: int = 1, font: CardFont | None = None, written: Container[str] = (),
) -> ShareCards:
    """A card per published article and one for the site; a warning, and none, without a CJK font.

    A card is named after its key: one in `written` (files the last build left in the output, checked
    unchanged since) is that very card, kept there (`data=None`) without looking in the media cache.
    """
    font = font or find_font()
    if font is None:
        diagnostics.warning(NO_FONT, Position(), tr(
            f"no font with Chinese characters was found, so pages have no share image (og:image); "
            f"install one (Debian: apt-get install fonts-noto-cjk) or name one in {FONT_ENV}",
            f"没有找到含中文字形的字体，因此页面没有分享图（og:image）；"
            f"请安装字体（Debian：apt-get install fonts-noto-cjk），或用环境变量 {FONT_ENV} 指定字体文件",
        ))
        return ShareCards({}, None, (), "")
    # Within a lineage (model/reuse.py) titles, routes, theme and site name are the same: so are the cards.
    last = _last_cards.get("cards")
    if last is not None and last[0] is site.lineage and last[1] is cache and last[2] == font.identity:
        cache.used.update(last[3])
        return last[4]
    theme, name = site.campaign.theme, site.config.title
    # source -> (title, folder of its card); the site's card has no source and sits at the top.
    wanted = {article.source: (article.title, site.routes[article.source].path) for article in site.articles}
    wanted[_SITE] = (site.campaign.name, "")
    keys = {source: _card_key(title, theme, name, font.identity) for source, (title, _) in wanted.items()}
    outputs = {source: f"{folder}share.{keys[source][:10]}.png" for source, (_, folder) in wanted.items()}
    entries: dict[str, Entry] = {}
    missing: dict[str, _Job] = {}
    for source, key in keys.items():
        if outputs[source] in written:
            cache.used.add(key)  # still in use: the media cache keeps it
            continue
        entry = cache.lookup(key)
        if entry is not None:
            entries[key] = entry
        elif key not in missing:
            missing[key] = _Job(key, wanted[source][0], theme, name, font, cache.folder)
    for job, entry in zip(missing.values(), map_forked(_draw, list(missing.values()), jobs, min_items=8, min_chunk=4)):
        cache.keep(job.key, entry)
        entries[job.key] = entry
    files = tuple(OutputFile(out, None if out in written else entries[keys[source]].files["card.png"]) for source, out in outputs.items())
    site_card = outputs.pop(_SITE)
    cards = ShareCards(outputs, site_card, files, make_key(font.identity, site_card))
    _last_cards["cards"] = (site.lineage, cache, font.identity, list(keys.values()), cards)
    return cards


_last_cards: dict[str, tuple[object, MediaCache, str, list[str], ShareCards]] = {}  # `serve`'s last save


@lru_cache(maxsize=1 << 16)  # `serve` asks again for every article's card on every save
def _card_key(title: str, theme: str, name: str, font: str) -> str:
    return make_key(DRAWING, title, theme, name, font)


def find_font() -> CardFont | None:
    """A font with Chinese glyphs on this machine, regular and bold when both exist."""
    named = os.environ.get(FONT_ENV)
    if named is not None:
        return _card_font(named, named) if Path(named).is_file() else None
    for folder in _FONT_FOLDERS:
        for regular, bold in _FONT_FILES:
            if (Path(folder) / regular).is_file():
                heavy = Path(folder) / bold
                return _card_font(str(Path(folder) / regular), str(heavy if heavy.is_file() else Path(folder) / regular))
    listed = _fontconfig_font()
    return _card_font(listed, listed) if listed else None


def _fontconfig_font() -> str | None:
    if shutil.which("fc-list") is None:
        return None
    try:
        listed = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted({line.split(":")[0].strip() for line in listed.splitlines() if line.strip()})
    files = [f for f in files if f.lower().endswith((".ttc", ".otf", ".ttf"))]
    # Sans faces read best at a distance; bold ones are usually listed too, regular ones first.
    files.sort(key=lambda f: ("sans" not in f.lower(), "bold" in f.lower(), f))
    return files[0] if files else None


def _card_font(regular: str, bold: str) -> CardFont | None:
    faces = []
    for path in (regular, bold):
        face = _chinese_face(path)
        if face is None:
            return None
        faces.append(face)
    stats = [(p, os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in dict.fromkeys((regular, bold))]
    return CardFont(faces[0], faces[1], repr((stats, faces)))


def _chinese_face(path: str) -> Face | None:
    """The Simplified Chinese face of a collection (Noto CJK holds JP, KR, SC, TC, HK), else its first."""
    first = None
    for index in range(16):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0] or ""
        except OSError:
            break
        first = first or Face(path, index)
        if re.search(r"\b(SC|GB|CN)\b|Simplified|简", family):
            return Face(path, index)
    return first


# --- in worker processes: drawing


@dataclass(frozen=True, slots=True)
class _Job:
    key: str
    title: str
    theme: str
    site_name: str
    font: CardFont
    folder: Path | None


def _draw(job: _Job) -> Entry:
    return store(job.folder, job.key, {"width": WIDTH, "height": HEIGHT}, {"card.png": card_png(job.title, job.theme, job.site_name, job.font)})


@lru_cache(maxsize=32)
def _font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(face.path, size, index=face.index)


class _Frame(NamedTuple):
    image: Image.Image  # the card without its title, in the palette
    coverage: list[int]  # palette index of white text over navy, by how much of a pixel a glyph covers
    band: Image.Image  # the rows the title may cover, without it
    rows: FixedRows  # the rest, ready to be spliced into each card's PNG


@lru_cache(maxsize=4)
def _frame(theme: str, site_name: str, font: CardFont) -> _Frame:
    """What every card shows but its title, drawn once, in one palette of 256 colours that all cards
    share (flat colours and anti-aliased text fit it: a third of the bytes of RGB, drawn as sharp)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), NAVY)
    draw = ImageDraw.Draw(image)
    draw.ellipse((900, -230, 1380, 250), outline=RING, width=56)  # the rings of the scenario headers
    draw.ellipse((1020, 420, 1260, 660), outline=DEEP, width=26)
    draw.rectangle((0, HEIGHT - 14, WIDTH, HEIGHT), fill=GOLD)
    x0, y0, size = 80, 64, 64
    k = size / 40
    draw.rounded_rectangle((x0, y0, x0 + size - 1, y0 + size - 1), radius=round(8 * k), fill=WHITE)
    for x, y, w, h in _BARS:
        draw.rectangle((x0 + x * k, y0 + y * k, x0 + (x + w) * k - 1, y0 + (y + h) * k - 1), fill=NAVY)
    x, y, w, h = _BASE
    draw.rounded_rectangle((x0 + x * k, y0 + y * k, x0 + (x + w) * k - 1, y0 + (y + h) * k - 1), radius=2, fill=GOLD)
    draw.text((164, 96), site_name, font=_font(font.regular, 30), fill=ON_BLUE, anchor="lm")
    draw.rectangle((80, 498, 151, 503), fill=GOLD)
    draw.text((80, 548), theme, font=_font(font.bold, 40), fill=GOLD, anchor="lm")
    # The palette comes from a card whose three full lines of title cross the rings.
    sample = image.copy()
    sample.paste(WHITE, (0, _BAND[0]), _title_mask("数智赋能全民共享，Digital 2025。" * 6, font))
    palette = sample.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    ramp = Image.new("RGB", (256, 1))
    ramp.putdata([tuple(round(n + (w - n) * c / 255) for n, w in zip(NAVY, WHITE)) for c in range(256)])
    coverage = list(ramp.quantize(palette=palette, dither=Image.Dither.NONE).tobytes())
    frame = image.quantize(palette=palette, dither=Image.Dither.NONE)
    return _Frame(frame, coverage, frame.crop((0, _BAND[0], WIDTH, _BAND[1])), fixed_rows(frame, _BAND))


_BAND = (130, 470)  # the rows the title may cover
_COVERED = [0] + [255] * 255  # a pixel the title touches at all takes the title's colour


def draw_card(title: str, theme: str, site_name: str, font: CardFont) -> Image.Image:
    """The card: the site's mark and name, the title in up to three large lines, the theme in gold."""
    frame = _frame(theme, site_name, font)
    card = frame.image.copy()
    card.paste(_title_band(title, frame, font), (0, _BAND[0]))
    return card


def card_png(title: str, theme: str, site_name: str, font: CardFont) -> bytes:
    """`draw_card` as a PNG file, the rows outside the title's band compressed once for all cards."""
    frame = _frame(theme, site_name, font)
    return png_with_band(frame.rows, _title_band(title, frame, font))


def _title_band(title: str, frame: _Frame, font: CardFont) -> Image.Image:
    """The frame's band with the title set in it.

    The title is drawn as a coverage mask, turned into palette indices and set into a copy of the
    band: a card is made in the palette without drawing or quantizing 756,000 RGB pixels. Its
    anti-aliased edges blend with navy, also where a long first line crosses the lighter ring (by at
    most 19 levels of one channel there).
    """
    mask = _title_mask(title, font)
    title_pixels = Image.frombuffer("P", mask.size, mask.point(frame.coverage).tobytes(), "raw", "P", 0, 1)
    band = frame.band.copy()
    band.paste(title_pixels, (0, 0), mask.point(_COVERED))
    return band


def _title_mask(title: str, font: CardFont) -> Image.Image:
    """How much of each pixel of the title's band the title covers (0-255)."""
    for size in (68, 60, 52, 46):
        lines = wrap(title, _font(font.bold, size), 1000)
        if len(lines) <= 3:
            break
    if len(lines) > 3:
        lines = lines[:3]
        lines[2] = _shorten(lines[2] + "…", _font(font.bold, size), 1000)
    step = round(size * 1.34)
    top = 300 - step * (len(lines) - 1) // 2  # the block's middle line sits at the card's optical centre
    mask = Image.new("L", (WIDTH, _BAND[1] - _BAND[0]))
    for number, line in enumerate(lines):
        _set_line(mask, line, font.bold, size, 80, top + number * step - _BAND[0])
    return mask


def _set_line(mask: Image.Image, line: str, face: Face, size: int, x: float, y: int) -> None:
    """Set a line of text into `mask`, its left end and vertical middle at (x, y), token by token.

    Each token (a Chinese character, a Latin word) is rasterized once per process and size, then
    copied: FreeType drawing every line anew was two fifths of a card's time. Where two tokens'
    anti-aliased edges meet, the stronger coverage wins, as when FreeType draws the line whole.
    """
    font = _font(face, size)
    for token in _TOKENS.findall(line):
        if not token.isspace():
            glyphs, left, top = _token_image(face, size, token)
            box = (round(x) + left, y + top, round(x) + left + glyphs.width, y + top + glyphs.height)
            mask.paste(ImageChops.lighter(mask.crop(box), glyphs), box)
        x += _token_width(font, token)


@lru_cache(maxsize=1 << 14)
def _token_image(face: Face, size: int, token: str) -> tuple[Image.Image, int, int]:
    """A token drawn alone, and where its image's corner sits from its left end and vertical middle."""
    font = _font(face, size)
    left, top, right, bottom = font.getbbox(token, anchor="lm")
    image = Image.new("L", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(image).text((-left, -top), token, font=font, fill=255, anchor="lm")
    return image, left, top


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Lines no wider than `width`: Chinese breaks between characters, Latin words and numbers stay whole,
    and no line starts with closing punctuation (it takes the character before it along)."""
    lines, widths = [""], [0.0]
    for token in _TOKENS.findall(" ".join(text.split())):
        # A line's width is the sum of its tokens' (measured once each): Chinese has no kerning, and
        # measuring the growing line again for every character was a third of a card's drawing.
        size = _token_width(font, token)
        if widths[-1] + size <= width or not lines[-1].strip():
            lines[-1] += token
            widths[-1] += size
        elif token.isspace():
            lines.append("")
            widths.append(0.0)
        elif token[0] in _NO_LINE_START and len(lines[-1]) > 1:
            lines[-1], carried = lines[-1][:-1], lines[-1][-1]
            widths[-1] -= _token_width(font, carried)
            lines.append(carried + token)
            widths.append(_token_width(font, carried) + size)
        else:
            lines.append(token)
            widths.append(size)
    return [line.strip() for line in lines if line.strip()]


_WIDTHS: dict[tuple[int, str], float] = {}


def _token_width(font: ImageFont.FreeTypeFont, token: str) -> float:
    key = (id(font), token)  # fonts come from _font's cache and live as long as the process
    if key not in _WIDTHS:
        _WIDTHS[key] = font.getlength(token)
    return _WIDTHS[key]


def _shorten(line: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    while len(line) > 1 and font.getlength(line) > width:
        line = line[:-2] + "…"
    return line
