"""Incremental builds: the extraction cache, skipped no-op builds, diffs, --jobs."""

import gc
import gzip
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kg.build
from kg.build import build
from kg.build.cache import BuildState, ExtractionCache, content_key, diff_sorted, sorted_lines
from kg.build.executors import PipelineSpec, extract_chunk, open_executor
from kg.codec import from_parts, paper_json, parts_json
from kg.ingest import read_papers
from kg.nlp.extract import extract_papers
from kg.records import Paper
from tests.conftest import FIXTURES, ROOT
from tests.index_reference import diff_index, graph_index, save_index

SPEC = PipelineSpec(use_model=False, gazetteer_path=str(FIXTURES / "gazetteer"))


def _papers(n, start=0):
    papers = list(read_papers([ROOT / "seeds" / "000_17f8648932f0471a.txt"]))
    return [p.to_dict() for p in papers[start : start + n]]


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _build(src, out, **kw):
    kw.setdefault("cache", out / ".kg-cache")
    return build(src if isinstance(src, list) else [src], out, show_progress=False, pipeline=SPEC, **kw)


def _outputs(out):
    return {n: (out / n).read_bytes() for n in ("graph.json", "extractions.jsonl", "kg.graphml", "kg.ttl")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("in")
    a = _write(d / "a.jsonl", _papers(20))
    b = _write(d / "b.jsonl", _papers(6, start=20) + _papers(2))  # two duplicates of a.jsonl
    return a, b


def test_parts_roundtrip_is_exact(tiny_nlp):
    papers = [Paper.from_dict(p) for p in _papers(10)]
    papers.append(Paper(id="x", title="T", authors=("A B",), categories=("cs.LG",), doi="10.1/x"))
    for rec in extract_papers(papers, tiny_nlp):
        again = from_parts(rec.paper, json.loads(parts_json(rec)))
        assert again == rec
        line = f"{paper_json(rec.paper)[:-1]}, {parts_json(rec)[1:]}"
        assert line == json.dumps(rec.to_dict(), ensure_ascii=False)


def test_content_key_ignores_sources_but_not_content():
    p = Paper(id="1", title="T", abstract="A", sources=("a:1",))
    assert content_key(p, "v") == content_key(Paper(id="1", title="T", abstract="A", sources=("b:2",)), "v")
    assert content_key(p, "v") != content_key(p, "w")
    assert content_key(p, "v") != content_key(Paper(id="1", title="T", abstract="A."), "v")
    assert content_key(p, "v") != content_key(Paper(id="1", title="T", abstract="A", doi="x"), "v")


def test_cache_survives_reopen_and_misses_quietly(tmp_path):
    cache = ExtractionCache(tmp_path / "c")
    assert cache.get_many(["k"]) == {} and not (tmp_path / "c").exists()
    cache.put_many([("k", '{"entities": []}')])
    cache.close()
    assert ExtractionCache(tmp_path / "c").get_many(["k", "x"]) == {"k": '{"entities": []}'}


def test_rerun_reuses_everything_and_is_skipped(corpus, tmp_path):
    a, _ = corpus
    out = tmp_path / "out"
    first = _build(a, out)
    assert first["extraction"]["extracted"] == 20 and first["extraction"]["reused"] == 0
    assert first["diff"] == {"previous_build": False}
    before = _outputs(out)
    again = _build(a, out)
    assert again["up_to_date"] and again["extraction"]["extracted"] == 0
    assert _outputs(out) == before
    forced = _build(a, out, force=True)
    assert not forced["up_to_date"]
    assert forced["extraction"] == forced["extraction"] | {"extracted": 0, "reused": 20}
    assert forced["diff"]["nodes_added"] == forced["diff"]["edges_removed"] == 0
    assert _outputs(out) == before


def test_a_build_with_nothing_to_do_still_removes_a_killed_builds_staging(corpus, tmp_path):
    a, _ = corpus
    out = tmp_path / "out"
    _build(a, out)
    stale = out / ".staging-99999999-killed"  # no process has this ID (above any pid_max)
    (stale / "kg.ttl").parent.mkdir()
    (stale / "kg.ttl").write_text("half")
    assert _build(a, out)["up_to_date"]
    assert not stale.exists()


def test_cached_build_equals_uncached_build(corpus, tmp_path):
    a, b = corpus
    _build([a, b], tmp_path / "warm")  # fills the cache
    shutil.rmtree(tmp_path / "warm" / ".kg-cache" / "builds")
    warm = _build([a, b], tmp_path / "warm", force=True)
    assert warm["extraction"]["extracted"] == 0
    _build([a, b], tmp_path / "cold", cache=None)
    assert _outputs(tmp_path / "warm") == _outputs(tmp_path / "cold")


def test_adding_a_file_extracts_only_its_new_papers(corpus, tmp_path):
    a, b = corpus
    out = tmp_path / "out"
    _build(a, out)
    report = _build([a, b], out)
    assert report["extraction"]["extracted"] == 6 and report["extraction"]["reused"] == 20
    assert report["duplicates_merged"] == 2
    diff = report["diff"]
    assert diff["previous_build"] and diff["nodes_added_by_type"]["Paper"] == 6
    assert diff["nodes_removed"] == 0 and diff["edges_added"] > 0
    back = _build(a, out)
    assert back["extraction"]["extracted"] == 0
    assert back["diff"]["nodes_removed_by_type"]["Paper"] == 6 and back["diff"]["nodes_added"] == 0


def test_changed_pipeline_invalidates(corpus, tmp_path):
    a, _ = corpus
    out = tmp_path / "out"
    _build(a, out)
    gz = tmp_path / "gz"
    gz.mkdir()
    text = (FIXTURES / "gazetteer" / "tiny.jsonl").read_text()
    (gz / "tiny.jsonl").write_text(text + '{"name": "Pareto front", "label": "Task"}\n')
    spec = PipelineSpec(use_model=False, gazetteer_path=str(gz))
    assert spec.version() != SPEC.version()
    report = build([a], out, show_progress=False, pipeline=spec, cache=out / ".kg-cache")
    assert report["extraction"]["extracted"] == 20


def test_failed_build_with_new_cache_leaves_no_cache(tmp_path):
    bad = _write(tmp_path / "bad.jsonl", [{"title": "ok"}])
    bad.write_text(bad.read_text() + "{oops}\n")
    out = tmp_path / "out"
    with pytest.raises(Exception, match=r"bad\.jsonl:2"):
        _build(bad, out)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_jobs_give_the_same_outputs(corpus, tmp_path):
    a, b = corpus
    one = _build([a, b], tmp_path / "one", cache=None)
    two = _build([a, b], tmp_path / "two", cache=None, jobs=2, chunk_size=4)
    assert two["extraction"]["executor"] == "2 processes"
    assert one["nodes"] == two["nodes"] and one["edges"] == two["edges"]
    assert _outputs(tmp_path / "one") == _outputs(tmp_path / "two")


def test_extract_chunk_runs_in_order():
    papers = [Paper.from_dict(p) for p in _papers(5)]
    out = extract_chunk(SPEC, papers)
    assert len(out) == 5 and all(json.loads(x).keys() >= {"entities", "relations"} for x in out)


def test_the_cache_key_covers_every_module_extraction_runs():
    """Editing any kg module that extraction imports must change `pipeline_version`, or
    builds would reuse records the old code made (resolve.py was once left out: entity IDs
    changed, cached records kept the old ones)."""
    import subprocess
    import sys
    from pathlib import Path

    from kg.nlp.pipeline import extraction_files

    code = ("import sys, kg.nlp.extract, kg.nlp.pipeline; "
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('kg.')))")
    loaded = {Path(f).resolve() for f in subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()}
    exempt = {"__init__.py", "errors.py"}  # packages' markers and error classes decide no output
    assert {p for p in loaded if p.name not in exempt} <= {p.resolve() for p in extraction_files(False)}


