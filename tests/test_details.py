"""Paper details on disk (`kg.details`): a lean graph plus its table writes what the full graph writes."""

import json
from dataclasses import replace

import pytest
from rdf_fixture import records

from kg.build import build
from kg.details import DetailTable
from kg.export import export
from kg.graph import build_graph, graph_tables
from kg.load import normalize_value
from kg.nlp.extract import extract_papers
from kg.records import Paper
from tests.test_build_cache import SPEC, _papers, _write


@pytest.fixture
def table(tmp_path):
    t = DetailTable(tmp_path / "details.jsonl")
    yield t
    t.close()


def _extractions(tiny_nlp):
    papers = [Paper.from_dict(p) for p in _papers(30)]
    return [*records(), *extract_papers(papers, tiny_nlp)]


def _pair(recs, table, **kw):
    full = build_graph(recs, **kw)
    lean = graph_tables(recs, table, **kw)
    for G in (full, lean):
        G.graph.update(build_date="2024-05-01", kg_version="0.1.0", pipeline_version="v1")
    return full, lean


def test_the_table_keeps_attributes_in_order_and_gives_links_their_evidence(table):
    evidence = {"field": "abstract", "start": 12, "end": 13, "text": "X", "component": "gazetteer"}
    table.put("paper:p", {"type": "Paper", "label": "T", "title": "T", "abstract": "One. Two on X here."},
              [{**evidence, "sentence": (5, 19)}])
    assert list(table.paper("paper:p", {"type": "Paper", "label": "T"})) == ["type", "label", "title", "abstract"]
    full = table.link("paper:p", {"type": "uses", "mentions": 1, "evidence": 0, "score": 0.9})
    assert full == {"type": "uses", "mentions": 1, **evidence, "sentence": "Two on X here.", "score": 0.9}
    assert list(full) == ["type", "mentions", "field", "start", "end", "text", "sentence", "component", "score"]
    other = {"type": "Method", "label": "X"}
    assert table.paper("method:x", other) is other
    assert table.link("result:p:0", {"type": "resultMetric"}) == {"type": "resultMetric"}


def test_an_update_keeps_the_evidence_and_close_removes_the_file(tmp_path):
    t = DetailTable(tmp_path / "d.jsonl")
    evidence = {"field": "title", "start": 0, "end": 1, "text": "T", "component": "url", "sentence": (0, 1)}
    t.put("paper:p", {"type": "Paper", "label": "T", "title": "T", "sources": ["a:1"]}, [evidence])
    assert t.paper("paper:p", {"type": "Paper"})["sources"] == ["a:1"]
    t.update("paper:p", sources=["a:1", "b:2"])
    assert t.paper("paper:p", {"type": "Paper"}) == {"type": "Paper", "label": "T", "title": "T",
                                                     "sources": ["a:1", "b:2"]}
    assert t.link("paper:p", {"evidence": 0})["sentence"] == "T"
    assert t.evidence("paper:p") == [{**evidence, "sentence": [0, 1]}]
    with pytest.raises(KeyError):
        t.update("paper:q", sources=[])
    t.close()
    assert not (tmp_path / "d.jsonl").exists()


@pytest.mark.parametrize("admission", [True, False])
def test_the_lean_graph_holds_no_paper_text_nor_evidence_and_gives_the_full_graph(tiny_nlp, table, admission):
    full, lean = _pair(_extractions(tiny_nlp), table, admission=admission)
    assert list(full.nodes) == list(lean.nodes)
    assert list(full.edges(keys=True)) == list(lean.edges(keys=True))
    for node, data in lean.nodes(data=True):
        if data["type"] == "Paper":
            assert set(data) == {"type", "label"}
        assert [(k, normalize_value(v)) for k, v in table.paper(node, data).items()] == list(full.nodes[node].items())
    for u, v, k, data in lean.edges(keys=True, data=True):
        assert set(data) <= {"type", "mentions", "evidence", "score"}
        assert list(table.link(u, data).items()) == list(full.edges[u, v, k].items())


def test_a_paper_given_twice_keeps_the_evidence_of_both(table):
    recs = records()
    again = replace(recs[0], entities=recs[0].entities[-1:], repos=(), results=(), aliases=())
    full, lean = _pair([*recs, again], table, admission=False)
    for u, v, k, data in lean.edges(keys=True, data=True):
        assert list(table.link(u, data).items()) == list(full.edges[u, v, k].items())


@pytest.mark.parametrize(("fmt", "options"), [
    ("ttl", {}), ("nt", {}), ("nq", {}), ("graphml", {}), ("json", {}), ("html", {}), ("html", {"max_nodes": 40}),
])
def test_every_build_format_writes_the_same_bytes_from_the_table(tiny_nlp, table, tmp_path, fmt, options):
    full, lean = _pair(_extractions(tiny_nlp), table)
    export(full, fmt, tmp_path / "full", **options)
    export(lean, fmt, tmp_path / "lean", details=table, **options)
    assert (tmp_path / "full").read_bytes() == (tmp_path / "lean").read_bytes()


def test_build_outputs_are_the_same_with_details_in_memory_or_on_disk(tmp_path):
    a = _write(tmp_path / "a.jsonl", _papers(12))
    b = _write(tmp_path / "b.jsonl", _papers(3, start=12) + _papers(2))  # two duplicates of a.jsonl
    outs = {}
    for on_disk in (True, False):
        out = tmp_path / f"out-{on_disk}"
        report = build([a, b], out, show_progress=False, pipeline=SPEC, cache=False, details_on_disk=on_disk)
        assert report["duplicates_merged"] == 2
        assert sorted(p.name for p in out.iterdir()) == [
            "build.json", "extractions.jsonl", "graph.json", "kg.graphml", "kg.html", "kg.ttl", "store"]
        outs[on_disk] = {n: (out / n).read_bytes() for n in ("graph.json", "kg.graphml", "kg.ttl", "kg.html")}
    assert outs[True] == outs[False]
    nodes = json.loads(outs[True]["graph.json"])["nodes"]
    merged = [n for n in nodes if n["type"] == "Paper" and len(n["sources"]) > 1]
    assert len(merged) == 2  # the duplicates' extra sources reached the paper attributes in the table
