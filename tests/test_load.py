"""kg.load_graph: a build directory comes back as the graph kg build made."""

import json

import networkx as nx
import pytest

import kg
import kg.build
from kg.errors import KGError
from kg.export import export
from kg.load import graphs_equal, load_graph
from kg.samples import example_graph
from tests.conftest import FIXTURES

PAPERS = FIXTURES / "analytics" / "papers.jsonl"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Run kg build on the fixture papers and keep the graph it made in memory (with the
    paper details in it)."""
    made = []
    real = kg.build.graph_summary

    def spy(G):
        made.append(G.to_networkx())  # the graph as written, read from its tables
        return real(G)

    out = tmp_path_factory.mktemp("build")
    mp = pytest.MonkeyPatch()
    mp.setattr(kg.build, "graph_summary", spy)
    try:
        kg.build.build([PAPERS], out, use_model=False, show_progress=False, details_on_disk=False)
    finally:
        mp.undo()
    return out, made[0]


def test_build_directory_round_trips(built):
    out, G = built
    H = kg.load_graph(out)
    assert isinstance(H, nx.MultiDiGraph)
    assert graphs_equal(G, H)
    assert H.graph["sources"] == G.graph["sources"] and isinstance(H.graph["sources"], list)
    paper = next(d for _, d in H.nodes(data=True) if d["type"] == "Paper")
    assert isinstance(paper["authors"], list) and isinstance(paper["sources"], list)
    method = next(d for _, d in H.nodes(data=True) if d["type"] == "Method")
    assert isinstance(method["aliases"], list)
    _, _, key, data = next(iter(H.edges(keys=True, data=True)))
    assert key == data["type"] and isinstance(data["start"], int) and isinstance(data["score"], float)


def test_graphml_file_round_trips(built):
    out, G = built
    assert graphs_equal(G, load_graph(out / "kg.graphml"))


def test_node_link_json_round_trips(built):
    out, G = built
    H = load_graph(out / "graph.json")
    assert graphs_equal(G, H)


def test_example_graph_round_trips_with_results_and_sets(tmp_path):
    from kg.graph import build_graph
    from kg.records import Extraction, Mention, Paper, Result

    rec = Extraction(
        paper=Paper(id="r", title='["not", "a list"]', abstract="FooNet gets 90% accuracy.",
                    authors=("X",), categories=("cs.LG",)),
        entities=(Mention("FooNet", "Method", 0, 6, "abstract", "FooNet", "method:foonet", 0.9, "gazetteer"),
                  Mention("accuracy", "Metric", 16, 24, "abstract", "accuracy", "metric:accuracy", 1.0, "ner+result")),
        results=(Result(metric="metric:accuracy", value=90.0, unit="%", method="method:foonet",
                        text="90% accuracy", start=12, end=24),
                 Result(metric="metric:accuracy", value=88.5, value_max=91.0, unit="%")),
    )
    G = build_graph([rec])
    G.nodes["method:foonet"]["sources"] = {"gazetteer", "ner"}  # a set comes back as a sorted list
    for fmt, name in (("graphml", "kg.graphml"), ("json", "graph.json")):
        export(G, fmt, tmp_path / name)
    H = load_graph(tmp_path / "kg.graphml")
    assert graphs_equal(G, H)
    assert H.nodes["method:foonet"]["sources"] == ["gazetteer", "ner"]
    assert H.nodes["paper:r"]["title"] == '["not", "a list"]'  # only list attributes are decoded
    assert H.nodes["result:r:0"]["value"] == 90.0 and "value_max" not in H.nodes["result:r:0"]
    assert H.nodes["result:r:1"]["value_max"] == 91.0 and H.nodes["metric:accuracy"]["direction"] == "higher"
    J = load_graph(tmp_path / "graph.json")
    assert graphs_equal(G, J)
    assert not graphs_equal(G, nx.MultiDiGraph(G).to_undirected())


def test_graphs_equal_sees_differences():
    G = example_graph()
    H = G.copy()
    assert graphs_equal(G, H)
    H.nodes["method:gnn"]["label"] = "other"
    assert not graphs_equal(G, H)
    H = G.copy()
    H.edges["paper:p1", "method:gnn", "proposes"]["score"] = 0.1
    assert not graphs_equal(G, H)
    H = G.copy()
    H.remove_edge("paper:p1", "method:gnn", "proposes")
    H.add_edge("paper:p1", "method:gnn", "uses", **G.edges["paper:p1", "method:gnn", "proposes"])
    assert not graphs_equal(G, H)


def test_directory_prefers_graphml_then_json(tmp_path):
    G = example_graph()
    export(G, "json", tmp_path / "graph.json")
    assert graphs_equal(G, load_graph(tmp_path))
    export(G, "graphml", tmp_path / "kg.graphml")
    assert graphs_equal(G, load_graph(tmp_path))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (None, None, "no such file"),
        ("empty", "", "no kg.graphml or graph.json"),
        ("g.json", "{oops", "not a readable node-link JSON"),
        ("g.json", json.dumps([1, 2]), "not node-link JSON"),
        ("g.graphml", "<graphml", "not a readable GraphML"),
        ("g.ttl", "x", "unknown graph format"),
    ],
)
def test_bad_paths_are_clear_errors(tmp_path, name, content, message):
    path = tmp_path / (name or "missing")
    if name == "empty":
        path.mkdir()
    elif content is not None:
        path.write_text(content)
    with pytest.raises(KGError, match=message):
        load_graph(path)
