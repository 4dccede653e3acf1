"""`kg build`: papers in, graph files out, staged so a failed build changes nothing.

All outputs are first written to a staging folder inside the output directory, then
moved into place one by one (each move atomic); a failure before that point leaves
the previous outputs untouched.

Papers stream through the build: ingest, extraction in chunks (in this process, in a
process pool, or on Dask: `kg.build.executors`), `extractions.jsonl` and the graph; only
the graph grows with the corpus. With a cache (`kg.build.cache`) unchanged papers are not
extracted again, and a build whose inputs, options and code are unchanged is skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, cast

import networkx as nx

from kg import __version__
from kg.admission import load_model
from kg.atomic import atomic_path, atomic_write, remove_path, replace_path
from kg.build.cache import CACHE_DIRNAME, BuildState, ExtractionCache, content_key
from kg.build.executors import PipelineSpec, exit_with, extract_chunk, open_executor, ordered_map, process_running
from kg.build.formats import FILES, choose_formats, parse_formats
from kg.build.increment import BLOCK_FORMATS, Added, Keeping, Kept, PrefixCheck, add_papers
from kg.build.report import BuildReport
from kg.codec import from_parts, paper_json
from kg.details import DetailTable
from kg.errors import KGError
from kg.export import export
from kg.graph import graph_tables
from kg.ingest import Deduplicator, iter_input_files, read_papers
from kg.ingest.columns import parse_columns
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.model import paper_node
from kg.records import Extraction, Paper
from kg.sparql.store import update_store, write_store

__all__ = ["OUTPUTS", "BuildReport", "build", "build_date", "graph_summary", "progress"]

# kg.ttl goes into the store in parts of this size: the loader's memory stays about
# 0.3 GB instead of growing to ~4 GB on a large graph, at the same speed (measured at 10k papers)
STORE_PART_BYTES = 16 << 20

OUTPUTS = {name: fmt for fmt, name in FILES.items() if fmt != "store"}  # the files the exporters write


# kg's modules that decide the outputs besides extraction (which pipeline_version covers)
_BUILD_CODE = (
    "__init__.py", "build/*.py", "graph.py", "graphstats.py", "tablegraph.py", "details.py", "admission.py", "model.py",
    "directions.py", "records.py", "codec.py", "resolve.py", "namespace.py", "atomic.py", "sparql/store.py",
    "ingest/*.py", "export/**/*",
    "data/admission.json", "data/termhood.json", "data/metric_directions.tsv", "data/ontology/*",
)


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


def _finish_records(
    tmp: Path, target: Path, extra_sources: Mapping[str, list[str]], before: Path | None = None
) -> None:
    """Move records to `target`, adding the sources of duplicate papers (after the records
    of file `before`, copied as they are, when given)."""
    if not extra_sources and before is None:
        tmp.replace(target)
        return
    with atomic_path(target) as out:
        if before is not None:
            shutil.copyfile(before, out)
        with tmp.open(encoding="utf-8") as src, out.open("a", encoding="utf-8", newline="") as dst:
            for line in src:
                if extra_sources:
                    data = json.loads(line)
                    extra = extra_sources.get(data["id"])
                    if extra:
                        data["sources"] = data["sources"] + extra
                        line = json.dumps(data, ensure_ascii=False) + "\n"
                dst.write(line)
    tmp.unlink()


def _merge_sources(extra_sources: Mapping[str, list[str]], details: DetailTable) -> None:
    for pid, extra in extra_sources.items():
        node = paper_node(pid)
        if node in details:
            sources = details.paper(node, {"type": "Paper"})["sources"]
            details.update(node, sources=list(sources) + list(extra))


def _remove_stale(out: Path) -> None:
    """Remove what a killed build left in `out`: its staging folder and replaced outputs.

    Their names carry the build's process ID (``.staging-<pid>-*``, ``.old-<name>-<pid>``);
    those of a process still running (a concurrent build) are left alone.
    """
    try:
        entries = list(out.iterdir())
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(".staging-"):
            pid = name[len(".staging-"):].split("-", 1)[0]
        elif name.startswith(".old-"):
            pid = name.rsplit("-", 1)[-1]
        else:
            continue
        # a process still running (or its ID reused by another): not ours to remove
        if not pid.isdigit() or int(pid) == os.getpid() or process_running(int(pid)):
            continue
        remove_path(entry)


def graph_summary(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts of nodes and edges per type (a graph's counts, `kg.graphstats`, when it has them)."""
    stats = getattr(G, "stats", None)
    if stats is not None:
        return dict(stats.summary())
    nodes = Counter(d.get("type", "?") for _, d in G.nodes(data=True))
    edges = Counter(k for _, _, k in G.edges(keys=True))
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "nodes_by_type": dict(sorted(nodes.items())),
        "edges_by_type": dict(sorted(edges.items())),
    }


