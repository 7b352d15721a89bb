"""Field readers shared by the config and validate stages.

Each reader takes a `LocatedYaml` mapping, reads one key, reports a problem at the key's
exact position when the value has the wrong shape, and returns a clean Python value (or
None). Readers never stop at the first problem, so one pass reports every mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from . import diagnostics as msg
from .diagnostics import Diagnostics, tr
from .yamlsource import LocatedYaml


@dataclass(frozen=True)
class Fields:
    """One YAML mapping being read: where it came from and how to report on it."""

    doc: LocatedYaml
    path: str  # file path relative to the site root, for diagnostics
    diagnostics: Diagnostics
    prefix: tuple[Any, ...] = ()  # where this mapping sits inside the document

    @property
    def data(self) -> dict[str, Any]:
        value = self.doc.data
        for part in self.prefix:
            value = value[part]
        return value if isinstance(value, dict) else {}

    def has(self, key: str) -> bool:
        return key in self.data

    def error(self, key: str, message: str, *, at_key: bool = False) -> None:
        where = self.doc.key_at(*self.prefix, key) if at_key else self.doc.at(*self.prefix, key)
        self.diagnostics.error(self.path, where, message)

    def error_at(self, subpath: tuple[Any, ...], message: str) -> None:
        self.diagnostics.error(self.path, self.doc.at(*self.prefix, *subpath), message)

    def warn_unknown_keys(self, known: Iterable[str]) -> None:
        known = list(known)
        for key in self.data:
            if key not in known:
                where = self.doc.key_at(*self.prefix, key)
                self.diagnostics.warning(self.path, where, msg.unknown_key(str(key), known))

    def nested(self, key: str) -> "Fields":
        return Fields(self.doc, self.path, self.diagnostics, self.prefix + (key,))

    def item(self, key: str, index: int) -> "Fields":
        return Fields(self.doc, self.path, self.diagnostics, self.prefix + (key, index))


def _missing(fields: Fields, key: str, required: bool) -> bool:
    """True when the key is absent or null; reports it when required."""
    if fields.data.get(key) is not None:
        return False
    if required:
        if fields.has(key):
            fields.error(key, msg.empty_value(key), at_key=True)
        else:
            fields.diagnostics.error(fields.path, fields.doc.at(*fields.prefix), msg.missing_key(key))
    return True


def read_str(fields: Fields, key: str, *, required: bool = False) -> str | None:
    """A non-empty string; numbers are accepted and turned into text (editors write `year: 2025`)."""
    if _missing(fields, key, required):
        return None
    value = fields.data[key]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        fields.error(key, msg.expected(tr(f"`{key}` to be text", f"`{key}` 应为文字"), value))
        return None
    # Numbers are shown as the editor typed them (YAML would turn 010 into 8 and 3.50 into 3.5).
    written = fields.doc.plain.get((*fields.prefix, key)) if isinstance(value, (int, float)) else None
    text = (written if written is not None else str(value)).strip()
    if not text:
        if required:
            fields.error(key, msg.empty_value(key))
        return None
    return text


def read_bool(fields: Fields, key: str, default: bool = False) -> bool:
    if _missing(fields, key, False):
        return default
    value = fields.data[key]
    if not isinstance(value, bool):
        fields.error(key, msg.expected(tr(f"`{key}` to be true or false", f"`{key}` 应为 true 或 false"), value))
        return default
    return value


def read_int(fields: Fields, key: str, *, default: int, minimum: int = 1) -> int:
    if _missing(fields, key, False):
        return default
    value = fields.data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        fields.error(key, msg.expected(tr(f"`{key}` to be a whole number of at least {minimum}", f"`{key}` 应为不小于 {minimum} 的整数"), value))
        return default
    return value


def read_str_list(fields: Fields, key: str, *, required: bool = False) -> list[str] | None:
    """A list of non-empty strings; a single string is a common slip and is reported."""
    if _missing(fields, key, required):
        return None
    value = fields.data[key]
    if not isinstance(value, list):
        fields.error(key, msg.expected(tr(f"`{key}` to be a list (one `- item` per line)", f"`{key}` 应为列表（每行一个 `- 项目`）"), value))
        return None
    if required and not value:
        fields.error(key, tr(f"`{key}` must list at least one value", f"`{key}` 至少要列出一项"))
        return None
    out: list[str] = []
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
            fields.error_at((key, index), msg.expected(tr(f"each entry of `{key}` to be text", f"`{key}` 的每一项应为文字"), item))
            continue
        out.append(str(item).strip())
    return out


def read_mapping_list(fields: Fields, key: str) -> list[Fields]:
    """A list of mappings, each returned as its own `Fields` for further reading."""
    if _missing(fields, key, False):
        return []
    value = fields.data[key]
    if not isinstance(value, list):
        fields.error(key, msg.expected(tr(f"`{key}` to be a list of entries", f"`{key}` 应为若干条目的列表"), value))
        return []
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            fields.error_at((key, index), msg.expected(tr(f"each entry of `{key}` to be a mapping (`key: value`)", f"`{key}` 的每一项应为 `键: 值` 的形式"), item))
            continue
        items.append(fields.item(key, index))
    return items


def read_mapping(fields: Fields, key: str, *, required: bool = False) -> Fields | None:
    if _missing(fields, key, required):
        return None
    if not isinstance(fields.data[key], dict):
        fields.error(key, msg.expected(tr(f"`{key}` to be a mapping (`key: value` lines)", f"`{key}` 应为若干 `键: 值` 行"), fields.data[key]))
        return None
    return fields.nested(key)


def read_date(fields: Fields, key: str, *, required: bool = False) -> dt.date | dt.datetime | None:
    """A date or date-time; YAML already parses ISO forms, anything else is reported."""
    if _missing(fields, key, required):
        return None
    value = fields.data[key]
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    fields.error(key, msg.expected(tr("a date like 2025-06-12 or 2025-06-12T09:30:00+08:00", "应为日期，例如 2025-06-12 或 2025-06-12T09:30:00+08:00"), value))
    return None