def test_the_build_fingerprint_covers_every_module_the_graph_and_exports_run():
    """A rerun with unchanged inputs is skipped when the fingerprint is unchanged: every kg
    module a build imports outside extraction (whose files `pipeline_version` covers) must be
    in it, and so must the admission model and the data the graph reads."""
    import subprocess
    import sys
    from pathlib import Path

    import kg.build as build
    from kg.nlp.pipeline import extraction_files

    code = ("import sys, kg.build, kg.graph, kg.export.rdf, kg.export.html, kg.sparql.store; "
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('kg.') and m.__file__))")
    loaded = {Path(f).resolve() for f in subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()}
    root = Path(build.__file__).resolve().parent.parent
    covered = {p.resolve() for pattern in build._BUILD_CODE for p in root.glob(pattern)}
    covered |= {p.resolve() for p in extraction_files(False)}
    exempt = {"__init__.py", "errors.py"}
    assert {p for p in loaded if p.name not in exempt} <= covered
    for data in ("admission.json", "termhood.json", "metric_directions.tsv"):
        assert (root / "data" / data).resolve() in covered


class _Graph:
    """A graph as the diff index reads it: nodes with their attributes and edge keys, nothing else."""

    def __init__(self, nodes, edges, fail_after=None):
        self._nodes, self._edges, self._fail_after = nodes, edges, fail_after

    def nodes(self, data):
        assert data is True
        return iter(self._nodes.items())

    def edges(self, keys):
        assert keys is True
        for i, edge in enumerate(self._edges):
            if i == self._fail_after:
                raise RuntimeError("the graph failed")
            yield edge


