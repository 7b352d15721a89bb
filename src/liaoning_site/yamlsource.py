"""YAML with positions: parse text into plain Python values plus the line/column of every key and value.

Values come from PyYAML's SafeLoader (no object-constructing tags); positions come from
walking the node graph the same loader composed, so later stages can point an editor at
the exact key or value that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostics, Position

PathKey = tuple[Any, ...]

# Aliases can make a small document expand into a huge graph ("billion laughs"); positions are
# only needed for what an editor wrote, so each node is walked once and deep nesting is cut off.
_MAX_DEPTH = 8

# libyaml's loader is several times faster and reports the same marks; it ships with PyYAML's wheels.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class LocatedYaml:
    """A parsed YAML document and where each part of it was written."""

    data: Any
    value_pos: dict[PathKey, Position] = field(default_factory=dict)
    key_pos: dict[PathKey, Position] = field(default_factory=dict)
    start: Position = Position()
    # Plain (unquoted) scalars as written: `010` and `3.50` stay as typed where text is wanted.
    plain: dict[PathKey, str] = field(default_factory=dict)

    def at(self, *path: Any) -> Position:
        """Position of the value at `path`, else of its key, else of the nearest parent."""
        for n in range(len(path), 0, -1):
            sub = tuple(path[:n])
            if sub in self.value_pos:
                return self.value_pos[sub]
            if sub in self.key_pos:
                return self.key_pos[sub]
        return self.start

    def key_at(self, *path: Any) -> Position:
        """Position of the key that introduces `path` (falls back like `at`)."""
        return self.key_pos.get(tuple(path)) or self.at(*path)


def _position(mark: yaml.Mark | None, line_offset: int) -> Position:
    if mark is None:
        return Position(line_offset + 1, 1)
    return Position(mark.line + 1 + line_offset, mark.column + 1)


def parse_yaml(
    text: str, path: str, diagnostics: Diagnostics, line_offset: int = 0
) -> LocatedYaml | None:
    """Parse one YAML document; on a syntax error report it at its position and return None.

    `line_offset` is the number of file lines before the YAML text (front matter starts after `---`).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LocatedYaml(data=None, start=Position(line_offset + 1, 1))
        located = LocatedYaml(data=None, start=_position(node.start_mark, line_offset))
        duplicates = _walk(node, (), located, line_offset, set(), 0)
        try:
            data = loader.construct_document(node)
        except (ValueError, TypeError, OverflowError) as exc:
            # A value that looks like a date but is not one (2025-13-45) fails while constructing.
            bad = _first_bad_scalar(node, set())
            where = _position(bad.start_mark if bad else None, line_offset)
            shown = f" {bad.value!r}" if bad else ""
            diagnostics.error(path, where, f"invalid value{shown}: {exc}")
            return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # Running off the end (an unclosed quote or bracket) is best shown where it was opened.
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark
            problem = f"{exc.context}, {exc.problem}"
        else:
            problem = exc.problem or exc.context or "invalid YAML"
        diagnostics.error(path, _position(mark, line_offset), f"invalid YAML: {problem}")
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        # libyaml counts bytes, not characters; the reader stops at the first such character.
        offset = text.find(chr(code))
        offset = offset if offset >= 0 else exc.position
        before = text[:offset]
        where = Position(before.count("\n") + 1 + line_offset, offset - (before.rfind("\n") + 1) + 1)
        diagnostics.error(path, where, f"invalid YAML: unacceptable character #x{code:04x}: {exc.reason}")
        return None
    except yaml.YAMLError as exc:  # unmarked errors (e.g. a reader error on control characters)
        diagnostics.error(path, Position(line_offset + 1, 1), f"invalid YAML: {exc}")
        return None
    finally:
        loader.dispose()
    for key, pos in duplicates:
        diagnostics.error(path, pos, f"duplicate key `{key}`: each key may appear only once")
    object.__setattr__(located, "data", data)
    return located


def _walk(
    node: yaml.Node,
    path: PathKey,
    located: LocatedYaml,
    line_offset: int,
    seen: set[int],
    depth: int,
) -> list[tuple[str, Position]]:
    """Record positions below `node`; return duplicate keys found in mappings."""
    if id(node) in seen or depth > _MAX_DEPTH:
        return []
    seen.add(id(node))
    located.value_pos[path] = _position(node.start_mark, line_offset)
    if isinstance(node, yaml.ScalarNode) and not node.style:  # None (PyYAML) or "" (libyaml): plain
        located.plain[path] = node.value
    duplicates: list[tuple[str, Position]] = []
    if isinstance(node, yaml.MappingNode):
        keys_here: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            key_pos = _position(key_node.start_mark, line_offset)
            if key in keys_here:
                duplicates.append((key, key_pos))
            keys_here.add(key)
            located.key_pos[path + (key,)] = key_pos
            duplicates += _walk(value_node, path + (key,), located, line_offset, seen, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            duplicates += _walk(item, path + (index,), located, line_offset, seen, depth + 1)
    return duplicates


def _first_bad_scalar(node: yaml.Node, seen: set[int]) -> yaml.ScalarNode | None:
    """The first scalar that SafeLoader cannot construct on its own."""
    if id(node) in seen:
        return None
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.SafeLoader("").construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            return node
        return None
    children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
    for child in children:
        found = _first_bad_scalar(child, seen)
        if found is not None:
            return found
    return None
