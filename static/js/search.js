// The search page: results from Pagefind's index (pagefind/, built with the site by search.py).
// Without JavaScript the page is a plain form; this script shows the results under it, and keeps
// the query and the filters in the address (?q=…&scenario=…) so that a search can be shared.

// The same ranges as HAN in src/liaoning_site/searchtext.py.
const HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}\u{30000}-\u{3134f}";
const HAN_RUN = new RegExp(`[${HAN}]+`, "gu");
const QUOTES = /["“”「」『』]/g;
const PAGE_SIZE = 10;
const EXCERPT_RADIUS = 45; // characters shown on each side of the first hit

/**
 * The index word that stands for these Chinese characters: the letter q, then each character's
 * code point in four base-36 digits (han_token in searchtext.py). Letters and digits are one word
 * to the segmenter Pagefind runs on the query, which would cut a pair of characters in two.
 */
export function hanToken(chars) {
  return "q" + [...chars].map((c) => c.codePointAt(0).toString(36).padStart(4, "0")).join("");
}

/**
 * The words to ask Pagefind for. A run of Chinese characters becomes its pairs of neighbouring
 * characters (智能工厂 -> 智能 能工 工厂), as tokens: every page holds all of its own pairs, so a
 * page is found wherever the run appears in it, however a segmenter would cut the run into words.
 * A lone character is looked up as the beginning of the tokens of its pairs.
 */
export function pagefindQuery(query) {
  const words = [];
  for (const word of query.replace(QUOTES, " ").split(/\s+/)) {
    let last = 0;
    for (const match of word.matchAll(HAN_RUN)) {
      if (match.index > last) words.push(word.slice(last, match.index));
      const chars = [...match[0]];
      if (chars.length === 1) words.push(hanToken(chars[0]));
      for (let i = 0; i + 1 < chars.length; i++) words.push(hanToken(chars[i] + chars[i + 1]));
      last = match.index + match[0].length;
    }
    if (last < word.length) words.push(word.slice(last));
  }
  return [...new Set(words.filter((w) => w.trim()))].join(" ");
}

/**
 * Pagefind's results for a query (null: filters alone), only the pages that hold every word of it.
 * Pagefind leaves out of a query a word that no page of an index has: a shard without 能工 would
 * list its pages with 智能 and 工厂 for 智能工厂. So each word is also looked up alone (its chunks
 * of the index are loaded by then), and a result must be among the pages found for each.
 */
export async function findPages(pagefind, query, filters = {}) {
  const words = query ? pagefindQuery(query) : "";
  const found = await pagefind.search(query ? words : null, { filters });
  const each = words.split(" ");
  if (each.length < 2) return found;
  const alone = await Promise.all(each.map((word) => pagefind.search(word)));
  const holding = alone.map((one) => new Set(one.results.map((result) => result.id)));
  return { ...found, results: found.results.filter((result) => holding.every((ids) => ids.has(result.id))) };
}

/** The words of a query to highlight, longest first, as typed. */
export function highlightTerms(query) {
  const terms = query.replace(QUOTES, " ").split(/\s+/).filter(Boolean);
  return [...new Set(terms)].sort((a, b) => b.length - a.length);
}

const fold = (text) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** `text` cut into [piece, isHit] parts around every occurrence of `terms`. */
export function marked(text, terms) {
  const folded = fold(text);
  const hits = [];
  for (const term of terms.map(fold)) {
    for (let at = folded.indexOf(term); term && at >= 0; at = folded.indexOf(term, at + term.length)) {
      if (!hits.some(([start, end]) => at < end && at + term.length > start)) hits.push([at, at + term.length]);
    }
  }
  hits.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let last = 0;
  for (const [start, end] of hits) {
    if (start > last) parts.push([text.slice(last, start), false]);
    parts.push([text.slice(start, end), true]);
    last = end;
  }
  if (last < text.length) parts.push([text.slice(last), false]);
  return parts;
}

/**
 * A short passage of a page's text around its first hit (or its beginning), as [piece, isHit]
 * parts. The text begins with the title, which the result shows already: the passage comes after.
 */
export function excerpt(content, terms, title = "", radius = EXCERPT_RADIUS) {
  // Pagefind keeps the page's text with zero-width spaces between the words it found.
  // Thin spaces between Chinese and Latin letters or digits (the site's typography) are kept.
  let text = content.replace(/\u200b/g, "").replace(/[ \t\n\r]+/g, " ").trim();
  if (title && text.startsWith(title)) text = text.slice(title.length).replace(/^[.\s]+/, "");
  const folded = fold(text);
  const firsts = terms.map((t) => folded.indexOf(fold(t))).filter((at) => at >= 0);
  const first = firsts.length ? Math.min(...firsts) : 0;
  const start = Math.max(0, first - radius);
  const end = Math.min(text.length, first + radius * 2);
  const parts = marked(text.slice(start, end), terms);
  if (start > 0) parts.unshift(["…", false]);
  if (end < text.length) parts.push(["…", false]);
  return parts;
}

function appendParts(element, parts) {
  for (const [piece, hit] of parts) {
    if (hit) {
      const mark = document.createElement("mark");
      mark.textContent = piece;
      element.append(mark);
    } else {
      element.append(piece);
    }
  }
}

function resultItem(data, terms) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "search-result-title";
  const link = document.createElement("a");
  link.href = data.url;
  appendParts(link, marked(data.meta.title || data.url, terms));
  heading.append(link);
  item.append(heading);
  const facts = [data.meta.date, data.meta.scenario].filter(Boolean);
  if (facts.length) {
    const meta = document.createElement("p");
    meta.className = "search-result-meta";
    meta.textContent = facts.join(" · ");
    item.append(meta);
  }
  const passage = document.createElement("p");
  passage.className = "search-result-excerpt";
  appendParts(passage, excerpt(data.content, terms, data.meta.title));
  item.append(passage);
  return item;
}

