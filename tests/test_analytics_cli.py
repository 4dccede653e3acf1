"""kg stats, kg analyze, GEXF/CSV exports and the examples/ scripts on a small build."""

import runpy
import sys

import networkx as nx
import pandas as pd
import pytest

from kg.export import EXPORTERS, export
from kg.load import load_graph
from kg.samples import example_graph
from tests.conftest import FIXTURES, ROOT
from tests.test_cli import run

PAPERS = FIXTURES / "analytics" / "papers.jsonl"


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    from kg.build import build

    out = tmp_path_factory.mktemp("fixture-build")
    build([PAPERS], out, use_model=False, show_progress=False)
    return out


@pytest.fixture()
def example_dir(tmp_path):
    export(example_graph(), "graphml", tmp_path / "kg.graphml")
    return tmp_path


def test_help_shows_examples(monkeypatch, capsys):
    for command, example in (("stats", "kg stats outputs/"), ("analyze", "kg analyze outputs/ -o report/")):
        code, out, _ = run(monkeypatch, capsys, command, "--help")
        assert code == 0 and example in out


def test_stats_prints_counts_coverage_and_top_lists(monkeypatch, capsys, example_dir):
    code, out, err = run(monkeypatch, capsys, "stats", example_dir)
    assert code in (0, None), err
    assert out.startswith("6 papers, 22 nodes, 33 edges")
    assert "  Method              4" in out and "  evaluatedOn         8" in out
    assert "  repository          4   66.7%" in out and "  code repo           3   50.0%" in out
    assert "Top datasets by papers\n   1. CIFAR-10       4" in out


def test_stats_on_a_real_build(monkeypatch, capsys, build_dir):
    code, out, err = run(monkeypatch, capsys, "stats", build_dir, "--top", "3")
    assert code in (0, None), err
    assert out.startswith("8 papers,") and "Top methods by papers" in out


def test_stats_bad_path_is_one_line(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, "stats", tmp_path / "nope")
    assert code == 1 and "no such file" in err and len(err.strip().splitlines()) == 1


def test_stats_and_analyze_load_a_projection(monkeypatch, capsys, example_dir, tmp_path):
    code, out, err = run(monkeypatch, capsys, "stats", example_dir, "--types", "Paper,Dataset", "--min-support", "3")
    assert code in (0, None), err
    assert out.startswith("6 papers, 7 nodes, 4 edges")
    assert "Top datasets by papers\n   1. CIFAR-10       4" in out and "Top methods by papers: none" in out
    code, out, err = run(monkeypatch, capsys, "analyze", example_dir, "-o", tmp_path / "report",
                         "--types", "paper,method", "--min-support", "2")
    assert code in (0, None), err
    assert "Transformer" in (tmp_path / "report" / "top_methods.csv").read_text()
    assert (tmp_path / "report" / "top_datasets.csv").read_text().strip() == "id,name,papers"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--types", "Paper,Model", "unknown node type 'Model'; choose from: Paper, Method, Dataset"),
     ("--min-support", "0", "min_support 0: give a whole number of papers, 1 or more")],
)
def test_a_bad_projection_is_one_line(monkeypatch, capsys, example_dir, option, value, message):
    code, _, err = run(monkeypatch, capsys, "stats", example_dir, option, value)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1


def test_analyze_writes_charts_report_and_csvs(monkeypatch, capsys, example_dir, tmp_path):
    out = tmp_path / "report"
    code, stdout, err = run(monkeypatch, capsys, "analyze", example_dir, "-o", out)
    assert code in (0, None), err
    assert "5 charts" in stdout
    for png in ("top_entities.png", "co_usage_heatmap.png", "degree_distribution.png", "trends.png",
                "code_availability.png"):
        data = (out / png).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5000, png
        assert f"]({png})" in (out / "report.md").read_text()
    md = (out / "report.md").read_text()
    assert "## Gaps" in md and "| GNN | ImageNet |" in md
    md_table = pd.read_csv(out / "method_dataset.csv", index_col=0)
    assert md_table.loc["ResNet", "CIFAR-10"] == 2
    assert pd.read_csv(out / "trends_year.csv", dtype={"period": str})["period"].tolist() == ["2022", "2023", "2024"]
    for name in ("top_methods", "centrality", "communities", "gaps", "code_availability",
                 "papers_without_code", "method_pairs", "dataset_metric", "coverage", "counts"):
        assert (out / f"{name}.csv").stat().st_size > 0, name
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left


