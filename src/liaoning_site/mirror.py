"""The Traditional-character mirror: every page and feed again under `/zh-hant/`, converted.

A twin is the Simplified output run through the converter (hant.py), with its links to pages
and feeds pointed at their twins, `lang="zh-Hant"`, and the 简/繁 switch marking the other
script as current. Twins are reused while their Simplified page and the conversion settings
are unchanged, so a one-article edit converts one article page (and the lists showing it).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote_plus
from typing import Any, Iterable

import opencc

from .config import Traditional
from .hant import Converter, json_ld_blocks
from .model import Site
from .outputs import OutputFile, content_bytes
from .share import qr_svg

PREFIX = "zh-hant/"
CONVERTER_VERSION = getattr(opencc, "__version__", "")
LANG = "zh-Hant"
_TAG = re.compile(r"<[^>]+>")
_URL_ATTR = re.compile(r'(\s(?:href|action|content)=")([^"]*)(")')
_HTML_LANG = re.compile(r'<html lang="[^"]*"')
_SHARE = re.compile(r'<section class="share".*?</section>', re.DOTALL)


def twin(path: str) -> str:
    """The mirror's path (or output file) for a Simplified one."""
    return PREFIX + path


def has_twin(path: str) -> bool:
    """Pages and feeds have twins; stylesheets, images, icons and the search index are shared."""
    return path == "" or path.endswith(("/", ".html", "feed.xml"))


def converter_for(settings: Traditional) -> Converter:
    return Converter(settings.conversion, dict(settings.phrases))


class Mirror:
    def __init__(self, site: Site, settings: Traditional):
        self.site = site
        self.converter = converter_for(settings)
        self.base_path = site.config.base_path
        self.base_url = site.config.base_url

    def page(self, html: bytes) -> bytes:
        text = _SHARE.sub(self._share, html.decode("utf-8"))
        text = self.converter.html(text)
        text = json_ld_blocks(text, lambda data: self._json_urls(self.converter.json_ld(data)))
        text = _HTML_LANG.sub(f'<html lang="{LANG}"', text, count=1)
        text = _TAG.sub(self._tag, text)
        return text.encode("utf-8")

    def feed(self, xml: bytes) -> bytes:
        text = self.converter.html(xml.decode("utf-8"), keep=("id", "uri"))
        text = re.sub(r"(<id>)([^<]*)(</id>)", lambda m: m[1] + self._url(m[2]) + m[3], text)
        text = _TAG.sub(self._tag, text)
        return text.encode("utf-8")

    def _share(self, match: re.Match[str]) -> str:
        """The share block names the page's own address, in its QR code too: the twin's address."""
        block = match[0]
        address = re.search(r'data-copy-url="([^"]+)"', block)
        if address is None:
            return block
        old, new = address[1], self._url(address[1])
        block = re.sub(r'<svg role="img".*?</svg>', lambda _: str(qr_svg(new, f"本文二维码：{new}")), block, count=1, flags=re.DOTALL)
        block = block.replace(html.escape(old), html.escape(new)).replace(quote_plus(old), quote_plus(new))
        return block

    def _tag(self, match: re.Match[str]) -> str:
        tag = match[0]
        if "hreflang=" in tag:  # the alternates and the switch name both scripts on purpose
            if 'data-script="hans"' in tag:
                return tag.replace(' aria-current="true"', "")
            if 'data-script="hant"' in tag:
                return tag.replace(' data-script="hant"', ' data-script="hant" aria-current="true"')
            return tag
        if "=" not in tag:
            return tag
        return _URL_ATTR.sub(lambda m: m[1] + self._url(m[2]) + m[3], tag)

    def _url(self, value: str) -> str:
        for base in (self.base_url, self.base_path):
            if value.startswith(base):
                rest = value[len(base):]
                path = rest.split("#", 1)[0].split("?", 1)[0]
                if has_twin(path) and not rest.startswith(PREFIX):
                    return base + PREFIX + rest
                return value
        return value

    def _json_urls(self, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: self._json_urls(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self._json_urls(value) for value in data]
        if isinstance(data, str) and data.startswith(self.base_url):
            return self._url(data)
        return data


def mirror_files(
    mirror: Mirror, files: Iterable[OutputFile], keys: dict[str, tuple], previous: dict[str, tuple[tuple, bytes]], pages: dict[str, tuple[tuple, bytes]]
) -> list[OutputFile]:
    """Twins of `files`; a page's twin is reused when the page's key (`keys`) and the settings are unchanged.

    `previous` is the render cache of the last build; the twins' entries are added to `pages`, the new one.
    """
    twins = []
    for file in files:
        if not has_twin(file.output):
            continue
        output = twin(file.output)
        if file.output.endswith("feed.xml"):
            assert file.data is not None, "feeds are written on every build"
            twins.append(OutputFile(output, mirror.feed(content_bytes(file.data))))
            continue
        # The conversion settings are part of the site's settings, hence of every page key.
        key = ("twin", keys[file.output])
        cached = previous.get(output)
        if cached is not None and cached[0] == key:
            data = cached[1]  # None when the build cache kept only the key: the file is on disk
        elif file.data is not None:
            data = mirror.page(content_bytes(file.data))
        else:
            raise RuntimeError(f"{output}: its page was reused but its twin was not kept")
        pages[output] = (key, data)
        twins.append(OutputFile(output, data))
    return twins
