#!/usr/bin/env python3
"""Time and peak memory of `kg.load_graph` on a big graph: the whole graph against projections.

The graph is `kg.samples.synthetic_graph` with about N papers (60% of its nodes), exported as
graph.json and kg.graphml into --work once (reused while the files are there); --graph reads
an existing build directory or graph file instead. Each load runs in a fresh process, so
its peak RSS is its own (a bare start, Python and kg imported, is given too). Rows:
networkx's own reader of the whole file (what load_graph used before it streamed), load_graph
of the whole file, and one per projection with its time and peak RSS as a share of the
whole load's.

Usage::

    .venv/bin/python bench/load_graph.py --papers 50000
    .venv/bin/python bench/load_graph.py --graph outputs/graph.json --projection Method,Dataset:5
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

PROJECTIONS = ["Method,Dataset,Paper:2", "Method,Dataset:2"]  # TYPES:MIN_SUPPORT


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


def _networkx(path: Path) -> Any:
    """The whole graph as networkx reads it (json.load + node_link_graph, or read_graphml)."""
    import networkx as nx

    if path.suffix == ".json":
        with path.open(encoding="utf-8") as fh:
            return nx.node_link_graph(json.load(fh), edges="edges")
    return nx.read_graphml(path, force_multigraph=True, edge_key_type=str)


def measure(path: Path, projection: str | None) -> dict[str, Any]:
    """Load `path` in this process: whole ("" projection), with networkx ("networkx") or a
    projection "TYPES:MIN_SUPPORT" (either part may be empty)."""
    from kg.load import load_graph

    before = _rss_mb()
    start = time.perf_counter()
    if projection == "networkx":
        G = _networkx(path)
    else:
        types, _, support = (projection or "").partition(":")
        G = load_graph(path, types=types or None, min_support=int(support) if support else None)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_mb": round(peak), "start_mb": round(before),
            "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def run_child(path: Path, projection: str) -> dict[str, Any]:
    """`measure` in a fresh Python process."""
    args = [sys.executable, __file__, "--measure", str(path), "--projection", projection]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=50_000, help="papers of the synthetic graph")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "load-graph")
    ap.add_argument("--graph", type=Path, help="an existing build directory or graph file instead")
    ap.add_argument("--projection", action="append",
                    help=f"TYPES:MIN_SUPPORT, repeatable (default: {' and '.join(PROJECTIONS)})")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one load, in a child process
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, (args.projection or [""])[0])))
        return 0
    files = [args.graph] if args.graph else make_graph(args.papers, args.work)
    print(f"{'file':<12} {'MB':>5}  {'load':<22} {'s':>6} {'peak MB':>8} {'nodes':>7} {'edges':>8}"
          f"  {'s/whole':>7} {'MB/whole':>8}")
    for path in files:
        size = sum(f.stat().st_size for f in path.glob("*")) if path.is_dir() else path.stat().st_size
        whole = run_child(path, "")
        rows = [("networkx (before)", run_child(path, "networkx")), ("whole", whole)]
        rows += [(projection, run_child(path, projection)) for projection in args.projection or PROJECTIONS]
        for name, r in rows:
            print(f"{path.name:<12} {size / 1e6:>5.0f}  {name:<22} {r['seconds']:>6.2f} {r['peak_mb']:>8} "
                  f"{r['nodes']:>7} {r['edges']:>8}  {r['seconds'] / whole['seconds']:>7.2f} "
                  f"{r['peak_mb'] / whole['peak_mb']:>8.2f}")
        print(f"{'':<12} {'':>5}  {'(a bare start)':<22} {'':>6} {whole['start_mb']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
