"""Diagnostics: the problems every stage reports, collected and printed the same way.

Stages add `Diagnostic`s to one `Diagnostics` collector instead of raising, so a
run reports every content mistake at once. `BuildFailed` is raised by the build
driver only after a stage finished with errors.

Messages are for editors, in Chinese by default: each is written in both languages where
it is made, with `tr(english, chinese)`, and the command line picks one (`--lang en`).
"""

from __future__ import annotations

import difflib
import reprlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, NamedTuple


LANGUAGES = ("zh", "en")
_language = ["zh"]


def use_language(language: str) -> None:
    """Chosen once, by the command line, before any message is made."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _language[0] = language


def current_language() -> str:
    return _language[0]


def tr(english: str, chinese: str) -> str:
    """The message in the language chosen for this run."""
    return english if _language[0] == "en" else chinese


class Position(NamedTuple):
    """A 1-based line and column inside a source file (a tuple: there are many, and they are cached)."""

    line: int = 1
    col: int = 1


@lru_cache(maxsize=1 << 16)
def position(line: int, col: int) -> Position:
    """The one Position for this line and column: the cache pickles each distinct one once per shard."""
    return Position(line, col)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, tied to a file (relative to the site root) and a position."""

    path: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    message: str

    def __post_init__(self) -> None:
        # One diagnostic, one line, whatever a key, value or file name holds (newlines, U+2028):
        # editors' tools and CI annotations read them line by line.
        object.__setattr__(self, "path", one_line(self.path))
        object.__setattr__(self, "message", one_line(self.message))

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.message)


@dataclass
class Diagnostics:
    """Collects the problems of a run; ordering is applied only when they are read."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, pos: Position, message: str) -> None:
        self.items.append(Diagnostic(path, pos.line, pos.col, "error", message))

    def warning(self, path: str, pos: Position, message: str) -> None:
        self.items.append(Diagnostic(path, pos.line, pos.col, "warning", message))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted((d for d in self.items if d.severity == "error"), key=Diagnostic.sort_key)

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted((d for d in self.items if d.severity == "warning"), key=Diagnostic.sort_key)

    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)


class BuildFailed(Exception):
    """Raised by the build driver when a stage reported errors; carries them all."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} error(s)")
        self.diagnostics = diagnostics


# --- Message helpers: one wording per problem, so the same mistake always reads the same.


def one_line(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean `x`?)' for the closest choice, or ''."""
    match = closest(word, choices)
    return did_you_mean(match) if match else ""


def did_you_mean(match: str) -> str:
    return tr(f" (did you mean `{match}`?)", f"（是否想写 `{match}`？）")


def one_of(choices: Iterable[str]) -> str:
    return tr(", ", "、").join(f"`{c}`" for c in choices)


def unknown_key(key: str, known: Iterable[str]) -> str:
    return tr(f"unknown key `{key}`{suggest(key, known)}; it is ignored", f"未知的键 `{key}`{suggest(key, known)}，已忽略")


def missing_key(key: str) -> str:
    return tr(f"missing required key `{key}`", f"缺少必填的键 `{key}`")


def empty_value(key: str) -> str:
    return tr(f"`{key}` is empty; give it a value", f"`{key}` 是空的，请填写内容")


def _bounded_repr() -> reprlib.Repr:
    # A YAML alias bomb is a small graph whose repr() is gigabytes: look only at its first levels.
    bounded = reprlib.Repr()
    bounded.maxlevel, bounded.maxlist, bounded.maxtuple, bounded.maxdict = 3, 6, 6, 4
    bounded.maxstring = bounded.maxother = 200
    return bounded


_BOUNDED = _bounded_repr()


def shown(value: object, limit: int = 60) -> str:
    """repr() of a value as found, on one line and cut short."""
    text = _BOUNDED.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def expected(what: str, found: object) -> str:
    """`what` is already in the run's language: "`title` to be text" / "`title` 应为文字"."""
    return tr(f"expected {what}, found {shown(found)}", f"{what}，实际写的是 {shown(found)}")


def unknown_value(kind: str, value: object, allowed: Iterable[str], nearest: str | None = None) -> str:
    allowed = list(allowed)
    hint = did_you_mean(nearest) if nearest else suggest(str(value), allowed)
    return tr(
        f"unknown {kind} {shown(value)}{hint}; allowed: {one_of(allowed)}",
        f"未知的{kind} {shown(value)}{hint}；可选值：{one_of(allowed)}",
    )


def duplicate_url(url: str, other: str, fix: str = "`slug`") -> str:
    return tr(
        f"URL {url} is also produced by {other}; give one of them another {fix}",
        f"网址 {url} 与 {other} 的网址相同；请给其中一个换一个 {fix}",
    )


def no_front_matter() -> str:
    return tr(
        "missing front matter: the file must start with a `---` line, then `key: value` lines, then `---`",
        "缺少文章信息（front matter）：文件第一行必须是 `---`，接着是若干 `键: 值` 行，再以 `---` 结束",
    )


def unclosed_front_matter() -> str:
    return tr(
        "front matter never closes: add a line `---` after the last `key: value` line",
        "文章信息（front matter）没有结束：请在最后一个 `键: 值` 行之后加一行 `---`",
    )


def outside_source(target: str) -> str:
    return tr(
        f"this is a link to {target}, outside the site folder; copy the file in instead",
        f"这里链接到了网站文件夹以外的 {target}；请把文件复制到网站文件夹中再链接",
    )


def unsafe_slug(slug: str, better: str = "") -> str:
    return tr(
        f"slug {slug!r} is not a single safe URL segment: use lower-case letters, digits and single hyphens"
        + (f", e.g. `{better}`" if better else ""),
        f"slug {slug!r} 不是一段安全的网址：只能用小写字母、数字和单个连字符"
        + (f"，例如 `{better}`" if better else ""),
    )
