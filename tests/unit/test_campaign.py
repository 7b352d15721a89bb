"""campaign: content/campaign.yml -> Campaign (the month, its figures, its lines of work)."""

from __future__ import annotations

import datetime as dt

from liaoning_site.campaign import Figure, Line, validate_campaign
from liaoning_site.diagnostics import Diagnostics
from liaoning_site.yamlsource import parse_yaml

C = "content/campaign.yml"
CAMPAIGN = (
    "name: 2025年全民数字素养与技能提升月\n"
    "year: 2025\n"
    "theme: 数智赋能 全民共享\n"
    "start: 2025-06-12\n"
    "end: 2025-06-30\n"
    'hashtag: "#数字辽宁#"\n'
    "organisers:\n"
    "  count: 13\n"
    "  named: [省委网信办, 省教育厅]\n"
    "figures:\n"
    "  - {label: 培训, value: 30多, unit: 万人次, note: 全省合计}\n"
    "lines:\n"
    "  - {slug: publicity, title: 宣传, summary: 宣传。}\n"
    "  - {slug: training, title: 培训}\n"
)


def campaign_of(text: str):
    diagnostics = Diagnostics()
    doc = parse_yaml(text, C, diagnostics)
    assert doc is not None, [d.format() for d in diagnostics.items]
    campaign = validate_campaign(doc, diagnostics)
    return campaign, [d.format() for d in diagnostics.sorted()]


def test_reads_a_full_campaign() -> None:
    campaign, problems = campaign_of(CAMPAIGN)
    assert problems == []
    assert campaign.name == campaign.short_name == "2025年全民数字素养与技能提升月"
    assert campaign.year == 2025 and campaign.theme == "数智赋能 全民共享"
    assert campaign.start == dt.date(2025, 6, 12) and campaign.end == dt.date(2025, 6, 30)
    assert campaign.hashtag == "#数字辽宁#"
    assert campaign.organiser_count == 13 and campaign.organisers == ("省委网信办", "省教育厅")
    assert campaign.figures == (Figure("培训", "30多", "万人次", "全省合计"),)
    assert campaign.lines == (Line("publicity", "宣传", "宣传。"), Line("training", "培训", ""))


def test_year_defaults_to_the_start_year() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("year: 2025\n", "").replace("2025-06-12", "2026-06-12").replace("2025-06-30", "2026-06-30"))
    assert problems == [] and campaign.year == 2026


def test_start_date_time_becomes_a_day() -> None:
    campaign, _ = campaign_of(CAMPAIGN.replace("start: 2025-06-12", "start: 2025-06-12T09:00:00"))
    assert campaign.start == dt.date(2025, 6, 12)


def test_rejects_missing_start() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("start: 2025-06-12\n", ""))
    assert campaign is None
    assert problems == [f"{C}:1:1: error: missing required key `start`"]


def test_rejects_start_with_slashes() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("start: 2025-06-12", "start: 2025/06/12"))
    assert campaign is None
    assert problems == [f"{C}:4:8: error: expected a date like 2025-06-12 or 2025-06-12T09:30:00+08:00, found '2025/06/12'"]


def test_rejects_empty_theme() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("theme: 数智赋能 全民共享", "theme:"))
    assert campaign is None
    assert problems == [f"{C}:3:1: error: `theme` is empty; give it a value"]


def test_rejects_two_digit_year() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("year: 2025", "year: 25"))
    assert campaign is None
    assert problems == [f"{C}:2:7: error: expected `year` to be a whole number of at least 2000, found 25"]


def test_rejects_unsafe_line_slug() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("slug: training", "slug: Training"))
    assert campaign is None
    assert problems == [
        f"{C}:14:12: error: slug 'Training' is not a single safe URL segment: use lower-case letters, digits and single hyphens"
    ]


def test_rejects_line_listed_twice() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("slug: training", "slug: publicity"))
    assert campaign is None
    assert problems == [f"{C}:14:12: error: line of work `publicity` is listed twice"]


def test_rejects_line_without_title() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("{slug: training, title: 培训}", "{slug: training}"))
    assert campaign is None
    assert problems == [f"{C}:14:5: error: missing required key `title`"]


def test_rejects_figure_without_value() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("value: 30多, ", ""))
    assert campaign is None
    assert problems == [f"{C}:11:5: error: missing required key `value`"]


def test_figure_value_keeps_the_editors_wording() -> None:
    # `value` is shown as written: 3.50亿元 must not turn into 3.5, nor 010 into 8.
    text = CAMPAIGN.replace("value: 30多, unit: 万人次", "value: 3.50, unit: 亿元").replace(
        "figures:\n", "figures:\n  - {label: 编号, value: 010}\n"
    )
    campaign, problems = campaign_of(text)
    assert problems == []
    assert [f.value for f in campaign.figures] == ["010", "3.50"]


def test_warns_on_unknown_keys_with_suggestions() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("hashtag:", "hashtags:").replace("  count: 13", "  counts: 13"))
    assert campaign is not None
    assert problems == [
        f"{C}:6:1: warning: unknown key `hashtags` (did you mean `hashtag`?); it is ignored",
        f"{C}:8:3: warning: unknown key `counts` (did you mean `count`?); it is ignored",
    ]


def test_rejects_campaign_that_is_a_list() -> None:
    campaign, problems = campaign_of("- name: 提升月\n")
    assert campaign is None
    assert problems == [f"{C}:1:1: error: expected a mapping (`key: value` lines), found [{{'name': '提升月'}}]"]


def test_missing_file_gives_no_campaign_and_no_extra_error() -> None:
    diagnostics = Diagnostics()
    assert validate_campaign(None, diagnostics) is None
    assert diagnostics.items == []


def test_end_before_start_is_an_error() -> None:
    campaign, problems = campaign_of(CAMPAIGN.replace("end: 2025-06-30", "end: 2025-06-01"))
    assert campaign is None
    assert any(p.endswith("error: the campaign ends (2025-06-01) before it starts (2025-06-12)") for p in problems)
