#!/usr/bin/env python3
"""Scale benchmark of `kg build`: time, peak memory and output sizes against corpus size.

For each size (1k and 10k papers; 100k with ``--big``) on a synthetic corpus
(`bench/make_corpus.py`):

* ``extract``: full extraction vs `spacy.blank("en")` tokenization on one core
  (`bench/extract.py`, at most ``--extract-limit`` papers);
* ``build``: a cold ``kg build`` (empty cache) with ``--jobs`` 2 (and 1 for sizes up to
  10k), then a rerun with nothing changed (skipped build), then ``--force`` (every
  extraction from the cache, graph and outputs rebuilt), once with the paper details in
  the graph (the previous layout, ``details_on_disk=False``) and once with them on disk
  (`kg.details`), for the ratio of the two in the same run (``--no-compare`` skips it);
* ``dask``: at ``--dask-size`` papers, extraction alone on a Dask LocalCluster with 1
  and 2 workers, and the whole build with ``--scheduler local:1`` / ``local:2``.

Every run is a child process; peak RSS is the largest sum of the RSS of the child and
all its descendants (pool and Dask workers), sampled from /proc every 0.2 s. That sum
counts pages that forked workers share with the build process once per process; the
peak PSS sum (shared pages divided among their processes) is reported beside it. Each
build's ``phases`` give the peak RSS of the tree and of the build process alone during
each step (from the step timings in ``build.json``).
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
sys.path.insert(0, str(ROOT / "tests" / "adversarial"))
from measure import children_by_parent  # noqa: E402 - the process-tree walk of the hostile-input suite

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

        build_t0 = time.time()
        report = build(
            [args["corpus"]], args["out"], show_progress=False, pipeline=spec,
            jobs=args.get("jobs", 1), scheduler=args.get("scheduler"),
            cache=args.get("cache"), force=args.get("force", False),
            details_on_disk=args.get("details_on_disk", True),
        )
        result: dict[str, Any] = {"report": report, "build_t0": build_t0}
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
    import tempfile

    from kg.build import OUTPUTS
    from kg.details import DetailTable
    from kg.export import export
    from kg.graph import build_graph
    from kg.records import Extraction

    def rss_mb() -> float:
        with Path("/proc/self/status").open() as fh:
            return next(int(x.split()[1]) for x in fh if x.startswith("VmRSS:")) / 1024

    def graph(details: Any = None) -> tuple[Any, dict[str, Any]]:
        base = rss_mb()
        t0 = time.perf_counter()
        with Path(extractions).open(encoding="utf-8") as fh:
            G = build_graph((Extraction.from_dict(json.loads(line)) for line in fh), details=details)
        return G, {"s": round(time.perf_counter() - t0, 2), "rss_mb": round(rss_mb() - base, 1)}

    def lean_graph() -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as tmp:
            table = DetailTable(Path(tmp) / "details.sqlite")
            return graph(table)[1]

    from kg.nlp.gazetteer import known_acronyms

    known_acronyms()  # loaded by graph assembly: not part of the graph's memory
    lean = _in_fork(lean_graph)
    G, full = graph()
    out: dict[str, Any] = {
        "graph_s": full["s"], "graph_rss_mb": full["rss_mb"],
        "graph_details_on_disk_s": lean["s"], "graph_details_on_disk_rss_mb": lean["rss_mb"],
        "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
    }
    before = rss_mb()
    for name, fmt in OUTPUTS.items():

        def write(fmt: str = fmt, name: str = name) -> list[float]:
            t1 = time.perf_counter()
            export(G, fmt, Path(f"/tmp/kg-scale-export-{os.getpid()}-{name}"))
            Path(f"/tmp/kg-scale-export-{os.getpid()}-{name}").unlink(missing_ok=True)
            return [time.perf_counter() - t1, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]

        secs, peak = _in_fork(write)
        out[name] = {"s": round(secs, 2), "extra_rss_mb": round(peak - before, 1)}
    return out


def _in_fork(func: Any) -> Any:
    """`func()` run in a forked child (its memory freed with it); its JSON result."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, json.dumps(func()).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data)


