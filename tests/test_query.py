"""SPARQL over built graphs: the query pack's answers on a hand-made fixture, formats, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdf_fixture import fixture_graph

from kg.errors import KGError
from kg.export.rdf import DEFAULT_BASE, write_ntriples, write_turtle
from kg.sparql.query import load_graph, query
from kg.sparql.store import open_store, write_store

QUERIES = Path(__file__).resolve().parents[1] / "queries"
R = DEFAULT_BASE


@pytest.fixture(scope="module")
def ttl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("q") / "kg.ttl"
    write_turtle(fixture_graph(), path)
    return path


def rows(graph: Path, name: str) -> list[tuple[str, ...]]:
    out = json.loads(query(graph, file=QUERIES / name, fmt="json"))
    variables = out["head"]["vars"]
    return [tuple(b[v]["value"] if v in b else "" for v in variables)
            for b in out["results"]["bindings"]]


EXPECTED = {
    "01-most-used-datasets.rq": [
        (R + "dataset/cifar10", "CIFAR-10", "2"),
        (R + "dataset/imagenet", "ImageNet", "2"),
        (R + "dataset/squad", "SQuAD", "1"),
    ],
    "02-methods-on-dataset.rq": [
        (R + "method/resnet", "ResNet", "2"),
        (R + "method/supernet", "SuperNet", "1"),
        (R + "method/transformer", "Transformer", "1"),
    ],
    "03-papers-with-code-for-task.rq": [
        (R + "paper/p3", "Comparing architectures", "https://github.com/example/vit-study",
         "project-page"),
        (R + "paper/2101.00001", "SuperNet: a network", "https://github.com/example/supernet",
         "code"),
    ],
    "04-proposed-methods-with-code.rq": [
        ("SuperNet", "SuperNet: a network", "https://github.com/example/supernet"),
    ],
    "05-metrics-per-dataset.rq": [
        ("CIFAR-10", "accuracy", "2"),
        ("CIFAR-10", "FID", "1"),
        ("ImageNet", "FID", "2"),
        ("ImageNet", "accuracy", "1"),
        ("ImageNet", "top-1 accuracy", "1"),
        ("SQuAD", "F1", "1"),
    ],
    "06-method-co-usage.rq": [
        ("ResNet", "SuperNet", "1"),
        ("ResNet", "Transformer", "1"),
    ],
    "07-datasets-never-with-method.rq": [(R + "dataset/squad", "SQuAD")],
    "08-best-result-per-dataset-metric.rq": [  # the lowest FID: the low end of Transformer's range, not 4.2
        ("CIFAR-10", "accuracy", "95.1", "%", "higher", "SuperNet", "2101.00001"),
        ("ImageNet", "FID", "2.9", "", "lower", "Transformer", "p3"),
        ("ImageNet", "top-1 accuracy", "81", "", "higher", "Transformer", "p3"),
    ],
    "09-aliases-of-entity.rq": [
        (R + "method/supernet", "https://w3id.org/kg/ontology#Method", "SuperNet", "SN"),
    ],
    "10-evidence-for-edge.rq": [
        ("https://w3id.org/kg/ontology#proposes", "SuperNet",
         "We propose SuperNet (SN), a new architecture that improves on ResNet.",
         "abstract", "11", "19", "gazetteer", "0.1.0", "0.95"),
    ],
    "11-papers-per-month.rq": [("2021-01", "2"), ("2021-02", "2")],
    "12-single-paper-entities.rq": [
        ("Dataset", "SQuAD", "p4"),
        ("Method", "SuperNet", "2101.00001"),
        ("Metric", "F1", "p4"),
        ("Metric", "top-1 accuracy", "p3"),
        ("Task", "question answering", "p4"),
    ],
    "13-low-confidence-links.rq": [
        ("2101.00001", "https://w3id.org/kg/ontology#addresses", "image classification", "0.7",
         "ner",
         "SN reaches 95.1% accuracy on CIFAR-10 and strong results on ImageNet for image "
         "classification."),
    ],
    "14-graph-statistics.rq": [
        ("https://w3id.org/kg/ontology#" + c, n, "742", "2024-05-01T12:00:00Z", "0.1.0")
        for c, n in [("Dataset", "3"), ("Method", "3"), ("Metric", "4"), ("Paper", "4"),
                     ("Repository", "2"), ("Result", "5"), ("Task", "2")]
    ],
}


def test_every_query_in_the_pack_is_tested_and_commented():
    names = sorted(p.name for p in QUERIES.glob("*.rq"))
    assert len(names) >= 12
    assert names == sorted(EXPECTED)
    for name in names:
        assert (QUERIES / name).read_text().startswith("# "), f"{name} needs a comment"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_pack(ttl, name):
    assert rows(ttl, name) == EXPECTED[name]


def test_store_and_ntriples_give_the_same_answers(ttl, tmp_path):
    G = fixture_graph()
    write_store(G, tmp_path / "build" / "store")
    write_ntriples(G, tmp_path / "kg.nt")
    for graph in (tmp_path / "build", tmp_path / "build" / "store", tmp_path / "kg.nt"):
        assert rows(graph, "01-most-used-datasets.rq") == EXPECTED["01-most-used-datasets.rq"]


def test_write_store_replaces_atomically(tmp_path):
    target = tmp_path / "store"
    write_store(fixture_graph(), target)
    ttl = tmp_path / "kg.ttl"
    write_turtle(fixture_graph(), ttl)
    write_store(ttl, target)  # from a file, replacing the first
    assert len(load_graph(tmp_path)) == len(load_graph(ttl))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.ttl", "store"]


def test_output_formats(ttl):
    q = "SELECT ?name WHERE { ?d a kg:Dataset ; skos:prefLabel ?name } ORDER BY ?name"
    table = query(ttl, q)
    assert table.splitlines()[0] == "name" and table.endswith("(3 rows)")
    assert list(csv.reader(io.StringIO(query(ttl, q, fmt="csv")))) == [
        ["name"], ["CIFAR-10"], ["ImageNet"], ["SQuAD"]]
    assert query(ttl, q, fmt="tsv").splitlines() == ["?name", '"CIFAR-10"', '"ImageNet"', '"SQuAD"']
    assert query(ttl, "ASK { ?p kg:proposes ?m }") == "true"
    assert json.loads(query(ttl, "ASK { ?p kg:proposes ?m }", fmt="json"))["boolean"] is True
    construct = query(ttl, "CONSTRUCT { ?d a kg:Dataset } WHERE { ?d a kg:Dataset }")
    assert "kg:Dataset" in construct and "@prefix kg:" in construct


def test_malformed_query_reports_line_and_column(ttl):
    with pytest.raises(KGError, match=r"SPARQL syntax error at line 2, column \d+"):
        query(ttl, "SELECT ?x\nWHERE { ?x ?y }")


def test_updates_are_refused(ttl):
    with pytest.raises(KGError, match="read-only"):
        query(ttl, "INSERT DATA { <http://a> <http://b> <http://c> }")


def test_bad_inputs(ttl, tmp_path):
    with pytest.raises(KGError, match="graph not found"):
        query(tmp_path / "nope.ttl", "ASK {}")
    (tmp_path / "g.csv").write_text("x")
    with pytest.raises(KGError, match="unknown RDF format"):
        query(tmp_path / "g.csv", "ASK {}")
    with pytest.raises(KGError, match="unknown output format"):
        query(ttl, "ASK {}", fmt="xml")
    with pytest.raises(KGError, match="query file not found"):
        query(ttl, file=tmp_path / "q.rq")
    with pytest.raises(KGError, match="either inline or with -f"):
        query(ttl)
    (tmp_path / "bad.ttl").write_text("<a> <b> .\n")
    with pytest.raises(KGError, match="cannot parse"):
        query(tmp_path / "bad.ttl", "ASK {}")
    with pytest.raises(KGError, match=r"neither store/ nor kg\.ttl"):
        query(tmp_path, "ASK {}")


@pytest.mark.slow
def test_timeout(ttl):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(KGError, match="timed out after 1 s"):
        query(ttl, slow, timeout=1)
    assert query(ttl, "ASK { ?s ?p ?o }", timeout=30) == "true"


def _kg(monkeypatch, capsys, *args):
    import sys

    from kg.cli import main

    monkeypatch.setattr(sys, "argv", ["kg", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_cli_query_and_validate(monkeypatch, capsys, ttl, tmp_path):
    code, out, _ = _kg(monkeypatch, capsys, "query", ttl, "-f", QUERIES / "11-papers-per-month.rq",
                       "--format", "csv")
    assert code == 0 and out.split() == ["month,papers", "2021-01,2", "2021-02,2"]
    code, _, err = _kg(monkeypatch, capsys, "query", ttl, "SELECT ?x WHERE {")
    assert code == 1 and "line 1, column" in err and len(err.splitlines()) == 1
    code, _, err = _kg(monkeypatch, capsys, "query", tmp_path / "missing", "ASK {}")
    assert code == 1 and "graph not found" in err
    code, out, _ = _kg(monkeypatch, capsys, "validate", ttl)
    assert code == 0 and "conforms" in out
    bad = tmp_path / "bad.ttl"
    bad.write_text(ttl.read_text().replace('skos:prefLabel "SQuAD" ;', ""))
    code, _, err = _kg(monkeypatch, capsys, "validate", bad)
    assert code == 1 and "does not conform" in err


def test_store_loaded_in_parts_holds_every_triple(tmp_path):
    """`kg build` loads kg.ttl in parts (bounded memory): cut anywhere between statements,
    the store holds exactly what one load of the whole file holds."""
    ttl = tmp_path / "kg.ttl"
    write_turtle(fixture_graph(), ttl)
    write_store(ttl, tmp_path / "whole")
    write_store(ttl, tmp_path / "parts", part_bytes=300)  # many parts of a few statements
    whole, parts = (set(open_store(tmp_path / name)) for name in ("whole", "parts"))
    assert len(whole) > 500
    assert parts == whole
