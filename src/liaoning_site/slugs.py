"""Slugs: turn Chinese (and mixed) text into stable, readable URL segments.

Chinese characters become toneless pinyin, one syllable per character, via pypinyin's
phrase dictionary (so 重庆 reads chong-qing); python-slugify handles everything else
(Latin letters, digits, punctuation). `辽宁好网民` -> `liao-ning-hao-wang-min`.
"""

from __future__ import annotations

import re
from importlib.metadata import version

from slugify import slugify

SAFE_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_LENGTH = 80


# Place names pypinyin reads by the characters' common sound (朝 zhāo) rather than as the place (Cháoyáng).
PLACE_READINGS = {"朝阳": "chao yang"}


def to_pinyin(text: str) -> str:
    """Replace each run of Han characters by space-separated pinyin, keep the rest."""
    # Imported when first needed: loading its dictionaries is a third of the command's start-up,
    # and a build whose slugs are all in the build cache needs none.
    from pypinyin import Style, lazy_pinyin

    for name, reading in PLACE_READINGS.items():
        text = text.replace(name, f" {reading} ")
    return _HAN.sub(lambda m: " " + " ".join(lazy_pinyin(m.group(0), style=Style.NORMAL)) + " ", text)


# text -> slug: each one made in this process, and those an earlier build made (`remember`).
_made: dict[str, str] = {}


def make_slug(text: str) -> str:
    """The URL segment for a title or term; '' when nothing usable is left."""
    slug = _made.get(text)
    if slug is None:
        slug = _made[text] = slugify(to_pinyin(text), max_length=MAX_LENGTH, word_boundary=True, lowercase=True)
    return slug


def made_slugs() -> tuple[str, dict[str, str]]:
    """The slugs made so far, for the build cache, with the versions of the libraries that made them."""
    return _versions(), dict(_made)


def remember(stored: object) -> None:
    """Take back slugs that `made_slugs` gave an earlier build, if the same libraries made them."""
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == _versions() and isinstance(stored[1], dict):
        for text, slug in stored[1].items():
            if isinstance(text, str) and isinstance(slug, str):
                _made.setdefault(text, slug)


def _versions() -> str:
    return f"pypinyin {version('pypinyin')}, python-slugify {version('python-slugify')}"


def is_safe_slug(slug: str) -> bool:
    """One lower-case URL segment of letters, digits and single `-`/`_` separators."""
    return bool(SAFE_SLUG.fullmatch(slug))
