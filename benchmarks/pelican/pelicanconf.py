# Minimal Pelican settings equivalent to liaoning-site's pages, for benchmarks/run.py --compare pelican.
SITENAME = "辽宁省全民数字素养与技能提升月"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_PAGINATION = 10
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = "scenarios/{slug}/feed.xml"
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}
