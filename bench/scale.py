#!/usr/bin/env python3
"""Scale benchmark of `kg build`: time, peak memory and output sizes against corpus size.

For each size (1k and 10k papers; 100k with ``--big``) on a synthetic corpus
(`bench/make_corpus.py`; a smaller corpus is the head of a larger one of the same seed):

* ``extract``: full extraction vs `spacy.blank("en")` tokenization on one core
  (`bench/extract.py`, at most ``--extract-limit`` papers);
* ``build``: a cold ``kg build`` (empty cache) with ``--jobs`` 2 (and 1 for sizes up to
  10k), then a rerun with nothing changed (skipped build);
* ``force``: a ``--force`` build into a new folder reading every extraction from the cold
  build's cache (so it measures the graph and the outputs); with ``--baseline REV`` the
  same build by the kg of commit REV (its sources extracted once into
  ``bench/work/baseline-<commit>``) from a copy of that cache, alternating with the current
  one ``--repeat`` times: time and peak RSS of each, the ratios current / baseline (best of
  the repeats) and whether the outputs of each are byte-identical to the cold build's. Both
  read the cache under the cold build's pipeline version (pinned in the baseline when its
  own differs, as when extraction changed since REV), so both build from the same extraction;
* ``incremental``: ``--incremental N`` papers appended to the cold build's input file,
  built into the same folder with the same cache: its time as a fraction of the cold build;
* ``dask``: at ``--dask-size`` papers, extraction alone on a Dask LocalCluster with 1
  and 2 workers, and the whole build with ``--scheduler local:1`` / ``local:2``.

``--check-same [N]`` (default: the smallest size) builds N papers without a cache with
``--jobs 1``, ``--jobs 2`` and ``--scheduler local:2`` and compares their output files
byte for byte (every file but build.json; the store is a folder and is not compared).
``--formats`` is passed to every build.

Every run is a child process; peak RSS is the largest sum of the RSS of the child and
all its descendants (pool and Dask workers, the store loader), sampled from /proc every
0.2 s. That sum counts pages that forked workers share with the build process once per
process; the peak PSS sum (shared pages divided among their processes) is reported beside
it. Each build's ``phases`` give the peak RSS of the tree and of the build process alone
during each step (from the step timings in ``build.json``). Between consecutive sizes the
summary gives the growth of peak RSS per 1,000 papers. Results go to ``<work>/scale.json``
and a chart to ``<work>/scale.png``.

Usage::

    .venv/bin/python bench/scale.py                      # 1k, 10k
    .venv/bin/python bench/scale.py --sizes 1000 --skip-dask --baseline d318410 --incremental 200 --check-same
    nohup .venv/bin/python bench/scale.py --sizes 100000,300000 --skip-dask --baseline d318410 \\
        --check-same 10000 --work bench/work/big > bench/work/big.log 2>&1 &
"""

from __future__ import annotations

