"""Raw HTML in bodies that the sanitiser will remove, found in the source text with positions.

The sanitiser works on Markdown's output, which has no positions; finding the same tags in
the text an editor wrote lets the build say which line lost what, instead of dropping it quietly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .diagnostics import Position, one_of, tr
from .links import mask_fences, position_in
from .sanitize import EMBED_TAGS, TAGS, HtmlPolicy

# A start tag; `<https://…>` and `<name@example.org>` are Markdown autolinks, not tags.
_TAG = re.compile(r"""<(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])(?P<attrs>(?:[^<>"']|"[^"]*"|'[^']*')*)>""")
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))""", re.IGNORECASE)
_HANDLER = re.compile(r"(?:^|\s)(?P<name>on[a-z]+|srcdoc)\s*=", re.IGNORECASE)
_STYLE = re.compile(r"(?:^|\s)style\s*=", re.IGNORECASE)
_URL = re.compile(r"""(?:^|\s)(?P<name>href|src|poster)\s*=\s*["']?\s*(?P<scheme>javascript|vbscript|data)\s*:(?P<rest>[^"'\s>]{0,12})""", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)[^`\n]*?\1")
_NEVER = {"script", "style", "object", "embed", "applet", "form", "input", "button", "textarea", "select", "base", "meta", "link"}


@dataclass(frozen=True, slots=True)
class Removal:
    position: Position
    message: str


def removed_html(body: str, body_line: int, policy: HtmlPolicy) -> list[Removal]:
    """What the sanitiser will take out of this body, each at the line and column it was written."""
    if policy.trusted or "<" not in body:
        return []
    masked = _CODE_SPAN.sub(lambda m: " " * len(m[0]), mask_fences(body))
    found = []
    for match in _TAG.finditer(masked):
        tag, attrs = match["tag"].lower(), match["attrs"]
        position = position_in(body, match.start(), body_line)
        if tag in _NEVER:
            found.append(Removal(position, tr(
                f"`<{tag}>` is removed: articles may not contain scripts, styles, forms or plug-ins",
                f"`<{tag}>` 已被删除：文章中不能有脚本、样式、表单或插件",
            )))
            continue
        if tag in EMBED_TAGS or tag == "source":
            src = _SRC.search(attrs)
            url = next((v for v in (src.group("dq", "sq", "bare") if src else ()) if v is not None), "")
            # A <video> may name its files in <source> children, which are checked on their own.
            checked = url or tag == "iframe" or not policy.embed_hosts
            if tag == "source":
                checked = bool(url) and bool(policy.embed_hosts)
            if checked and not policy.allows_embed(url):
                found.append(Removal(position, _embed_message(tag, url, policy)))
        elif tag not in TAGS:
            found.append(Removal(position, tr(
                f"`<{tag}>` is not among the HTML tags articles may use; it is removed and its text kept",
                f"`<{tag}>` 不在文章可以使用的 HTML 标签之列：标签已被删除，其中的文字保留",
            )))
        for handler in _HANDLER.finditer(attrs):
            found.append(Removal(position, tr(
                f"the `{handler['name'].lower()}` attribute of `<{tag}>` is removed: it would run a script in readers' browsers",
                f"`<{tag}>` 的 `{handler['name'].lower()}` 属性已被删除：它会在读者的浏览器中运行脚本",
            )))
        if _STYLE.search(attrs) and tag not in ("td", "th"):
            found.append(Removal(position, tr(
                f"the `style` attribute of `<{tag}>` is removed: colours and sizes come from the site's design",
                f"`<{tag}>` 的 `style` 属性已被删除：颜色和字号由网站的统一设计决定",
            )))
        for url in _URL.finditer(attrs):
            scheme = url["scheme"].lower()
            if scheme == "data" and url["rest"].lower().startswith("image/") and tag in ("img", "source"):
                continue
            found.append(Removal(position, tr(
                f"the `{url['name'].lower()}` of `<{tag}>` is removed: `{scheme}:` addresses are not allowed (only images may be `data:`)",
                f"`<{tag}>` 的 `{url['name'].lower()}` 已被删除：不允许使用 `{scheme}:` 地址（只有图片可以用 `data:`）",
            )))
    return found


def _embed_message(tag: str, url: str, policy: HtmlPolicy) -> str:
    if not policy.embed_hosts:
        return tr(
            f"`<{tag}>` is removed: this site embeds no players; list the player's host under `html: embed_hosts:` in content/site.yml",
            f"`<{tag}>` 已被删除：本站不允许嵌入播放器；如需嵌入，请把视频网站的域名加到 content/site.yml 的 `html: embed_hosts:` 中",
        )
    host = urlsplit(url.strip()).hostname or ""
    if host in policy.embed_hosts:
        return tr(f"`<{tag}>` is removed: its address must start with https://", f"`<{tag}>` 已被删除：它的地址必须以 https:// 开头")
    where = tr(f" from `{host}`" if host else " without an https address", f"（来自 `{host}`）" if host else "（没有 https 地址）")
    return tr(
        f"`<{tag}>`{where} is removed: embedded players may only come from {one_of(policy.embed_hosts)} (`html: embed_hosts:` in content/site.yml)",
        f"`<{tag}>`{where}已被删除：嵌入的播放器只能来自 {one_of(policy.embed_hosts)}（content/site.yml 的 `html: embed_hosts:`）",
    )

