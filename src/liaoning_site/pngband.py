"""PNG files of palette images that differ only in one band of rows: the rows above and below it
are compressed once, and each image compresses its band alone.

Compressing is most of a share card's encoding (zlib's fastest level, 2.6 ms for 1200×630 pixels,
more than drawing the title), and a card's title covers just over half its rows. A deflate stream
may be cut into pieces at byte-aligned flush points, each compressed on its own, so the pieces
before and after the band are made once and spliced around each band; the zlib header and Adler-32
checksum around them, and the PNG chunks, are written here.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from PIL import Image

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZLIB_HEADER = b"\x78\x01"  # deflate with a 32 KB window, "fastest" (decoders read only the window)
_LEVEL = 1


@dataclass(frozen=True)
class FixedRows:
    """What every image made on `frame` shares: its header chunks and its rows outside the band."""

    size: tuple[int, int]
    band: tuple[int, int]  # first row of the band, first row after it
    head: bytes  # signature, IHDR and PLTE
    above: bytes  # the rows above the band, deflated up to a sync point
    above_checksum: int  # Adler-32 of those rows as PNG filters them
    below: bytes  # the rows below the band, filtered
    below_deflated: bytes  # and deflated to the end of the stream


def fixed_rows(frame: Image.Image, band: tuple[int, int]) -> FixedRows:
    """The parts of `frame` (mode "P", 8 bits) that images differing only in rows band[0]:band[1] share."""
    if frame.mode != "P":
        raise ValueError(f"a palette image is needed, not mode {frame.mode}")
    width, height = frame.size
    palette = bytes(frame.getpalette() or [])
    head = _SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)) + _chunk(b"PLTE", palette)
    above = _filtered(frame.crop((0, 0, width, band[0])))
    below = _filtered(frame.crop((0, band[1], width, height)))
    return FixedRows(frame.size, band, head, _deflated(above, zlib.Z_SYNC_FLUSH), zlib.adler32(above), below, _deflated(below, zlib.Z_FINISH))


def png_with_band(fixed: FixedRows, band: Image.Image) -> bytes:
    """The PNG file of the frame with `band` (mode "P", same palette) in place of its band rows."""
    width, height = fixed.size
    if band.mode != "P" or band.size != (width, fixed.band[1] - fixed.band[0]):
        raise ValueError(f"the band must be a palette image of {width}×{fixed.band[1] - fixed.band[0]}, not {band.mode} {band.size}")
    rows = _filtered(band)
    checksum = zlib.adler32(fixed.below, zlib.adler32(rows, fixed.above_checksum))
    stream = b"".join((_ZLIB_HEADER, fixed.above, _deflated(rows, zlib.Z_SYNC_FLUSH), fixed.below_deflated, struct.pack(">I", checksum)))
    return fixed.head + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def _filtered(rows: Image.Image) -> bytes:
    """The rows as PNG stores them: each after a byte naming its filter (0: none, the bytes as they are)."""
    width, height = rows.size
    canvas = Image.new("P", (width + 1, height), 0)  # column 0 is the filter byte
    canvas.paste(rows, (1, 0))
    return canvas.tobytes()


def _deflated(data: bytes, flush: int) -> bytes:
    """Raw deflate of `data`, ending byte-aligned (a sync flush) or as the last block of the stream."""
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(flush)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))
