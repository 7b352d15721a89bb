"""Markdown stage: extensions, Chinese heading ids, link rewriting, summaries, reading time."""

from __future__ import annotations

from liaoning_site.markdown import MarkdownRenderer, heading_id, reading_minutes, rewrite_links, summarize


def render(body: str, links: dict[str, str] | None = None, base: str = "/"):
    return rewrite_links(MarkdownRenderer().render(body), links or {}, base)


def test_heading_ids_keep_chinese_and_drop_punctuation() -> None:
    assert heading_id("数字化转型：新机遇") == "数字化转型-新机遇"
    assert heading_id("AI 在日常中的那些事儿") == "ai-在日常中的那些事儿"
    assert heading_id("！？") == "section"


def test_repeated_headings_get_unique_ids() -> None:
    html = render("## 成效\n\n## 成效\n\n## ！！\n").html
    assert '<h2 id="成效">' in html and '<h2 id="成效_1">' in html and '<h2 id="section">' in html


def test_table_of_contents_lists_h2_and_h3() -> None:
    toc = render("# 题\n\n## 第一部分\n\n### 细节\n\n## 第二部分\n").toc
    assert toc == (("第一部分", "第一部分", 2), ("细节", "细节", 3), ("第二部分", "第二部分", 2))


def test_extensions_tables_footnotes_fenced_code_attr_list() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 脚注\n\n```py\nx = 1\n```\n\n段落\n{: .lead }\n").html
    assert "<table>" in html and 'class="footnote"' in html
    assert '<code class="language-py">' in html and '<p class="lead">段落</p>' in html
    assert "返回正文第 1 处脚注" in html


def test_rewrites_known_links_and_site_paths_under_base_path() -> None:
    html = render("[甲](a.md#x) [乙](/archive/) [丙](https://example.com/) ![图](p.png)",
                  {"a.md#x": "articles/a/#x", "p.png": "articles/a/p.png"}, "/szsy/").html
    assert 'href="/szsy/articles/a/#x"' in html
    assert 'href="/szsy/archive/"' in html
    assert 'href="https://example.com/"' in html
    assert 'src="/szsy/articles/a/p.png"' in html


def test_renderer_is_reusable_without_leaking_state() -> None:
    renderer = MarkdownRenderer()
    first = renderer.render("## 标题\n\n注[^1]\n\n[^1]: 一")
    second = renderer.render("## 标题\n")
    assert '<h2 id="标题">' in second.html and "footnote" not in second.html
    assert first.toc == second.toc


def test_summary_is_first_paragraph_cut_at_a_sentence() -> None:
    assert summarize("<p>第一段。</p><p>第二段。</p>") == "第一段。"
    long = "<p>" + "这是一个很长的句子。" * 20 + "</p>"
    assert summarize(long) == "这是一个很长的句子。" * 12
    assert summarize("<h2>只有标题</h2>") == ""


def test_reading_time_counts_chinese_characters_and_latin_words() -> None:
    assert reading_minutes("<p>" + "字" * 1200 + "</p>") == 3
    assert reading_minutes("<p>" + "word " * 400 + "</p>") == 2
    assert reading_minutes("<p>短</p>") == 1


def test_link_rewriting_leaves_code_and_unknown_links_alone() -> None:
    html = render("[外](other.md) `<a href=\"a.md\">`\n\n    <a href=\"a.md\">x</a>\n", {"a.md": "articles/a/"}).html
    assert 'href="other.md"' in html
    assert '&lt;a href="a.md"&gt;' in html and "articles/a/" not in html
