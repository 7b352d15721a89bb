"""Markdown -> HTML for one document: extensions, Chinese heading ids, link rewriting, summary text.

One `MarkdownRenderer` is reused for every document (building a Markdown instance costs
more than converting a short article); `reset()` between documents keeps them independent.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import replace

import markdown

from .records import Record, Stored, plain
from .sanitize import HtmlPolicy, Sanitizer
from .typography import space_html

EXTENSIONS = ("tables", "fenced_code", "footnotes", "attr_list", "toc", "sane_lists")
SUMMARY_LIMIT = 120
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*"><a [^>]*>\d+</a></sup>')
_URL_ATTR = re.compile(r'(<(?:a|img)\b[^>]*?\s(?:href|src)=")([^"]*)"')
# Bump when the Markdown configuration changes, so cached bodies are not reused.
MARKDOWN_VERSION = "3:" + markdown.__version__ + ":" + ",".join(EXTENSIONS)


def heading_id(value: str, separator: str = "-") -> str:
    """A readable id that keeps Chinese: `数字化转型：新机遇` -> `数字化转型-新机遇`.

    Python-Markdown's default slugify drops every non-ASCII character, leaving Chinese
    headings with empty ids; HTML allows any non-space characters, and browsers show
    them readably in the address bar.
    """
    value = unicodedata.normalize("NFKC", value).lower()
    words = re.findall(r"[^\W_]+", value)
    return separator.join(words) or "section"


@dataclass(frozen=True, slots=True)
class RenderedBody(Record):
    """A body's HTML, kept as UTF-8: the build cache holds one per document, and unpickling a string
    decodes it (most of the time it took to read 10,000 of them). A page decodes its own body; one
    read from the build cache is `Stored` until then."""

    utf8: bytes | Stored
    toc: tuple[tuple[str, str, int], ...]  # (id, title, level) for h2/h3
    summary: str  # plain text of the first paragraph, shortened
    reading_minutes: int

    @property
    def html(self) -> str:
        return plain(self.utf8).decode("utf-8")


class MarkdownRenderer:
    """Converts document bodies; the output depends on the body text alone.

    Links are left as written and rewritten afterwards by `rewrite_links`, so a body's HTML
    can be cached by the hash of its text, whatever the site's URLs become.
    """

    def __init__(self, policy: HtmlPolicy = HtmlPolicy()) -> None:
        self._sanitize = Sanitizer(policy)
        self._md = markdown.Markdown(
            extensions=list(EXTENSIONS),
            extension_configs={
                "toc": {"slugify": heading_id, "toc_depth": "2-3"},
                "footnotes": {"BACKLINK_TITLE": "返回正文第 %d 处脚注"},
            },
            output_format="html",
        )

    def render(self, body: str) -> RenderedBody:
        md = self._md
        md.reset()
        # Spaced here, once per version of a body, rather than on every page that shows it.
        body_html = space_html(self._sanitize(md.convert(body)))
        toc = tuple(_flatten(getattr(md, "toc_tokens", [])))
        return RenderedBody(body_html.encode("utf-8"), toc, summarize(body_html), reading_minutes(body_html))


def rewrite_links(body: RenderedBody, links: dict[str, str], base_path: str) -> RenderedBody:
    """Point links at site URLs: known targets (`../a.md`) via `links`, site paths (`/x/`) under the base path."""

    def replace_url(match: re.Match[str]) -> str:
        value = html.unescape(match[2])
        if value in links:
            value = base_path + links[value]
        elif value.startswith("/") and not value.startswith("//"):
            value = base_path + value[1:]
        else:
            return match[0]
        return f'{match[1]}{html.escape(value)}"'

    utf8 = plain(body.utf8)
    if b'href="' not in utf8 and b'src="' not in utf8:
        return body
    return replace(body, utf8=_URL_ATTR.sub(replace_url, body.html).encode("utf-8"))


def _flatten(tokens: list[dict]) -> list[tuple[str, str, int]]:
    out = []
    for token in tokens:
        out.append((token["id"], html.unescape(_TAGS.sub("", token["name"])), token["level"]))
        out.extend(_flatten(token.get("children", [])))
    return out


def plain_text(fragment: str) -> str:
    return html.unescape(_TAGS.sub("", _FOOTNOTE_REF.sub("", fragment))).strip()


def summarize(body_html: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first paragraph as plain text, cut at a sentence end when it is too long."""
    match = _FIRST_PARAGRAPH.search(body_html)
    text = " ".join(plain_text(match.group(1)).split()) if match else ""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(p) for p in "。！？；")
    return cut[: end + 1] if end >= limit // 2 else cut.rstrip("，、：；") + "……"


def reading_minutes(body_html: str) -> int:
    """About 400 Chinese characters or 200 Latin words a minute; never less than one."""
    latin, han = _HAN.subn(" ", plain_text(body_html))  # one pass counts the characters and leaves the rest
    words = sum(1 for _ in _LATIN_WORD.finditer(latin))
    return max(1, round(han / 400 + words / 200))
