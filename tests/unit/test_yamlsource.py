"""yamlsource: YAML parsed into plain values plus the line/column of every key and value."""

from __future__ import annotations

import datetime as dt
import pickle
import time
from pathlib import Path

from liaoning_site.diagnostics import Diagnostics, Position
from liaoning_site.yamlsource import parse_yaml

FRONT = (
    "title: 标题\n"
    "scenarios:\n"
    "  - digital-life\n"
    "  - digital-work\n"
    "figures:\n"
    "  - {label: 培训, value: 30多, unit: 万人次}\n"
    "source:\n"
    "  name: 辽宁日报\n"
)


def parse(text: str, line_offset: int = 0, path: str = "a.md"):
    diagnostics = Diagnostics()
    doc = parse_yaml(text, path, diagnostics, line_offset=line_offset)
    return doc, [d.format() for d in diagnostics.items]


def test_records_positions_of_top_level_keys_and_values() -> None:
    doc, problems = parse(FRONT)
    assert problems == []
    assert doc.key_at("title") == Position(1, 1)
    assert doc.at("title") == Position(1, 8)
    assert doc.key_at("scenarios") == Position(2, 1)
    assert doc.key_at("source", "name") == Position(8, 3)
    assert doc.at("source", "name") == Position(8, 9)


def test_a_cached_document_reads_back_whole_and_is_stored_again_unread() -> None:
    doc, _ = parse(FRONT, line_offset=1)
    stored = pickle.dumps(doc)
    loaded = pickle.loads(stored)
    assert pickle.dumps(loaded) == stored  # never read: stored again as it was
    assert loaded.at("scenarios", 1) == doc.at("scenarios", 1) == Position(5, 5)
    assert loaded == doc and loaded.data["figures"][0]["value"] == "30多"
    assert pickle.loads(pickle.dumps(loaded)) == doc


def test_records_positions_of_list_items() -> None:
    doc, _ = parse(FRONT)
    assert doc.at("scenarios", 0) == Position(3, 5)
    assert doc.at("scenarios", 1) == Position(4, 5)


def test_columns_count_characters_not_bytes_in_flow_mappings() -> None:
    doc, _ = parse(FRONT)
    assert doc.at("figures", 0) == Position(6, 5)
    assert doc.key_at("figures", 0, "label") == Position(6, 6)
    assert doc.at("figures", 0, "label") == Position(6, 13)
    assert doc.key_at("figures", 0, "value") == Position(6, 17)
    assert doc.at("figures", 0, "value") == Position(6, 24)


def test_line_offset_shifts_every_line() -> None:
    doc, _ = parse(FRONT, line_offset=1)
    assert doc.key_at("title") == Position(2, 1)
    assert doc.at("scenarios", 1) == Position(5, 5)
    assert doc.start == Position(2, 1)


def test_position_of_a_missing_item_falls_back_to_its_parent() -> None:
    doc, _ = parse(FRONT)
    assert doc.at("scenarios", 7) == doc.at("scenarios")
    assert doc.at("nothing") == doc.start == Position(1, 1)
    assert doc.key_at("nothing") == Position(1, 1)


def test_values_are_plain_python() -> None:
    doc, _ = parse("date: 2025-06-12\ncount: 3\ndraft: true\ntags: [测试]\n")
    assert doc.data == {"date": dt.date(2025, 6, 12), "count": 3, "draft": True, "tags": ["测试"]}


def test_empty_document_has_no_data_and_starts_after_the_offset() -> None:
    doc, problems = parse("", line_offset=1)
    assert problems == [] and doc.data is None and doc.start == Position(2, 1)


def test_comment_only_document_has_no_data() -> None:
    doc, problems = parse("# 只有注释\n")
    assert problems == [] and doc.data is None


def test_rejects_duplicate_key_at_the_second_key() -> None:
    doc, problems = parse("title: 甲\ndate: 2025-06-12\ntitle: 乙\n", line_offset=1)
    assert problems == ["a.md:4:1: error: duplicate key `title`: each key may appear only once"]
    assert doc is not None


def test_rejects_duplicate_key_inside_a_nested_mapping() -> None:
    _, problems = parse("source:\n  name: 甲\n  name: 乙\n")
    assert problems == ["a.md:3:3: error: duplicate key `name`: each key may appear only once"]


def test_rejects_quoted_and_plain_spellings_of_the_same_key() -> None:
    _, problems = parse('title: 甲\n"title": 乙\n')
    assert problems == ["a.md:2:1: error: duplicate key `title`: each key may appear only once"]


def test_tab_indentation_is_reported_where_the_tab_is() -> None:
    doc, problems = parse("title: 标题\n\tdate: 2025-06-12\n", line_offset=1)
    assert doc is None
    assert problems == ["a.md:3:1: error: invalid YAML: found a tab character that violates indentation"]


def test_mapping_value_in_wrong_place_is_reported_at_the_colon() -> None:
    doc, problems = parse("title: 标题\n date: 2025-06-12\n", line_offset=1)
    assert doc is None
    assert problems == ["a.md:3:6: error: invalid YAML: mapping values are not allowed in this context"]


def test_unclosed_quote_is_reported_at_the_opening_quote() -> None:
    # The quoted text runs on to the end of the front matter; the editor's mistake is on line 2,
    # where the quote opens, not at the end of the last line.
    _, problems = parse('title: "你好，辽宁\ndate: 2025-06-12\nscenarios: [digital-life]', line_offset=1)
    assert len(problems) == 1
    assert problems[0].startswith("a.md:2:8: error: invalid YAML: ")


def test_control_character_is_one_line_at_its_position() -> None:
    # A vertical tab pasted from a word processor: the diagnostic must stay one line and point at it.
    _, problems = parse("title: 标题\nsummary: 文字\x0b后面\n", line_offset=1)
    assert problems == [
        "a.md:3:12: error: invalid YAML: unacceptable character #x000b: control characters are not allowed"
    ]


def test_billion_laughs_parses_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    started = time.perf_counter()
    doc, problems = parse("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2.0
    assert problems == []
    assert doc.data["i"][8][8][8][8][8][8][8][8][8] == "lol"
    assert doc.at("i") == Position(9, 4)


def test_python_object_tag_is_an_error_and_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
    doc, problems = parse(text, line_offset=1)
    assert doc is None
    assert problems == [
        "a.md:2:8: error: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    ]
    assert not marker.exists()


def test_python_object_tag_on_a_whole_document_is_rejected() -> None:
    doc, problems = parse("!!python/object:builtins.dict {}\n")
    assert doc is None
    assert problems == [
        "a.md:1:1: error: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:builtins.dict'"
    ]
