#!/usr/bin/env python3
"""Benchmark: the build's diff index, in memory (before) vs sorted files and a merge-join (now).

A synthetic graph shaped like a 100k-paper build (``--papers``: about 2.7 nodes and 14
edges a paper: papers, results, entities; IDs and labels like kg's) is generated on the
fly, so the graph itself holds no memory; the previous build's graph is the same with 2%
of the papers replaced. Each step runs in a child process:

* ``previous``: the previous build's index, in each format (not compared);
* ``in memory``: `graph_index` + `load_index` of the previous one + `diff_index` + writing
  the unsorted file, as kg did (`tests/index_reference.py`);
* ``sorted``: `BuildState.write_index` (external sort, chunks of ``--chunk-lines``) +
  `BuildState.diff` (merge-join) + `BuildState.save`;
* ``sorted, older previous``: the same against a previous index in the older unsorted
  format, sorted on the fly (the first build after an upgrade).

Peak memory is the child's peak RSS (``ru_maxrss``) above its RSS before the step
(code loaded); ``--tracemalloc`` adds the peak of Python allocations (slower). Both ways
must give the same diff.

Usage::

    .venv/bin/python bench/build_index.py                     # 100k papers
    .venv/bin/python bench/build_index.py --papers 10000 --tracemalloc
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# run as a script: put the repo (not bench/, whose html.py would shadow the stdlib) first
sys.path[0] = str(ROOT)

from kg.build.cache import INDEX_CHUNK_LINES, BuildState, index_lines  # noqa: E402
from tests.index_reference import diff_index, graph_index, load_index, save_index  # noqa: E402

ENTITIES = {"method": 40_000, "dataset": 12_000, "metric": 3_000, "task": 15_000}
PREDICATE = {"method": "uses", "dataset": "evaluatedOn", "metric": "measuredBy", "task": "addresses"}
WORDS = "deep sparse graph neural network attention robust learning vision language model transfer".split()


class SyntheticGraph:
    """Papers ``first`` .. ``first + papers - 1`` with their results and entities, made on the fly."""

    def __init__(self, papers: int, first: int = 0) -> None:
        self.papers = range(first, first + papers)
        self.scale = max(1, papers // 1000)

    def nodes(self, data: bool) -> Iterator[tuple[str, dict[str, Any]]]:
        for kind, count in ENTITIES.items():
            for i in range(count * self.scale // 100):
                yield f"{kind}:{_name(i)}", {"type": kind.capitalize(), "label": _name(i).replace("-", " ")}
        for p in self.papers:
            title, results = _paper(p)
            yield f"paper:{2400000 + p}", {"type": "Paper", "label": title}
            for n, value in enumerate(results):
                yield f"result:{2400000 + p}:{n}", {"type": "Result", "label": value}

    def edges(self, keys: bool) -> Iterator[tuple[str, str, str]]:
        for p in self.papers:
            rng = random.Random(-1 - p)
            pid = f"paper:{2400000 + p}"
            picked = {kind: _name(rng.randrange(count * self.scale // 100)) for kind, count in ENTITIES.items()}
            for kind, count in ENTITIES.items():
                for _ in range(3 if kind == "method" else 2):
                    yield pid, f"{kind}:{_name(rng.randrange(count * self.scale // 100))}", PREDICATE[kind]
            yield pid, f"method:{picked['method']}", "proposes"
            for n in range(len(_paper(p)[1])):
                rid = f"result:{2400000 + p}:{n}"
                yield pid, rid, "reports"
                for kind in ("method", "dataset", "metric"):
                    yield rid, f"{kind}:{picked[kind]}", f"result{kind.capitalize()}"


def _paper(p: int) -> tuple[str, list[str]]:
    """The title and the result values of paper number `p`."""
    rng = random.Random(p)
    title = " ".join(rng.choices(WORDS, k=8)).capitalize()
    return title, [f"{rng.uniform(10, 99):.1f}%" for _ in range(rng.randrange(3))]


def _name(i: int) -> str:
    """A stable entity name for number `i`."""
    return f"{WORDS[i % len(WORDS)]}-{WORDS[i // len(WORDS) % len(WORDS)]}-{i}"


def _graphs(papers: int) -> tuple[SyntheticGraph, SyntheticGraph]:
    """The previous and the new build's graphs: 2% of the papers replaced."""
    changed = papers // 50
    return SyntheticGraph(papers), SyntheticGraph(papers, first=changed)


