"""Incremental builds: the extraction cache, skipped no-op builds, diffs, --jobs."""

import json
import shutil

import pytest

from kg.build import build
from kg.build.cache import ExtractionCache, content_key
from kg.build.executors import PipelineSpec, extract_chunk
from kg.codec import from_parts, paper_json, parts_json
from kg.ingest import read_papers
from kg.nlp.extract import extract_papers
from kg.records import Paper
from tests.conftest import FIXTURES, ROOT

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
