"""Hostile HTML in editors' content never reaches readers as markup that runs.

Raw HTML in Markdown bodies is cleaned against an allow-list (nh3); link targets and image
alt text go through Markdown and the cleaner; front matter values are escaped by the
templates and the feed writer. Every built file is then read the way a browser would.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from liaoning_site.markdown import MarkdownRenderer

ATTACKS = [
    "<script>alert('body')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg/onload=alert('svg')>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<a href=\"javascript:alert('a')\">链接</a>",
    "<a href=\"JaVaScRiPt:alert('case')\">链接</a>",
    "<a href=\"&#106;avascript:alert('entity')\">链接</a>",
    "<a href=\"data:text/html,<script>alert('data')</script>\">链接</a>",
    "<div style=\"background:url(javascript:alert('css'))\">块</div>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<form action=\"https://evil.example/\"><input name=q></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "<base href=\"https://evil.example/\">",
    "<style>body{display:none}</style>",
    "<details open ontoggle=alert('details')><summary>展开</summary>内容</details>",
    "<math><mi xlink:href=\"javascript:alert('math')\">x</mi></math>",
]
MARKDOWN_ATTACKS = [
    "[点我](javascript:alert('md-link'))",
    "[点我](JAVASCRIPT:alert('md-upper'))",
    "![\" onerror=\"alert('alt')](data:image/png;base64,iVBORw0KGgo=)",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<https://example.org/\" onmouseover=\"alert('autolink')>",
]
FRONT = "<script>alert('fm')</script>\"><img src=x onerror=alert('fm')>"


class Finder(HTMLParser):
    """Collects what a browser would execute: scripts, event handlers, script URLs, frames."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "form", "base", "meta", "style", "svg", "math"):
            if not self._ours(tag, attrs):
                self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "xlink:href") and (value.startswith(("javascript:", "vbscript:")) or
                                                                      (value.startswith("data:") and not value.startswith("data:image/"))):
                self.problems.append(f"{tag} {name}={value[:30]}")
            if name == "style" and "url(" in value:
                self.problems.append(f"{tag} style url()")

    @staticmethod
    def _ours(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        """Markup our templates write on purpose: meta tags, the brand mark, structured data (checked apart)."""
        values = dict(attrs)
        if tag == "svg":  # drawn by us at build time: the brand mark, QR codes, charts
            return values.get("class") in ("brand-mark", "qr", "chart")
        if tag == "script":  # structured data, and our own scripts from /js/
            return values.get("type") == "application/ld+json" or (values.get("src") or "").startswith("/js/")
        if tag == "form":  # the search boxes: a plain GET to the search page
            return values.get("role") == "search" and values.get("method") == "get" and (values.get("action") or "").endswith("/search/")
        return tag == "meta" and bool(set(values) & {"charset", "name", "property"})


def executable(html: str) -> list[str]:
    finder = Finder()
    finder.feed(html)
    return finder.problems


@pytest.mark.parametrize("attack", ATTACKS + MARKDOWN_ATTACKS)
def test_raw_html_and_markdown_attacks_are_neutralised(attack: str) -> None:
    html = MarkdownRenderer().render(f"正文。\n\n{attack}\n\n结尾。\n").html
    assert executable(html) == [], html
    assert "正文" in html and "结尾" in html


def test_allowed_markup_survives() -> None:
    body = (
        "| 左 | 中 |\n|:--|:-:|\n| a | b |\n\n<details><summary>更多</summary>详情</details>\n\n"
        "H<sub>2</sub>O x<sup>2</sup> <abbr title=\"人工智能\">AI</abbr> <mark>重点</mark>\n\n"
        "<figure><img src=\"a.png\" alt=\"图\"><figcaption>说明</figcaption></figure>\n"
    )
    html = MarkdownRenderer().render(body).html
    for kept in ('<th style="text-align:center">', "<details>", "<summary>更多</summary>", "<sub>2</sub>", "<sup>2</sup>",
                 '<abbr title="人工智能">AI</abbr>', "<mark>重点</mark>", "<figcaption>说明</figcaption>", 'alt="图"'):
        assert kept in html


def test_hostile_front_matter_and_bodies_never_run_anywhere_in_the_site(make_site, run_cli, tmp_path: Path) -> None:
    quoted = FRONT.replace("\\", "\\\\").replace('"', '\\"')
    article = (
        "---\n"
        f'title: "{quoted}"\n'
        "date: 2025-06-12\n"
        "scenarios: [digital-life]\n"
        f'summary: "{quoted}"\n'
        f'tags: ["{quoted}", 标签]\n'
        f'organization: "{quoted}"\n'
        f'author: "{quoted}"\n'
        "slug: hostile\n"
        f'figures:\n  - {{label: "{quoted}", value: "{quoted}", unit: "{quoted}"}}\n'
        f'source: {{name: "{quoted}", url: "https://example.org/?q=\\"><script>alert(1)</script>"}}\n'
        "---\n"
        + "\n\n".join(ATTACKS + MARKDOWN_ATTACKS) + "\n"
    )
    site = make_site({"content/articles/hostile.md": article})
    code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out")
    assert code == 0, err
    pages = [p for p in (tmp_path / "out").rglob("*") if p.suffix in (".html", ".xml")]
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if page.suffix == ".xml":
            # Feeds carry front matter as text and bodies as escaped HTML: the HTML must be clean.
            root = ET.fromstring(text)
            bodies = [e.text or "" for e in root.iter("{http://www.w3.org/2005/Atom}content")]
            assert all(executable(body) == [] for body in bodies), page
            continue
        assert executable(text) == [], page
    article_page = (tmp_path / "out" / "articles" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;fm&#39;)&lt;/script&gt;" in article_page  # shown as text, not dropped
    # Structured data holds the same text as JSON that cannot end its <script> element.
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', article_page, re.S)
    assert blocks and all("<" not in block for block in blocks)
    assert json.loads(blocks[0])["headline"] == FRONT


# --- embedded players and the site's own relaxation


EMBED_ARTICLE = """---
title: 视频
slug: video
date: 2025-06-12
scenarios: [digital-life]
---
开头。

<iframe src="https://player.bilibili.com/player.html?bvid=BV1" title="课程" srcdoc="<script>alert(1)</script>" onload="alert(2)"></iframe>

<iframe src="https://evil.example/player"></iframe>

<iframe src="http://player.bilibili.com/player.html?bvid=BV2"></iframe>

<video controls><source src="https://player.bilibili.com/v.mp4" type="video/mp4"></video>

结尾。
"""


def with_html_settings(site: Path, settings: str) -> None:
    site_yml = site / "content" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + settings, encoding="utf-8")


def prose_of(page: Path) -> str:
    return page.read_text(encoding="utf-8").split('class="prose"', 1)[1].split("</div>", 1)[0]


def test_players_are_kept_only_from_listed_https_hosts(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({"content/articles/video.md": EMBED_ARTICLE})
    with_html_settings(site, "html:\n  embed_hosts: [player.bilibili.com]\n")
    code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out", "--no-cache")
    assert code == 0, err
    prose = prose_of(tmp_path / "out" / "articles" / "video" / "index.html")
    assert prose.count("<iframe") == 1 and 'src="https://player.bilibili.com/player.html?bvid=BV1"' in prose
    assert "evil.example" not in prose and "BV2" not in prose
    assert '<source src="https://player.bilibili.com/v.mp4"' in prose
    assert executable(prose) == ["<iframe>"]  # the one listed player, without srcdoc or onload
    assert [line for line in err.splitlines() if "warning" in line] == [
        "content/articles/video.md:9:1: warning: the `onload` attribute of `<iframe>` is removed: it would run a script in readers' browsers",
        "content/articles/video.md:9:1: warning: the `srcdoc` attribute of `<iframe>` is removed: it would run a script in readers' browsers",
        "content/articles/video.md:11:1: warning: `<iframe>` from `evil.example` is removed: embedded players may only come from `player.bilibili.com` (`html: embed_hosts:` in content/site.yml)",
        "content/articles/video.md:13:1: warning: `<iframe>` is removed: its address must start with https://",
    ]


def test_without_listed_hosts_no_player_is_kept_and_each_is_reported(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({"content/articles/video.md": EMBED_ARTICLE})
    code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out", "--no-cache")
    assert code == 0, err
    prose = prose_of(tmp_path / "out" / "articles" / "video" / "index.html")
    assert "<iframe" not in prose and "<video" not in prose and "player.bilibili.com" not in prose
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert [w.split(": warning:")[0] for w in warnings] == [
        "content/articles/video.md:9:1", "content/articles/video.md:9:1", "content/articles/video.md:9:1",
        "content/articles/video.md:11:1", "content/articles/video.md:13:1", "content/articles/video.md:15:1",
    ]
    assert "`<iframe>` is removed: this site embeds no players" in warnings[0]
    assert "`<video>` is removed: this site embeds no players" in warnings[5]


def test_changing_the_listed_hosts_renders_cached_bodies_again(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({"content/articles/video.md": EMBED_ARTICLE})
    out = tmp_path / "out"
    assert run_cli("build", "--source", site, "--output", out)[0] == 0
    assert "<iframe" not in prose_of(out / "articles" / "video" / "index.html")
    with_html_settings(site, "html:\n  embed_hosts: [player.bilibili.com]\n")
    assert run_cli("build", "--source", site, "--output", out)[0] == 0
    assert "<iframe" in prose_of(out / "articles" / "video" / "index.html")


def test_a_host_must_be_a_bare_host_name(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site()
    lines = len((site / "content" / "site.yml").read_text(encoding="utf-8").splitlines())
    with_html_settings(site, "html:\n  embed_hosts: [https://player.bilibili.com/]\n")
    code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out")
    assert code == 1
    assert f"content/site.yml:{lines + 2}:17: error: expected a host name alone, like player.bilibili.com, found 'https://player.bilibili.com/'" in err


def test_trusting_raw_html_is_explicit_and_reported_on_every_build(make_site, run_cli, tmp_path: Path) -> None:
    article = EMBED_ARTICLE.replace("开头。", "<script>window.trusted = 1</script>")
    site = make_site({"content/articles/video.md": article})
    lines = len((site / "content" / "site.yml").read_text(encoding="utf-8").splitlines())
    with_html_settings(site, "html:\n  trusted: yes please\n")
    code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out")
    assert code == 1 and "expected `trusted` to be true or false" in err  # no accidental trust
    with_html_settings(site, "")
    (site / "content" / "site.yml").write_text(
        (site / "content" / "site.yml").read_text(encoding="utf-8").replace("trusted: yes please", "trusted: true"), encoding="utf-8"
    )
    for _ in range(2):
        code, _, err = run_cli("build", "--source", site, "--output", tmp_path / "out")
        assert code == 0, err
        assert [line for line in err.splitlines() if "warning" in line] == [
            f"content/site.yml:{lines + 2}:12: warning: raw HTML in articles is not sanitised (`html.trusted: true`): any editor can run scripts in readers' browsers"
        ]
    assert "<script>window.trusted = 1</script>" in prose_of(tmp_path / "out" / "articles" / "video" / "index.html")
