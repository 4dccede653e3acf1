#!/usr/bin/env python3
"""What an extraction worker keeps per paper: RSS after each chunk, as the build's workers run.

Each run is a fresh process extracting N papers in chunks of 256 with
`kg.build.executors.extract_chunk`, started either as a pool worker is now
(`_start_worker`: the pipeline frozen, each chunk's garbage collected) or as it was
before (`baseline`: the pipeline loaded, Docs left to the cyclic collector). Runs
alternate; the script prints, per run, the RSS after each chunk past the first 2,048
papers (min / mean / max), its growth per 1,000 papers (least-squares slope), what the
vocabulary counts, papers/s (extraction time only) and whether both gave the same records.

Usage::

    .venv/bin/python bench/worker_memory.py bench/work/corpus-300k.jsonl --skip 100000 --papers 32768
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/ holds scripts named like stdlib modules (html.py): never import from it
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

CHUNK = 256
SETTLED = 2048  # papers after which RSS is read for the figures (the pipeline's first use is over)


def _rss_mb() -> float:
    with Path("/proc/self/statm").open() as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(mode: str, inputs: list[str], skip: int, n: int) -> None:
    """Extract papers `skip`..`skip + n` in this process; one JSON line per chunk."""
    from kg.build import executors
    from kg.ingest import read_papers

    spec = executors.PipelineSpec()
    if mode == "worker":
        executors._start_worker(spec, os.getppid())
    else:
        executors._warm(spec)
    vocab = spec.load().vocab
    papers = itertools.islice(read_papers(inputs), skip, skip + n)
    done, spent, digest = 0, 0.0, hashlib.sha256()
    while chunk := list(itertools.islice(papers, CHUNK)):
        t0 = time.perf_counter()
        out = executors.extract_chunk(spec, chunk)
        spent += time.perf_counter() - t0
        digest.update("\n".join(out).encode())
        done += len(chunk)
        print(json.dumps({"papers": done, "s": spent, "rss": _rss_mb(), "lexemes": len(vocab),
                          "strings": len(vocab.strings), "sha256": digest.hexdigest()}), flush=True)


def summary(rows: list[dict]) -> dict:
    """RSS range and slope past `SETTLED` papers, and speed."""
    settled = [r for r in rows if r["papers"] > SETTLED]
    xs = [r["papers"] / 1000 for r in settled]
    rss = [r["rss"] for r in settled]
    last = rows[-1]
    return {
        "papers": last["papers"],
        "rss_min": round(min(rss), 1),
        "rss_mean": round(statistics.fmean(rss), 1),
        "rss_max": round(max(rss), 1),
        "mb_per_1000": round(statistics.linear_regression(xs, rss).slope, 3),
        "papers_per_s": round(last["papers"] / last["s"], 1),
        "lexemes": last["lexemes"],
        "strings": last["strings"],
        "sha256": last["sha256"][:16],
    }


def run(mode: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, *args.inputs, "--skip", str(args.skip),
           "--papers", str(args.papers), "--child", mode]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return summary([json.loads(line) for line in out.splitlines()])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--skip", type=int, default=0, help="start after this many papers")
    ap.add_argument("--papers", type=int, default=32768)
    ap.add_argument("--rounds", type=int, default=1, help="baseline and worker runs, alternating")
    ap.add_argument("--child", choices=["baseline", "worker"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.inputs, args.skip, args.papers)
        return
    results: dict[str, list[dict]] = {"baseline": [], "worker": []}
    for _ in range(args.rounds):
        for mode in results:
            results[mode].append(run(mode, args))
            print(mode, json.dumps(results[mode][-1]), flush=True)
    base, new = (max(rs, key=lambda r: r["papers_per_s"]) for rs in results.values())
    print(f"mean RSS {new['rss_mean']} vs {base['rss_mean']} MB, max {new['rss_max']} vs "
          f"{base['rss_max']} MB, {new['mb_per_1000']} vs {base['mb_per_1000']} MB per 1,000 papers, "
          f"speed {new['papers_per_s'] / base['papers_per_s']:.3f}x (best of {args.rounds}), records "
          f"{'identical' if new['sha256'] == base['sha256'] else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
