"""Checks that `check` runs on top of a build's validation: things that build but read badly.

They are warnings (errors with `--strict`): a build still succeeds with them, but an editor
should look before reviewers do.
"""

from __future__ import annotations

from .diagnostics import Diagnostics, Position
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
            diagnostics.warning(article.source, where["title"], f"the title {article.title!r} is also used by {other}; readers cannot tell them apart")
        if article.summary and len(article.summary) > SUMMARY_LIMIT:
            diagnostics.warning(
                article.source, where["summary"],
                f"the summary has {len(article.summary)} characters; search engines show about {SUMMARY_LIMIT}, shorten it",
            )
        if article.date > site.now and not article.draft:
            diagnostics.warning(
                article.source, where["date"],
                "the date is in the future and the article is not a draft: it will appear by itself on that day; add `draft: true` if it is not ready",
            )
        for ref in article.references:
            if ref.target.lower().startswith("http://"):
                diagnostics.warning(article.source, ref.position, f"link {ref.target!r} uses http://; use https:// if the site offers it")
    for scenario in site.scenarios:
        if not any(p.items for p in site.scenario_pagers[scenario.slug]):
            diagnostics.warning(scenario.source, Position(), f"no article belongs to the scenario {scenario.slug!r}: its page would be empty")