# "\x01" sorts before the tab that ends an ID in its line and the newline that ends an edge
_ids = st.text("ab:\x01é", min_size=1, max_size=3)
_labels = st.text("ab \t\n\rZ", max_size=3)  # short: labels repeat; tabs and newlines become spaces
_types = st.sampled_from(["Paper", "Method", "Dataset", "Repository", "Result", ""])


@st.composite
def _graphs(draw, ids):
    nodes = {}
    for n in draw(st.lists(st.sampled_from(ids), unique=True)):
        attrs = draw(st.fixed_dictionaries({}, optional={"type": _types, "label": _labels}))
        nodes[n] = attrs
    keys = st.sampled_from(["uses", "proposes", "reports"])
    edges = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids), keys), unique=True))
    return _Graph(nodes, edges)


@st.composite
def _graph_pairs(draw):
    ids = draw(st.lists(_ids, min_size=1, max_size=10, unique=True))
    return draw(_graphs(ids)), draw(_graphs(ids))


def _state(cache, chunk_lines):
    return BuildState(cache, cache / "out", chunk_lines=chunk_lines)


def _lines(path):
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as fh:
        return list(fh)


_PREFIXES = ("a", "a\x01", "a\x01b")  # IDs that are prefixes of one another, each line sorting before the last


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=_graph_pairs(), chunk_lines=st.sampled_from([1, 2, 3, 1000]))
@example(
    pair=(
        _Graph({n: {"type": "Method", "label": n} for n in _PREFIXES[1:]}, [("a", v, "uses") for v in _PREFIXES[:2]]),
        _Graph({n: {"type": "Method", "label": n} for n in _PREFIXES[:2]}, [("a", v, "uses") for v in _PREFIXES]),
    ),
    chunk_lines=2,
)
def test_streamed_diff_equals_the_in_memory_one(pair, chunk_lines):
    """Same report as the in-memory diff, from a sorted previous index or one in the older
    unsorted format, whatever the chunk size; same lines as the older index, sorted."""
    old, new = pair
    expected = diff_index(graph_index(old), graph_index(new))
    with tempfile.TemporaryDirectory() as tmp:
        sorted_state, legacy_state = _state(Path(tmp) / "a", chunk_lines), _state(Path(tmp) / "b", chunk_lines)
        sorted_state.save({}, sorted_state.write_index(old))
        legacy_state.dir.mkdir(parents=True)
        save_index(graph_index(old), legacy_state.legacy_index_path)
        assert sorted(_lines(legacy_state.legacy_index_path)) == _lines(sorted_state.index_path)
        for state in (sorted_state, legacy_state):
            index = state.write_index(new)
            assert state.diff(index) == expected
            state.save({}, index)
            assert state.diff(state.write_index(new)) == diff_index(graph_index(new), graph_index(new))
        assert not legacy_state.legacy_index_path.exists()
        first = _state(Path(tmp) / "c", chunk_lines)
        assert first.diff(first.write_index(new)) == {"previous_build": False}


