"""Slugs: turn Chinese (and mixed) text into stable, readable URL segments.

Chinese characters become toneless pinyin, one syllable per character, via pypinyin's
phrase dictionary (so 重庆 reads chong-qing); python-slugify handles everything else
(Latin letters, digits, punctuation). `辽宁好网民` -> `liao-ning-hao-wang-min`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from slugify import slugify

SAFE_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_LENGTH = 80


# Place names pypinyin reads by the characters' common sound (朝 zhāo) rather than as the place (Cháoyáng).
PLACE_READINGS = {"朝阳": "chao yang"}


def to_pinyin(text: str) -> str:
    """Replace each run of Han characters by space-separated pinyin, keep the rest."""
    for name, reading in PLACE_READINGS.items():
        text = text.replace(name, f" {reading} ")
    return _HAN.sub(lambda m: " " + " ".join(lazy_pinyin(m.group(0), style=Style.NORMAL)) + " ", text)


@lru_cache(maxsize=4096)  # term slugs are asked for on every page that lists the term
def make_slug(text: str) -> str:
    """The URL segment for a title or term; '' when nothing usable is left."""
    return slugify(to_pinyin(text), max_length=MAX_LENGTH, word_boundary=True, lowercase=True)


def is_safe_slug(slug: str) -> bool:
    """One lower-case URL segment of letters, digits and single `-`/`_` separators."""
    return bool(SAFE_SLUG.fullmatch(slug))
