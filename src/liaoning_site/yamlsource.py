"""YAML with positions: parse text into plain Python values plus the line/column of every key and value.

Values come from PyYAML's SafeLoader (no object-constructing tags); positions come from
walking the node graph the same loader composed, so later stages can point an editor at
the exact key or value that is wrong.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostics, Position, position, shown, tr
from .records import plain

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

    # The build cache keeps a document's front matter packed, unpacked when first read: a build
    # that changed one article reads 10,000 documents' positions (a sixth of the cache's objects)
    # and looks at none of them, their checked records being cached too. Packed, they may be
    # `Stored` in the cache's texts file (see cache.py) until then.
    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        packed = self.__dict__.get("_packed")  # never read since it was loaded: stored again as it was
        if packed is None:
            fields = (self.data, self.value_pos, self.key_pos, self.start, self.plain)
            packed = pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)
        return _packed, (packed,)

    def __getattr__(self, name: str) -> Any:  # only for attributes not set: a packed one's fields
        packed = self.__dict__.pop("_packed", None)
        if packed is None:
            raise AttributeError(name)
        for key, value in zip(("data", "value_pos", "key_pos", "start", "plain"), pickle.loads(plain(packed))):
            object.__setattr__(self, key, value)
        return getattr(self, name)


def _packed(data: bytes) -> LocatedYaml:
    located = object.__new__(LocatedYaml)
    object.__setattr__(located, "_packed", data)
    return located


# YAML also breaks lines at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR, which text pasted from
# Word or web pages carries; editors (and our Markdown) break lines at "\n" only.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
_YAML_BREAKS = re.compile("[\n\x85\u2028\u2029]")


class _Marks:
    """Turns the YAML parser's marks into file positions."""

    def __init__(self, text: str, line_offset: int):
        self.line_offset = line_offset
        self.text = text
        self.yaml_line_starts: list[int] | None = None
        if _YAML_ONLY_BREAKS.search(text):
            self.yaml_line_starts = [0] + [m.end() for m in _YAML_BREAKS.finditer(text)]

    def position(self, mark: yaml.Mark | None) -> Position:
        if mark is None:
            return position(self.line_offset + 1, 1)
        if self.yaml_line_starts is None or mark.line >= len(self.yaml_line_starts):
            return position(mark.line + 1 + self.line_offset, mark.column + 1)
        return self.at_offset(self.yaml_line_starts[mark.line] + mark.column)

    def at_offset(self, offset: int) -> Position:
        before = self.text[:offset]
        return position(before.count("\n") + 1 + self.line_offset, offset - (before.rfind("\n") + 1) + 1)


def parse_yaml(
    text: str, path: str, diagnostics: Diagnostics, line_offset: int = 0
) -> LocatedYaml | None:
    """Parse one YAML document; on a syntax error report it at its position and return None.

    `line_offset` is the number of file lines before the YAML text (front matter starts after `---`).
    """
    loader = _Loader(text)
    marks = _Marks(text, line_offset)
    try:
        node = loader.get_single_node()
        if node is None:
            return LocatedYaml(data=None, start=Position(line_offset + 1, 1))
        located = LocatedYaml(data=None, start=marks.position(node.start_mark))
        duplicates = _walk(node, (), located, marks, set(), 0)
        try:
            data = loader.construct_document(node)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # noqa: BLE001 - PyYAML's constructors raise whatever a bad value triggers
            # A date that is not one (2025-13-45), or an explicit tag on the wrong text (`!!bool x`).
            bad = _first_bad_scalar(node, set())
            diagnostics.error(path, marks.position(bad.start_mark if bad else None), _invalid_value(bad, exc))
            return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # Running off the end (an unclosed quote or bracket) is best shown where it was opened.
        # So is a line that was meant as a key and has no colon: libyaml notices only on a later line.
        if exc.context_mark is not None and (
            "end of stream" in (exc.problem or "") or "simple key" in (exc.context or "")
        ):
            mark = exc.context_mark
            problem = f"{exc.context}, {exc.problem}"
        else:
            problem = exc.problem or exc.context or "invalid YAML"
        diagnostics.error(path, marks.position(mark), tr(f"invalid YAML: {problem}", f"YAML 格式错误：{_in_chinese(problem)}"))
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        # libyaml counts bytes, not characters; the reader stops at the first such character.
        offset = text.find(chr(code))
        offset = offset if offset >= 0 else exc.position
        diagnostics.error(path, marks.at_offset(offset), tr(
            f"invalid YAML: unacceptable character #x{code:04x}: {exc.reason}",
            f"YAML 格式错误：不允许的字符 #x{code:04x}（控制字符），请删除它",
        ))
        return None
    except yaml.YAMLError as exc:  # unmarked errors (e.g. a reader error on control characters)
        diagnostics.error(path, Position(line_offset + 1, 1), tr(f"invalid YAML: {exc}", f"YAML 格式错误：{exc}"))
        return None
    finally:
        loader.dispose()
    for key, pos in duplicates:
        diagnostics.error(path, pos, tr(f"duplicate key `{key}`: each key may appear only once", f"键 `{key}` 重复了：每个键只能出现一次"))
    object.__setattr__(located, "data", data)
    return located