def _fingerprint(
    inputs: Sequence[str | Path], version: str, options: dict[str, Any], dated: bool = True
) -> str | None:
    """What decides the outputs, cheaply: input file stats, versions, options, kg's code
    (and the build date, when `dated`).

    None when an input is stdin (it cannot be checked without reading it).
    """
    items: list[Any] = [__version__, version, build_date() if dated else "", [str(i) for i in inputs], options]
    for path in iter_input_files(inputs):
        if str(path) == "-":
            return None
        st = Path(path).stat()
        items.append([str(Path(path).resolve()), st.st_size, st.st_mtime_ns])
    code = Path(__file__).resolve().parent.parent
    for path in sorted(p for pattern in _BUILD_CODE for p in code.glob(pattern)):
        st = path.stat()
        items.append([str(path.relative_to(code)), st.st_size, st.st_mtime_ns])
    blob = json.dumps(items, sort_keys=True, default=str).encode()
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


def _output_stats(out: Path) -> dict[str, list[int]] | None:
    """Size and mtime of each output (build.json aside); None when a file output is missing."""
    stats = {}
    for name in (*FILES.values(), "extractions.jsonl"):
        try:
            st = (out / name).stat()
        except OSError:
            if name == "extractions.jsonl":
                return None
            continue  # a format the build did not write
        stats[name] = [st.st_size, st.st_mtime_ns]
    return stats


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extracted(
    papers: Iterable[tuple[Paper, str]],
    spec: PipelineSpec,
    cache: ExtractionCache | None,
    executor: Any,
    counts: Counter[str],
    chunk_size: int,
) -> Iterator[tuple[Paper, str]]:
    """(paper, parts JSON) in input order, for (paper, cache key) pairs: from the cache when
    there, else extracted."""

    def jobs() -> Iterator[tuple[Any, list[Paper]]]:
        for chunk in _chunks(papers, chunk_size):
            keys = [key for _, key in chunk]
            hits = cache.get_many(keys) if cache is not None else {}
            todo = [p for p, k in chunk if k not in hits]
            yield (chunk, hits), todo

    for (chunk, hits), results in ordered_map(executor, extract_chunk, spec, jobs()):
        fresh = iter(results)
        out: list[tuple[Paper, str]] = []
        new: list[tuple[str, str]] = []
        for paper, key in chunk:
            parts = hits.get(key)
            if parts is None:
                parts = next(fresh)
                new.append((key, parts))
            out.append((paper, parts))
        counts["reused"] += len(chunk) - len(new)
        counts["extracted"] += len(new)
        if cache is not None:
            cache.put_many(new)
        yield from out


def _records(pairs: Iterable[tuple[Paper, str]], path: Path) -> Generator[Extraction, None, None]:
    """Write each record's `extractions.jsonl` line to `path`; yield the `Extraction`. Close it
    when the graph fails midway (`contextlib.closing`): its file is then closed at once, not when
    the collector finds it, where an error of a full disk would print a traceback."""
    with path.open("w", encoding="utf-8") as fh:
        for paper, parts in pairs:
            head = paper_json(paper)
            fh.write(f"{head[:-1]}, {parts[1:]}\n")
            yield from_parts(paper, json.loads(parts))


