"""YAML values that parse but cannot be built (impossible dates) are reported at their position."""

from __future__ import annotations

from liaoning_site.diagnostics import Diagnostics
from liaoning_site.yamlsource import parse_yaml


def test_impossible_date_is_an_error_at_the_value() -> None:
    diagnostics = Diagnostics()
    assert parse_yaml("title: 标题\ndate: 2025-13-45\n", "content/articles/a.md", diagnostics, line_offset=1) is None
    assert [d.format() for d in diagnostics.items] == [
        "content/articles/a.md:3:7: error: invalid value '2025-13-45': month must be in 1..12"
    ]


def test_impossible_day_inside_a_list_is_found() -> None:
    diagnostics = Diagnostics()
    parse_yaml("dates:\n  - 2025-06-12\n  - 2025-02-30\n", "x.yml", diagnostics)
    assert [d.format() for d in diagnostics.items] == ["x.yml:3:5: error: invalid value '2025-02-30': day is out of range for month"]