def test_analyze_without_dates_skips_trends(monkeypatch, capsys, tmp_path):
    G = example_graph()
    for _, d in G.nodes(data=True):
        if d["type"] == "Paper":
            d["date"] = ""
    export(G, "graphml", tmp_path / "kg.graphml")
    code, _, err = run(monkeypatch, capsys, "analyze", tmp_path, "-o", tmp_path / "r")
    assert code in (0, None), err
    assert not (tmp_path / "r" / "trends.png").exists()
    assert "No paper carries a date" in (tmp_path / "r" / "report.md").read_text()


def test_analyze_into_a_file_is_a_clear_error(monkeypatch, capsys, example_dir, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    code, _, err = run(monkeypatch, capsys, "analyze", example_dir, "-o", target)
    assert code == 1 and "not a directory" in err


def test_gexf_export_opens_with_types_and_predicates(tmp_path):
    assert {"gexf", "csv"} <= EXPORTERS.keys()
    G = example_graph()
    export(G, "gexf", tmp_path / "kg.gexf")
    H = nx.read_gexf(tmp_path / "kg.gexf")
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    assert H.nodes["method:gnn"]["label"] == "GNN" and H.nodes["method:gnn"]["type"] == "Method"
    edge = next(d for u, v, d in H.edges(data=True) if (u, v) == ("paper:p1", "method:gnn"))
    assert edge["label"] == edge["predicate"] == "proposes"
    assert edge["span_start"] == G.edges["paper:p1", "method:gnn", "proposes"]["start"]
    assert '"A. Author"' in H.nodes["paper:p1"]["authors"]  # lists as JSON strings, like GraphML


def test_csv_export_for_neo4j(tmp_path):
    G = example_graph()
    export(G, "csv", tmp_path / "csv")
    nodes = pd.read_csv(tmp_path / "csv" / "nodes.csv", keep_default_na=False)
    edges = pd.read_csv(tmp_path / "csv" / "edges.csv", keep_default_na=False)
    assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
    assert set(edges["from_id"]) | set(edges["to_id"]) <= set(nodes["id"])
    p1 = nodes.set_index("id").loc["paper:p1"]
    assert p1["authors"] == "A. Author|B. Author" and p1["type"] == "Paper"
    e = edges[(edges["from_id"] == "paper:p1") & (edges["to_id"] == "method:gnn")].iloc[0]
    assert e["type"] == "proposes" and e["component"] == "gazetteer"
    with pytest.raises(Exception, match="directory"):
        export(G, "csv", tmp_path / "csv" / "nodes.csv")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("diffusion_datasets.py", "ImageNet"),
        ("central_methods.py", "pagerank"),
        ("code_per_task.py", "image generation"),
    ],
)
def test_examples_run_on_a_build(monkeypatch, capsys, build_dir, script, expected):
    monkeypatch.setattr(sys, "argv", [script, str(build_dir)])
    runpy.run_path(str(ROOT / "examples" / script), run_name="__main__")
    out = capsys.readouterr().out
    assert expected in out


def test_diffusion_example_counts(monkeypatch, capsys, build_dir):
    monkeypatch.setattr(sys, "argv", ["x", str(build_dir)])
    runpy.run_path(str(ROOT / "examples" / "diffusion_datasets.py"), run_name="__main__")
    out = capsys.readouterr().out
    G = load_graph(build_dir)
    diffusion_papers = {
        p for m, d in G.nodes(data=True) if d["type"] == "Method" and "diffusion" in d["label"].lower()
        for p in G.predecessors(m)
    }
    assert out.startswith(f"{len(diffusion_papers)} papers use")
