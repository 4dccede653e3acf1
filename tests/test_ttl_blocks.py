"""kg.ttl as blocks with an index (`kg.export.rdf.blocks`): the same bytes as the streaming
writer, written again from the previous file and the nodes that changed, and the store
updated from the previous one (`kg.sparql.store.update_store`) to the new file's triples."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdf_fixture import _m, fixture_graph, records

from kg.details import DetailTable
from kg.errors import KGError
from kg.export.rdf import Renderer, _plain_terms, iter_blocks, write_turtle
from kg.export.rdf.blocks import Previous, read_index
from kg.graph import build_graph, graph_tables
from kg.records import Extraction, Paper, Repo
from kg.samples import synthetic_graph
from kg.sparql import store as store_module
from kg.sparql.store import open_store, update_store, write_store

BUILD = {"build_date": "2024-05-01T12:00:00Z", "version": "0.1.0"}
A5 = "We apply ResNet to MNIST. Residual Network models reach 99% accuracy. Code: https://github.com/example/mnist"
URL5 = "https://github.com/example/mnist"


def _graph(recs):  # type: ignore[no-untyped-def]
    G = build_graph(recs, admission=False)
    G.graph.update(BUILD)
    return G


def _records_b() -> list[Extraction]:
    """The fixture's records changed: p3 loses its repository and results (nodes removed); a
    paper whose ID sorts between the others names ResNet by a new alias, adds a dataset, a
    component and a source file; p1's repository gets a new host (an entity's attributes)."""
    e1, e2, e3, e4 = records()
    e1 = dataclasses.replace(e1, repos=tuple(dataclasses.replace(r, host="gitlab.com") for r in e1.repos))
    e3 = dataclasses.replace(e3, repos=(), results=())
    start = A5.index(URL5)
    e5 = Extraction(
        paper=Paper(id="m5", title="ResNet on MNIST", abstract=A5, date="2021-03-01", sources=("seeds/c.jsonl:1",)),
        entities=(
            _m("ResNet", "Method", "abstract", A5, "resnet"),
            _m("MNIST", "Dataset", "abstract", A5, "mnist", source="rule-x"),
            _m("accuracy", "Metric", "abstract", A5, "accuracy"),
        ),
        repos=(Repo(url=URL5, kind="code", raw=URL5, field="abstract", start=start, end=start + len(URL5),
                    host="github.com"),),
        aliases=(("method:resnet", "Residual Network"),),
    )
    return [e1, e2, e3, e4, e5]


def _node_blocks(G) -> dict[str, list]:  # type: ignore[no-untyped-def]
    return {b.node: b.triples for b in iter_blocks(G, Renderer(G, terms=_plain_terms()))}


def _changed(A, B) -> set[str]:  # type: ignore[no-untyped-def]
    """The nodes whose statements differ between `A` and `B` (added and removed ones too)."""
    a, b = _node_blocks(A), _node_blocks(B)
    return {n for n in a.keys() | b.keys() if a.get(n) != b.get(n)}


def _full(G, path: Path, **kw) -> bytes:  # type: ignore[no-untyped-def]
    write_turtle(G, path, index=path.with_suffix(".json"), **kw)
    return path.read_bytes()


@pytest.fixture
def ab(tmp_path):  # type: ignore[no-untyped-def]
    A, B = _graph(records()), _graph(_records_b())
    _full(A, tmp_path / "a.ttl")
    return A, B, tmp_path


def test_blocks_give_the_streaming_writers_bytes(tmp_path):
    for name, G in (("fixture", fixture_graph()), ("synthetic", synthetic_graph(300))):
        write_turtle(G, tmp_path / f"{name}-stream.ttl")
        assert _full(G, tmp_path / f"{name}.ttl") == (tmp_path / f"{name}-stream.ttl").read_bytes()


def test_the_index_describes_the_file(ab):
    A, _, d = ab
    data, index = (d / "a.ttl").read_bytes(), read_index(d / "a.json")
    assert data[: index.header].startswith(b"@prefix") and sum(index.trailer) == len(data)
    assert index.nodes == sorted(_node_blocks(A))
    for i, (node, offset, length) in enumerate(zip(index.nodes, index.offsets(), index.lengths, strict=True)):
        assert index.types[i] == A.nodes[node]["type"] and data[offset:offset + length].endswith(b" .\n")
    assert data[index.trailer[0]:].startswith(b"<https://w3id.org/kg/resource/component/")
    doc = json.loads((d / "a.json").read_text())
    assert doc["format"] == "kg-turtle-blocks/1"
    assert {tuple(f) for f in doc["files"]} == {(), ("seeds/a.txt",), ("seeds/b.jsonl",)}


def test_an_incremental_write_gives_the_full_writes_bytes(ab):
    A, B, d = ab
    dirty = _changed(A, B)
    assert {"paper:m5", "dataset:mnist", "method:resnet", "repo:https://github.com/example/vit-study"} <= dirty
    changes = write_turtle(B, d / "b.ttl", index=d / "b.json", previous=Previous(d / "a.ttl", d / "a.json", dirty))
    expected = _full(B, d / "full.ttl")
    assert (d / "b.ttl").read_bytes() == expected
    assert (d / "b.json").read_bytes() == (d / "full.json").read_bytes()
    assert changes is not None
    kinds = {(c.old is None, c.new is None) for c in changes}
    assert kinds == {(True, False), (False, True), (False, False)}  # added, dropped, replaced
    old, new = (d / "a.ttl").read_bytes(), expected
    trailer = changes[-1]
    assert trailer.old == read_index(d / "a.json").trailer and trailer.new == read_index(d / "b.json").trailer
    assert b"rule-x" in new[trailer.new[0]:] and b"seeds/c.jsonl" in new[trailer.new[0]:]
    assert b"rule-x" not in old


def test_every_node_dirty_or_a_graph_as_tables_gives_the_same_bytes(ab):
    A, B, d = ab
    everything = set(A.nodes) | set(B.nodes) | {"paper:gone-long-ago"}
    write_turtle(B, d / "b.ttl", index=d / "b.json", previous=Previous(d / "a.ttl", d / "a.json", everything))
    assert (d / "b.ttl").read_bytes() == _full(B, d / "full.ttl")
    with DetailTable(None) as table:
        view = graph_tables(_records_b(), table, admission=False)
        view.graph.update(BUILD)
        write_turtle(view, d / "t.ttl", index=d / "t.json", details=table,
                     previous=Previous(d / "a.ttl", d / "a.json", _changed(A, B)))
    assert (d / "t.ttl").read_bytes() == (d / "full.ttl").read_bytes()


def test_the_previous_file_and_index_may_be_replaced(ab):
    A, B, d = ab
    write_turtle(B, d / "a.ttl", index=d / "a.json", previous=Previous(d / "a.ttl", d / "a.json", _changed(A, B)))
    assert (d / "a.ttl").read_bytes() == _full(B, d / "full.ttl")
    assert (d / "a.json").read_bytes() == (d / "full.json").read_bytes()


def test_nothing_dirty_copies_the_file_and_changes_nothing(ab):
    A, _, d = ab
    assert write_turtle(A, d / "b.ttl", index=d / "b.json",
                        previous=Previous(d / "a.ttl", d / "a.json", set(A.nodes))) == []
    assert (d / "b.ttl").read_bytes() == (d / "a.ttl").read_bytes()


def test_ranges_are_read_and_written_where_the_kernel_cannot_copy_them(ab, monkeypatch):
    A, B, d = ab

    def cannot(*_):  # type: ignore[no-untyped-def]
        raise OSError(errno.EXDEV, "cross-device")

    monkeypatch.setattr(os, "copy_file_range", cannot)
    write_turtle(B, d / "b.ttl", index=d / "b.json", previous=Previous(d / "a.ttl", d / "a.json", _changed(A, B)))
    assert (d / "b.ttl").read_bytes() == _full(B, d / "full.ttl")


def test_an_unusable_previous_index_means_a_full_write(ab):
    _, B, d = ab
    expected = _full(B, d / "full.ttl")
    (d / "bad.json").write_text("{}")
    for previous in (Previous(d / "a.ttl", d / "missing.json", set()), Previous(d / "a.ttl", d / "bad.json", set()),
                     Previous(d / "full.ttl", d / "a.json", set())):  # an index of another file
        assert write_turtle(B, d / "b.ttl", index=d / "b.json", previous=previous) is None
        assert (d / "b.ttl").read_bytes() == expected
    base = "https://example.org/kg/"
    assert write_turtle(B, d / "b.ttl", base, index=d / "b.json",
                        previous=Previous(d / "a.ttl", d / "a.json", set())) is None
    assert (d / "b.ttl").read_bytes() == _full(B, d / "base.ttl", base=base)
    with pytest.raises(KGError, match="index"):
        write_turtle(B, d / "b.ttl", previous=Previous(d / "a.ttl", d / "a.json", set()))
    with pytest.raises(KGError, match="oxigraph"):
        write_turtle(B, d / "b.ttl", engine="rdflib", index=d / "b.json")


def _quads(path: Path) -> set:
    return set(open_store(path))


def test_the_store_is_updated_to_the_new_files_triples(ab):
    A, B, d = ab
    changes = write_turtle(B, d / "b.ttl", index=d / "b.json",
                           previous=Previous(d / "a.ttl", d / "a.json", _changed(A, B)))
    write_store(d / "a.ttl", d / "a-store")
    write_store(d / "b.ttl", d / "b-full")
    before = _quads(d / "a-store")
    assert update_store(d / "a-store", d / "b-store", d / "a.ttl", d / "b.ttl", changes) == d / "b-store"
    assert _quads(d / "b-store") == _quads(d / "b-full") != before
    assert _quads(d / "a-store") == before
    update_store(d / "a-store", d / "a-store", d / "a.ttl", d / "b.ttl", changes)  # in place
    assert _quads(d / "a-store") == _quads(d / "b-full")
    assert not [p for p in d.iterdir() if p.name.startswith(".")]


def test_a_failed_update_leaves_the_previous_store(ab, monkeypatch):
    A, B, d = ab
    changes = write_turtle(B, d / "b.ttl", index=d / "b.json",
                           previous=Previous(d / "a.ttl", d / "a.json", _changed(A, B)))
    write_store(d / "a.ttl", d / "a-store")
    before = _quads(d / "a-store")

    def fail(*_):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(store_module, "_flush", fail)
    with pytest.raises(KGError, match="disk full"):
        update_store(d / "a-store", d / "a-store", d / "a.ttl", d / "b.ttl", changes)
    assert _quads(d / "a-store") == before
    assert not [p for p in d.iterdir() if p.name.startswith(".")]
    with pytest.raises(KGError, match="not an Oxigraph store"):
        update_store(d / "nowhere", d / "b-store", d / "a.ttl", d / "b.ttl", changes)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=st.sets(st.integers(0, 4)), b=st.sets(st.integers(0, 4)), extra=st.sets(st.integers(0, 40)))
def test_any_two_builds_and_any_dirty_superset(tmp_path_factory, a, b, extra):
    pool = _records_b()
    A, B = _graph([pool[i] for i in sorted(a)]), _graph([pool[i] for i in sorted(b)])
    d = tmp_path_factory.mktemp("split")
    _full(A, d / "a.ttl")
    nodes = sorted(set(A.nodes) | set(B.nodes))
    dirty = _changed(A, B) | {nodes[i] for i in extra if i < len(nodes)}
    write_turtle(B, d / "b.ttl", index=d / "b.json", previous=Previous(d / "a.ttl", d / "a.json", dirty))
    assert (d / "b.ttl").read_bytes() == _full(B, d / "full.ttl")
    assert (d / "b.json").read_bytes() == (d / "full.json").read_bytes()
