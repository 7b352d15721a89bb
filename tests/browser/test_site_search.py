"""Search in Chromium, on the built real site served over HTTP (at the root and under a sub-path) and
in the preview: the article a reader looks for comes first, any run of two or more Chinese
characters on a page finds that page (as Ctrl-F would), and the filters narrow the results."""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from httpfolder import real_site_served
from liaoning_site import search as search_index
from liaoning_site.searchtext import han_token

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
ARTICLES = {  # what readers type, and the article that must come first (its title says it)
    "金农热线": "articles/jinnong-hotline/",
    "智能工厂": "articles/digital-workshops-smart-factories/",
    "大梨树": "articles/dalishu-village/",
    "智慧助老": "articles/smart-elderly-courses/",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    output = tmp_path_factory.mktemp("search") / "out"
    with real_site_served(output) as url:
        yield output, url


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Published under https://…/szsy/: pages, the index and the results' links all under /szsy/.

    Its index is cut into shards of a few pages (as a site of thousands of articles is), which the
    browser merges: the tests run on both sites find the same results in both."""
    output = tmp_path_factory.mktemp("search-szsy") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "SHARD_PAGES", 16)
        served = real_site_served(output, "http://127.0.0.1/szsy/")
        url = served.__enter__()
    try:
        assert len(json.loads((output / "pagefind" / "shards.json").read_bytes())) >= 2
        yield output, url
    finally:
        served.__exit__(None, None, None)


@pytest.fixture(params=["/", "/szsy/"])
def either_site(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(base path, URL) of the site at the root, then under a sub-path."""
    _, url = request.getfixturevalue("site" if request.param == "/" else "sub_path_site")
    return request.param, url


def search(page: Page, url: str, query: str = "", **filters: str) -> list[dict[str, str]]:
    """Open the search page for `query` and `filters`; the results as shown."""
    page.goto(url + "search/?" + urlencode({"q": query, **filters}))
    return shown(page)


def shown(page: Page) -> list[dict[str, str]]:
    page.wait_for_selector("[data-search][data-state=done]", timeout=15000)
    return page.eval_on_selector_all(".search-result", """items => items.map(item => ({
        href: item.querySelector("a").getAttribute("href"),
        meta: item.querySelector(".search-result-meta")?.textContent ?? "",
        marks: [...item.querySelectorAll(".search-result-excerpt mark")].map(m => m.textContent),
    }))""")


@pytest.mark.parametrize("query, article", ARTICLES.items())
def test_the_article_a_reader_looks_for_comes_first(browser, either_site, query: str, article: str) -> None:
    base, url = either_site
    page = browser.new_page()
    results = search(page, url, query)
    assert results[0]["href"] == base + article
    assert query in results[0]["marks"]  # the excerpt shows the words, highlighted
    assert page.input_value("#search-q") == query
    page.close()


def test_two_characters_from_the_middle_of_a_sentence_find_their_page(browser, site) -> None:
    # "农民是弥合数字鸿沟需要重点关注的群体": 合数 spans two words (弥合 | 数字) of any segmenter.
    _, url = site
    page = browser.new_page()
    results = search(page, url, "合数")
    jinnong = next(r for r in results if r["href"] == "/articles/jinnong-hotline/")
    assert "合数" in jinnong["marks"]
    page.close()


def test_results_follow_the_typing(browser, site) -> None:
    _, url = site
    page = browser.new_page()
    search(page, url)
    page.locator("#search-q").press_sequentially("大梨树", delay=30)
    page.wait_for_url(re.compile(r"q=%E5%A4%A7%E6%A2%A8%E6%A0%91"))
    assert shown(page)[0]["href"] == "/articles/dalishu-village/"
    page.close()


def test_the_header_box_leads_to_the_results(browser, site) -> None:
    _, url = site
    page = browser.new_page()
    page.goto(url + "articles/dalishu-village/")
    page.fill("#site-search-q", "金农热线")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert shown(page)[0]["href"] == "/articles/jinnong-hotline/"
    page.close()


def found(page: Page) -> int:
    """How many results the status line reports."""
    return int(re.sub(r"\D", "", page.inner_text("[data-status]")))


def test_results_come_ten_at_a_time(browser, site) -> None:
    _, url = site
    page = browser.new_page()
    assert len(search(page, url, "数字")) == 10
    total = found(page)
    assert total > 10
    while (count := page.locator(".search-result").count()) < total:
        page.click("[data-more]")
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {count}")
    assert page.locator(".search-result").count() == total and page.is_hidden("[data-more]")
    page.close()


def test_filters_narrow_the_results(browser, either_site) -> None:
    base, url = either_site
    page = browser.new_page()
    search(page, url, "数字")
    everything = found(page)
    page.select_option("#search-region", "丹东市")
    assert [r["href"] for r in shown(page)] == [base + "articles/dalishu-village/"]
    assert "region=%E4%B8%B9%E4%B8%9C%E5%B8%82" in page.url  # kept in the address, to share
    page.select_option("#search-region", "")
    page.select_option("#search-kind", "新闻动态")
    assert [r["href"] for r in shown(page)] == [base + "articles/campaign-launch-2025/"]
    results = search(page, url, "数字", scenario="数字创新")
    assert results and all("数字创新" in r["meta"] for r in results)
    assert found(page) < everything
    page.close()


def test_a_filter_alone_lists_its_pages(browser, site) -> None:
    _, url = site
    page = browser.new_page()
    results = search(page, url, kind="场景")
    assert sorted(r["href"] for r in results) == sorted(f"/scenarios/{s}/" for s in ("digital-life", "digital-work", "digital-learning", "digital-innovation"))
    page.close()


def records(output: Path) -> dict[str, dict]:
    """Every fragment of the index by its id (what a result's `id` is): the page as Pagefind keeps it."""
    return {path.stem: json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            for path in sorted(output.glob("pagefind/*/fragment/*.pf_fragment"))}


def substring_queries(output: Path, per_page: int = 12) -> dict[str, list[tuple[str, str]]]:
    """By language, (query, page id): runs of Chinese characters cut out of every indexed page's text."""
    rnd = random.Random(20250612)
    queries: dict[str, list[tuple[str, str]]] = {}
    for id, record in records(output).items():
        runs = HAN_RUN.findall(record["content"].replace("\u200b", ""))
        picked = []
        for _ in range(per_page):
            run = rnd.choice(runs)
            size = rnd.randint(2, min(6, len(run)))
            start = rnd.randrange(len(run) - size + 1)
            picked.append((run[start:start + size], id))
        queries.setdefault(id.rsplit("_", 1)[0], []).extend(picked)
    return queries


FIND_ALL = """async (queries) => {
    const root = document.querySelector("[data-search]");
    const { findPages } = await import(document.querySelector('script[src*="/js/search."]').src);
    const shards = await (await fetch(root.dataset.pagefind + "shards.json")).json();
    const pagefind = await import(root.dataset.pagefind + shards[0] + "pagefind.js");
    for (const shard of shards.slice(1)) await pagefind.mergeIndex(root.dataset.pagefind + shard);
    const missed = [];
    for (const [query, id] of queries) {
        const found = await findPages(pagefind, query);
        if (!found.results.some((result) => result.id === id)) missed.push(`${query} (${id})`);
    }
    return missed;
}"""


def test_every_run_of_characters_on_every_page_finds_it(browser, request: pytest.FixtureRequest) -> None:
    for fixture in ("site", "sub_path_site"):  # one index, then one in shards
        every_run_finds_its_page(browser, *request.getfixturevalue(fixture))


def every_run_finds_its_page(browser, output: Path, url: str) -> None:
    queries = substring_queries(output)
    assert set(queries) == {"zh-cn", "zh-hant"} and min(map(len, queries.values())) > 150
    page = browser.new_page()
    for language, prefix in (("zh-cn", ""), ("zh-hant", "zh-hant/")):
        page.goto(url + prefix + "search/")  # the page's language picks the index
        page.wait_for_selector("[data-search][data-state=done]")
        assert page.evaluate(FIND_ALL, queries[language]) == [], language
    page.close()


FIND_EACH = """async (queries) => {
    const root = document.querySelector("[data-search]");
    const { findPages } = await import(document.querySelector('script[src*="/js/search."]').src);
    const shards = await (await fetch(root.dataset.pagefind + "shards.json")).json();
    const pagefind = await import(root.dataset.pagefind + shards[0] + "pagefind.js");
    const found = [];
    for (const query of queries) {
        // A fresh start for each query: a chunk of the index loaded for one must not help the next.
        await pagefind.destroy();
        await pagefind.options({});
        for (const shard of shards.slice(1)) await pagefind.mergeIndex(root.dataset.pagefind + shard);
        found.push((await findPages(pagefind, query)).results.map((result) => result.id));
    }
    return found;
}"""


def test_a_run_of_characters_finds_exactly_the_pages_that_hold_it(browser, request: pytest.FixtureRequest) -> None:
    # As Ctrl-F would: every page that holds the run, and no page that has its characters apart.
    for fixture in ("site", "sub_path_site"):  # one index, then one in shards
        output, url = request.getfixturevalue(fixture)
        pages = {id: record for id, record in records(output).items() if id.startswith("zh-cn_")}
        texts = {id: HAN_RUN.findall(record["content"].replace("\u200b", "")) for id, record in pages.items()}
        runs = sorted({run[i:i + size] for found in texts.values() for run in found for size in (2, 3, 4) for i in range(len(run) - size + 1)})
        rnd = random.Random(20261205)
        queries = rnd.sample([r for r in runs if len(r) == 2], 40) + rnd.sample([r for r in runs if len(r) > 2], 20)
        page = browser.new_page()
        page.goto(url + "search/")
        page.wait_for_selector("[data-search][data-state=done]")
        for query, found in zip(queries, page.evaluate(FIND_EACH, queries)):
            holding = {id for id, found_runs in texts.items() if any(query in run for run in found_runs)}
            # The pairs of a page's text also span two blocks (a heading's last character, the next
            # paragraph's first), and a longer run's pairs may each be somewhere else on a page.
            tokens = {han_token(query[i:i + 2]) for i in range(len(query) - 1)}
            pairs_held = {id for id, record in pages.items()
                          if tokens <= set(f'{record["meta"].get("grams", "")} {record["meta"].get("title_grams", "")}'.split())}
            assert holding <= set(found) <= pairs_held, (fixture, query)
        page.close()


def test_the_search_script_spells_characters_as_the_index_does(browser, site) -> None:
    _, url = site
    page = browser.new_page()
    page.goto(url + "search/")
    chars = "数字素养\u3400\u9fff\uf900\U00020000\U0003134f"
    spelled = page.evaluate("""async (chars) => {
        const { hanToken } = await import(document.querySelector('script[src*="/js/search."]').src);
        return [...chars].map(hanToken).concat([hanToken(chars)]);
    }""", chars)
    assert spelled == [han_token(c) for c in chars] + [han_token(chars)]
    page.close()


def test_the_traditional_mirror_finds_its_own_pages(browser, site) -> None:
    _, url = site
    page = browser.new_page()
    page.goto(url + "zh-hant/search/?q=" + "金農熱線")
    assert shown(page)[0]["href"] == "/zh-hant/articles/jinnong-hotline/"
    page.close()


def test_a_sharded_index_fetches_its_webassembly_once(browser, sub_path_site) -> None:
    # What a reader pays for shards: each one's small metadata, not a copy of the search engine each.
    output, url = sub_path_site
    shards = json.loads((output / "pagefind" / "shards.json").read_bytes())
    page = browser.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    assert search(page, url, "大梨树")[0]["href"] == "/szsy/articles/dalishu-village/"
    assert sum("/pagefind-entry.json" in u for u in fetched) == len(shards) >= 2  # every shard is searched
    wasm = [u for u in fetched if "/wasm." in u]
    assert len(wasm) == 1 and wasm[0].startswith(url + "pagefind/0/wasm.")
    page.close()


def test_a_result_under_a_sub_path_opens_its_page(browser, sub_path_site) -> None:
    _, url = sub_path_site
    page = browser.new_page()
    results = search(page, url, "大梨树", region="丹东市")
    assert [r["href"] for r in results] == ["/szsy/articles/dalishu-village/"]
    page.click("text=丹东市大梨树村：用数字赋能乡村振兴")
    page.wait_for_url(url + "articles/dalishu-village/")
    page.close()


def test_search_in_the_preview(browser, served) -> None:
    page = browser.new_page()
    results = search(page, served.url, "智慧助老")
    assert results[0]["href"] == "/articles/smart-elderly-courses/"
    page.close()
