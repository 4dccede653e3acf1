"""kg.load_graph: a build directory comes back as the graph kg build made."""

import json

import networkx as nx
import pytest
from lxml import etree

import kg
import kg.build
import kg.model
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


# --------------------------------------------------------------------------- streaming and projections

HOSTILE = 'He said "hi" </script><!-- & \' <b>\nsecond line\ttab\r\nünïcødé 😀 \u2028 {"a": [1]}'


def read_with_networkx(path):
    """The graph of a .graphml or node-link .json file as load_graph read it before it streamed."""
    if path.suffix == ".graphml":
        G = nx.read_graphml(path, force_multigraph=True, edge_key_type=str)
        for name in ("node_default", "edge_default"):
            if not G.graph.get(name):
                G.graph.pop(name, None)
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
        link_key = "edges" if "edges" in data else "links"
        G = nx.node_link_graph({**data, "directed": True, "multigraph": True}, directed=True, multigraph=True,
                               edges=link_key)
    G = nx.MultiDiGraph(G) if not G.is_directed() else G
    for store in (G.graph, *(d for _, d in G.nodes(data=True))):
        for key in {"authors", "categories", "sources", "aliases"} & store.keys():
            if isinstance(store[key], str) and store[key].startswith("["):
                store[key] = json.loads(store[key])
    return G


def hostile_graph():
    from kg.samples import results_graph

    G = results_graph()
    G.add_edges_from(example_graph().edges(keys=True, data=True))
    G.add_nodes_from(example_graph().nodes(data=True))
    G.nodes["paper:p1"]["title"] = HOSTILE
    G.nodes["paper:p1"]["authors"] = [HOSTILE, "Ünal Ö."]
    G.nodes["method:gnn"]["label"] = "</script>\"GNN\""
    G.edges["paper:p2", "dataset:cora", "evaluatedOn"]["sentence"] = HOSTILE
    G.graph["sources"] = ["a.jsonl", HOSTILE]
    return G


def same_order(G, H):
    return list(G.nodes) == list(H.nodes) and list(G.edges(keys=True)) == list(H.edges(keys=True))


@pytest.mark.parametrize("make", [example_graph, hostile_graph], ids=["example", "hostile"])
@pytest.mark.parametrize("name", ["kg.graphml", "graph.json"])
def test_streaming_reader_reads_what_networkx_reads(tmp_path, make, name):
    G = make()
    export(G, "graphml" if name.endswith("graphml") else "json", tmp_path / name)
    old, new = read_with_networkx(tmp_path / name), load_graph(tmp_path / name)
    assert graphs_equal(old, new) and same_order(old, new)
    assert graphs_equal(G, new)


def test_streaming_reader_reads_a_real_build_as_networkx_does(built):
    out, _ = built
    for name in ("kg.graphml", "graph.json"):
        old, new = read_with_networkx(out / name), load_graph(out / name)
        assert graphs_equal(old, new) and same_order(old, new)


GRAPHML = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="type" attr.type="string"/>
  <key id="d1" for="node" attr.name="seen" attr.type="boolean"><default>False</default></key>
  <key id="d2" for="edge" attr.name="n" attr.type="long"/>
  <key id="d3" for="edge" attr.name="w" attr.type="double"><default>0.5</default></key>
  <key id="d4" for="graph" attr.name="sources" attr.type="string"/>
  <key id="d5" for="node" attr.name="label" attr.type="string"/>
  <graph edgedefault="{direction}">
    <data key="d4">["x.jsonl"]</data>
    <node id="paper:a"><data key="d0">Paper</data><data key="d1">TRUE</data><data key="d5"/></node>
    <node id="method:m"><data key="d0">Method</data><data key="d1">0</data></node>
    <edge source="paper:a" target="method:m" id="uses"><data key="d2">3</data><data key="d3">1.5</data></edge>
    <edge source="paper:a" target="method:m"><data key="d2">4</data></edge>
  </graph>
