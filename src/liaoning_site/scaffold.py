"""`liaoning-site new article`: a new article file with complete, valid front matter, as a draft."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from . import diagnostics as msg
from .diagnostics import Diagnostics, tr
from .load import load_document
from .slugs import make_slug
from .validate import CITIES, REGIONS, SHANGHAI, validate_scenario

BODY = """这里写导语：用一两句话说明这篇报道讲了什么、发生在哪里、涉及哪些人。

## 主要做法

- 第一项做法；
- 第二项做法。

## 取得成效

写明具体成效。数字请与原始报道保持一致，例如“800多万人次”不要改成“800万人次”。
"""


class ScaffoldError(Exception):
    """The article cannot be created; the message says why and what to do."""


def known_scenarios(source: Path) -> list[str]:
    slugs = []
    for path in sorted((source / "content" / "scenarios").glob("*.md")):
        diagnostics = Diagnostics()
        doc = load_document(path, path.relative_to(source).as_posix(), "scenario", diagnostics)
        scenario = validate_scenario(doc, diagnostics) if doc else None
        if scenario is not None:
            slugs.append(scenario.slug)
    return slugs


def new_article(source: Path, title: str, scenario: str, region: str | None = None, today: dt.date | None = None) -> Path:
    """Write content/articles/<slug>.md and return its path; never overwrites a file."""
    title = title.strip()
    if not title:
        raise ScaffoldError(tr(
            "the title is empty; write it in quotes: liaoning-site new article \"标题\" --scenario digital-life",
            "标题是空的；请把标题写在引号里：liaoning-site new article \"标题\" --scenario digital-life",
        ))
    scenarios = known_scenarios(source)
    if scenario not in scenarios:
        raise ScaffoldError(msg.unknown_value(tr("scenario", "场景"), scenario, scenarios))
    if region is not None:
        canonical = region if region in REGIONS else region + "市"
        if canonical not in REGIONS:
            city = msg.closest(region.removesuffix("市"), CITIES, cutoff=0.5)
            raise ScaffoldError(msg.unknown_value(tr("region", "地区"), region, REGIONS, city + "市" if city else None))
        region = canonical
    slug = make_slug(title)
    if not slug:
        raise ScaffoldError(tr(f"cannot make a file name from the title {title!r}", f"无法根据标题 {title!r} 生成文件名"))
    path = source / "content" / "articles" / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(tr(
            f"{path.relative_to(source).as_posix()} already exists; nothing was written (choose another title, or edit that file)",
            f"{path.relative_to(source).as_posix()} 已经存在，没有写入任何内容（请换一个标题，或直接编辑那个文件）",
        ))
    front = {
        "title": title,
        "slug": slug,
        "date": today or dt.datetime.now(SHANGHAI).date(),
        "scenarios": [scenario],
        "kind": "case-study",
        "summary": "用一两句话概括这篇报道（不超过120个字）。",
        **({"region": region} if region else {}),
        "tags": [],
        "draft": True,
    }
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + BODY
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as f:  # "x": fail rather than overwrite, even in a race
        f.write(text)
    return path