def _rss_mb() -> float:
    with Path("/proc/self/status").open() as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def _child(step: str, work: Path, papers: int, chunk_lines: int, trace: bool) -> dict[str, Any]:
    """Run one step and measure it."""
    import tracemalloc

    old, new = _graphs(papers)
    legacy = work / "legacy" / "builds" / "index.gz"
    state = BuildState(work / ("older" if step == "sorted-older" else "sorted"), work, chunk_lines)
    before = _rss_mb()
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    diff: dict[str, Any] | None = None
    if step == "previous":
        legacy.parent.mkdir(parents=True, exist_ok=True)
        save_index(graph_index(old), legacy)
        state.save({}, state.write_index(old))
        older = BuildState(work / "older", work, chunk_lines)
        older.dir.mkdir(parents=True, exist_ok=True)
        save_index(graph_index(old), older.legacy_index_path)
    elif step == "in-memory":
        index = graph_index(new)
        diff = diff_index(load_index(legacy), index)
        save_index(index, legacy.with_name("index.new.gz"))
    else:
        path = state.write_index(new)
        diff = state.diff(path)
        state.save({}, path)
    seconds = time.perf_counter() - t0
    written = {"in-memory": legacy.with_name("index.new.gz"), "previous": legacy}.get(step, state.index_path)
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"step": step, "seconds": seconds, "peak_rss_mb": peak - before, "tracemalloc_mb": traced,
            "index_mb": written.stat().st_size / 1e6, "diff": diff}


def _run(step: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", step, "--work", str(work), "--papers", str(args.papers),
           "--chunk-lines", str(args.chunk_lines)] + (["--tracemalloc"] if args.tracemalloc else [])
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)  # type: ignore[no-any-return]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--chunk-lines", type=int, default=INDEX_CHUNK_LINES)
    ap.add_argument("--tracemalloc", action="store_true", help="also the peak of Python allocations (slower)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.work, args.papers, args.chunk_lines, args.tracemalloc)))
        return 0
    new = _graphs(args.papers)[1]
    nodes, edges = sum(1 for _ in new.nodes(data=True)), sum(1 for _ in new.edges(keys=True))
    spilled = sum(len(line.encode()) for line in index_lines(new)) / 1e6
    print(f"{args.papers:,} papers: {nodes:,} nodes, {edges:,} edges; index lines {spilled:.0f} MB "
          f"(spilled while sorting); chunks of {args.chunk_lines:,} lines")
    with tempfile.TemporaryDirectory(prefix="kg-bench-index-") as tmp:
        work = Path(tmp)
        rows = [_run(step, args, work) for step in ("previous", "in-memory", "sorted", "sorted-older")]
    traced = " (tracemalloc peak)" if args.tracemalloc else ""
    print(f"{'step':<16}{'time s':>9}{'index file MB':>15}{'peak RSS MB':>14}{traced}")
    for r in rows:
        extra = f"  ({r['tracemalloc_mb']:.1f})" if r["tracemalloc_mb"] is not None else ""
        print(f"{r['step']:<16}{r['seconds']:>9.2f}{r['index_mb']:>15.1f}{r['peak_rss_mb']:>14.1f}{extra}")
    memory, streamed, older = rows[1], rows[2], rows[3]
    assert streamed["diff"] == memory["diff"] == older["diff"], "the two ways disagree"
    d = memory["diff"]
    print(f"same diff: +{d['nodes_added']:,} -{d['nodes_removed']:,} nodes, "
          f"+{d['edges_added']:,} -{d['edges_removed']:,} edges")
    print(f"sorted / in memory: time {streamed['seconds'] / memory['seconds']:.2f}, "
          f"peak RSS {streamed['peak_rss_mb'] / memory['peak_rss_mb']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
