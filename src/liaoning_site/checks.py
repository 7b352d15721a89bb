"""Checks that `check` runs on top of a build's validation: things that build but read badly.

They are warnings (errors with `--strict`): a build still succeeds with them, but an editor
should look before reviewers do.
"""

from __future__ import annotations

from .diagnostics import Diagnostics, Position, tr
from .model import Site

SUMMARY_LIMIT = 120  # characters a search engine shows of a description


def editorial_checks(site: Site, diagnostics: Diagnostics) -> None:
    """Add a warning for each duplicate title, long summary, undated future article,
    insecure link and empty scenario."""
    first_with_title: dict[str, str] = {}
    for article in sorted(site.articles, key=lambda a: a.source):
        where = article.positions
        other = first_with_title.setdefault(article.title, article.source)
        if other != article.source:
            diagnostics.warning(article.source, where["title"], tr(
                f"the title {article.title!r} is also used by {other}; readers cannot tell them apart",
                f"标题 {article.title!r} 与 {other} 的标题相同；读者无法区分",
            ))
        if article.summary and len(article.summary) > SUMMARY_LIMIT:
            diagnostics.warning(
                article.source, where["summary"],
                tr(
                    f"the summary has {len(article.summary)} characters; search engines show about {SUMMARY_LIMIT}, shorten it",
                    f"摘要有 {len(article.summary)} 个字，搜索引擎一般只显示约 {SUMMARY_LIMIT} 个字；请缩短",
                ),
            )
        if article.date > site.now and not article.draft:
            diagnostics.warning(
                article.source, where["date"],
                tr(
                    "the date is in the future and the article is not a draft: it will appear by itself on that day; add `draft: true` if it is not ready",
                    "日期在将来，而文章不是草稿：到那一天会自动发布；如果还没写好，请加上 `draft: true`",
                ),
            )
        for ref in article.references:
            if ref.target.lower().startswith("http://"):
                diagnostics.warning(article.source, ref.position, tr(f"link {ref.target!r} uses http://; use https:// if the site offers it", f"链接 {ref.target!r} 使用 http://；如果对方网站支持，请改用 https://"))
    for scenario in site.scenarios:
        if not any(p.items for p in site.scenario_pagers[scenario.slug]):
            diagnostics.warning(scenario.source, Position(), tr(f"no article belongs to the scenario {scenario.slug!r}: its page would be empty", f"场景 {scenario.slug!r} 下没有文章：它的页面将是空的"))
