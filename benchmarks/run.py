"""Benchmark liaoning-site on synthetic corpora and print one table.

    python benchmarks/run.py                      # 1,000 and 10,000 articles
    python benchmarks/run.py --sizes 1000,10000,50000
    python benchmarks/run.py --compare hugo,pelican,mkdocs,eleventy

For each size: a cold build (no cache, no output), a warm build (nothing changed), a build
after one article's body was edited (the median of three such builds), and in `serve` the time
from saving an article to the reload event reaching a connected browser (the median of five).
Peak memory is the largest proportional set size (PSS, so forked workers' shared pages count
once) of the build's process tree.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import make_corpus  # noqa: E402
from compare import COMPARISONS  # noqa: E402


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    stages: dict[str, float] = field(default_factory=dict)  # ours, with --timings: seconds by stage


@dataclass
class Row:
    size: int
    cold: Measure | None = None
    warm: Measure | None = None
    edit: Measure | None = None
    reload_ms: float | None = None
    others: dict[str, Measure] = field(default_factory=dict)


def tree_pss_kb(pid: int) -> int:
    """Sum of PSS over a process and its descendants (Linux /proc).

    Each thread lists its own children: a process started from a thread (Pagefind, by the search
    stage's threads) is found under that thread, not under the main one.
    """
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            for thread in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{thread}/children") as f:
                    pending += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration, PermissionError):
            continue
    return total


def timed(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Measure:
    """Run a command to completion; wall time and peak memory of its process tree.

    The disk's write-back of what the previous command wrote (a cold build: 1.5 GB at 10,000
    articles) is finished first, untimed: otherwise it was billed to the builds that followed.
    """
    os.sync()
    peak = last = 0
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while process.poll() is None:
        # A level counts once two samples in a row reach it: a child caught between vfork and exec
        # shares its parent's memory and would be counted twice for a moment.
        current = tree_pss_kb(process.pid)
        peak, last = max(peak, min(current, last)), current
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    err = process.stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return Measure(seconds, peak / 1024, stage_timings(err))


def stage_timings(err: str) -> dict[str, float]:
    """`build --timings` output -> {stage: seconds}, with counts and paths taken out of the names."""
    stages: dict[str, float] = {}
    for line in err.split("time per stage:\n", 1)[1].splitlines() if "time per stage:" in err else []:
        found = re.fullmatch(r"\s*([\d.]+) s  (.+)", line)
        if found:
            name = "writing the output" if found[2].startswith("writing ") else re.sub(r"\d+", "N", found[2])
            stages[name] = float(found[1])
    return stages


def our_build(source: Path, *extra: str) -> Measure:
    env = {**os.environ, "CI": "true", "LIAONING_SITE_LANG": "en"}
    return timed([sys.executable, "-m", "liaoning_site", "build", "--source", str(source), "--timings", *extra], env=env)


def edit_article(source: Path, n: int) -> Path:
    article = next((source / "content" / "articles").rglob("a000007.md"))
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\n\n", f"\n\n第{n}次修改的段落。\n\n", 1), encoding="utf-8")
    return article


def edit_builds(source: Path, edits: int = 3) -> Measure:
    """Median time of `edits` builds, each after one article's body was edited; the largest peak.

    One build varies by ±15% on a shared 2-core machine: the median of three says more.
    """
    measures = []
    for n in range(edits):
        edit_article(source, 1 + n)
        measures.append(our_build(source))
    median = sorted(measures, key=lambda m: m.seconds)[len(measures) // 2]
    return Measure(median.seconds, max(m.peak_mb for m in measures), median.stages)


def serve_reload_ms(source: Path, edits: int = 5) -> float:
    """Median time from saving an article to the reload event arriving on an open SSE connection."""
    process = subprocess.Popen(
        [sys.executable, "-m", "liaoning_site", "serve", "--source", str(source), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        match = re.search(r"http://([\d.]+):(\d+)/", process.stdout.readline())
        assert match, "serve did not start"
        events: list[float] = []
        ready = threading.Event()

        def listen() -> None:
            conn = http.client.HTTPConnection(match[1], int(match[2]), timeout=120)
            conn.request("GET", "/__liaoning/events")
            response = conn.getresponse()
            while True:
                line = response.fp.readline()
                if not line:
                    return
                if line.startswith(b"data:"):
                    events.append(time.perf_counter())
                    ready.set()

        threading.Thread(target=listen, daemon=True).start()
        ready.wait(30)
        latencies = []
        for n in range(edits):
            seen = len(events)
            saved = time.perf_counter()
            edit_article(source, 100 + n)
            deadline = time.monotonic() + 60
            while len(events) == seen and time.monotonic() < deadline:
                time.sleep(0.002)
            latencies.append((events[seen] - saved) * 1000)
            time.sleep(0.3)
        return statistics.median(latencies)
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_size(size: int, workdir: Path, compare: list[str]) -> Row:
    source = workdir / f"corpus-{size}"
    make_corpus(size, source)
    row = Row(size)
    for folder in (source / ".cache", source / "_site"):
        shutil.rmtree(folder, ignore_errors=True)
    row.cold = our_build(source)
    report(size, "cold build", row.cold)
    row.warm = our_build(source)
    report(size, "warm build", row.warm)
    row.edit = edit_builds(source)
    report(size, "one edit", row.edit)
    row.reload_ms = serve_reload_ms(source)
    print(f"  {size}: serve reload {row.reload_ms:.0f} ms", file=sys.stderr, flush=True)
    for name in compare:
        runner = COMPARISONS[name]
        if runner.available():
            row.others[name] = runner.build(source, workdir / f"{name}-{size}", timed)
            report(size, name, row.others[name])
    return row


def report(size: int, what: str, measure: Measure) -> None:
    """Each figure as soon as it is measured: a long run shows its progress and loses nothing."""
    print(f"  {size}: {what} {measure.seconds:.2f} s, {measure.peak_mb:.0f} MB", file=sys.stderr, flush=True)


def fmt(measure: Measure | None) -> str:
    return f"{measure.seconds:7.2f} s" if measure else "      –  "


def print_table(rows: list[Row], compare: list[str]) -> None:
    print()
    print("| articles | cold build | peak memory | warm build | one edit | serve reload |")
    print("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row.size:,} | {fmt(row.cold)} | {row.cold.peak_mb:6.0f} MB | {fmt(row.warm)} | {fmt(row.edit)} | {row.reload_ms:5.0f} ms |")
    print()
    print("Where a cold build's time goes (`build --timings`):")
    print()
    print("| stage | " + " | ".join(f"{row.size:,} articles" for row in rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for stage in dict.fromkeys(name for row in rows for name in row.cold.stages):
        print(f"| {stage} | " + " | ".join(f"{row.cold.stages.get(stage, 0):.2f} s" for row in rows) + " |")
    if compare:
        print()
        print("| articles | generator | cold build | peak memory | liaoning-site is faster by |")
        print("|---:|---|---:|---:|---:|")
        for row in rows:
            for name in compare:
                other = row.others.get(name)
                if other is None:
                    print(f"| {row.size:,} | {name} | not installed | | |")
                    continue
                ratio = other.seconds / row.cold.seconds
                print(f"| {row.size:,} | {name} | {fmt(other)} | {other.peak_mb:6.0f} MB | {ratio:.2f}× |")


def compile_bytecode() -> None:
    """Compile the package as `pip install` does: where PYTHONDONTWRITEBYTECODE is set (some CI and
    sandbox images), an editable install would otherwise compile every module on every run."""
    import compileall
    import liaoning_site

    compileall.compile_dir(Path(liaoning_site.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--compare", default="", help=f"comma-separated, from: {', '.join(COMPARISONS)}")
    parser.add_argument("--workdir", type=Path, default=HERE / "work")
    args = parser.parse_args()
    compare = [c for c in args.compare.split(",") if c]
    unknown = [c for c in compare if c not in COMPARISONS]
    if unknown:
        parser.error(f"unknown generator(s): {', '.join(unknown)}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{size} articles…", file=sys.stderr, flush=True)
        rows.append(run_size(size, args.workdir, compare))
    print_table(rows, compare)


if __name__ == "__main__":
    main()
