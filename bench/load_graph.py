#!/usr/bin/env python3
"""Time and peak memory of `kg.load_graph` on a big graph: the whole graph against a projection.

The graph is `kg.samples.synthetic_graph` with about N papers (60% of its nodes), exported as
graph.json and kg.graphml into --work once (reused while the files are there); --graph reads
an existing build directory or graph file instead. Each load runs in a fresh process, so
its peak RSS is its own; the table gives seconds, peak RSS, and the projection's share of
both.

Usage::

    .venv/bin/python bench/load_graph.py --papers 50000
    .venv/bin/python bench/load_graph.py --graph outputs/graph.json --types Method,Dataset --min-support 5
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# bench/ holds scripts named like stdlib modules (html.py): never import from it
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

TYPES, SUPPORT = "Method,Dataset,Paper", 2  # the default projection


def make_graph(papers: int, work: Path) -> list[Path]:
    """graph.json and kg.graphml of a synthetic graph of about `papers` papers in `work`."""
    from kg.export import export
    from kg.samples import synthetic_graph

    files = [work / "graph.json", work / "kg.graphml"]
    if all(f.is_file() for f in files):
        return files
    work.mkdir(parents=True, exist_ok=True)
    G = synthetic_graph(round(papers / 0.6))
    export(G, "json", files[0])
    export(G, "graphml", files[1])
    return files


def _rss_mb() -> float:
    """Resident set size of this process now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(path: Path, types: str | None, min_support: int | None) -> dict[str, Any]:
    """Load `path` (whole when `types` and `min_support` are None) in this process."""
    from kg.load import load_graph

    before = _rss_mb()
    start = time.perf_counter()
    G = load_graph(path, types=types, min_support=min_support)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_mb": round(peak), "start_mb": round(before),
            "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def run_child(path: Path, types: str | None, min_support: int | None) -> dict[str, Any]:
    """`measure` in a fresh Python process."""
    args = [sys.executable, __file__, "--measure", str(path)]
    args += ["--types", types] if types else []
    args += ["--min-support", str(min_support)] if min_support else []
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=50_000, help="papers of the synthetic graph")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "load-graph")
    ap.add_argument("--graph", type=Path, help="an existing build directory or graph file instead")
    ap.add_argument("--types", help=f"node types of the projection (default {TYPES})")
    ap.add_argument("--min-support", type=int, help=f"papers an entity of the projection needs (default {SUPPORT})")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one load, in a child process
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.types, args.min_support)))
        return 0
    if args.types is None and args.min_support is None:
        args.types, args.min_support = TYPES, SUPPORT
    files = [args.graph] if args.graph else make_graph(args.papers, args.work)
    print(f"projection: types={args.types} min_support={args.min_support}")
    print(f"{'file':<12} {'MB':>6} {'load':<10} {'s':>7} {'peak MB':>8} {'nodes':>8} {'edges':>9}")
    for path in files:
        size = sum(f.stat().st_size for f in path.glob("*")) if path.is_dir() else path.stat().st_size
        whole = run_child(path, None, None)
        part = run_child(path, args.types, args.min_support)
        for name, r in (("whole", whole), ("projection", part)):
            print(f"{path.name:<12} {size / 1e6:>6.0f} {name:<10} {r['seconds']:>7.2f} {r['peak_mb']:>8} "
                  f"{r['nodes']:>8} {r['edges']:>9}")
        base = whole["start_mb"]
        print(f"{'':<12} {'':>6} {'ratio':<10} {part['seconds'] / whole['seconds']:>7.2f} "
              f"{part['peak_mb'] / whole['peak_mb']:>8.2f}   (above the {base} MB of a bare start: "
              f"{(part['peak_mb'] - base) / max(1, whole['peak_mb'] - base):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
