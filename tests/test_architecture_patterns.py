"""Where contributions go (docs/architecture.md), each pattern exercised for real, and the
direction of imports between kg's parts."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import networkx as nx
import pandas as pd
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

import kg.analytics as A
from kg.analytics.basics import incidence
from kg.atomic import atomic_write
from kg.errors import KGError
from kg.export import EXPORTERS, export
from kg.ingest import read_papers
from kg.ingest.record import paper_from_record
from kg.ingest.text import display_name, open_text
from kg.nlp.extract import extract_papers
from kg.nlp.pipeline import build_pipeline
from kg.records import Paper
from kg.samples import example_graph
from tests.conftest import FIXTURES, ROOT

# --- a new exporter: a writer function and one line in kg.export.EXPORTERS ---------------


def write_edge_list(G: nx.MultiDiGraph, path: Path, sep: str = "\t") -> None:
    """A toy exporter: one ``source<sep>type<sep>target`` line per edge, written atomically."""
    with atomic_write(path) as fh:
        for u, v, key in sorted(G.edges(keys=True)):
            fh.write(f"{u}{sep}{key}{sep}{v}\n")


def test_a_new_exporter_is_a_registry_entry(tmp_path, monkeypatch):
    monkeypatch.setitem(EXPORTERS, "edges", f"{__name__}:write_edge_list")
    G = example_graph()
    export(G, "edges", tmp_path / "out" / "graph.tsv", sep=" ")  # options reach the writer
    lines = (tmp_path / "out" / "graph.tsv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == G.number_of_edges()
    assert "paper:p1 proposes method:gnn" in lines
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["graph.tsv"]  # no temporary file left


def test_an_unknown_format_names_the_registered_ones(tmp_path):
    with pytest.raises(KGError, match=r"choose one of: .*graphml"):
        export(example_graph(), "edgez", tmp_path / "x")


def test_every_registered_exporter_resolves():
    for fmt, target in EXPORTERS.items():
        module, func = target.split(":")
        assert callable(getattr(importlib.import_module(module), func)), fmt


# --- a new input format: a reader that turns raw records into Papers -------------------


def read_key_value(path: Path | str) -> Iterator[Paper]:
    """A toy reader: records of ``key: value`` lines separated by blank lines.

    Like every reader in kg.ingest it opens the file with `open_text` (encoding detection)
    and hands each raw record to `paper_from_record`, which checks the fields, cleans the
    text and mints the paper ID; `file:line` names the record in errors and sources.
    """
    name = display_name(path)
    fh: IO[str] = open_text(path)
    with fh:
        record: dict[str, str] = {}
        start = 0
        for number, line in enumerate([*fh, ""], start=1):
            if line.strip():
                key, _, value = line.partition(":")
                record[key.strip().lower()] = value.strip()
                start = start or number
            elif record:
                paper = paper_from_record(record, f"{name}:{start}")
                if paper is not None:  # a reader skips what the record checks leave out
                    yield paper
                record, start = {}, 0


def test_a_new_input_format_gets_the_checks_ids_and_cleaning_of_the_others(tmp_path):
    records = [
        {"id": "2401.00001", "title": "UniFormer: Unified Transformer",
         "abstract": "We test on ImageNet. Code: https://user:secret@github.com/a/b"},
        {"title": "A paper without id", "abstract": "We use BERT."},
    ]
    kv = tmp_path / "papers.kv"
    kv.write_text("\n\n".join("\n".join(f"{k}: {v}" for k, v in r.items()) for r in records) + "\n",
                  encoding="utf-8")
    jsonl = tmp_path / "papers.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    ours, theirs = list(read_key_value(kv)), list(read_papers([jsonl]))
    assert [p.id for p in ours] == [p.id for p in theirs] == ["2401.00001", theirs[1].id]
    assert [(p.title, p.abstract) for p in ours] == [(p.title, p.abstract) for p in theirs]
    assert "secret" not in ours[0].abstract  # credentials dropped by paper_from_record
    assert ours[1].sources == (f"{display_name(kv)}:5",)  # the line its record starts on


def test_input_formats_are_detected_from_extension_or_content(tmp_path):
    tsv = tmp_path / "papers.data"  # an unknown extension: the header decides
    tsv.write_text("id\ttitle\tabstract\nx1\tA title\tAn abstract.\n", encoding="utf-8")
    assert [p.id for p in read_papers([tsv])] == ["x1"]


# --- a new extraction rule: spans in doc.spans["kg_rules"] before kg_merge_v1 -----------


@Language.component("test_leaderboard_rule_v1")
def leaderboard_rule(doc: Doc) -> Doc:
    """A toy rule: "the X leaderboard" names a dataset X (one token)."""
    spans = list(doc.spans.get("kg_rules", []))
    for tok in doc[1:-1]:
        if doc[tok.i - 1].lower_ == "the" and doc[tok.i + 1].lower_ == "leaderboard":
            spans.append(Span(doc, tok.i, tok.i + 1, label="Dataset"))
    doc.spans["kg_rules"] = spans
    return doc


def test_the_rules_component_marks_proposals_and_labels():
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_rules_v1")
    doc = nlp("We propose ZorbNet, a network. We evaluate on the Foo-7 and Bar-9 datasets.")
    found = {(s.text, s.label_, s.kb_id_) for s in doc.spans["kg_rules"]}
    assert {("ZorbNet", "Method", "proposed"), ("Foo-7", "Dataset", "")} <= found


def test_a_new_rule_reaches_the_records_and_the_graph_edges():
    text = "We reach the top of the Zebra-42 leaderboard."
    paper = Paper(id="p", title="", abstract=text)
    nlp = build_pipeline(use_model=False, gazetteer_path=FIXTURES / "gazetteer")
    assert not any(m.text == "Zebra-42" for m in next(extract_papers([paper], nlp)).entities)

    nlp.add_pipe("test_leaderboard_rule_v1", after="kg_rules_v1")
    rec = next(extract_papers([paper], nlp))
    [mention] = [m for m in rec.entities if m.text == "Zebra-42"]
    assert (mention.label, mention.source, mention.id) == ("Dataset", "rules", "dataset:zebra42")
    assert ("evaluatedOn", "dataset:zebra42") in {(r.predicate, r.object) for r in rec.relations}


# --- a new analytics function: a module in kg/analytics, re-exported by its __init__ -----


def datasets_per_method(G: nx.MultiDiGraph) -> pd.DataFrame:
    """A toy analytics function: how many distinct datasets the papers of each method use."""
    inc = incidence(G, ["Method", "Dataset"])
    methods = inc[inc["type"] == "Method"][["paper", "entity"]].rename(columns={"entity": "method"})
    datasets = inc[inc["type"] == "Dataset"][["paper", "entity"]].rename(columns={"entity": "dataset"})
    pairs = methods.merge(datasets, on="paper")
    out = pairs.groupby("method")["dataset"].nunique().rename("datasets").reset_index()
    out["name"] = [G.nodes[m].get("name", m) for m in out["method"]]
    return out.sort_values(["datasets", "method"], ascending=[False, True], ignore_index=True)


def test_a_new_analytics_function_has_known_answers_on_the_example_graph():
    table = datasets_per_method(example_graph())
    assert dict(zip(table["method"], table["datasets"], strict=True)) == {
        "method:transformer": 3, "method:diffusionmodel": 2, "method:gnn": 2, "method:resnet": 2,
    }
    assert list(table.columns) == ["method", "datasets", "name"]


def test_every_public_analytics_function_is_re_exported():
    for info in pkgutil.iter_modules(A.__path__):
        if info.name == "report":  # the kg stats / kg analyze layer, not a graph function
            continue
        module = importlib.import_module(f"kg.analytics.{info.name}")
        for name, obj in vars(module).items():
            if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_"):
                assert name in A.__all__ and getattr(A, name) is obj, f"kg.analytics does not export {name}"


# --- import direction between the parts ----------------------------------------------------

#: the bottom parts: all they may import from kg (a part is kg/<name>.py or the package kg/<name>/)
ALLOWED = {
    "errors": set(),
    "model": set(),
    "records": {"model", "errors"},
    "codec": {"model", "errors", "records"},
    "resolve": {"model", "errors", "records"},
    "ingest": {"model", "errors", "records", "atomic"},
}
#: the other parts: what they must never import (cli is on top: only kg.__main__ imports it)
FORBIDDEN = {
    "nlp": {"graph", "admission", "export", "build", "sparql", "analytics", "eval", "load", "samples", "ingest"},
    "admission": {"nlp", "graph", "export", "build", "sparql", "analytics", "eval", "ingest"},
    "graph": {"export", "build", "sparql", "analytics", "eval", "ingest"},
    "export": {"nlp", "ingest", "build", "sparql", "eval"},  # analytics: the page colours communities
    "sparql": {"nlp", "ingest", "build", "analytics", "eval"},
    "analytics": {"nlp", "ingest", "build", "sparql", "eval"},
    "eval": {"build", "sparql"},
}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "kg"


def _kg_imports(root: Path, path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every kg import in `path`, at the top or inside functions."""
    module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join([*package[: len(package) - node.level + 1], node.module or ""]).strip(".") \
                if node.level else (node.module or "")
            names = [f"kg.{a.name}" if base == "kg" else base for a in node.names]  # from kg import analytics
        else:
            continue
        yield from ((node.lineno, n) for n in names if n == "kg" or n.startswith("kg."))


