"""PNG files spliced from a frame's rows compressed once and a band compressed per image: any
decoder must read back exactly the frame with that band, palette included."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from liaoning_site.pngband import fixed_rows, png_with_band


def _palette_image(size: tuple[int, int], seed: int) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("P", size)
    image.putpalette([rng.randrange(256) for _ in range(768)])
    image.putdata([rng.choice((0, 0, 0, 7, 200, rng.randrange(256))) for _ in range(size[0] * size[1])])
    return image


def _decoded(data: bytes) -> Image.Image:
    Image.open(io.BytesIO(data)).verify()  # chunk checksums
    image = Image.open(io.BytesIO(data))
    image.load()  # the zlib stream, its Adler-32 included
    return image


@pytest.mark.parametrize("band", [(5, 17), (0, 9), (12, 30), (0, 30)])
def test_the_file_is_the_frame_with_the_band_put_in(band: tuple[int, int]) -> None:
    frame = _palette_image((41, 30), seed=1)
    fixed = fixed_rows(frame, band)
    for seed in (2, 3):
        rows = _palette_image((41, band[1] - band[0]), seed)
        expected = frame.copy()
        expected.paste(rows, (0, band[0]))
        image = _decoded(png_with_band(fixed, rows))
        assert (image.format, image.mode, image.size) == ("PNG", "P", (41, 30))
        assert image.tobytes() == expected.tobytes()
        assert image.getpalette() == frame.getpalette()


def test_different_bands_make_different_files_and_the_same_band_the_same_bytes() -> None:
    frame = _palette_image((64, 40), seed=4)
    fixed = fixed_rows(frame, (10, 20))
    first, second = _palette_image((64, 10), seed=5), _palette_image((64, 10), seed=6)
    assert png_with_band(fixed, first) == png_with_band(fixed, first.copy())
    assert png_with_band(fixed, first) != png_with_band(fixed, second)


def test_a_band_of_the_wrong_size_or_mode_is_refused() -> None:
    fixed = fixed_rows(_palette_image((20, 20), seed=7), (5, 10))
    with pytest.raises(ValueError, match="20×5"):
        png_with_band(fixed, _palette_image((20, 6), seed=8))
    with pytest.raises(ValueError, match="palette"):
        png_with_band(fixed, Image.new("L", (20, 5)))
    with pytest.raises(ValueError, match="palette"):
        fixed_rows(Image.new("RGB", (20, 20)), (5, 10))
