"""Figures drawn as charts: inline SVG made at build time, no JavaScript, with a text equivalent.

Editors write figures as they read in the report ("800多万", "400余", "超过1200万"); that wording
is what readers see. The bar lengths use the number the words give (800多万 -> 8,000,000), and
only figures with the same unit are drawn on one scale, so like is compared with like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Iterable, Sequence

from markupsafe import Markup

_NUMBER = re.compile(r"^(?:约|近|超过|逾|共|累计)?\s*(?P<digits>\d+(?:\.\d+)?)\s*(?P<scale>万|亿)?\s*(?:余|多)?\s*(?P<scale2>万|亿)?$")
_SCALES = {"万": 10_000, "亿": 100_000_000}


def numeric_value(value: str) -> float | None:
    """The number a figure's words give: 3.6万 -> 36000, 800多万 -> 8000000, 400余 -> 400; None if none."""
    match = _NUMBER.match(value.strip())
    if not match:
        return None
    scale = match["scale"] or match["scale2"]
    return float(match["digits"]) * _SCALES.get(scale or "", 1)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: str  # as written
    unit: str
    number: float


def comparable_groups(figures: Iterable[object], minimum: int = 2) -> list[list[Bar]]:
    """Figures with a number, grouped by unit (in order of first appearance), groups of `minimum` or more."""
    groups: dict[str, list[Bar]] = {}
    for figure in figures:
        number = numeric_value(figure.value)  # type: ignore[attr-defined]
        if number is None:
            continue
        unit = figure.unit  # type: ignore[attr-defined]
        groups.setdefault(unit, []).append(Bar(figure.label, figure.value, unit, number))  # type: ignore[attr-defined]
    return [bars for bars in groups.values() if len(bars) >= minimum]


ROW = 46
WIDTH = 640
BAR_MAX = 470


def bar_chart(bars: Sequence[Bar], title: str, chart_id: str) -> Markup:
    """Horizontal bars, label above each bar and the figure as written at its end.

    The SVG names itself (`<title>`, `<desc>` listing every figure) for screen readers; pages put a
    table of the same figures next to it.
    """
    largest = max(bar.number for bar in bars) or 1
    height = ROW * len(bars) + 8
    desc = "；".join(f"{bar.label}：{bar.value}{bar.unit}" for bar in bars)
    rows = []
    for index, bar in enumerate(bars):
        y = index * ROW
        length = max(2.0, BAR_MAX * bar.number / largest)
        rows.append(
            f'<text x="0" y="{y + 16}" class="chart-label">{escape(bar.label)}</text>'
            f'<rect x="0" y="{y + 22}" width="{length:.1f}" height="16" rx="3" class="chart-bar"/>'
            f'<text x="{length + 8:.1f}" y="{y + 35}" class="chart-value">{escape(bar.value)}{escape(bar.unit)}</text>'
        )
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(rows)
        + "</svg>"
    )
    return Markup(svg)
