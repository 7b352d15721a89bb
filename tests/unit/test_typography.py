"""Thin spaces between Chinese and Latin letters or digits, in readable text only."""

from __future__ import annotations

import pytest

from liaoning_site.typography import THIN_SPACE as T
from liaoning_site.typography import space_html, space_text


@pytest.mark.parametrize(("text", "spaced"), [
    ("2025年6月12日", f"2025{T}年{T}6{T}月{T}12{T}日"),
    ("举办AI课程", f"举办{T}AI{T}课程"),
    ("占比30%以上", f"占比{T}30%{T}以上"),
    ("辽宁12316金农热线", f"辽宁{T}12316{T}金农热线"),
    ("已有 3 个基地", "已有 3 个基地"),  # a space already there stays the only one
    ("全部中文，没有字母。", "全部中文，没有字母。"),
    ("only latin 123", "only latin 123"),
])
def test_space_text(text: str, spaced: str) -> None:
    assert space_text(text) == spaced


def test_only_readable_text_of_a_page_is_spaced() -> None:
    page = (
        '<html><head><title>2025年</title><meta name="description" content="AI课程"></head><body>'
        '<p title="AI课程">举办AI课程</p><pre>x = "数字2"</pre><code>a数字</code>'
        '<a href="/文章2025年/">第3期</a><span translate="no">x中</span><svg><text>469家</text></svg></body></html>'
    )
    out = space_html(page)
    assert f"<p title=\"AI课程\">举办{T}AI{T}课程</p>" in out
    assert '<pre>x = "数字2"</pre><code>a数字</code>' in out
    assert f'<a href="/文章2025年/">第{T}3{T}期</a>' in out
    assert '<span translate="no">x中</span>' in out and "<text>469家</text>" in out
    assert "<title>2025年</title>" in out and 'content="AI课程"' in out


def test_bodies_come_out_of_markdown_spaced(tmp_path) -> None:
    from liaoning_site.markdown import MarkdownRenderer

    html = MarkdownRenderer().render("## 2024年成效\n\n培训55期，`code中2`。\n").html
    assert f"2024{T}年成效" in html and f"培训{T}55{T}期" in html and "<code>code中2</code>" in html
    assert 'id="2024年成效"' in html  # heading ids are made from the text as written
