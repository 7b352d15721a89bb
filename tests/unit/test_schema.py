"""schema: each field reader reports a wrong shape at the key or value, and returns a clean value."""

from __future__ import annotations

import datetime as dt

from liaoning_site.diagnostics import Diagnostics
from liaoning_site.schema import (
    Fields,
    read_bool,
    read_date,
    read_int,
    read_mapping,
    read_mapping_list,
    read_str,
    read_str_list,
)
from liaoning_site.yamlsource import parse_yaml


def fields_of(text: str) -> Fields:
    diagnostics = Diagnostics()
    doc = parse_yaml(text, "x.yml", diagnostics)
    assert doc is not None and not diagnostics.items
    return Fields(doc, "x.yml", diagnostics)


def problems(fields: Fields) -> list[str]:
    return [d.format() for d in fields.diagnostics.sorted()]


# --- read_str


def test_read_str_strips_text() -> None:
    f = fields_of("title: '  标题  '\n")
    assert read_str(f, "title", required=True) == "标题" and problems(f) == []


def test_read_str_turns_numbers_into_text() -> None:
    f = fields_of("year: 2025\n")
    assert read_str(f, "year") == "2025"


def test_read_str_reports_missing_required_key_at_the_mapping() -> None:
    f = fields_of("date: 2025-06-12\n")
    assert read_str(f, "title", required=True) is None
    assert problems(f) == ["x.yml:1:1: error: missing required key `title`"]


def test_read_str_optional_missing_key_is_silent() -> None:
    f = fields_of("date: 2025-06-12\n")
    assert read_str(f, "summary") is None and problems(f) == []


def test_read_str_reports_null_required_value_at_the_key() -> None:
    f = fields_of("date: 2025-06-12\ntitle:\n")
    assert read_str(f, "title", required=True) is None
    assert problems(f) == ["x.yml:2:1: error: `title` is empty; give it a value"]


def test_read_str_reports_blank_required_value_at_the_value() -> None:
    f = fields_of("title: '   '\n")
    assert read_str(f, "title", required=True) is None
    assert problems(f) == ["x.yml:1:8: error: `title` is empty; give it a value"]


def test_read_str_rejects_a_list() -> None:
    f = fields_of("title: [甲, 乙]\n")
    assert read_str(f, "title") is None
    assert problems(f) == ["x.yml:1:8: error: expected `title` to be text, found ['甲', '乙']"]


def test_read_str_rejects_a_boolean() -> None:
    f = fields_of("title: true\n")
    assert read_str(f, "title") is None
    assert problems(f) == ["x.yml:1:8: error: expected `title` to be text, found True"]


# --- read_bool / read_int


def test_read_bool_reads_true_and_defaults_when_absent() -> None:
    f = fields_of("draft: true\n")
    assert read_bool(f, "draft") is True
    assert read_bool(f, "missing", default=True) is True


def test_read_bool_rejects_text() -> None:
    f = fields_of("draft: '是'\n")
    assert read_bool(f, "draft") is False
    assert problems(f) == ["x.yml:1:8: error: expected `draft` to be true or false, found '是'"]


def test_read_int_rejects_below_minimum() -> None:
    f = fields_of("page_size: 0\n")
    assert read_int(f, "page_size", default=10) == 10
    assert problems(f) == ["x.yml:1:12: error: expected `page_size` to be a whole number of at least 1, found 0"]


def test_read_int_rejects_boolean_and_fraction() -> None:
    f = fields_of("a: true\nb: 1.5\n")
    assert read_int(f, "a", default=3) == 3 and read_int(f, "b", default=4) == 4
    assert problems(f) == [
        "x.yml:1:4: error: expected `a` to be a whole number of at least 1, found True",
        "x.yml:2:4: error: expected `b` to be a whole number of at least 1, found 1.5",
    ]


# --- read_str_list


def test_read_str_list_reads_items_as_text() -> None:
    f = fields_of("tags:\n  - 测试\n  - 2025\n")
    assert read_str_list(f, "tags") == ["测试", "2025"] and problems(f) == []


