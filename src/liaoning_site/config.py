"""Config stage: `content/site.yml` (plus command-line overrides) -> frozen `SiteConfig`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import diagnostics as msg
from .diagnostics import Diagnostics, Position, tr
from .sanitize import HtmlPolicy
from .schema import Fields, read_bool, read_int, read_mapping, read_mapping_list, read_str, read_str_list
from .sourcefile import read_text
from .yamlsource import parse_yaml

SITE_FILE = "content/site.yml"
SITE_KEYS = ("title", "description", "base_url", "language", "page_size", "navigation", "footer", "theme", "html", "traditional")
# The Traditional-character mirror: OpenCC's conversion, and editors' phrases that win over it.
CONVERSIONS = ("s2t", "s2hk", "s2tw", "s2twp")
PHRASES_FILE = "content/zh-hant.yml"
HTML_KEYS = ("embed_hosts", "trusted")


@dataclass(frozen=True, slots=True)
class Traditional:
    conversion: str  # one of CONVERSIONS
    phrases: tuple[tuple[str, str], ...]  # simplified -> traditional, as the editors wrote them


@dataclass(frozen=True, slots=True)
class NavItem:
    title: str
    url: str  # site-relative, starting with "/"
    position: Position = field(default=Position(), compare=False)  # of the url, to report a dead link


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything site-wide that later stages need, already checked."""

    source_dir: Path
    title: str
    description: str
    base_url: str  # absolute, ends with "/"
    language: str
    page_size: int
    navigation: tuple[NavItem, ...]
    footer: str
    # Where templates/ and static/ are looked up after the source's own (a shared theme).
    theme_dir: Path | None
    html: HtmlPolicy = HtmlPolicy()
    traditional: Traditional | None = None  # None: no /zh-hant/ mirror

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: "/" at a domain root, "/szsy/" under a sub-path."""
        return urlsplit(self.base_url).path or "/"

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        dirs = [self.source_dir / "templates"]
        if self.theme_dir is not None:
            dirs.append(self.theme_dir / "templates")
        return tuple(d for d in dirs if d.is_dir())

    @property
    def static_dirs(self) -> tuple[Path, ...]:
        """Static folders, lowest priority first: the site's own files override the theme's."""
        dirs = []
        if self.theme_dir is not None:
            dirs.append(self.theme_dir / "static")
        dirs.append(self.source_dir / "static")
        return tuple(d for d in dirs if d.is_dir())


def normalize_base_url(url: str) -> str | None:
    """`https://host/sub` -> `https://host/sub/`; None when it is not an absolute http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def load_config(source_dir: Path, diagnostics: Diagnostics, base_url: str | None = None) -> SiteConfig | None:
    """Read and check site.yml; `base_url` from the command line wins over the file's."""
    text = read_text(source_dir / SITE_FILE, SITE_FILE, diagnostics)
    if text is None:
        return None
    doc = parse_yaml(text, SITE_FILE, diagnostics)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        diagnostics.error(SITE_FILE, doc.start, msg.expected(tr("a mapping of settings (`key: value` lines)", "应为若干 `键: 值` 设置行"), doc.data))
        return None
    fields = Fields(doc, SITE_FILE, diagnostics)
    fields.warn_unknown_keys(SITE_KEYS)
    title = read_str(fields, "title", required=True)
    url = _read_base_url(fields, base_url, diagnostics)
    navigation = _read_navigation(fields)
    theme_dir = _read_theme(fields, source_dir)
    config = SiteConfig(
        # Resolved: every page's key holds the config, and `--source site` is the same site as `--source /abs/site`.
        source_dir=source_dir.resolve(),
        title=title or "",
        description=read_str(fields, "description") or "",
        base_url=url or "",
        language=read_str(fields, "language") or "zh-CN",
        page_size=read_int(fields, "page_size", default=10),
        navigation=navigation,
        footer=read_str(fields, "footer") or "",
        theme_dir=theme_dir,
        html=_read_html_policy(fields),
        traditional=_read_traditional(fields, source_dir, diagnostics),
    )
    return config if title and url else None


