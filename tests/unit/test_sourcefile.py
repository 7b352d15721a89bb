"""sourcefile: editors' files are read as UTF-8 (BOM or not, any line ending); errors point at the bad byte."""

from __future__ import annotations

from pathlib import Path

from liaoning_site.diagnostics import Diagnostics
from liaoning_site.sourcefile import read_text


def read(tmp_path: Path, raw: bytes) -> tuple[str | None, list[str]]:
    path = tmp_path / "a.md"
    path.write_bytes(raw)
    diagnostics = Diagnostics()
    text = read_text(path, "content/articles/a.md", diagnostics)
    return text, [d.format() for d in diagnostics.items]


def test_strips_utf8_bom(tmp_path: Path) -> None:
    text, problems = read(tmp_path, "\ufeff---\ntitle: 标题\n".encode("utf-8"))
    assert problems == [] and text == "---\ntitle: 标题\n"


def test_turns_crlf_into_lf(tmp_path: Path) -> None:
    text, _ = read(tmp_path, "---\r\ntitle: 标题\r\n---\r\n正文\r\n".encode("utf-8"))
    assert text == "---\ntitle: 标题\n---\n正文\n"


def test_turns_lone_cr_into_lf(tmp_path: Path) -> None:
    text, _ = read(tmp_path, b"---\rtitle: x\r---\r")
    assert text == "---\ntitle: x\n---\n"


def test_keeps_utf8_chinese_as_is(tmp_path: Path) -> None:
    text, problems = read(tmp_path, "正文，第一段。\n".encode("utf-8"))
    assert problems == [] and text == "正文，第一段。\n"


def test_reports_gbk_file_at_the_first_bad_byte(tmp_path: Path) -> None:
    text, problems = read(tmp_path, "---\ntitle: 你好\n---\n".encode("gbk"))
    assert text is None
    assert problems == ["content/articles/a.md:2:8: error: file is not valid UTF-8 (byte 0xc4); save it as UTF-8"]


def test_column_of_bad_byte_counts_characters_after_chinese(tmp_path: Path) -> None:
    # `title: 辽宁` in UTF-8, then a GBK 你: the bad byte is the 10th character of line 2.
    raw = "---\ntitle: 辽宁".encode("utf-8") + "你".encode("gbk") + b"\n"
    _, problems = read(tmp_path, raw)
    assert problems == ["content/articles/a.md:2:10: error: file is not valid UTF-8 (byte 0xc4); save it as UTF-8"]


def test_position_and_byte_of_bad_byte_ignore_the_bom(tmp_path: Path) -> None:
    # The BOM is invisible in every editor: the bad byte is the 8th character of line 2, and it is 0xc4.
    raw = b"\xef\xbb\xbf---\ntitle: " + "你".encode("gbk") + b"\n"
    _, problems = read(tmp_path, raw)
    assert problems == ["content/articles/a.md:2:8: error: file is not valid UTF-8 (byte 0xc4); save it as UTF-8"]


def test_line_of_bad_byte_counts_crlf_lines(tmp_path: Path) -> None:
    raw = b"---\r\ntitle: x\r\nsummary: " + "你".encode("gbk") + b"\r\n"
    _, problems = read(tmp_path, raw)
    assert problems == ["content/articles/a.md:3:10: error: file is not valid UTF-8 (byte 0xc4); save it as UTF-8"]


def test_line_of_bad_byte_counts_lone_cr_lines(tmp_path: Path) -> None:
    # Lone CR is a line ending this module accepts, so it must count for positions too.
    raw = b"---\rtitle: x\rsummary: " + "你".encode("gbk") + b"\r"
    _, problems = read(tmp_path, raw)
    assert problems == ["content/articles/a.md:3:10: error: file is not valid UTF-8 (byte 0xc4); save it as UTF-8"]


def test_reports_missing_file(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    assert read_text(tmp_path / "nope.md", "content/articles/nope.md", diagnostics) is None
    assert [d.format() for d in diagnostics.items] == [
        "content/articles/nope.md:1:1: error: cannot read file: No such file or directory"
    ]


def test_reports_folder_in_place_of_a_file(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    assert read_text(tmp_path, "content/site.yml", diagnostics) is None
    assert [d.format() for d in diagnostics.items] == ["content/site.yml:1:1: error: cannot read file: Is a directory"]