import argparse
import filecmp
import itertools
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
    """One measurement, with the kg found at ``args["kg_root"]`` (this tree's or a baseline's)."""
    sys.path.insert(0, args["kg_root"])
    import resource

    import kg
    from kg.build.executors import PipelineSpec

    spec = PipelineSpec(use_model=args["use_model"], gazetteer_path=args.get("gazetteer"))
    t0 = time.perf_counter()
    if args["mode"] == "build":
        result = _child_build(args, spec)
    elif args["mode"] == "dask_extract":
        result = _child_dask_extract(args, spec, t0)
    elif args["mode"] == "export_profile":
        result = _export_profile(Path(args["extractions"]))
    else:
        raise SystemExit(f"unknown mode {args['mode']}")
    result["kg"] = kg.__file__
    result["wall_s"] = round(time.perf_counter() - t0, 3)
    result["self_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _child_build(args: dict[str, Any], spec: Any) -> dict[str, Any]:
    """`kg.build.build` with the keywords it has (a baseline may lack newer ones)."""
    import inspect

    from kg.build import build

    wanted = {
        "show_progress": False, "pipeline": spec, "jobs": args.get("jobs", 1), "scheduler": args.get("scheduler"),
        "cache": args.get("cache"), "force": args.get("force", False), "formats": args.get("formats"),
    }
    accepted = inspect.signature(build).parameters
    dropped = sorted(k for k, v in wanted.items() if k not in accepted and v is not None)
    if dropped:
        print(f"this kg's build has no {', '.join(dropped)}: left out", file=sys.stderr)
    own_version = _pin_version(spec, args["pin_version"]) if args.get("pin_version") else None
    build_t0 = time.time()
    report = build([args["corpus"]], args["out"], **{k: v for k, v in wanted.items() if k in accepted})
    return {"report": report, "build_t0": build_t0, "keywords_left_out": dropped, "own_pipeline_version": own_version}


def _pin_version(spec: Any, version: str) -> str:
    """Make this kg's builds use pipeline `version` (another kg's): with every extraction in
    the cache under that version, it builds its graph and outputs from the very same
    extraction, and the outputs name the same version. Returns this kg's own version, computed
    here (so the build's own `pipeline_version_s` is ~0 whether pinned or not)."""
    from kg.build import executors

    own = spec.version()
    if own != version:
        executors.PipelineSpec.version = lambda self: version  # type: ignore[method-assign]
    return own


def _child_dask_extract(args: dict[str, Any], spec: Any, t0: float) -> dict[str, Any]:
    """Extraction alone on a Dask cluster (the pipeline loaded on every worker first)."""
    import itertools

    from kg.build.executors import extract_chunk, open_executor, ordered_map
    from kg.ingest import read_papers

    papers = list(itertools.islice(read_papers([args["corpus"]]), args.get("limit")))
    chunks = [papers[i : i + 256] for i in range(0, len(papers), 256)]
    with open_executor(spec, scheduler=args["scheduler"]) as ex:
        start_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        n = sum(len(out) for _, out in ordered_map(ex, extract_chunk, spec, enumerate(chunks)))
        run_s = time.perf_counter() - t1
    return {"papers": n, "workers": ex.workers, "start_s": round(start_s, 2),
            "extract_s": round(run_s, 3), "papers_per_s": round(n / run_s, 1)}


def _export_profile(extractions: Path) -> dict[str, Any]:
    """The graph as `kg build` holds it (`kg.graph.graph_tables`, paper rows in a file) and each
    exporter alone: seconds and RSS over the start (each export in a fork)."""
    import resource
    import tempfile

    from kg.build import OUTPUTS
    from kg.details import DetailTable
    from kg.export import export
    from kg.graph import graph_tables
    from kg.nlp.gazetteer import known_acronyms
    from kg.records import Extraction

    def rss_mb() -> float:
        with Path("/proc/self/status").open() as fh:
            return next(int(x.split()[1]) for x in fh if x.startswith("VmRSS:")) / 1024

    known_acronyms()  # loaded by graph assembly: not part of the graph's memory
    with tempfile.TemporaryDirectory() as tmp:
        details = DetailTable(Path(tmp) / "details.jsonl")
        base = rss_mb()
        t0 = time.perf_counter()
        with Path(extractions).open(encoding="utf-8") as fh:
            G = graph_tables((Extraction.from_dict(json.loads(line)) for line in fh), details)
        out: dict[str, Any] = {
            "graph_s": round(time.perf_counter() - t0, 2), "graph_rss_mb": round(rss_mb() - base, 1),
            "details_file_mb": round(Path(details.path).stat().st_size / 2**20, 1),
            "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
        }
        for name, fmt in OUTPUTS.items():

            def write(fmt: str = fmt, name: str = name) -> list[float]:
                # a forked child starts with fewer pages than its parent (file-backed ones fault
                # in again) and its own high-water mark: both measured in the child
                before = rss_mb()
                dest = Path(tmp) / f"export-{name}"
                t1 = time.perf_counter()
                export(G, fmt, dest, details=details)
                dest.unlink(missing_ok=True)
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                return [time.perf_counter() - t1, peak - before]

            secs, extra = _in_fork(write)
            out[name] = {"s": round(secs, 2), "extra_rss_mb": round(extra, 1)}
        details.close()
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


# ---------------------------------------------------------------- measuring a child

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


def run_child(args: dict[str, Any], label: str, kg_root: Path = ROOT) -> dict[str, Any]:
    """Run one measurement in a child process importing the kg of `kg_root` (so do its
    workers: PYTHONPATH), sampling its process tree's RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [PY, __file__, "--_child", json.dumps({**args, "kg_root": str(kg_root)})],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=kg_root,
        env={**os.environ, "PYTHONPATH": str(kg_root)},
    )
    peak = [0, 0, 0]
    samples: list[tuple[float, int, int]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss, own = _tree_memory_kb(proc.pid)
            peak[:] = max(peak[0], rss), max(peak[1], pss), max(peak[2], own)
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
    if not Path(result["kg"]).resolve().is_relative_to(kg_root.resolve()):
        raise SystemExit(f"{label}: imported {result['kg']}, not the kg of {kg_root}")
    result["process_wall_s"] = round(wall, 2)
    result["peak_rss_mb"] = round(peak[0] / 1024, 1)
    result["peak_pss_mb"] = round(peak[1] / 1024, 1)
    result["main_peak_rss_mb"] = round(peak[2] / 1024, 1)
    if "build_t0" in result:
        result["phases"] = phase_peaks(samples, result["build_t0"], result["report"]["timings"])
    print(f"  {label}: {wall:.1f} s, peak RSS {peak[0] / 1024:.0f} MB (PSS {peak[1] / 1024:.0f} MB, "
          f"build process {peak[2] / 1024:.0f} MB)", flush=True)
    return result


# ---------------------------------------------------------------- inputs and outputs

def corpus(work: Path, n: int, seed: int) -> Path:
    """The corpus of `n` papers: the head of a larger one of the same seed when there is one
    (`make_corpus.py` is deterministic, paper by paper), else generated."""
    path = work / (f"corpus-{n}.jsonl" if seed == 0 else f"corpus-{n}-seed{seed}.jsonl")
    if path.exists():
        return path
    larger = sorted(
        (m, p) for p in work.glob("corpus-*.jsonl") if (m := _corpus_size(p, seed)) is not None and m > n
    )
    if larger:
        _head(larger[0][1], path, n)
    else:
        subprocess.run([PY, str(ROOT / "bench" / "make_corpus.py"), str(n), "-o", str(path),
                        "--seed", str(seed)], check=True)
    return path


def _corpus_size(path: Path, seed: int) -> int | None:
    """The size of a corpus file of `seed` from its name, None for another seed."""
    stem = path.name.removeprefix("corpus-").removesuffix(".jsonl")
    size, _, tail = stem.partition("-")
    if not size.isdigit() or tail != ("" if seed == 0 else f"seed{seed}"):
        return None
    return int(size)


def _head(src: Path, dst: Path, n: int) -> None:
    """The first `n` lines of `src` into `dst`."""
    tmp = dst.with_suffix(".tmp")
    with src.open("rb") as fin, tmp.open("wb") as fout:
        for _ in range(n):
            fout.write(fin.readline())
    tmp.replace(dst)


def append_more(path: Path, longer: Path) -> int:
    """Append to `path` what `longer` holds after it (`path` must be its head); bytes appended."""
    size = path.stat().st_size
    with longer.open("rb") as src, path.open("r+b") as dst:
        while dst.tell() < size:
            chunk = dst.read(min(1 << 20, size - dst.tell()))
            if src.read(len(chunk)) != chunk:
                raise SystemExit(f"{path} is not the head of {longer}")
        dst.seek(size)
        return dst.write(src.read())


def sizes_of(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}


def differing(a: Path, b: Path) -> list[str]:
    """The output files (all but build.json) that differ between folders `a` and `b`, or are in one only."""
    names = {p.name for d in (a, b) for p in d.iterdir() if p.is_file()} - {"build.json"}
    return sorted(
        name for name in names
        if not ((a / name).is_file() and (b / name).is_file() and filecmp.cmp(a / name, b / name, shallow=False))
    )


def baseline_sources(rev: str) -> Path:
    """The sources of commit `rev`, extracted once (`git archive`) into bench/work/baseline-<commit>."""
    commit = subprocess.run(["git", "rev-parse", "--short=10", f"{rev}^{{commit}}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    folder = ROOT / "bench" / "work" / f"baseline-{commit}"
    if not (folder / "kg" / "__init__.py").exists():
        tmp = folder.with_name(f"{folder.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        subprocess.run(["git", "archive", "-o", str(tmp / "src.tar"), commit], cwd=ROOT, check=True)
        subprocess.run(["tar", "-xf", "src.tar"], cwd=tmp, check=True)
        (tmp / "src.tar").unlink()
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    return folder


# ---------------------------------------------------------------- the measurements

def _base(src: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """The arguments every build child gets."""
    return {"corpus": str(src), "use_model": not opts.no_model, "gazetteer": opts.gazetteer,
            "formats": opts.formats}


def extract_one_core(src: Path, opts: argparse.Namespace) -> dict[str, Any]:
    cmd = [PY, str(ROOT / "bench" / "extract.py"), str(src), "--json", "--limit", str(opts.extract_limit)]
    if opts.no_model:
        cmd.append("--no-model")
    if opts.gazetteer:
        cmd += ["--gazetteer", opts.gazetteer]
    e = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout)
    print(f"  extraction {e['extract_papers_per_s']} papers/s = "
          f"{100 * e['extract_vs_tokenize']:.1f}% of tokenization ({e['tokenize_papers_per_s']} papers/s)")
    return e


def bench_size(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    print(f"== {n} papers", flush=True)
    # the cold build reads a copy of the corpus, which the incremental build appends to
    src = work / f"input-{n}.jsonl"
    shutil.copyfile(corpus(work, n, opts.seed), src)
    base = _base(src, opts)
    res: dict[str, Any] = {"papers": n, "corpus_bytes": src.stat().st_size}
    res["extract_one_core"] = extract_one_core(src, opts)
    if n <= 10_000 and opts.jobs != 1:
        out = work / f"out-{n}-j1"
        shutil.rmtree(out, ignore_errors=True)
        args1 = {**base, "mode": "build", "out": str(out), "jobs": 1, "cache": str(out / ".kg-cache")}
        res["build_jobs1"] = run_child(args1, "cold build --jobs 1")
        shutil.rmtree(out, ignore_errors=True)
    out = work / f"out-{n}-j{opts.jobs}"
    shutil.rmtree(out, ignore_errors=True)
    cache = out / ".kg-cache"
    args = {**base, "mode": "build", "out": str(out), "jobs": opts.jobs, "cache": str(cache)}
    cold = res[f"build_jobs{opts.jobs}"] = run_child(args, f"cold build --jobs {opts.jobs}")
    cold["outputs"] = sizes_of(out)
    res["rerun_unchanged"] = run_child(args, "rerun, nothing changed")
    res["cache_bytes"] = (cache / "extractions.sqlite").stat().st_size
    if n <= 10_000 or opts.full:
        res["export_profile"] = run_child(
            {**base, "mode": "export_profile", "extractions": str(out / "extractions.jsonl")},
            "graph as tables and each export alone",
        )
    res.update(bench_force(n, out, work, base, opts))
    if opts.incremental:
        res["incremental"] = bench_incremental(n, src, args, work, opts)
    if not opts.keep:
        shutil.rmtree(out, ignore_errors=True)
        src.unlink()
    res["summary"] = summarize(n, res, cold)
    return res


def bench_force(n: int, cold_out: Path, work: Path, base: dict[str, Any], opts: argparse.Namespace) -> dict[str, Any]:
    """``--force`` builds from the cold build's cache into a new folder: the current kg and, with
    ``--baseline``, the baseline's, alternating ``--repeat`` times; the best (fastest) of each.
    The first build of each kg is compared with the cold build's outputs (same input), so
    at most two output folders are on disk at a time."""
    kinds = [("baseline", opts.baseline_root), ("current", ROOT)] if opts.baseline_root else [("current", ROOT)]
    repeat = opts.repeat if opts.baseline_root else 1
    caches = {"current": cold_out / ".kg-cache", "baseline": work / f"cache-{n}-baseline"}
    if opts.baseline_root:  # a copy: were the baseline to extract, it would not write into this kg's cache
        shutil.rmtree(caches["baseline"], ignore_errors=True)
        shutil.copytree(caches["current"], caches["baseline"], ignore=shutil.ignore_patterns("builds"))
    version = json.loads((cold_out / "build.json").read_text())["pipeline_version"]
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind, _ in kinds}
    differ: dict[str, list[str]] = {}
    for i in range(repeat):
        for kind, root in kinds:
            out = work / f"out-{n}-force-{kind}"
            shutil.rmtree(out, ignore_errors=True)
            run = run_child({**base, "mode": "build", "out": str(out), "jobs": opts.jobs, "cache": str(caches[kind]),
                             "force": True, "pin_version": version},
                            f"--force build from the cache, {kind} kg ({i + 1}/{repeat})", root)
            if run["own_pipeline_version"] != version and i == 0:
                print(f"    its pipeline version is {run['own_pipeline_version']}, the cache's {version}: "
                      "pinned to the cache's (same extraction, same version in the outputs)", flush=True)
            run["outputs"] = sizes_of(out)
            if run["report"]["extraction"]["extracted"]:
                print(f"  warning: the {kind} kg extracted {run['report']['extraction']['extracted']} papers "
                      "(its pipeline version differs): its time includes extraction", flush=True)
            runs[kind].append(run)
            if kind not in differ:
                differ[kind] = differing(cold_out, out)
                print(f"    outputs as the cold build's: {'byte-identical' if not differ[kind] else differ[kind]}")
            if not opts.keep or i + 1 < repeat:
                shutil.rmtree(out, ignore_errors=True)
    if not opts.keep:
        shutil.rmtree(caches["baseline"], ignore_errors=True)
    best = {kind: min(rs, key=lambda r: r["report"]["timings"]["total_s"]) for kind, rs in runs.items()}
    res: dict[str, Any] = {"rerun_force": best["current"], "force_outputs_differing_from_cold": differ}
    if opts.baseline_root:
        res["baseline_force"] = best["baseline"]
        res["baseline"] = {
            "rev": opts.baseline, "sources": str(opts.baseline_root),
            "pipeline_version": best["baseline"]["own_pipeline_version"], "pinned_to": version,
            "current_vs_baseline": _ratios(best["current"], best["baseline"]),
            "outputs_same": not (differ["current"] or differ["baseline"]),
            "total_s": {kind: [r["report"]["timings"]["total_s"] for r in rs] for kind, rs in runs.items()},
        }
        print(f"  current / baseline: {res['baseline']['current_vs_baseline']}, outputs "
              f"{'byte-identical' if res['baseline']['outputs_same'] else 'DIFFER'}", flush=True)
    return res


def _ratios(new: dict[str, Any], old: dict[str, Any]) -> dict[str, float]:
    """`new` over `old`: build time, graph time, peak RSS and PSS of all processes, peak RSS of the build process."""
    t_new, t_old = new["report"]["timings"], old["report"]["timings"]
    return {
        "time": round(t_new["total_s"] / t_old["total_s"], 3),
        "extract_and_graph_time": round(t_new["extract_and_graph_s"] / t_old["extract_and_graph_s"], 3),
        "peak_rss": round(new["peak_rss_mb"] / old["peak_rss_mb"], 3),
        "peak_pss": round(new["peak_pss_mb"] / old["peak_pss_mb"], 3),
        "build_process_peak_rss": round(new["main_peak_rss_mb"] / old["main_peak_rss_mb"], 3),
    }


def bench_incremental(n: int, src: Path, args: dict[str, Any], work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """``--incremental`` more papers appended to the cold build's input, built into its folder with its cache."""
    more = corpus(work, n + opts.incremental, opts.seed)
    append_more(src, more)
    run = run_child(args, f"+{opts.incremental} papers, same folder and cache")
    run["outputs"] = sizes_of(Path(args["out"]))
    return run


def summarize(n: int, res: dict[str, Any], cold: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of one size."""
    timings = cold["report"]["timings"]
    force = res["rerun_force"]
    out: dict[str, Any] = {
        "build_s": timings["total_s"],
        "build_papers_per_s": round(n / timings["total_s"], 1),
        "extract_and_graph_papers_per_s": round(n / timings["extract_and_graph_s"], 1),
        "peak_rss_mb": cold["peak_rss_mb"],
        "peak_pss_mb": cold["peak_pss_mb"],
        "main_peak_rss_mb": cold["main_peak_rss_mb"],
        "rerun_s": res["rerun_unchanged"]["report"]["timings"]["total_s"],
        "rerun_process_s": res["rerun_unchanged"]["process_wall_s"],
        "rerun_vs_build": round(res["rerun_unchanged"]["process_wall_s"] / cold["process_wall_s"], 4),
        "rerun_force_s": force["report"]["timings"]["total_s"],
        "force_peak_rss_mb": force["peak_rss_mb"],
        "force_main_peak_rss_mb": force["main_peak_rss_mb"],
    }
    if "baseline_force" in res:
        old = res["baseline_force"]
        out |= {
            "baseline_force_s": old["report"]["timings"]["total_s"],
            "baseline_peak_rss_mb": old["peak_rss_mb"],
            "baseline_main_peak_rss_mb": old["main_peak_rss_mb"],
            "current_vs_baseline": res["baseline"]["current_vs_baseline"],
            "outputs_as_baseline": res["baseline"]["outputs_same"],
        }
    if "incremental" in res:
        inc = res["incremental"]
        out |= {
            "incremental_papers": inc["report"]["papers"] - cold["report"]["papers"],
            "incremental_s": inc["report"]["timings"]["total_s"],
            "incremental_vs_build": round(inc["report"]["timings"]["total_s"] / timings["total_s"], 4),
            "incremental_process_vs_build": round(inc["process_wall_s"] / cold["process_wall_s"], 4),
            "incremental_extracted": inc["report"]["extraction"]["extracted"],
        }
    out["phases"] = cold.get("phases")
    return out


def growth(results: dict[str, Any], sizes: list[int]) -> list[dict[str, Any]]:
    """MB of peak RSS (all processes; build process alone) per 1,000 papers between consecutive sizes."""
    runs = {"cold build": ("peak_rss_mb", "main_peak_rss_mb"),
            "--force, current": ("force_peak_rss_mb", "force_main_peak_rss_mb"),
            "--force, baseline": ("baseline_peak_rss_mb", "baseline_main_peak_rss_mb")}
    rows = []
    for a, b in itertools.pairwise(sizes):
        sa, sb = results["sizes"][str(a)]["summary"], results["sizes"][str(b)]["summary"]
        per = 1000 / (b - a)
        row: dict[str, Any] = {"from": a, "to": b}
        for name, (tree, main) in runs.items():
            if tree in sa and tree in sb:
                row[name] = {"all_processes_mb_per_1000": round((sb[tree] - sa[tree]) * per, 2),
                             "build_process_mb_per_1000": round((sb[main] - sa[main]) * per, 2)}
        rows.append(row)
    return rows


def check_same(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """Builds of `n` papers (no cache) with --jobs 1, --jobs 2 and --scheduler local:2: which output files differ."""
    print(f"== same outputs, {n} papers", flush=True)
    base = _base(corpus(work, n, opts.seed), opts)
    ways = {"jobs1": {"jobs": 1}, "jobs2": {"jobs": 2}, "local2": {"scheduler": "local:2"}}
    res: dict[str, Any] = {"papers": n, "builds": {}}
    for name, kw in ways.items():
        out = work / f"out-check-{n}-{name}"
        shutil.rmtree(out, ignore_errors=True)
        run = run_child({**base, "mode": "build", "out": str(out), **kw}, f"build {name}, no cache")
        res["builds"][name] = {"total_s": run["report"]["timings"]["total_s"], "peak_rss_mb": run["peak_rss_mb"],
                               "executor": run["report"]["extraction"]["executor"], "outputs": sizes_of(out)}
    first = work / f"out-check-{n}-jobs1"
    res["compared"] = sorted(set(sizes_of(first)) - {"build.json"})
    for name in ("jobs2", "local2"):
        res[f"{name}_vs_jobs1_differing"] = differing(first, work / f"out-check-{n}-{name}")
    res["same"] = not (res["jobs2_vs_jobs1_differing"] or res["local2_vs_jobs1_differing"])
    for name in ways:
        if not opts.keep:
            shutil.rmtree(work / f"out-check-{n}-{name}", ignore_errors=True)
    verdict = "byte-identical" if res["same"] else (
        f"DIFFER: --jobs 2 {res['jobs2_vs_jobs1_differing']}, local:2 {res['local2_vs_jobs1_differing']}")
    print(f"  {', '.join(res['compared'])}: {verdict}", flush=True)
    return res


def bench_dask(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    print(f"== dask, {n} papers", flush=True)
    base = _base(corpus(work, n, opts.seed), opts)
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


# ---------------------------------------------------------------- report

def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"], key=int)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))

    def plot(ax: Any, name: str, get: Any) -> None:
        points = [(int(s), get(results["sizes"][s])) for s in sizes]
        points = [(x, y) for x, y in points if y is not None]
        if points:
            ax.plot([x for x, _ in points], [y for _, y in points], marker="o", label=name)

    def one_core(key: str) -> Any:
        return lambda r: r["papers"] / r["extract_one_core"][key]

    times = {
        "cold build": "build_s",
        "--force (cached extraction)": "rerun_force_s",
        "--force, baseline kg": "baseline_force_s",
        "incremental (more papers, warm cache)": "incremental_s",
        "rerun, nothing changed": "rerun_process_s",
    }
    for name, key in times.items():
        plot(ax1, name, lambda r, key=key: r["summary"].get(key))
    plot(ax1, "extraction alone, 1 core", one_core("extract_papers_per_s"))
    plot(ax1, "tokenization alone, 1 core", one_core("tokenize_papers_per_s"))
    ax1.set(xscale="log", yscale="log", xlabel="papers", ylabel="seconds", title="time")
    ax1.legend(fontsize=8)
    memory = {
        "cold build, peak RSS (all processes)": "peak_rss_mb",
        "cold build, peak PSS": "peak_pss_mb",
        "--force, peak RSS": "force_peak_rss_mb",
        "--force, baseline kg, peak RSS": "baseline_peak_rss_mb",
    }
    for name, key in memory.items():
        plot(ax2, name, lambda r, key=key: r["summary"].get(key))
    ax2.set(xscale="log", xlabel="papers", ylabel="MB", title="peak memory")
    ax2.legend(fontsize=8)
    fig.suptitle(f"kg build scale ({results['machine']})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def print_summary(results: dict[str, Any], sizes: list[int]) -> None:
    for n in sizes:
        print(n, json.dumps({k: v for k, v in results["sizes"][str(n)]["summary"].items() if k != "phases"}))
    for row in results.get("growth", []):
        for name, g in row.items():
            if isinstance(g, dict):
                print(f"growth {row['from']} -> {row['to']} papers, {name}: {g['all_processes_mb_per_1000']:+.2f} MB "
                      f"(all processes), {g['build_process_mb_per_1000']:+.2f} MB (build process) per 1,000 papers")
    if "check_same" in results:
        c = results["check_same"]
        print(f"same outputs at {c['papers']} papers (--jobs 1, --jobs 2, --scheduler local:2): {c['same']}")


def main(argv: list[str] | None = None) -> None:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "--_child":
        print(json.dumps(_child(json.loads(sys.argv[2]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    ap.add_argument("--big", action="store_true", help="add 100000 (takes long)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--formats", default=None, help="outputs of every build (kg build --formats)")
    ap.add_argument("--baseline", metavar="REV", default=None,
                    help="also time the --force build with the kg of commit REV (e.g. d318410)")
    ap.add_argument("--repeat", type=int, default=1, help="--force builds of each kg, alternating (with --baseline)")
    ap.add_argument("--incremental", type=int, default=1000, metavar="N",
                    help="papers added for the incremental build (0: none)")
    ap.add_argument("--check-same", type=int, nargs="?", const=0, default=None, metavar="N",
                    help="compare the outputs of --jobs 1, --jobs 2 and local:2 at N papers (default: smallest size)")
    ap.add_argument("--dask-size", type=int, default=10_000)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--extract-limit", type=int, default=5000, help="papers for the one-core extraction bench")
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--gazetteer", default=None, help="gazetteer directory (default: shipped)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    ap.add_argument("--keep", action="store_true", help="keep the output directories")
    ap.add_argument("--full", action="store_true", help="also the export profile above 10k")
    opts = ap.parse_args(argv)
    opts.work = opts.work.resolve()
    opts.work.mkdir(parents=True, exist_ok=True)
    sizes = sorted({int(s) for s in opts.sizes.split(",") if s} | ({100_000} if opts.big else set()))
    opts.baseline_root = baseline_sources(opts.baseline) if opts.baseline else None
    needed = [max(sizes) + opts.incremental, opts.check_same or 0, 0 if opts.skip_dask else opts.dask_size]
    corpus(opts.work, max(needed), opts.seed)  # the others are its heads
    results_path = opts.work / "scale.json"
    try:
        results = json.loads(results_path.read_text())
    except (OSError, ValueError):
        results = {"sizes": {}}
    results["machine"] = f"{os.cpu_count()} cores, load avg {os.getloadavg()[0]:.1f} at start"
    results["options"] = {k: str(v) for k, v in vars(opts).items()}
    for i, n in enumerate(sizes):
        results["sizes"][str(n)] = bench_size(n, opts.work, opts)
        results["growth"] = growth(results, sizes[: i + 1])  # this run's sizes only
        results_path.write_text(json.dumps(results, indent=1))
    if opts.check_same is not None:
        results["check_same"] = check_same(opts.check_same or sizes[0], opts.work, opts)
        results_path.write_text(json.dumps(results, indent=1))
    if not opts.skip_dask:
        results["dask"] = bench_dask(opts.dask_size, opts.work, opts)
        results_path.write_text(json.dumps(results, indent=1))
    chart(results, opts.work / "scale.png")
    print_summary(results, sizes)
    print(f"-> {results_path}, {opts.work / 'scale.png'}")


if __name__ == "__main__":
    main()