async function start(root) {
  const form = root.querySelector("form");
  const input = form.elements.q;
  const selects = [...root.querySelectorAll("select[data-filter]")];
  const status = root.querySelector("[data-status]");
  const list = root.querySelector("[data-results]");
  const more = root.querySelector("[data-more]");
  const messages = {};
  for (const el of root.querySelector("template[data-messages]").content.querySelectorAll("[data-message]")) {
    messages[el.dataset.message] = el.textContent;
  }
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of selects) {
    const wanted = params.get(select.name);
    if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }
  root.querySelector("[data-filters]").hidden = false;

  let pagefind;
  try {
    // The index comes in shards (see search.py): the first one's library searches them all.
    const shards = await (await fetch(root.dataset.pagefind + "shards.json")).json();
    // A site with nothing to index has no shard: every search finds nothing.
    pagefind = shards.length ? await import(root.dataset.pagefind + shards[0] + "pagefind.js") : { options() {}, search: async () => ({ results: [] }) };
    // Pairs from a page's title count more than pairs from its text (see searchtext.py).
    const options = { baseUrl: root.dataset.base, ranking: { metaWeights: { title_grams: 10, grams: 1 } } };
    await pagefind.options(options);
    await Promise.all(shards.slice(1).map((shard) => pagefind.mergeIndex(root.dataset.pagefind + shard, options)));
  } catch (error) {
    status.textContent = messages.error;
    throw error;
  }

  let latest = 0;
  let shown = { results: [], count: 0, terms: [] };

  async function showMore() {
    const current = shown;
    const batch = current.results.slice(current.count, current.count + PAGE_SIZE);
    current.count += batch.length;
    more.disabled = true;
    const pages = await Promise.all(batch.map((result) => result.data()));
    if (current !== shown) return; // a newer search replaced these results meanwhile
    for (const data of pages) list.append(resultItem(data, current.terms));
    more.disabled = false;
    more.hidden = current.count >= current.results.length;
  }

  async function search() {
    const query = input.value.trim();
    const filters = {};
    for (const select of selects) if (select.value) filters[select.name] = select.value;
    const address = new URLSearchParams();
    if (query) address.set("q", query);
    for (const [name, value] of Object.entries(filters)) address.set(name, value);
    history.replaceState(null, "", address.toString() ? `?${address}` : location.pathname);
    const id = ++latest;
    delete root.dataset.state;
    if (query || Object.keys(filters).length) {
      status.textContent = messages.loading;
      let found;
      try {
        found = await findPages(pagefind, query, filters);
      } catch (error) {
        status.textContent = messages.error;
        throw error;
      }
      if (id !== latest) return; // a newer search has started meanwhile
      list.replaceChildren();
      shown = { results: found.results, count: 0, terms: highlightTerms(query) };
      const count = String(found.results.length);
      if (!found.results.length) status.textContent = messages.none.replace("{q}", query);
      else status.textContent = (query ? messages.found : messages.filtered).replace("{n}", count);
      await showMore();
    } else {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
    }
    if (id === latest) root.dataset.state = "done"; // the results of the latest search are shown
  }

  let timer;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  };
  // While an input method composes (pinyin before the characters are chosen), wait for its result.
  input.addEventListener("input", (event) => event.isComposing || later());
  input.addEventListener("compositionend", later);
  for (const select of selects) select.addEventListener("change", search);
  more.addEventListener("click", showMore);
  await search();
}

const root = typeof document === "undefined" ? null : document.querySelector("[data-search]");
if (root) start(root);
