"""The editors' guide (docs/editing.md) cannot drift from the tool.

Every example file the guide shows is a real file under tests/guide/, included verbatim after
an HTML comment naming it (`<!-- example: PATH -->` or `<!-- output: PATH -->`), and checked here:

- tests/guide/site/ is a small site holding the guide's example articles; it must build cleanly.
- tests/guide/mistakes/<name>/ holds one broken file (laid over a copy of that site) and
  `expected.txt`, the exact lines `build` prints for it.
- tests/guide/warnings/<name>/ is the same for the warnings of `check`.
- tests/guide/build-warnings/<name>/ is the same for warnings that `build` prints too.
- tests/guide/new-article/ holds the file `liaoning-site new article` writes for the guide's command.

Builds use a fixed moment (`--as-of`), so that the examples about publishing dates and `expires`
read the same whatever day the tests run. The tool runs in Chinese (`--lang zh`), the language of
the guide and its editors, whatever LIAONING_SITE_LANG says.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from liaoning_site.cli import main
from liaoning_site.slugs import make_slug
from liaoning_site.validate import ARTICLE_KEYS

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "editing.md"
GUIDE_FILES = ROOT / "tests" / "guide"
SITE = GUIDE_FILES / "site"
MISTAKES = GUIDE_FILES / "mistakes"
WARNINGS = GUIDE_FILES / "warnings"
BUILD_WARNINGS = GUIDE_FILES / "build-warnings"
AS_OF = "2025-06-20T09:00"  # the moment the guide's examples are built "at" (Asia/Shanghai)

# The command the guide shows for a new article, and the file it writes.
NEW_TITLE = "大连市老年人学用智能手机"
NEW_COMMAND = f'liaoning-site new article "{NEW_TITLE}" --scenario digital-life --region 大连市'
NEW_FILE = GUIDE_FILES / "new-article" / "content" / "articles" / "da-lian-shi-lao-nian-ren-xue-yong-zhi-neng-shou-ji.md"

_MARKER = re.compile(r"^<!-- (example|output): (\S+) -->$")
_FENCE = re.compile(r"^(`{3,}|~{3,})(\S*)\s*$")


# --- Reading the guide -------------------------------------------------------------------------


def guide_blocks(text: str) -> list[tuple[str | None, str | None, str, str, int]]:
    """Every fenced block of the guide: (marker kind, marked path, info string, content, line)."""
    lines = text.split("\n")
    blocks = []
    marker: tuple[str, str] | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        found = _MARKER.match(line)
        if found:
            marker = (found[1], found[2])
            i += 1
            continue
        opening = _FENCE.match(line)
        if opening:
            fence, info = opening[1], opening[2]
            body = []
            i += 1
            while i < len(lines) and not (lines[i].startswith(fence[0] * len(fence)) and lines[i].strip(fence[0]) == ""):
                body.append(lines[i])
                i += 1
            assert i < len(lines), f"docs/editing.md:{i}: a fenced block never closes"
            content = "".join(b + "\n" for b in body)
            kind, path = marker if marker else (None, None)
            blocks.append((kind, path, info, content, i))
            marker = None
        elif line.strip() and marker is not None:
            raise AssertionError(f"docs/editing.md:{i + 1}: `<!-- {marker[0]}: {marker[1]} -->` must be followed by a fenced block")
        i += 1
    return blocks


GUIDE_TEXT = GUIDE.read_text(encoding="utf-8")
BLOCKS = guide_blocks(GUIDE_TEXT)
MARKED = [(kind, path, content) for kind, path, _, content, _ in BLOCKS if path]


def file_text(path: Path) -> str:
    """A fixture's text; the not-UTF-8 example is shown in the guide as the Chinese it contains (GBK)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gbk")


# --- Building ----------------------------------------------------------------------------------