def _up_to_date_report(out: Path, started: float, timings: dict[str, float]) -> BuildReport | None:
    try:
        report: BuildReport = json.loads((out / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict) or not isinstance(report.get("extraction"), dict):
        return None  # not a report kg wrote: build again
    report["up_to_date"] = True
    report["extraction"] = {**report["extraction"], "reused": report["papers"], "extracted": 0}
    report["incremental"] = None
    report["diff"] = {"previous_build": True, "nodes_added": 0, "nodes_removed": 0,
                      "edges_added": 0, "edges_removed": 0}
    timings["total_s"] = time.perf_counter() - started
    report["timings"] = {k: round(v, 3) for k, v in timings.items()}
    return report


def _write_outputs(
    G: Any, details: DetailTable | None, stage: Path, formats: tuple[str, ...], base_iri: str | None,
    html_options: dict[str, Any] | None, timings: dict[str, float], blocks: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Write `formats` of `G` (its paper details in `details`) into `stage`; the Oxigraph
    store loads ``kg.ttl`` in a separate process while this one writes the other formats
    (it is the slowest step). A store without Turtle still loads from one, removed after.
    `blocks` has each format's options for writing in blocks (`kg.export.blocks`)."""
    spawn = multiprocessing.get_context("spawn")  # a fork would copy the graph's pages
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=exit_with, initargs=(os.getpid(),)) as pool:
        store_job = None
        for name, fmt in OUTPUTS.items():
            if fmt not in formats and not (fmt == "ttl" and "store" in formats):
                continue
            t0 = time.perf_counter()
            options_: dict[str, Any] = {"details": details, **(blocks or {}).get(fmt, {})}
            if fmt == "ttl" and base_iri:
                options_["base"] = base_iri
            if fmt == "html" and html_options:
                options_.update(html_options)
            changes = export(G, fmt, stage / name, **options_)
            timings[f"write_{name}_s"] = time.perf_counter() - t0
            if fmt == "ttl" and "store" in formats:
                store_started = time.perf_counter()
                previous = (blocks or {}).get("store", {}).get("previous")
                if changes is not None and previous is not None and _small(changes, stage / name):
                    old = options_["previous"].ttl
                    store_job = pool.submit(update_store, previous, stage / "store", old, stage / name, changes,
                                            optimize=False)
                else:
                    store_job = pool.submit(write_store, stage / name, stage / "store", part_bytes=STORE_PART_BYTES)
        if store_job is not None:
            t0 = time.perf_counter()
            store_job.result()
            timings["wait_store_s"] = time.perf_counter() - t0
            timings["write_store_s"] = time.perf_counter() - store_started
    if "ttl" not in formats:
        (stage / FILES["ttl"]).unlink(missing_ok=True)


def _small(changes: list[Any], ttl: Path) -> bool:
    """Whether the blocks that changed in `ttl` are few enough to update the store with them
    (a quarter of the file at most), rather than load it again."""
    changed = sum(new[1] for _, new in changes if new is not None)
    return changed <= ttl.stat().st_size // 4


def _remove_unwritten(out: Path, formats: tuple[str, ...]) -> None:
    """Remove the outputs of formats this build did not write: a file left from an earlier
    build would not match this one's graph."""
    for fmt, name in FILES.items():
        if fmt not in formats:
            remove_path(out / name)


class _Reader:
    """The papers of `inputs`, each ID once (`dedup`), counted, as (paper, cache key) pairs,
    with a digest of them in order (`kg.build.increment.PrefixCheck`)."""

    def __init__(
        self, inputs: Sequence[str | Path], limits: Limits, columns: Mapping[str, str] | None,
        show_progress: bool | None, version: str,
    ) -> None:
        self.dedup = Deduplicator()
        self.counts: Counter[str] = Counter()
        self.log = LimitLog(limits)
        self.version = version
        self.check = PrefixCheck()
        self.papers = self._papers(read_papers(inputs, limits, self.log, columns), show_progress)

    def _papers(self, papers: Iterable[Paper], show_progress: bool | None) -> Iterator[tuple[Paper, str]]:
        for paper in progress(self.dedup.unique(self._counted(papers)), "build", show_progress):
            key = content_key(paper, self.version)
            self.check.add(key, paper.sources)
            yield paper, key

    def _counted(self, papers: Iterable[Paper]) -> Iterator[Paper]:
        for paper in papers:
            self.counts["records"] += 1
            yield paper

    @property
    def digest(self) -> str:
        return self.check.hexdigest()


def _add_papers(
    read: _Reader, kept: Kept, spec: PipelineSpec, cache: ExtractionCache | None, executor: Any,
    chunk_size: int, stage: Path, keeping: Keeping,
) -> Added | None:
    """Add the papers after the kept build's to its tables, when the inputs start with its
    papers (same contents and sources, in order); None when they do not."""
    for _ in itertools.islice(read.papers, kept.papers):
        pass
    if (read.check.count != kept.papers or read.digest != kept.meta["digest"]
            or read.dedup.extra_sources != kept.meta["extra_sources"]):
        return None
    read.counts["reused"] += kept.papers
    pairs = _extracted(read.papers, spec, cache, executor, read.counts, chunk_size)
    with contextlib.closing(_records(pairs, stage / "records.tmp")) as records:
        added = add_papers(kept, records, keeping.generation, load_model(), evaluate=True)
    new = set(added.new)
    earlier = kept.meta["extra_sources"]
    if any(paper_node(pid) not in new and earlier.get(pid) != extra for pid, extra in read.dedup.extra_sources.items()):
        added.graph.details.keep()
        return None  # a paper added repeats one of the kept build's: its row changes
    return added


def build(
    inputs: Sequence[str | Path],
    out_dir: str | Path = "outputs",
    use_model: bool = True,
    show_progress: bool | None = None,
    base_iri: str | None = None,
    html_options: dict[str, Any] | None = None,
    *,
    jobs: int = 1,
    cache: str | Path | bool | None = True,
    scheduler: str | None = None,
    force: bool = False,
    pipeline: PipelineSpec | None = None,
    chunk_size: int = 256,
    limits: Limits = DEFAULT_LIMITS,
    columns: Mapping[str, str] | str | None = None,
    formats: str | Sequence[str] | None = None,
    details_on_disk: bool = True,
) -> BuildReport:
    """Build the graph of `inputs` into `out_dir`; return the build report (build.json).

    Papers stream from the inputs through extraction (in chunks, in this process, in
    `jobs` worker processes, or on the Dask `scheduler`: ``local``, ``local:N`` or an
    address) into `extractions.jsonl` and the graph; memory grows with the graph only.
    With a cache (`cache`: True for ``OUT_DIR/.kg-cache``, a directory, or False/None for
    none), each paper's extraction is reused while its content and the pipeline are
    unchanged, a build with nothing changed is skipped (unless
    `force`), and the report includes the diff against the previous build.
    `pipeline` overrides `use_model` (e.g. to use another gazetteer). Records past
    `limits` are skipped or cut with a warning and counted in the report. `formats` (e.g.
    "ttl,store") chooses the outputs (`kg.build.formats`; default: all, less GraphML and
    graph.json past `LARGE_BUILD` papers); outputs of other formats are removed. `columns`
    ({field: column} or ``"field=column,..."``) names the input columns that hold each field.
    The graph is kept as tables while it is built (`kg.graph.GraphTables`): each paper's
    attributes, links and evidence a row in a file on disk (`kg.details`), the entities in
    memory; `details_on_disk=False` keeps the rows in memory instead (more memory, same
    outputs).
    """
    started = time.perf_counter()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KGError(f"{out}: exists and is not a directory; choose another -o")
    if jobs < 1:
        raise KGError(f"--jobs must be at least 1, not {jobs}")
    spec = pipeline or PipelineSpec(use_model=use_model)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KGError(f"cannot write to {out}: {exc.strerror}; choose a writable -o") from None
    _remove_stale(out)  # also before a build with nothing to do: a killed build's staging goes
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    version = spec.version()
    timings["pipeline_version_s"] = time.perf_counter() - t0
    cache_dir = out / CACHE_DIRNAME if cache is True else Path(cache) if cache else None
    new_cache = cache_dir is not None and not cache_dir.exists()
    state = BuildState(cache_dir, out) if cache_dir is not None else None
    requested = parse_formats(formats)
    options: dict[str, Any] = {"base_iri": base_iri, "html": html_options or {}, "limits": limits.as_dict()}
    columns = parse_columns(columns)
    if columns:
        options["columns"] = columns
    if requested is not None:
        options["formats"] = list(requested)
    fingerprint = _fingerprint(inputs, version, options) if state is not None else None
    if state is not None and fingerprint is not None and not force:
        previous = state.load_state()
        if (
            previous is not None
            and previous.get("fingerprint") == fingerprint
            and previous.get("outputs") == _output_stats(out)
        ):
            report = _up_to_date_report(out, started, timings)
            if report is not None:
                with atomic_write(out / "build.json") as fh:
                    json.dump(report, fh, indent=2, sort_keys=True)
                    fh.write("\n")
                return report
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=out))
    except OSError as exc:
        raise KGError(f"cannot write to {out}: {exc.strerror}; choose a writable -o") from None
    xcache = ExtractionCache(cache_dir) if cache_dir is not None else None
    details: DetailTable | None = None
    # the graph's tables, kept for the next build (with a cache): `kept`, the last build's
    keeping = (Keeping(state.dir, state.tag, str(_fingerprint((), version, options, dated=False)),
                       lambda: _output_stats(out), {fmt: out / FILES[fmt] for fmt in (*BLOCK_FORMATS, "ttl", "store")})
               if state is not None and details_on_disk else None)
    kept = keeping.load() if keeping is not None and not force else None
    added: Added | None = None
    try:
        t0 = time.perf_counter()
        with open_executor(spec, jobs=jobs, scheduler=scheduler) as executor:
            timings["start_workers_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            if kept is not None and keeping is not None:
                read = _Reader(inputs, limits, columns, show_progress, version)
                added = _add_papers(read, kept, spec, xcache, executor, chunk_size, stage, keeping)
            if added is None:
                tried = read.counts["extracted"] if kept is not None else 0  # now in the cache
                kept = None  # its tables are not added to: their memory goes
                read = _Reader(inputs, limits, columns, show_progress, version)
                read.counts.update(extracted=tried, reused=-tried)
                # the graph's tables: a row per paper (attributes, evidence, links), on disk
                details = DetailTable(keeping.rows() if keeping is not None else
                                      stage / ".papers.jsonl" if details_on_disk else None)
                pairs = _extracted(read.papers, spec, xcache, executor, read.counts, chunk_size)
                with contextlib.closing(_records(pairs, stage / "records.tmp")) as records:
                    G = graph_tables(records, details, before_finish=keeping.save_raw if keeping is not None else None)
                G.count()
            else:
                G = added.graph
                details = G.details
            executor_name = executor.description
        dedup, counts, log = read.dedup, read.counts, read.log
        extra_sources = dedup.extra_sources
        if added is not None:  # the papers added: the others' are in their rows already
            new = set(added.new)
            extra_sources = {pid: extra for pid, extra in extra_sources.items() if paper_node(pid) in new}
        _merge_sources(extra_sources, details)
        if keeping is not None:
            keeping.save_final(G.tables, kept)
        timings["extract_and_graph_s"] = time.perf_counter() - t0
        G.graph.update(
            name="kg", kg_version=__version__, pipeline_version=version,
            build_date=build_date(), sources=sorted({str(i) for i in inputs}),
        )
        _finish_records(stage / "records.tmp", stage / "extractions.jsonl", extra_sources,
                        out / "extractions.jsonl" if added is not None else None)
        duplicates = sum(len(v) for v in dedup.extra_sources.values())
        written, skipped = choose_formats(requested, counts["records"] - duplicates)
        blocks = keeping.blocks(kept, added) if keeping is not None else None
        _write_outputs(G, details, stage, written, base_iri, html_options, timings, blocks)
        index = diff = None
        if state is not None:
            t0 = time.perf_counter()
            updated = state.update_index(*added.lines) if added is not None else None
            if updated is None:
                index = state.write_index(G)
                diff = state.diff(index)
            else:
                index, diff = updated
            timings["diff_s"] = time.perf_counter() - t0
        timings["total_s"] = time.perf_counter() - started
        report = cast(BuildReport, {
            "kg_version": __version__,
            "pipeline_version": version,
            "build_date": G.graph["build_date"],
            "inputs": [str(i) for i in inputs],
            "records": counts["records"],
            "papers": counts["records"] - duplicates,
            "duplicates_merged": duplicates,
            "duplicate_conflicts": dedup.conflicts,
            **log.report(),
            "limits": limits.as_dict(),
            **graph_summary(G),
            "up_to_date": False,
            "extraction": {
                "reused": counts["reused"],
                "extracted": counts["extracted"],
                "cache": str(cache_dir) if cache_dir is not None else None,
                "executor": executor_name,
            },
            "diff": diff,
            "incremental": None if added is None else {
                "papers_kept": len(details) - len(added.new), "papers_added": len(added.new),
                "stars_settled_again": added.settled, "stars_written_again": len(added.stars),
                "nodes_written_again": len(added.dirty),
            },
            "formats": list(written),
            "formats_skipped": skipped,
            "timings": {k: round(v, 3) for k, v in timings.items()},
        })
        with atomic_write(stage / "build.json") as fh:
            json.dump(report, fh, indent=2, sort_keys=True)
            fh.write("\n")
        papers_in = len(details)
        del G
        if keeping is not None:
            details.keep()
        else:
            details.close()  # its file goes before the outputs move
        for item in sorted(stage.iterdir()):
            replace_path(item, out / item.name)
        _remove_unwritten(out, written)
        if state is not None:
            outputs = _output_stats(out)
            state.save({"fingerprint": fingerprint, "outputs": outputs, "kg_version": __version__}, index)
            if keeping is not None:
                keeping.commit(outputs, papers_in, read.digest, dedup.extra_sources)
        return report
    except (KGError, OSError) as exc:
        if xcache is not None:
            xcache.close()
        if new_cache and cache_dir is not None:
            shutil.rmtree(cache_dir, ignore_errors=True)
        if isinstance(exc, OSError):  # a full disk, a read-only or vanished output folder
            raise KGError(
                f"cannot write to {out}: {exc.strerror or exc}; check free disk space and permissions"
            ) from None
        raise
    finally:
        if xcache is not None:
            xcache.close()
        if details is not None:
            with contextlib.suppress(OSError):  # a full disk: the build failed already, its rows are not kept
                details.keep() if keeping is not None else details.close()
        shutil.rmtree(stage, ignore_errors=True)
        if keeping is not None:
            keeping.clean()