def _read_base_url(fields: Fields, override: str | None, diagnostics: Diagnostics) -> str | None:
    if override is not None:
        url = normalize_base_url(override)
        if url is None:
            diagnostics.error("--base-url", Position(), msg.expected(tr("an absolute URL like https://example.org/szsy/", "应为完整网址，例如 https://example.org/szsy/"), override))
        return url
    raw = read_str(fields, "base_url", required=True)
    if raw is None:
        return None
    url = normalize_base_url(raw)
    if url is None:
        fields.error("base_url", msg.expected(tr("an absolute URL like https://example.org/szsy/", "应为完整网址，例如 https://example.org/szsy/"), raw))
    return url


def _read_navigation(fields: Fields) -> tuple[NavItem, ...]:
    items = []
    for item in read_mapping_list(fields, "navigation"):
        item.warn_unknown_keys(("title", "url"))
        title = read_str(item, "title", required=True)
        url = read_str(item, "url", required=True)
        if url is not None and not url.startswith("/"):
            item.error("url", msg.expected(tr("a site path starting with `/`, like /archive/", "应为以 `/` 开头的站内路径，例如 /archive/"), url))
            continue
        if title and url:
            items.append(NavItem(title, url, item.doc.at(*item.prefix, "url")))
    return tuple(items)


def _read_traditional(fields: Fields, source_dir: Path, diagnostics: Diagnostics) -> Traditional | None:
    if not fields.has("traditional"):
        return None
    if fields.data["traditional"] is False:
        return None
    settings = read_mapping(fields, "traditional")
    conversion = "s2t"
    if settings is not None:
        settings.warn_unknown_keys(("conversion",))
        conversion = read_str(settings, "conversion") or "s2t"
        if conversion not in CONVERSIONS:
            settings.error("conversion", msg.unknown_value(tr("conversion", "转换方式"), conversion, CONVERSIONS))
            conversion = "s2t"
    return Traditional(conversion, _read_phrases(source_dir, diagnostics))


def _read_phrases(source_dir: Path, diagnostics: Diagnostics) -> tuple[tuple[str, str], ...]:
    """content/zh-hant.yml: `简体词语: 繁體寫法` lines, for names OpenCC gets wrong."""
    if not (source_dir / PHRASES_FILE).is_file():
        return ()
    text = read_text(source_dir / PHRASES_FILE, PHRASES_FILE, diagnostics)
    doc = parse_yaml(text, PHRASES_FILE, diagnostics) if text is not None else None
    if doc is None or doc.data is None:
        return ()
    if not isinstance(doc.data, dict):
        diagnostics.error(PHRASES_FILE, doc.start, msg.expected(tr("`simplified: traditional` lines", "应为若干 `简体: 繁體` 行"), doc.data))
        return ()
    phrases = []
    for key, value in doc.data.items():
        if not isinstance(key, str) or not isinstance(value, str) or not key.strip() or not value.strip():
            diagnostics.error(PHRASES_FILE, doc.at(key), msg.expected(tr("a phrase and its Traditional form, both text", "词语和它的繁体写法都应为文字"), value))
            continue
        phrases.append((key.strip(), value.strip()))
    return tuple(phrases)


def _read_html_policy(fields: Fields) -> HtmlPolicy:
    html = read_mapping(fields, "html")
    if html is None:
        return HtmlPolicy()
    html.warn_unknown_keys(HTML_KEYS)
    hosts = []
    for index, host in enumerate(read_str_list(html, "embed_hosts") or []):
        if not _HOST.fullmatch(host):
            html.error_at(("embed_hosts", index), msg.expected(tr("a host name alone, like player.bilibili.com", "应只写网站的域名，例如 player.bilibili.com"), host))
            continue
        hosts.append(host.lower())
    trusted = read_bool(html, "trusted")
    if trusted:
        # Said on every build, so that nobody forgets the site runs whatever HTML editors write.
        html.diagnostics.warning(
            html.path, html.doc.at("html", "trusted"),
            tr(
                "raw HTML in articles is not sanitised (`html.trusted: true`): any editor can run scripts in readers' browsers",
                "正文中的 HTML 不经过任何过滤（`html.trusted: true`）：任何编辑都能在读者的浏览器中运行脚本",
            ),
        )
    return HtmlPolicy(tuple(hosts), trusted)


_HOST = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")


def _read_theme(fields: Fields, source_dir: Path) -> Path | None:
    raw = read_str(fields, "theme")
    if raw is None:
        return None
    theme = (source_dir / raw).resolve()
    if not theme.is_dir():
        fields.error("theme", tr(f"theme folder {raw!r} does not exist (resolved to {theme})", f"主题文件夹 {raw!r} 不存在（即 {theme}）"))
        return None
    return theme