def copy_guide_site(dest: Path) -> Path:
    """tests/guide/site in a temporary folder, its theme pointed at this repository."""
    shutil.copytree(SITE, dest, ignore=shutil.ignore_patterns(".cache", "_site"))
    site_yml = dest / "content" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8").replace("theme: ../../..", f"theme: {ROOT}"), encoding="utf-8")
    return dest


def overlay(case: Path, site: Path) -> None:
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_file() and rel.as_posix() != "expected.txt":
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, site / rel)


def diagnostic_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run the command line in-process, in Chinese (the guide's language); returns (exit code, stdout, stderr)."""
    code = main([str(a) for a in args] + ["--lang", "zh"])
    out, err = capsys.readouterr()
    return code, out, err


def article_url(source: Path) -> str:
    """The page path of an example article: its `slug`, else its title in pinyin."""
    text = source.read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    return f"articles/{meta.get('slug') or make_slug(meta['title'])}/"


EXAMPLE_ARTICLES = sorted(
    path for kind, path, _ in MARKED if kind == "example" and path.startswith("tests/guide/site/content/articles/")
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's site built once, with drafts, at the fixed moment; returns the output folder."""
    tmp = tmp_path_factory.mktemp("guide")
    site = copy_guide_site(tmp / "site")
    out = tmp / "out"
    code = main(["build", "--source", str(site), "--output", str(out), "--drafts", "--as-of", AS_OF, "--lang", "zh"])
    assert code == 0
    return out


# --- (1) the guide shows the files as they are ----------------------------------------------------


@pytest.mark.parametrize("kind,path,content", MARKED, ids=[f"{k}:{p}" for k, p, _ in MARKED])
def test_guide_block_equals_file(kind: str, path: str, content: str) -> None:
    target = ROOT / path
    assert target.is_file(), f"docs/editing.md names {path}, which does not exist"
    assert content == file_text(target), f"the block after `<!-- {kind}: {path} -->` differs from the file"


def test_every_other_block_is_a_command() -> None:
    """Only shell commands may be shown without naming a checked file."""
    loose = [(line, info) for kind, _, info, _, line in BLOCKS if kind is None and info != "sh"]
    assert loose == [], "fenced blocks in docs/editing.md without `<!-- example: ... -->` must be ```sh commands"


def test_outputs_are_expected_files() -> None:
    for kind, path, _ in MARKED:
        assert (kind == "output") == path.endswith("expected.txt"), path


def test_guide_shows_every_fixture() -> None:
    """No fixture is left unexplained: each case and each example article appears in the guide."""
    shown = {path for _, path, _ in MARKED}
    fixtures = [p for folder in (MISTAKES, WARNINGS, BUILD_WARNINGS) for case in folder.iterdir() for p in case.rglob("*") if p.is_file()]
    fixtures += list((SITE / "content" / "articles").rglob("*.md")) + [NEW_FILE]
    missing = sorted(p.relative_to(ROOT).as_posix() for p in fixtures if p.relative_to(ROOT).as_posix() not in shown)
    assert missing == []


# --- (2) the example site builds cleanly --------------------------------------------------------


def test_guide_site_builds_without_warnings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = copy_guide_site(tmp_path / "site")
    code, out, err = run(capsys, "build", "--source", site, "--output", tmp_path / "out", "--drafts", "--as-of", AS_OF)
    assert code == 0, err
    assert diagnostic_lines(err) == []
    assert EXAMPLE_ARTICLES, "the guide shows no example article"
    for path in EXAMPLE_ARTICLES:
        page = tmp_path / "out" / article_url(ROOT / path) / "index.html"
        assert page.is_file(), f"{path} has no page"


def test_guide_site_passes_check(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = copy_guide_site(tmp_path / "site")
    code, out, err = run(capsys, "check", "--source", site, "--strict")
    assert code == 0, err
    assert diagnostic_lines(err) == []


def test_publishing_follows_draft_date_and_expires(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """What the guide says about `draft`, future dates and `expires`, moment by moment."""
    site = copy_guide_site(tmp_path / "site")

    def published(as_of: str, *flags: str) -> set[str]:
        out = tmp_path / f"out-{len(list(tmp_path.iterdir()))}"
        code, _, err = run(capsys, "build", "--source", site, "--output", out, "--as-of", as_of, *flags)
        assert code == 0, err
        return {p.name for p in (out / "articles").iterdir()} if (out / "articles").is_dir() else set()

    during = published(AS_OF)
    assert "topic-notice" in during and "jinnong-hotline" in during
    assert "campaign-review" not in during  # draft: true
    assert "campaign-review" in published(AS_OF, "--drafts")
    assert "topic-notice" not in published("2025-07-01T00:00")  # expires: 2025-07-01T00:00
    assert "topic-notice" in published("2025-06-30T23:59")
    assert "topic-notice" not in published("2025-06-12T07:59")  # date: 2025-06-12T08:00, not yet
    assert "topic-notice" in published("2025-06-12T07:59", "--future")


def test_links_images_and_figures_as_the_guide_says(built: Path) -> None:
    page = (built / "articles" / "links-and-images" / "index.html").read_text(encoding="utf-8")
    assert 'href="/articles/jinnong-hotline/"' in page
    assert 'href="/articles/gao-xiao-kai-she-zhi-hui-zhu-lao-ke-cheng/"' in page
    assert 'href="/articles/gao-xiao-kai-she-zhi-hui-zhu-lao-ke-cheng/#参与的高校"' in page
    assert 'href="/scenarios/digital-life/"' in page and 'href="/about/"' in page and 'href="/archive/"' in page
    assert 'src="/articles/links-and-images/training-class.png"' in page
    assert (built / "articles" / "links-and-images" / "training-class.png").is_file()
    assert 'src="/images/campaign-poster.png"' in page
    assert (built / "images" / "campaign-poster.png").is_file()
    # `region: 大连` and `大连市` are one region, 大连市.
    region = (built / "regions" / "da-lian" / "index.html").read_text(encoding="utf-8")
    assert "链接与图片的写法示例" in region and "大连市" in region
    # The cover beside its article is published next to the article's page; figures keep their wording.
    hotline = (built / "articles" / "jinnong-hotline" / "index.html").read_text(encoding="utf-8")
    assert 'src="/articles/jinnong-hotline/jinnong-hotline-cover.png"' in hotline
    assert "金农热线专家在田间用手机为农户讲解种植技术" in hotline
    assert "3000万" in hotline and "超过1200万" in hotline and "3.6万" in hotline
    assert '<h2 id="服务成效">' in hotline


def test_raw_html_as_the_guide_says(built: Path) -> None:
    kept = (built / "articles" / "raw-html" / "index.html").read_text(encoding="utf-8")
    for markup in ("<mark>", "<sup>", "<sub>", '<abbr title="人工智能">', "<details>", "<summary>", 'rowspan="2"', 'colspan="2"', "<caption>"):
        assert markup in kept, markup
    video = (built / "articles" / "video" / "index.html").read_text(encoding="utf-8")
    assert '<iframe src="https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7"' in video


def test_removed_html_as_the_guide_says(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = copy_guide_site(tmp_path / "site")
    overlay(BUILD_WARNINGS / "raw-html-removed", site)
    code, out, err = run(capsys, "build", "--source", site, "--output", tmp_path / "out", "--as-of", AS_OF)
    assert code == 0, err
    removed = (tmp_path / "out" / "articles" / "raw-html-removed" / "index.html").read_text(encoding="utf-8")
    prose = removed.split('class="prose"', 1)[1].split("</div>", 1)[0]
    assert "红色文字" in prose and "这个链接" in prose
    for markup in ("<script", "<iframe", "onclick", "style=", "javascript:", "alert"):
        assert markup not in prose, markup


# --- (3) each mistake prints exactly what the guide says -------------------------------------


@pytest.mark.parametrize("case", sorted(p.name for p in MISTAKES.iterdir()))
def test_mistake_prints_expected_lines(case: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = copy_guide_site(tmp_path / "site")
    overlay(MISTAKES / case, site)
    code, out, err = run(capsys, "build", "--source", site, "--output", tmp_path / "out", "--as-of", AS_OF)
    expected = (MISTAKES / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert diagnostic_lines(err) == expected
    assert code == 1
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", sorted(p.name for p in WARNINGS.iterdir()))
def test_check_warning_prints_expected_lines(case: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = copy_guide_site(tmp_path / "site")
    overlay(WARNINGS / case, site)
    expected = (WARNINGS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    code, out, err = run(capsys, "check", "--source", site)
    assert diagnostic_lines(err) == expected
    assert code == 0  # a warning alone does not fail
    code, out, err = run(capsys, "check", "--source", site, "--strict")
    assert code == 1
    code, out, err = run(capsys, "build", "--source", site, "--output", tmp_path / "out", "--as-of", AS_OF)
    assert code == 0 and diagnostic_lines(err) == []  # `build` does not run these checks


@pytest.mark.parametrize("case", sorted(p.name for p in BUILD_WARNINGS.iterdir()))
def test_build_warning_prints_expected_lines(case: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = copy_guide_site(tmp_path / "site")
    overlay(BUILD_WARNINGS / case, site)
    expected = (BUILD_WARNINGS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    code, out, err = run(capsys, "build", "--source", site, "--output", tmp_path / "out", "--as-of", AS_OF)
    assert code == 0 and diagnostic_lines(err) == expected
    code, out, err = run(capsys, "check", "--source", site)
    assert code == 0 and diagnostic_lines(err) == expected
    code, out, err = run(capsys, "check", "--source", site, "--strict")
    assert code == 1


# --- `new article` writes the file the guide shows ----------------------------------------------


def test_new_article_writes_the_file_shown(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert NEW_COMMAND in GUIDE_TEXT
    site = copy_guide_site(tmp_path / "site")
    code, out, err = run(capsys, "new", "article", NEW_TITLE, "--scenario", "digital-life", "--region", "大连市", "--source", site)
    assert code == 0, err
    created = site / NEW_FILE.relative_to(GUIDE_FILES / "new-article")
    assert "删掉 `draft: true` 即可发布" in out
    # The file holds the day it was made; the guide's copy was made on 2025-06-16.
    text = re.sub(r"^date: \d{4}-\d{2}-\d{2}$", "date: 2025-06-16", created.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert text == NEW_FILE.read_text(encoding="utf-8")
    code, out, err = run(capsys, "new", "article", NEW_TITLE, "--scenario", "digital-life", "--source", site)
    assert code == 1 and "已经存在，没有写入任何内容" in err
    # A new article is a draft: the site still builds, and the draft appears only with --drafts.
    code, out, err = run(capsys, "build", "--source", site, "--output", tmp_path / "out", "--drafts", "--future")
    assert code == 0, err
    assert (tmp_path / "out" / "articles" / "da-lian-shi-lao-nian-ren-xue-yong-zhi-neng-shou-ji" / "index.html").is_file()


# --- (4) every front matter key is explained ------------------------------------------------------


@pytest.mark.parametrize("key", ARTICLE_KEYS)
def test_guide_explains_key(key: str) -> None:
    assert f"`{key}`" in GUIDE_TEXT


# --- Running the tool inside the site folder (the editors' usual way, `--source .`) ---------------


def test_build_inside_the_site_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_guide_site(tmp_path / "site")
    monkeypatch.chdir(site)
    code, out, err = run(capsys, "build", "--output", tmp_path / "out", "--as-of", AS_OF)
    assert code == 0, err
    overlay(MISTAKES / "missing-title", site)
    code, out, err = run(capsys, "build", "--output", tmp_path / "out", "--as-of", AS_OF)
    assert diagnostic_lines(err) == (MISTAKES / "missing-title" / "expected.txt").read_text(encoding="utf-8").splitlines()
