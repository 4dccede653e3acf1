"""The graph read from its tables (`kg.tablegraph.TableGraph`) answers as the networkx graph does."""

import pytest
from rdf_fixture import records

from kg.details import DetailTable
from kg.graph import graph_tables
from kg.load import normalize_value
from kg.nlp.extract import extract_papers
from kg.records import Paper
from tests.test_build_cache import _papers


@pytest.fixture
def pair(tiny_nlp):
    table = DetailTable(None)
    papers = [Paper.from_dict(p) for p in _papers(30)]
    view = graph_tables([*records(), *extract_papers(papers, tiny_nlp)], table)
    yield view, view.to_networkx()
    table.close()


def test_nodes_and_edges_come_in_the_graphs_order(pair):
    view, G = pair
    assert list(view.nodes) == list(G.nodes) and len(view.nodes) == G.number_of_nodes()
    assert list(view.edges(keys=True)) == list(G.edges(keys=True))
    assert (view.number_of_nodes(), view.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    assert dict(view.degree()) == dict(G.degree())


def test_every_node_is_found_and_answers_as_in_the_graph(pair):
    view, G = pair
    for node, data in G.nodes(data=True):
        assert node in view and node in view.nodes
        lean = {k: normalize_value(v) for k, v in view.nodes[node].items()}
        assert lean == data if data["type"] != "Paper" else lean == {"type": "Paper", "label": data["label"]}
        assert [(u, v, k) for u, v, k in view.out_edges(node, keys=True)] == list(G.out_edges(node, keys=True))
        assert list(view.successors(node)) == list(G.successors(node))
        assert sorted(view.predecessors(node)) == sorted(G.predecessors(node))
    for missing in ("paper:nope", "result:nope:0", "method:nope", 3):
        assert missing not in view
    with pytest.raises(KeyError):
        view.nodes["paper:nope"]


def test_a_subgraph_keeps_the_order_and_the_edges_between_its_nodes(pair):
    view, G = pair
    keep = [n for i, n in enumerate(G.nodes) if i % 3 != 1]
    H, expected = view.subgraph(keep), G.subgraph(keep)
    assert sorted(H.nodes) == sorted(expected.nodes)
    assert sorted(H.edges(keys=True)) == sorted(expected.edges(keys=True))
    assert [n for n in G.nodes if n in H] == list(H.nodes)


def test_a_node_merged_into_one_merged_later_moves_twice():
    """Merges chain (A joined B, then B joined C): a star's links and results end on C, mentions added."""
    import networkx as nx

    from kg.graph import GraphTables

    tables = GraphTables(DetailTable(None))
    tables.entities["method:c"] = {"type": "Method", "label": "C"}
    tables._merged.update({"method:a": (0, "method:b"), "method:b": (1, "method:c")})
    S = nx.MultiDiGraph()
    S.add_node("paper:p", type="Paper", label="P")
    S.add_node("result:p:0", type="Result", metric="metric:m", method="method:b", dataset="")
    S.add_edge("paper:p", "method:a", key="uses", type="uses", mentions=2)
    S.add_edge("paper:p", "method:c", key="uses", type="uses", mentions=1)
    tables._move_merged(S)
    assert sorted(S.nodes) == ["method:c", "paper:p", "result:p:0"]
    assert S.edges["paper:p", "method:c", "uses"]["mentions"] == 3
    assert S.nodes["result:p:0"]["method"] == "method:c" and S.nodes["method:c"]["label"] == "C"
