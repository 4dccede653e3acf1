"""`--formats`: a build writes the outputs asked for, removes the others' old files, and a
large build skips the whole-graph files unless they are named."""

import json

import pytest

import kg.build.formats as formats_module
from kg.build import build
from kg.build.formats import parse_formats
from kg.errors import KGError
from tests.conftest import FIXTURES

PAPERS = FIXTURES / "analytics" / "papers.jsonl"
EVERY = ["build.json", "extractions.jsonl", "graph.json", "kg.graphml", "kg.html", "kg.ttl", "store"]


def _files(out):
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def test_a_store_without_turtle_and_back(tmp_path):
    from kg.sparql.query import query

    out = tmp_path / "out"
    report = build([PAPERS], out, use_model=False, show_progress=False, formats="store,html")
    assert _files(out) == ["build.json", "extractions.jsonl", "kg.html", "store"]
    assert report["formats"] == ["store", "html"] and report["formats_skipped"] == {}
    assert "true" in query(out, "ASK { ?p a kg:Paper }")
    report = build([PAPERS], out, use_model=False, show_progress=False)
    assert not report["up_to_date"] and _files(out) == EVERY  # other formats: a new build
    build([PAPERS], out, use_model=False, show_progress=False, formats=["ttl"])
    assert _files(out) == ["build.json", "extractions.jsonl", "kg.ttl"]  # no stale graphml, html, store


def test_a_large_build_skips_whole_graph_files_unless_named(tmp_path, monkeypatch):
    monkeypatch.setattr(formats_module, "LARGE_BUILD", 3)
    out = tmp_path / "out"
    report = build([PAPERS], out, use_model=False, show_progress=False, cache=False)
    assert "kg.graphml" not in _files(out) and "graph.json" not in _files(out)
    assert set(report["formats_skipped"]) == {"graphml", "json"}
    assert json.loads((out / "build.json").read_text())["formats_skipped"]["json"].startswith("more than 3 papers")
    report = build([PAPERS], out, use_model=False, show_progress=False, cache=False, formats="ttl,json")
    assert _files(out) == ["build.json", "extractions.jsonl", "graph.json", "kg.ttl"]


@pytest.mark.parametrize("spec, message", [("ttl,pdf", "unknown format pdf"), (" , ", "no format given")])
def test_bad_formats_are_one_line(spec, message):
    with pytest.raises(KGError, match=message):
        parse_formats(spec)
