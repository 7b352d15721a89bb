"""Other generators building the same corpus, for `run.py --compare`.

Each one gets the corpus's articles in its own layout (converted before timing starts)
and the minimal equivalent templates kept beside this file (hugo/, pelican/, mkdocs/,
eleventy/): article pages with table of contents, paginated lists, tag pages, feeds
where the tool makes them by default.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import yaml

HERE = Path(__file__).resolve().parent


def articles(source: Path) -> Iterator[tuple[str, dict, str]]:
    """(relative folder, front matter, body) for each article of a corpus."""
    root = source / "content" / "articles"
    for path in sorted(root.rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        yield path.parent.relative_to(root).as_posix(), yaml.safe_load(front), body


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def fresh(dest: Path, template: str) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(HERE / template, dest, ignore=shutil.ignore_patterns("node_modules", "package*.json"))
    return dest


@dataclass(frozen=True)
class Generator:
    command: str  # what must be on PATH (or installed) to run it
    prepare: Callable[[Path, Path], list[str]]  # corpus, work dir -> the build command

    def available(self) -> bool:
        if self.command == "eleventy":
            return (HERE / "eleventy" / "node_modules" / ".bin" / "eleventy").exists()
        return shutil.which(self.command) is not None

    def build(self, source: Path, dest: Path, timed):
        command = self.prepare(source, dest)
        return timed(command, cwd=dest)


def prepare_hugo(source: Path, dest: Path) -> list[str]:
    fresh(dest, "hugo")
    for folder, meta, body in articles(source):
        front = {
            "title": meta["title"], "date": str(meta["date"]), "slug": meta["slug"], "tags": meta.get("tags", []),
            "scenarios": meta["scenarios"], "regions": [meta["region"]] if meta.get("region") else [],
            "groups": meta.get("groups", []),
        }
        write(dest / "content" / "articles" / folder / f"{meta['slug']}.md", f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{body}")
    return ["hugo", "--quiet", "--destination", str(dest / "public")]


def prepare_pelican(source: Path, dest: Path) -> list[str]:
    fresh(dest, "pelican")
    for folder, meta, body in articles(source):
        header = [
            f"Title: {meta['title']}", f"Date: {meta['date']}", f"Slug: {meta['slug']}",
            f"Category: {meta['scenarios'][0]}", f"Tags: {', '.join(meta.get('tags', []))}",
        ]
        write(dest / "content" / folder / f"{meta['slug']}.md", "\n".join(header) + "\n\n" + body)
    return ["pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]


def prepare_mkdocs(source: Path, dest: Path) -> list[str]:
    fresh(dest, "mkdocs")
    write(dest / "docs" / "index.md", "# 辽宁省全民数字素养与技能提升月\n")
    for folder, meta, body in articles(source):
        front = {"title": meta["title"], "date": str(meta["date"]), "tags": meta.get("tags", [])}
        write(dest / "docs" / "articles" / folder / f"{meta['slug']}.md", f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n# {meta['title']}\n\n{body}")
    return ["mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", "site"]


def prepare_eleventy(source: Path, dest: Path) -> list[str]:
    fresh(dest, "eleventy")
    for folder, meta, body in articles(source):
        front = {"title": meta["title"], "date": str(meta["date"]), "slug": meta["slug"], "tags": meta.get("tags", [])}
        write(dest / "src" / "articles" / folder / f"{meta['slug']}.md", f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{body}")
    binary = HERE / "eleventy" / "node_modules" / ".bin" / "eleventy"
    return [str(binary), "--input=src", "--output=out", "--quiet"]


COMPARISONS = {
    "hugo": Generator("hugo", prepare_hugo),
    "pelican": Generator("pelican", prepare_pelican),
    "mkdocs": Generator("mkdocs", prepare_mkdocs),
    "eleventy": Generator("eleventy", prepare_eleventy),
}


if __name__ == "__main__":  # quick check: python benchmarks/compare.py CORPUS NAME
    import sys

    corpus, name = Path(sys.argv[1]), sys.argv[2]
    command = COMPARISONS[name].prepare(corpus, HERE / "work" / name)
    print(subprocess.run(command, cwd=HERE / "work" / name, check=False).returncode)
