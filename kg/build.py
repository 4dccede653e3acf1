"""`kg build`: papers in, graph files out, staged so a failed build changes nothing.

All outputs are first written to a staging folder inside the output directory, then
moved into place one by one (each move atomic); a failure before that point leaves
the previous outputs untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from kg import __version__
from kg.atomic import atomic_write
from kg.errors import KGError
from kg.export import export
from kg.extract import extract_papers
from kg.graph import build_graph
from kg.ingest import Deduplicator, read_papers
from kg.nlp.pipeline import load_pipeline, pipeline_version
from kg.records import Extraction, Paper

__all__ = ["build", "OUTPUTS", "progress", "build_date"]

OUTPUTS = {
    "kg.ttl": "ttl",
    "kg.graphml": "graphml",
    "graph.json": "json",
    "kg.html": "html",
}


def build_date() -> str:
    """The build's date: SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return when.date().isoformat()


def progress(items: Iterable[Any], desc: str, enabled: bool | None = None) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; the items unchanged otherwise."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=" papers", file=sys.stderr)


def _write_records(records: Iterable[Extraction], path: Path) -> Iterator[Extraction]:
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
            yield rec


def _finish_records(tmp: Path, target: Path, dedup: Deduplicator) -> None:
    """Copy records to `target`, adding the sources of duplicate papers."""
    with open(tmp, encoding="utf-8") as src, atomic_write(target) as dst:
        for line in src:
            data = json.loads(line)
            extra = dedup.extra_sources.get(data["id"])
            if extra:
                data["sources"] = data["sources"] + extra
                line = json.dumps(data, ensure_ascii=False) + "\n"
            dst.write(line)


def _merge_sources(G: nx.MultiDiGraph, dedup: Deduplicator) -> None:
    for pid, extra in dedup.extra_sources.items():
        node = G.nodes.get(f"paper:{pid}")
        if node is not None:
            node["sources"] = list(node["sources"]) + list(extra)


def _move_into_place(item: Path, target: Path) -> None:
    """Replace `target` by `item` (a file, or a directory such as an embedded store)."""
    if item.is_dir() and target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        os.replace(target, old)
        os.replace(item, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(item, target)


def graph_summary(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts of nodes and edges per type."""
    nodes = Counter(d.get("type", "?") for _, d in G.nodes(data=True))
    edges = Counter(k for _, _, k in G.edges(keys=True))
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "nodes_by_type": dict(sorted(nodes.items())),
        "edges_by_type": dict(sorted(edges.items())),
    }


def build(
    inputs: Sequence[str | Path],
    out_dir: str | Path = "outputs",
    use_model: bool = True,
    show_progress: bool | None = None,
    base_iri: str | None = None,
    html_options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the graph of `inputs` into `out_dir`; return the build report (build.json)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KGError(f"{out}: exists and is not a directory; choose another -o")
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    except OSError as exc:
        raise KGError(f"cannot write to {out}: {exc.strerror}; choose a writable -o") from None
    timings: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        nlp = load_pipeline(use_model)
        timings["load_pipeline_s"] = time.perf_counter() - t0
        dedup = Deduplicator()
        counts = Counter()

        def counted(papers: Iterable[Paper]) -> Iterator[Paper]:
            for p in papers:
                counts["records"] += 1
                yield p

        t0 = time.perf_counter()
        papers = dedup.unique(counted(read_papers(inputs)))
        records = extract_papers(progress(papers, "extract", show_progress), nlp)
        G = build_graph(_write_records(records, stage / "records.tmp"))
        _merge_sources(G, dedup)
        timings["extract_and_graph_s"] = time.perf_counter() - t0
        G.graph.update(
            name="kg", kg_version=__version__, pipeline_version=pipeline_version(use_model),
            build_date=build_date(), sources=sorted({str(i) for i in inputs}),
        )
        _finish_records(stage / "records.tmp", stage / "extractions.jsonl", dedup)
        (stage / "records.tmp").unlink()
        for name, fmt in OUTPUTS.items():
            t0 = time.perf_counter()
            options: dict[str, Any] = {}
            if fmt == "ttl" and base_iri:
                options["base"] = base_iri
            if fmt == "html" and html_options:
                options.update(html_options)
            export(G, fmt, stage / name, **options)
            timings[f"write_{name}_s"] = time.perf_counter() - t0
        report = {
            "kg_version": __version__,
            "pipeline_version": G.graph["pipeline_version"],
            "build_date": G.graph["build_date"],
            "inputs": [str(i) for i in inputs],
            "records": counts["records"],
            "papers": counts["records"] - sum(len(v) for v in dedup.extra_sources.values()),
            "duplicates_merged": sum(len(v) for v in dedup.extra_sources.values()),
            "duplicate_conflicts": dedup.conflicts,
            **graph_summary(G),
            "timings": {k: round(v, 3) for k, v in timings.items()},
        }
        with atomic_write(stage / "build.json") as fh:
            json.dump(report, fh, indent=2, sort_keys=True)
            fh.write("\n")
        for item in sorted(stage.iterdir()):
            _move_into_place(item, out / item.name)
        return report
    finally:
        shutil.rmtree(stage, ignore_errors=True)