def import_violations(root: Path = ROOT) -> list[str]:
    """Imports under `root`/kg that go against `ALLOWED` and `FORBIDDEN`."""
    found = []
    for path in sorted((root / "kg").rglob("*.py")):
        here = _part(".".join(path.relative_to(root).with_suffix("").parts))
        for line, module in _kg_imports(root, path):
            there = _part(module)
            where = f"{path.relative_to(root).as_posix()}:{line}"
            if there == "cli" and here not in ("cli", "__main__"):
                found.append(f"{where}: only kg.__main__ may import kg.cli")
            elif there not in (here, "kg") and (
                there not in ALLOWED[here] if here in ALLOWED else there in FORBIDDEN.get(here, ())
            ):
                found.append(f"{where}: kg.{here} imports {module}")
    return found


def test_imports_go_down_the_layers():
    assert import_violations() == []


def test_the_import_check_sees_imports_inside_functions_and_relative_ones(tmp_path):
    for name in ("nlp", "records", "export"):
        (tmp_path / "kg" / name).mkdir(parents=True)
    (tmp_path / "kg" / "nlp" / "x.py").write_text(
        "import kg.nlp.rules\n\ndef f():\n    from kg.graph import build_graph\n", encoding="utf-8")
    (tmp_path / "kg" / "records" / "__init__.py").write_text("from ..resolve import entity_key\n", encoding="utf-8")
    (tmp_path / "kg" / "export" / "y.py").write_text("from kg import cli\n", encoding="utf-8")
    assert import_violations(tmp_path) == [
        "kg/export/y.py:1: only kg.__main__ may import kg.cli",
        "kg/nlp/x.py:4: kg.nlp imports kg.graph",
        "kg/records/__init__.py:1: kg.records imports kg.resolve",
    ]