@given(lines=st.lists(st.text("ab\x01\x1f", max_size=4).map(lambda t: t + "\n")))
@settings(deadline=None)
def test_sorted_lines_spills_full_chunks_and_merges_them(lines):
    with tempfile.TemporaryDirectory() as tmp:
        with sorted_lines(lines, Path(tmp), chunk_lines=3) as merged:
            (spill,) = Path(tmp).iterdir()
            assert len(list(spill.iterdir())) == len(lines) // 3
            assert list(merged) == sorted(lines)
        assert not list(Path(tmp).iterdir())


def test_sorting_holds_one_chunk_in_memory(tmp_path):
    import tracemalloc

    lines = (f"E\tpaper:{i * 7919 % 20000:08}\x1fuses\x1fmethod:{'x' * 80}\n" for i in range(20000))
    tracemalloc.start()
    try:
        with sorted_lines(lines, tmp_path, chunk_lines=1000) as merged:
            assert sum(1 for _ in merged) == 20000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 600_000  # 1,000 lines of 150 bytes and buffers; all 20,000 lines would take 3 MB


def test_examples_are_the_first_ten_labels_in_order():
    old = ["N\tm:0\tMethod\tkept\n"]
    new = sorted(["N\tm:0\tDataset\tchanged\n"] + [f"N\tm:{i}\tMethod\tx{i % 12:02}\n" for i in range(1, 40)]
                 + ["N\tp:1\tPaper\ta paper\n", "E\tp:1\x1fuses\x1fm:1\n"])
    diff = diff_sorted(old, new)
    assert diff["nodes_added"] == 40 and diff["nodes_removed"] == 0
    assert diff["nodes_added_by_type"] == {"Method": 39, "Paper": 1}
    assert diff["entities_added_examples"] == ["x00", "x00", "x00", "x01", "x01", "x01", "x01", "x02", "x02", "x02"]
    assert diff["edges_added_by_type"] == {"uses": 1}


def test_an_unreadable_previous_index_is_no_previous_build(tmp_path):
    state = _state(tmp_path, 2)
    graph = _Graph({f"n{i}": {"type": "Method"} for i in range(50)}, [])
    state.save({}, state.write_index(graph))
    state.index_path.write_bytes(state.index_path.read_bytes()[:-20])  # truncated
    assert state.diff(state.write_index(graph)) == {"previous_build": False}
    state.index_path.unlink()
    state.legacy_index_path.write_bytes(b"not gzip")
    assert state.diff(state.write_index(graph)) == {"previous_build": False}
    with gzip.open(state.index_path, "wt") as fh:
        fh.write("N\tb\tMethod\tB\nN\ta\tMethod\tA\n")  # out of order
    assert state.diff(state.write_index(graph)) == {"previous_build": False}


def test_a_graph_failing_midway_leaves_the_previous_index(tmp_path):
    state = _state(tmp_path, 2)
    nodes = {f"n{i}": {"type": "Method", "label": f"N{i}"} for i in range(10)}
    edges = [(f"n{i}", f"n{i + 1}", "uses") for i in range(9)]
    state.save({"build": 1}, state.write_index(_Graph(nodes, edges)))
    before = state.index_path.read_bytes()
    with pytest.raises(RuntimeError, match="the graph failed"):
        state.write_index(_Graph(nodes, edges, fail_after=7))
    assert state.index_path.read_bytes() == before
    assert sorted(p.name for p in state.dir.iterdir()) == sorted([state.index_path.name, state.state_path.name])


def _as_older_index(state):
    """Rewrite the index of `state` as older kg versions wrote it: unsorted, ``<tag>.index.gz``."""
    lines = _lines(state.index_path)
    random.Random(0).shuffle(lines)
    with gzip.open(state.legacy_index_path, "wt", encoding="utf-8") as fh:
        fh.writelines(lines)
    state.index_path.unlink()