def test_read_str_list_rejects_single_string() -> None:
    f = fields_of("scenarios: digital-life\n")
    assert read_str_list(f, "scenarios", required=True) is None
    assert problems(f) == [
        "x.yml:1:12: error: expected `scenarios` to be a list (one `- item` per line), found 'digital-life'"
    ]


def test_read_str_list_rejects_empty_required_list() -> None:
    f = fields_of("scenarios: []\n")
    assert read_str_list(f, "scenarios", required=True) is None
    assert problems(f) == ["x.yml:1:12: error: `scenarios` must list at least one value"]


def test_read_str_list_reports_bad_entry_at_the_entry() -> None:
    f = fields_of("tags:\n  - 好\n  - [坏]\n  - ''\n")
    assert read_str_list(f, "tags") == ["好"]
    assert problems(f) == [
        "x.yml:3:5: error: expected each entry of `tags` to be text, found ['坏']",
        "x.yml:4:5: error: expected each entry of `tags` to be text, found ''",
    ]


# --- read_mapping / read_mapping_list


def test_read_mapping_returns_nested_fields_with_positions() -> None:
    f = fields_of("source:\n  name: 辽宁日报\n  url: 3\n")
    source = read_mapping(f, "source")
    assert read_str(source, "name") == "辽宁日报"
    assert read_str(source, "missing", required=True) is None
    assert problems(f) == ["x.yml:2:3: error: missing required key `missing`"]


def test_read_mapping_rejects_text() -> None:
    f = fields_of("source: 辽宁日报\n")
    assert read_mapping(f, "source") is None
    assert problems(f) == ["x.yml:1:9: error: expected `source` to be a mapping (`key: value` lines), found '辽宁日报'"]


def test_read_mapping_list_reports_each_non_mapping_entry() -> None:
    f = fields_of("figures:\n  - {label: 培训, value: 30多}\n  - 50万\n")
    items = read_mapping_list(f, "figures")
    assert len(items) == 1 and read_str(items[0], "value") == "30多"
    assert problems(f) == [
        "x.yml:3:5: error: expected each entry of `figures` to be a mapping (`key: value`), found '50万'"
    ]


def test_read_mapping_list_rejects_a_mapping() -> None:
    f = fields_of("figures: {label: 培训}\n")
    assert read_mapping_list(f, "figures") == []
    assert problems(f) == ["x.yml:1:10: error: expected `figures` to be a list of entries, found {'label': '培训'}"]


def test_unknown_nested_key_warns_at_the_key() -> None:
    f = fields_of("source:\n  name: 报\n  nmae: 报\n")
    read_mapping(f, "source").warn_unknown_keys(("name", "url"))
    assert problems(f) == ["x.yml:3:3: warning: unknown key `nmae` (did you mean `name`?); it is ignored"]


# --- read_date


def test_read_date_accepts_yaml_date_and_datetime() -> None:
    f = fields_of("a: 2025-06-12\nb: 2025-06-12T09:30:00+08:00\n")
    assert read_date(f, "a") == dt.date(2025, 6, 12)
    assert read_date(f, "b") == dt.datetime(2025, 6, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_read_date_accepts_iso_text_without_seconds() -> None:
    f = fields_of("a: 2025-06-12T09:30\nb: '2025-06-12'\n")
    assert read_date(f, "a") == dt.datetime(2025, 6, 12, 9, 30)
    assert read_date(f, "b") == dt.datetime(2025, 6, 12)
    assert problems(f) == []


def test_read_date_rejects_slashes_and_chinese_dates() -> None:
    f = fields_of("a: 2025/06/12\nb: 2025年6月12日\nc: 20250612\n")
    assert read_date(f, "a") is None and read_date(f, "b") is None and read_date(f, "c") is None
    expected = "expected a date like 2025-06-12 or 2025-06-12T09:30:00+08:00, found "
    assert problems(f) == [
        f"x.yml:1:4: error: {expected}'2025/06/12'",
        f"x.yml:2:4: error: {expected}'2025年6月12日'",
        f"x.yml:3:4: error: {expected}20250612",
    ]
