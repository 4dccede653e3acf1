"""Time every kg.analytics function on a synthetic graph of N papers (default 100k).

Usage: python bench/analytics.py [--papers 100000] [--seed 0] [--report DIR]

The graph is deterministic for a given --papers/--seed: papers belong to one of 60
topics; each paper names 1–4 methods, 0–3 datasets, 0–2 metrics and 0–2 tasks drawn
from Zipf-like popularity (mostly from its topic's slice of the vocabulary), links a
code repository 40% of the time and carries a date in 2015–2024. It is built with
kg.graph.build_graph from kg.records, like `kg build` does.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import random
import resource
import sys
import time
from pathlib import Path

# run from the repo root; drop bench/ from the path (bench/html.py would shadow the stdlib html)
sys.path[0] = str(Path(__file__).resolve().parents[1])

from kg import analytics as A  # noqa: E402
from kg.graph import build_graph  # noqa: E402
from kg.records import Extraction, Mention, Paper, Repo  # noqa: E402

VOCAB = {"Method": 20_000, "Dataset": 3_000, "Metric": 300, "Task": 1_000}
PER_PAPER = {"Method": (1, 4), "Dataset": (0, 3), "Metric": (0, 2), "Task": (0, 2)}
TOPICS = 60


def synthetic_records(n_papers: int, seed: int = 0):
    rng = random.Random(seed)
    cum = {}
    for kind, size in VOCAB.items():
        cum[kind] = list(itertools.accumulate(1 / (r + 1) ** 1.1 for r in range(size)))
    for i in range(n_papers):
        topic = rng.randrange(TOPICS)
        title = f"Paper {i} on topic {topic}"
        mentions = []
        for kind, (lo, hi) in PER_PAPER.items():
            size = VOCAB[kind]
            picked = set()
            for _ in range(rng.randint(lo, hi)):
                rank = rng.choices(range(size), cum_weights=cum[kind])[0]
                # 70%: the topic's own slice of the vocabulary, 30%: globally popular names
                idx = (rank + topic * (size // TOPICS)) % size if rng.random() < 0.7 else rank
                picked.add(idx)
            for idx in sorted(picked):
                name = f"{kind[:2]}{idx}"
                mentions.append(Mention(text=name, label=kind, start=0, end=len(name), field="abstract",
                                        name=name, id=f"{kind.lower()}:{name.lower()}", score=0.9,
                                        source="gazetteer"))
        abstract = " ".join(m.text for m in mentions) + "."
        offset = 0
        placed = []
        for m in mentions:
            start = abstract.index(m.text, offset)
            placed.append(Mention(**{**m.to_dict(), "start": start, "end": start + len(m.text)}))
            offset = start + len(m.text)
        repos = ()
        if rng.random() < 0.4:
            url = f"https://github.com/u{i % 5000}/r{i}"
            repos = (Repo(url=url, kind="code", raw=url, start=0, end=0, host="github.com"),)
        date = f"{2015 + rng.randrange(10)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        yield Extraction(paper=Paper(id=f"syn{i}", title=title, abstract=abstract, date=date),
                         entities=tuple(placed), repos=repos)


def timed(label: str, fn, results: dict):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    size = getattr(out, "shape", None) or (out.number_of_nodes(), out.number_of_edges()) \
        if hasattr(out, "number_of_nodes") else getattr(out, "shape", len(out) if hasattr(out, "__len__") else "")
    results[label] = {"wall_s": round(dt, 2), "cpu_s": round(cpu, 2)}
    print(f"{label:<44} {dt:8.2f} s wall {cpu:8.2f} s cpu   {size}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--k", type=int, default=None, help="betweenness samples (default: kg's default)")
    ap.add_argument("--report", type=Path, default=None, help="also time kg analyze into DIR")
    ap.add_argument("--json", type=Path, default=None, help="write the timings as JSON")
    args = ap.parse_args(argv)

    results: dict[str, dict[str, float]] = {}
    print(f"python {platform.python_version()} on {platform.machine()}, {args.papers} papers, seed {args.seed}")
    G = timed("build_graph (synthetic records)", lambda: build_graph(synthetic_records(args.papers, args.seed)),
              results)
    print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")
    timed("incidence", lambda: A.incidence(G), results)
    timed("counts", lambda: A.counts(G), results)
    timed("coverage", lambda: A.coverage(G), results)
    for kind in A.ENTITY_TYPES:
        timed(f"top_entities {kind}", lambda kind=kind: A.top_entities(G, kind), results)
    timed("centrality (PageRank + sampled betweenness)", lambda: A.centrality(G, k=args.k), results)
    timed("communities (Louvain)", lambda: A.communities(G), results)
    timed("method_dataset_table (all x all)", lambda: A.method_dataset_table(G), results)
    timed("dataset_metric_table", lambda: A.dataset_metric_table(G), results)
    timed("projection Method", lambda: A.projection(G, "Method"), results)
    timed("pairs Method", lambda: A.pairs(G, "Method"), results)
    timed("trends Method by year", lambda: A.trends(G, "Method", "year"), results)
    timed("trends Method by month", lambda: A.trends(G, "Method", "month"), results)
    timed("gaps (top 20)", lambda: A.gaps(G, top=20), results)
    timed("gaps for one method", lambda: A.gaps(G, method="method:me0"), results)
    timed("code_availability Task", lambda: A.code_availability(G), results)
    timed("papers_without_code Task", lambda: A.papers_without_code(G), results)
    timed("degree_distribution Method", lambda: A.degree_distribution(G, "Method"), results)
    timed("degree_distribution Paper", lambda: A.degree_distribution(G, "Paper"), results)
    if args.report:
        from kg.analytics.report import write_report

        timed("kg analyze (write_report)", lambda: write_report(G, args.report)["charts"], results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"papers": args.papers, "seconds": results, "peak_rss_mb": round(peak)},
                                        indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
