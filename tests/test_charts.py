"""Figures as charts: numbers read from the editors' wording, bars drawn to scale as inline SVG,
each chart with its text equivalent, on the data page of the real site."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import ROOT
from liaoning_site.campaign import Figure
from liaoning_site.charts import bar_chart, comparable_groups, numeric_value
from liaoning_site.cli import main

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("written", "number"), [
    ("469", 469), ("3000万", 30_000_000), ("超过1200万", 12_000_000), ("400余", 400), ("8万余", 80_000),
    ("3.6万", 36_000), ("30多", 30), ("800多万", 8_000_000), ("2亿", 200_000_000), ("一半", None), ("7×24", None),
])
def test_the_number_behind_the_words(written: str, number: float | None) -> None:
    assert numeric_value(written) == number


def test_only_figures_with_the_same_unit_share_a_chart() -> None:
    figures = [Figure("数字化车间", "469", "家"), Figure("参与", "800多万", "人次"), Figure("智能工厂", "238", "家"), Figure("说明", "若干", "家")]
    [group] = comparable_groups(figures)
    assert [(b.label, b.number) for b in group] == [("数字化车间", 469), ("智能工厂", 238)]


def test_bars_are_to_scale_and_the_words_are_kept() -> None:
    figures = [Figure("数字化车间", "469", "家"), Figure("智能工厂", "238", "家"), Figure("卓越级智能工厂", "8", "家")]
    svg = ET.fromstring(str(bar_chart(comparable_groups(figures)[0], "遴选数量", "c1")))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == max(widths) and widths[1] / widths[0] == pytest.approx(238 / 469, rel=1e-3)
    assert widths[2] / widths[0] == pytest.approx(8 / 469, rel=1e-2)
    values = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == ["469家", "238家", "8家"]
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "遴选数量"
    assert svg.find(f"{SVG}desc").text == "数字化车间：469家；智能工厂：238家；卓越级智能工厂：8家"


def test_editors_text_cannot_break_out_of_the_chart() -> None:
    svg = str(bar_chart(comparable_groups([Figure("<script>", "1", "个"), Figure("a&b", "2", "个")])[0], "</svg>", "x"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "</svg>" not in svg[:-6]


@pytest.fixture(scope="module")
def data_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("charts") / "out"
    assert main(["build", "--source", str(ROOT), "--output", str(out), "--no-cache"]) == 0
    return (out / "data" / "index.html").read_text(encoding="utf-8")


def test_the_data_page_compares_workshops_and_factories(data_page: str) -> None:
    charts = re.findall(r'<svg class="chart".*?</svg>', data_page, re.S)
    assert len(charts) >= 4
    factories = next(c for c in charts if "卓越级智能工厂" in c)
    assert "469家" in factories and "238家" in factories and "8家" in factories
    hotline = next(c for c in charts if "服务平台服务总量" in c)
    assert "3000万例" in hotline and "超过1200万例" in hotline


def test_every_chart_has_a_table_of_the_same_figures(data_page: str) -> None:
    figures = re.findall(r'<figure class="chart-figure">(.*?)</figure>', data_page, re.S)
    assert figures
    for figure in figures:
        desc = re.search(r"<desc[^>]*>(.*?)</desc>", figure)[1]
        rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', figure)
        assert desc == "；".join(f"{label}：{value}" for label, value in rows)
