#!/usr/bin/env python3
"""Scale benchmark of `kg build`: time, peak memory and output sizes against corpus size.

For each size (1k and 10k papers; 100k with ``--big``) on a synthetic corpus
(`bench/make_corpus.py`):

* ``extract``: full extraction vs `spacy.blank("en")` tokenization on one core
  (`bench/extract.py`, at most ``--extract-limit`` papers);
* ``build``: a cold ``kg build`` (empty cache) with ``--jobs`` 2 (and 1 for sizes up to
  10k), then a rerun with nothing changed (skipped build), then ``--force`` (every
  extraction from the cache, graph and outputs rebuilt);
* ``dask``: at ``--dask-size`` papers, extraction alone on a Dask LocalCluster with 1
  and 2 workers, and the whole build with ``--scheduler local:1`` / ``local:2``.

Every run is a child process; peak RSS is the largest sum of the RSS of the child and
all its descendants (pool and Dask workers), sampled from /proc every 0.2 s. That sum
counts pages that forked workers share with the build process once per process; the
peak PSS sum (shared pages divided among their processes) is reported beside it.
Results go to ``<work>/scale.json`` and a chart to ``<work>/scale.png``.

Usage::

    .venv/bin/python bench/scale.py                      # 1k, 10k
    .venv/bin/python bench/scale.py --sizes 1000 --skip-dask
    nohup .venv/bin/python bench/scale.py --big --sizes 100000 --skip-dask > bench/work/100k.log &
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# bench/ holds scripts named like stdlib modules (html.py): never import from it
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
PY = sys.executable


# ---------------------------------------------------------------- child side

def _child(args: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import resource

    from kg.build.executors import PipelineSpec

    spec = PipelineSpec(use_model=args["use_model"], gazetteer_path=args.get("gazetteer"))
    t0 = time.perf_counter()
    if args["mode"] == "build":
        from kg.build import build

        report = build(
            [args["corpus"]], args["out"], show_progress=False, pipeline=spec,
            jobs=args.get("jobs", 1), scheduler=args.get("scheduler"),
            cache=args.get("cache"), force=args.get("force", False),
        )
        result: dict[str, Any] = {"report": report}
    elif args["mode"] == "dask_extract":
        import itertools

        from kg.build.executors import extract_chunk, open_executor, ordered_map
        from kg.ingest import read_papers

        papers = list(itertools.islice(read_papers([args["corpus"]]), args.get("limit")))
        chunks = [papers[i : i + 256] for i in range(0, len(papers), 256)]
        with open_executor(spec, scheduler=args["scheduler"]) as ex:
            start_s = time.perf_counter() - t0
            # (opening the executor loaded the pipeline on every worker)
            t1 = time.perf_counter()
            n = sum(len(out) for _, out in ordered_map(ex, extract_chunk, spec, enumerate(chunks)))
            run_s = time.perf_counter() - t1
        result = {"papers": n, "workers": ex.workers, "start_s": round(start_s, 2),
                  "extract_s": round(run_s, 3), "papers_per_s": round(n / run_s, 1)}
    elif args["mode"] == "export_profile":
        result = _export_profile(Path(args["extractions"]))
    else:
        raise SystemExit(f"unknown mode {args['mode']}")
    result["wall_s"] = round(time.perf_counter() - t0, 3)
    result["self_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _export_profile(extractions: Path) -> dict[str, Any]:
    """Graph assembly and each exporter alone: seconds and peak RSS (each export in a fork)."""
    import resource

    from kg.build import OUTPUTS
    from kg.export import export
    from kg.graph import build_graph
    from kg.records import Extraction

    def rss_mb() -> float:
        with Path("/proc/self/status").open() as fh:
            return next(int(x.split()[1]) for x in fh if x.startswith("VmRSS:")) / 1024

    base = rss_mb()
    t0 = time.perf_counter()
    with Path(extractions).open(encoding="utf-8") as fh:
        G = build_graph(Extraction.from_dict(json.loads(line)) for line in fh)
    out: dict[str, Any] = {
        "graph_s": round(time.perf_counter() - t0, 2), "graph_rss_mb": round(rss_mb() - base, 1),
        "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
    }
    before = rss_mb()
    for name, fmt in OUTPUTS.items():
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: export, report time and peak RSS
            os.close(r)
            t1 = time.perf_counter()
            export(G, fmt, Path(f"/tmp/kg-scale-export-{os.getpid()}-{name}"))
            Path(f"/tmp/kg-scale-export-{os.getpid()}-{name}").unlink(missing_ok=True)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            os.write(w, json.dumps([time.perf_counter() - t1, peak]).encode())
            os._exit(0)
        os.close(w)
        data = b""
        while chunk := os.read(r, 65536):
            data += chunk
        os.close(r)
        os.waitpid(pid, 0)
        secs, peak = json.loads(data)
        out[name] = {"s": round(secs, 2), "extra_rss_mb": round(peak - before, 1)}
    return out


# ---------------------------------------------------------------- parent side

def _kb(path: str, field: str) -> int:
    with Path(path).open() as fh:
        return next((int(line.split()[1]) for line in fh if line.startswith(field)), 0)


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """Sums of RSS and of PSS of `root` and its descendants, in kB.

    RSS counts a page shared by several processes (forked workers) once per process;
    PSS divides it among them, so the PSS sum is the memory the tree really holds.
    """
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        entry = proc.name
        if not entry.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            parents[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    rss = pss = 0
    todo, seen = [root], set()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            rss += _kb(f"/proc/{pid}/status", "VmRSS:")
            pss += _kb(f"/proc/{pid}/smaps_rollup", "Pss:")
        except OSError:  # the process just ended
            pass
        todo.extend(children.get(pid, ()))
    return rss, pss


def run_child(args: dict[str, Any], label: str) -> dict[str, Any]:
    """Run one measurement in a child process, sampling its process tree's RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [PY, __file__, "--_child", json.dumps(args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT,
    )
    peak = [0, 0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss = _tree_memory_kb(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            stop.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    stop.set()
    thread.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed ({proc.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["process_wall_s"] = round(wall, 2)
    result["peak_rss_mb"] = round(peak[0] / 1024, 1)
    result["peak_pss_mb"] = round(peak[1] / 1024, 1)
    print(f"  {label}: {wall:.1f} s, peak RSS {peak[0] / 1024:.0f} MB (PSS {peak[1] / 1024:.0f} MB)", flush=True)
    return result


def corpus(work: Path, n: int, seed: int) -> Path:
    path = work / f"corpus-{n}.jsonl"
    if not path.exists():
        subprocess.run([PY, str(ROOT / "bench" / "make_corpus.py"), str(n), "-o", str(path),
                        "--seed", str(seed)], check=True)
    return path


def sizes_of(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}


def bench_size(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    print(f"== {n} papers", flush=True)
    src = corpus(work, n, opts.seed)
    base = {"corpus": str(src), "use_model": not opts.no_model, "gazetteer": opts.gazetteer}
    res: dict[str, Any] = {"papers": n, "corpus_bytes": src.stat().st_size}
    cmd = [PY, str(ROOT / "bench" / "extract.py"), str(src), "--json", "--limit", str(opts.extract_limit)]
    if opts.no_model:
        cmd.append("--no-model")
    if opts.gazetteer:
        cmd += ["--gazetteer", opts.gazetteer]
    res["extract_one_core"] = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                                        text=True, cwd=ROOT).stdout)
    e = res["extract_one_core"]
    print(f"  extraction {e['extract_papers_per_s']} papers/s = "
          f"{100 * e['extract_vs_tokenize']:.1f}% of tokenization ({e['tokenize_papers_per_s']} papers/s)")
    for jobs in (opts.jobs, 1) if n <= 10_000 and opts.jobs != 1 else (opts.jobs,):
        out = work / f"out-{n}-j{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        args = {**base, "mode": "build", "out": str(out), "jobs": jobs, "cache": str(out / ".kg-cache")}
        key = f"build_jobs{jobs}"
        res[key] = run_child(args, f"cold build --jobs {jobs}")
        res[key]["outputs"] = sizes_of(out)
        if jobs == opts.jobs:
            res["rerun_unchanged"] = run_child(args, "rerun, nothing changed")
            if n <= 10_000 or opts.full:
                res["rerun_force"] = run_child({**args, "force": True}, "rerun --force (all from cache)")
            cache = out / ".kg-cache" / "extractions.sqlite"
            res["cache_bytes"] = cache.stat().st_size if cache.exists() else 0
            if n <= 10_000 or opts.full:
                res["export_profile"] = run_child(
                    {**base, "mode": "export_profile", "extractions": str(out / "extractions.jsonl")},
                    "graph assembly and each export alone",
                )
        if not opts.keep:
            shutil.rmtree(out, ignore_errors=True)
    cold = res[f"build_jobs{opts.jobs}"]
    res["summary"] = {
        "build_s": cold["report"]["timings"]["total_s"],
        "build_papers_per_s": round(n / cold["report"]["timings"]["total_s"], 1),
        "extract_and_graph_papers_per_s": round(n / cold["report"]["timings"]["extract_and_graph_s"], 1),
        "peak_rss_mb": cold["peak_rss_mb"],
        "peak_pss_mb": cold["peak_pss_mb"],
        "rerun_s": res["rerun_unchanged"]["report"]["timings"]["total_s"],
        "rerun_process_s": res["rerun_unchanged"]["process_wall_s"],
        "rerun_force_s": res["rerun_force"]["report"]["timings"]["total_s"] if "rerun_force" in res else None,
        "rerun_vs_build": round(res["rerun_unchanged"]["process_wall_s"] / cold["process_wall_s"], 4),
    }
    return res


def bench_dask(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    print(f"== dask, {n} papers", flush=True)
    src = corpus(work, n, opts.seed)
    base = {"corpus": str(src), "use_model": not opts.no_model, "gazetteer": opts.gazetteer}
    res: dict[str, Any] = {"papers": n}
    for w in (1, 2):
        res[f"extract_local{w}"] = run_child(
            {**base, "mode": "dask_extract", "scheduler": f"local:{w}"}, f"dask extraction, {w} worker(s)"
        )
    for w in (1, 2):
        out = work / f"out-dask-{n}-{w}"
        shutil.rmtree(out, ignore_errors=True)
        res[f"build_local{w}"] = run_child(
            {**base, "mode": "build", "out": str(out), "scheduler": f"local:{w}"},
            f"kg build --scheduler local:{w}",
        )
        shutil.rmtree(out, ignore_errors=True)
    t = {w: res[f"build_local{w}"]["report"]["timings"] for w in (1, 2)}
    res["summary"] = {
        "extract_speedup": round(res["extract_local2"]["papers_per_s"] / res["extract_local1"]["papers_per_s"], 3),
        "extract_and_graph_speedup": round(t[1]["extract_and_graph_s"] / t[2]["extract_and_graph_s"], 3),
        "build_speedup": round(t[1]["total_s"] / t[2]["total_s"], 3),
    }
    print(f"  speed-up 2 vs 1 worker: {res['summary']}", flush=True)
    return res


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"], key=int)
    xs = [int(s) for s in sizes]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    series = {
        "cold build": lambda r: r["summary"]["build_s"],
        "rerun --force (cached extraction)": lambda r: r["summary"]["rerun_force_s"],
        "rerun, nothing changed": lambda r: r["summary"]["rerun_process_s"],
        "extraction alone, 1 core": lambda r: r["papers"] / r["extract_one_core"]["extract_papers_per_s"],
        "tokenization alone, 1 core": lambda r: r["papers"] / r["extract_one_core"]["tokenize_papers_per_s"],
    }
    for name, get in series.items():
        points = [(x, get(results["sizes"][s])) for x, s in zip(xs, sizes, strict=True)]
        points = [(x, y) for x, y in points if y is not None]
        ax1.plot([x for x, _ in points], [y for _, y in points], marker="o", label=name)
    ax1.set(xscale="log", yscale="log", xlabel="papers", ylabel="seconds", title="time")
    ax1.legend(fontsize=8)
    ax2.plot(xs, [results["sizes"][s]["summary"]["peak_rss_mb"] for s in sizes], marker="o",
             label="cold build, peak RSS (all processes)")
    pss = [(x, results["sizes"][s]["summary"].get("peak_pss_mb")) for x, s in zip(xs, sizes, strict=True)]
    ax2.plot([x for x, y in pss if y], [y for _, y in pss if y], marker="o", label="cold build, peak PSS")
    ax2.set(xscale="log", xlabel="papers", ylabel="MB", title="peak memory")
    ax2.legend(fontsize=8)
    fig.suptitle(f"kg build scale ({results['machine']})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> None:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "--_child":
        print(json.dumps(_child(json.loads(sys.argv[2]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    ap.add_argument("--big", action="store_true", help="add 100000 (takes long)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dask-size", type=int, default=10_000)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--extract-limit", type=int, default=5000, help="papers for the one-core extraction bench")
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--gazetteer", default=None, help="gazetteer directory (default: shipped)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    ap.add_argument("--keep", action="store_true", help="keep the output directories")
    ap.add_argument("--full", action="store_true", help="also --force rerun and export profile above 10k")
    opts = ap.parse_args(argv)
    opts.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in opts.sizes.split(",") if s]
    if opts.big and 100_000 not in sizes:
        sizes.append(100_000)
    results_path = opts.work / "scale.json"
    try:
        results = json.loads(results_path.read_text())
    except (OSError, ValueError):
        results = {"sizes": {}}
    results["machine"] = f"{os.cpu_count()} cores, load avg {os.getloadavg()[0]:.1f} at start"
    results["options"] = {k: str(v) for k, v in vars(opts).items()}
    for n in sizes:
        results["sizes"][str(n)] = bench_size(n, opts.work, opts)
        results_path.write_text(json.dumps(results, indent=1))
    if not opts.skip_dask:
        results["dask"] = bench_dask(opts.dask_size, opts.work, opts)
        results_path.write_text(json.dumps(results, indent=1))
    chart(results, opts.work / "scale.png")
    for n, r in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
        print(n, json.dumps(r["summary"]))
    print(f"-> {results_path}, {opts.work / 'scale.png'}")


if __name__ == "__main__":
    main()