# ---------------------------------------------------------------- parent side

def _kb(path: str, field: str) -> int:
    with Path(path).open() as fh:
        return next((int(line.split()[1]) for line in fh if line.startswith(field)), 0)


def _tree_memory_kb(root: int) -> tuple[int, int, int]:
    """Sums of RSS and of PSS of `root` and its descendants, and the RSS of `root`, in kB.

    RSS counts a page shared by several processes (forked workers) once per process;
    PSS divides it among them, so the PSS sum is the memory the tree really holds.
    """
    children = children_by_parent()
    rss = pss = own = 0
    todo, seen = [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            kb = _kb(f"/proc/{pid}/status", "VmRSS:")
            rss += kb
            own = kb if pid == root else own
            pss += _kb(f"/proc/{pid}/smaps_rollup", "Pss:")
        except OSError:  # the process just ended
            pass
        todo.extend(children.get(pid, ()))
    return rss, pss, own


# the build's steps in the order it runs them (`build.json` timings); the store loads beside them
_PHASES = ("pipeline_version_s", "start_workers_s", "extract_and_graph_s", "write_kg.ttl_s", "write_kg.graphml_s",
           "write_graph.json_s", "write_kg.html_s", "wait_store_s", "diff_s")


def phase_peaks(samples: list[tuple[float, int, int]], build_t0: float, timings: dict[str, float]) -> dict[str, Any]:
    """Peak RSS of the process tree and of the build process alone during each step of the build,
    from (time, tree RSS kB, build process RSS kB) samples; the steps' bounds come from their timings."""
    out: dict[str, Any] = {}
    start = build_t0
    for name in _PHASES:
        if name not in timings:
            continue
        end = start + timings[name]
        inside = [s for s in samples if start <= s[0] < end]
        if inside:
            out[name.removesuffix("_s")] = {
                "s": round(timings[name], 2),
                "tree_peak_mb": round(max(s[1] for s in inside) / 1024, 1),
                "main_peak_mb": round(max(s[2] for s in inside) / 1024, 1),
                "main_end_mb": round(inside[-1][2] / 1024, 1),
            }
        start = end
    return out


def run_child(args: dict[str, Any], label: str) -> dict[str, Any]:
    """Run one measurement in a child process, sampling its process tree's RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [PY, __file__, "--_child", json.dumps(args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT,
    )
    peak = [0, 0]
    samples: list[tuple[float, int, int]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss, own = _tree_memory_kb(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            samples.append((time.time(), rss, own))
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
    if "build_t0" in result:
        result["phases"] = phase_peaks(samples, result["build_t0"], result["report"]["timings"])
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
            if opts.compare:  # the previous layout first, then the current one, same cache
                res["rerun_force_details_in_graph"] = run_child(
                    {**args, "force": True, "details_on_disk": False},
                    "rerun --force, paper details in the graph (previous layout)")
            if n <= 10_000 or opts.full or opts.compare:
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
        "phases": cold.get("phases"),
    }
    if "rerun_force_details_in_graph" in res:
        res["summary"]["details_on_disk_vs_in_graph"] = _ratios(res["rerun_force"], res["rerun_force_details_in_graph"])
        print(f"  paper details on disk / in the graph: {res['summary']['details_on_disk_vs_in_graph']}", flush=True)
    return res


def _ratios(new: dict[str, Any], old: dict[str, Any]) -> dict[str, float]:
    """`new` over `old`: peak RSS of all processes, peak RSS of the build process, build time."""

    def main_peak(run: dict[str, Any]) -> float:
        return max(p["main_peak_mb"] for p in run["phases"].values())

    return {
        "peak_rss": round(new["peak_rss_mb"] / old["peak_rss_mb"], 3),
        "build_process_peak_rss": round(main_peak(new) / main_peak(old), 3),
        "time": round(new["report"]["timings"]["total_s"] / old["report"]["timings"]["total_s"], 3),
    }


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
    ap.add_argument("--no-compare", dest="compare", action="store_false",
                    help="skip the --force rerun with paper details in the graph (the previous layout)")
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