def _walk(
    node: yaml.Node,
    path: PathKey,
    located: LocatedYaml,
    marks: _Marks,
    seen: set[int],
    depth: int,
) -> list[tuple[str, Position]]:
    """Record positions below `node`; return duplicate keys found in mappings."""
    if id(node) in seen or depth > _MAX_DEPTH:
        return []
    seen.add(id(node))
    located.value_pos[path] = marks.position(node.start_mark)
    if isinstance(node, yaml.ScalarNode) and not node.style:  # None (PyYAML) or "" (libyaml): plain
        located.plain[path] = node.value
    duplicates: list[tuple[str, Position]] = []
    if isinstance(node, yaml.MappingNode):
        keys_here: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            key_pos = marks.position(key_node.start_mark)
            if key in keys_here:
                duplicates.append((key, key_pos))
            keys_here.add(key)
            located.key_pos[path + (key,)] = key_pos
            duplicates += _walk(value_node, path + (key,), located, marks, seen, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            duplicates += _walk(item, path + (index,), located, marks, seen, depth + 1)
    return duplicates


def _first_bad_scalar(node: yaml.Node, seen: set[int]) -> yaml.ScalarNode | None:
    """The first scalar that SafeLoader cannot construct on its own."""
    if id(node) in seen:
        return None
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.SafeLoader("").construct_object(node, deep=True)
        except Exception:  # noqa: BLE001 - whatever the constructor raised is what parse_yaml reports
            return node
        return None
    children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
    for child in children:
        found = _first_bad_scalar(child, seen)
        if found is not None:
            return found
    return None


def _invalid_value(bad: yaml.ScalarNode | None, exc: Exception) -> str:
    if bad is None:
        return tr(f"invalid value: {exc}", f"无效的值：{exc}")
    implicit = yaml.SafeLoader("").resolve(yaml.ScalarNode, bad.value, (True, False))
    if bad.tag != implicit:  # the editor wrote a tag such as `!!int`: the text must be of that type
        tag = bad.tag.rsplit(":", 1)[-1]
        return tr(f"invalid value {shown(bad.value)}: not a valid `!!{tag}`", f"无效的值 {shown(bad.value)}：不是有效的 `!!{tag}`")
    if bad.tag.endswith(":timestamp"):
        return tr(f"invalid value {shown(bad.value)}: {exc}", f"无效的日期 {shown(bad.value)}：{_in_chinese(str(exc))}")
    return tr(f"invalid value {shown(bad.value)}: {exc}", f"无效的值 {shown(bad.value)}：{exc}")


# What libyaml says most often, in words editors understand; anything else is shown as it is.
_PROBLEMS_IN_CHINESE = {
    "mapping values are not allowed in this context": "这里不能再出现 `键: 值`（文字中含有冒号时，请把整段文字用引号括起来）",
    "while scanning a simple key, could not find expected ':'": "这一行缺少冒号 `:`（应写成 `键: 值`）",
    "could not find expected ':'": "缺少冒号 `:`（应写成 `键: 值`）",
    "did not find expected key": "这里应是一个 `键: 值` 行（检查缩进是否对齐）",
    "did not find expected ',' or ']'": "缺少逗号 `,` 或右方括号 `]`",
    "did not find expected ',' or '}'": "缺少逗号 `,` 或右花括号 `}`",
    "found character that cannot start any token": "出现了不能作为开头的字符（如制表符 Tab、`@` 或反引号），请改用空格或加引号",
    "while scanning a quoted scalar, found unexpected end of stream": "引号没有闭合：请在文字结尾补上对应的引号",
    "while parsing a flow sequence, found unexpected end of stream": "方括号 `[` 没有闭合：请补上 `]`",
    "while parsing a flow mapping, found unexpected end of stream": "花括号 `{` 没有闭合：请补上 `}`",
    "found undefined alias": "使用了未定义的别名（`*名称`）",
    "found unknown escape character": "引号中有无法识别的转义字符（`\\` 后面的字符）；反斜杠请写成 `\\\\` 或改用单引号",
    "block sequence entries are not allowed in this context": "这里不能出现 `- 项目`（检查缩进）",
    "found a tab character that violates indentation": "这一行用了制表符（Tab）缩进；YAML 只能用空格缩进",
    "found a tab character where an indentation space is expected": "这一行用了制表符（Tab）缩进；YAML 只能用空格缩进",
    "did not find expected comment or line break": "这一行在值的后面还有多余的内容（值中含有引号或冒号时，请把整段文字用引号括起来）",
    "did not find expected <document start>": "这里应是 `键: 值` 行（检查缩进和冒号）",
    "found unexpected end of stream": "文件在引号或括号闭合之前就结束了",
    "month must be in 1..12": "月份必须在 1 到 12 之间",
    "day is out of range for month": "这个月没有这一天",
}


def _in_chinese(problem: str) -> str:
    if problem in _PROBLEMS_IN_CHINESE:
        return _PROBLEMS_IN_CHINESE[problem]
    if problem.startswith("could not determine a constructor for the tag"):
        return "不支持的 YAML 标签" + problem.removeprefix("could not determine a constructor for the tag")
    return problem