</graphml>
"""


@pytest.mark.parametrize("direction", ["directed", "undirected"])
def test_graphml_types_defaults_and_edge_ids_decode_as_networkx_does(tmp_path, direction):
    path = tmp_path / "g.graphml"
    path.write_text(GRAPHML.replace("{direction}", direction))
    old, new = read_with_networkx(path), load_graph(path)
    assert graphs_equal(old, new)
    assert new.graph == {"node_default": {"seen": False}, "edge_default": {"w": 0.5}, "sources": ["x.jsonl"]}
    assert new.nodes["paper:a"] == {"type": "Paper", "seen": True, "label": ""}
    assert new.edges["paper:a", "method:m", "uses"] == {"n": 3, "w": 1.5}
    assert new.number_of_edges() == (2 if direction == "directed" else 4)


def projection(G, types=None, min_support=None):
    """What load_graph(..., types, min_support) must give, computed on the graph in memory."""
    def support(n):
        return len({u for u in G.predecessors(n) if G.nodes[u].get("type") == "Paper"})

    kept = [n for n, d in G.nodes(data=True)
            if (types is None or d.get("type", "").lower() in {t.lower() for t in types})
            and (min_support is None or d.get("type") not in kg.model.NAMED_TYPES or support(n) >= min_support)]
    return G.subgraph(kept)


@pytest.mark.parametrize("name", ["kg.graphml", "graph.json"])
@pytest.mark.parametrize(
    ("types", "min_support"),
    [("Method,Dataset,Paper", None), (["Paper", "Result", "Metric"], None), (None, 2), (None, 3),
     (" method , DATASET,paper ", 3), ("Method,Dataset", 2), ("Repository,Paper", 1)],
)
def test_projection_keeps_the_nodes_of_its_types_and_supported_entities(tmp_path, name, types, min_support):
    G = hostile_graph()
    export(G, "graphml" if name.endswith("graphml") else "json", tmp_path / name)
    wanted = None if types is None else {t.strip() for t in (types.split(",") if isinstance(types, str) else types)}
    H = load_graph(tmp_path / name, types=types, min_support=min_support)
    assert graphs_equal(projection(G, wanted, min_support), H)
    assert H.number_of_nodes() > 0


def test_projection_of_example_graph_by_support(tmp_path):
    export(example_graph(), "json", tmp_path / "graph.json")
    H = load_graph(tmp_path, types="Dataset,Paper,Method", min_support=3)  # CIFAR-10 4 papers, Transformer 3
    assert sorted(n for n in H if not n.startswith("paper:")) == ["dataset:cifar10", "method:transformer"]
    assert H.number_of_nodes() == 8 and H.number_of_edges() == 7


def scatter_edges(path):
    """Rewrite a graph file so that its edges come in reverse order, the last one first."""
    if path.suffix == ".json":
        doc = json.loads(path.read_text())
        doc["edges"].reverse()
        doc["edges"].insert(0, doc["edges"].pop())
        path.write_text(json.dumps(doc))
        return
    tree = etree.parse(str(path))
    graph = tree.getroot()[-1]
    edges = [e for e in graph if e.tag.endswith("edge")]
    for e in edges:
        graph.remove(e)
    graph.extend([edges[0], *reversed(edges[1:])])
    tree.write(str(path))


@pytest.mark.parametrize("name", ["kg.graphml", "graph.json"])
@pytest.mark.parametrize("order", ["grouped", "scattered"])
def test_support_counts_distinct_papers_whatever_the_edge_order(tmp_path, name, order):
    G = nx.MultiDiGraph()
    G.add_nodes_from([("paper:a", {"type": "Paper"}), ("paper:b", {"type": "Paper"}),
                      ("result:a:0", {"type": "Result"}), ("method:m", {"type": "Method"}),
                      ("method:one", {"type": "Method"}), ("dataset:d", {"type": "Dataset"})])
    G.add_edge("paper:a", "method:m", "proposes")
    G.add_edge("paper:a", "method:m", "uses")
    G.add_edge("paper:a", "method:one", "proposes")
    G.add_edge("paper:a", "method:one", "uses")  # one paper twice: support 1
    G.add_edge("paper:b", "method:m", "uses")
    G.add_edge("paper:a", "dataset:d", "evaluatedOn")
    G.add_edge("result:a:0", "dataset:d", "resultDataset")  # a result is not a paper: support 1
    export(G, "graphml" if name.endswith("graphml") else "json", tmp_path / name)
    if order == "scattered":
        scatter_edges(tmp_path / name)  # paper:a's edges now come apart
        assert graphs_equal(G, load_graph(tmp_path / name))
    H = load_graph(tmp_path / name, min_support=2)
    assert sorted(H) == ["method:m", "paper:a", "paper:b", "result:a:0"]
    assert H.number_of_edges() == 3


@pytest.mark.parametrize(
    ("types", "min_support", "message"),
    [("Method,Papers", None, "unknown node type 'Papers'; choose from: Paper, Method, Dataset, Metric, Task, "
                             "Repository, Result"),
     (" , ", None, "no node type given"), ([], None, "no node type given"),
     (None, 0, "min_support 0: give a whole number"), (None, "2", "min_support '2'"), (None, True, "min_support")],
)
def test_bad_projection_arguments_are_one_line_errors(types, min_support, message):
    with pytest.raises(KGError, match=message) as info:
        load_graph("no-such-file.json", types=types, min_support=min_support)
    assert "\n" not in str(info.value)


def test_projection_of_extraction_records(built):
    out, _ = built
    H = load_graph(out / "extractions.jsonl", types="Paper,Method", min_support=2)
    assert graphs_equal(projection(load_graph(out / "extractions.jsonl"), {"Paper", "Method"}, 2), H)