def test_a_build_failing_after_its_index_keeps_the_previous_one(corpus, tmp_path, monkeypatch):
    a, b = corpus
    out = tmp_path / "out"
    _build(a, out)
    state = BuildState(out / ".kg-cache", out)
    index, saved = state.index_path.read_bytes(), state.state_path.read_bytes()

    def fail(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(kg.build, "replace_path", fail)
        with pytest.raises(Exception, match="No space left"):
            _build([a, b], out)
    assert state.index_path.read_bytes() == index and state.state_path.read_bytes() == saved
    diff = _build([a, b], out)["diff"]
    assert diff["nodes_added_by_type"]["Paper"] == 6 and diff["nodes_removed"] == 0
    assert sorted(p.name for p in state.dir.iterdir()) == sorted(
        [state.index_path.name, state.state_path.name, f"{state.tag}.tables", f"{state.tag}.tables.lock"])


def test_a_previous_index_in_the_older_format_gives_the_same_diff(corpus, tmp_path):
    a, b = corpus
    diffs = []
    for name in ("sorted", "older"):
        out = tmp_path / name
        _build(a, out)
        state = BuildState(out / ".kg-cache", out)
        if name == "older":
            _as_older_index(state)
        diffs.append(_build([a, b], out)["diff"])
        assert state.index_path.exists() and not state.legacy_index_path.exists()
    assert diffs[0] == diffs[1] and diffs[0]["nodes_added"] > 0


def test_a_pool_process_ends_when_the_build_process_is_killed(tmp_path):
    """The store loader and extraction workers watch the build process (`exit_with`): a killed
    build leaves none of them loading into a staging folder that is gone."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import multiprocessing, os, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from kg.build.executors import exit_with\n"
        "if __name__ == '__main__':\n"
        "    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('spawn'),\n"
        "                               initializer=exit_with, initargs=(os.getpid(),))\n"
        "    pool.submit(time.sleep, 120)\n"
        "    print(*[p.pid for p in pool._processes.values()], flush=True)\n"
        "    time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _running(child):
        time.sleep(0.2)
    assert not _running(child)


def _running(pid: int) -> bool:
    try:
        with Path(f"/proc/{pid}/status").open(encoding="utf-8") as fh:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in fh)
    except OSError:
        return False


def test_chunks_extracted_in_a_memory_zone_give_the_same_records(monkeypatch):
    """After the first papers of a process, each chunk runs in spaCy's memory zone: the new
    strings it brings are freed with it, and its records are those extracted without one."""
    import kg.build.executors as executors

    papers = [replace(p, abstract=p.abstract + f" We call it Zqx{i}former.")
              for i, p in enumerate(Paper.from_dict(p) for p in _papers(12))]
    strings = SPEC.load().vocab.strings
    monkeypatch.setattr(executors, "WARM_PAPERS", 0)
    before = len(strings)
    zoned = extract_chunk(SPEC, papers)
    assert len(strings) == before
    monkeypatch.setattr(executors, "WARM_PAPERS", 10**9)
    monkeypatch.setattr(executors, "_warmed", 0)
    assert extract_chunk(SPEC, papers) == zoned
    assert len(strings) > before  # without the zone, the new words stay


def _docs() -> int:
    """The Docs this process holds (frozen objects left out)."""
    from spacy.tokens import Doc

    return sum(isinstance(o, Doc) for o in gc.get_objects())


def _docs_after(spec: PipelineSpec, papers: list[Paper]) -> int:
    extract_chunk(spec, papers)
    return _docs()


def test_a_chunks_docs_are_freed_when_it_ends(monkeypatch):
    """A Doc and the spans its extension attributes hold form a cycle, so a chunk's Docs
    outlive it until the cyclic collector runs (here: it is off); a pool worker collects them
    at the end of each chunk, and its records are the same."""
    import kg.build.executors as executors

    papers = [Paper.from_dict(p) for p in _papers(6)]
    records = extract_chunk(SPEC, papers)
    gc.collect()
    gc.disable()
    try:
        before = _docs()
        assert _docs_after(SPEC, papers) > before
        gc.collect()
        monkeypatch.setattr(executors, "_collect", True)
        assert extract_chunk(SPEC, papers) == records
        assert _docs() == before
    finally:
        gc.enable()


def test_no_doc_outlives_a_chunk_in_a_pool_worker():
    """Pool workers collect each chunk's garbage: a worker holds no Doc between chunks."""
    papers = [Paper.from_dict(p) for p in _papers(6)]
    with open_executor(SPEC, jobs=2) as ex:
        assert ex.submit(_docs_after, SPEC, papers).result() == 0
