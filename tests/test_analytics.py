"""kg.analytics on hand-made graphs with known answers."""

import math

import networkx as nx
import pandas as pd
import pytest

from kg import analytics as A
from kg.errors import KGError
from kg.graph import build_graph
from kg.records import Extraction, Mention, Paper
from kg.samples import example_graph


@pytest.fixture(scope="module")
def G():
    return example_graph()


def m(text, label, eid, role=""):
    return Mention(text=text, label=label, start=0, end=len(text), field="title", name=text,
                   id=eid, source="gazetteer", role=role)


def test_incidence_counts_each_pair_once(G):
    inc = A.incidence(G)
    assert len(inc) == 29 + 4  # 29 paper-entity pairs + 4 repositories
    assert not inc.duplicated().any()
    assert set(inc["type"]) == {"Method", "Dataset", "Metric", "Task", "Repository"}


def test_top_entities(G):
    top = A.top_entities(G, "Method")
    assert top[["name", "papers"]].values.tolist() == [
        ["Transformer", 3], ["diffusion model", 2], ["GNN", 2], ["ResNet", 2]]
    assert A.top_datasets(G, 1)["name"].tolist() == ["CIFAR-10"]
    assert A.top_metrics(G)["papers"].tolist() == [4, 2]
    assert len(A.top_tasks(G, None)) == 3
    assert A.top_entities(G, "methods", 2)["name"].tolist() == ["Transformer", "diffusion model"]
    with pytest.raises(KGError, match="unknown entity type"):
        A.top_entities(G, "Author")


def test_proposes_and_uses_both_count_as_papers(G):
    # GNN is proposed by p1 and used by p2
    assert A.papers_using(G, "GNN") == ["paper:p1", "paper:p2"]
    with pytest.raises(KGError, match="no entity named"):
        A.papers_using(G, "nothing")


def test_counts_and_coverage(G):
    c = A.counts(G)
    edges = c[c["kind"] == "edge"].set_index("name")["count"].to_dict()
    assert edges == {"addresses": 6, "evaluatedOn": 8, "hasCode": 4, "measuredBy": 6, "proposes": 2, "uses": 7}
    cov = A.coverage(G).set_index("what")
    assert cov.loc["Repository", "papers"] == 4 and cov.loc["code", "papers"] == 3
    assert cov.loc["code", "share"] == 0.5
    assert A.coverage(G, code_kinds=None).set_index("what").loc["code", "papers"] == 4


def test_centrality_star_graph():
    # one hub dataset used by 4 papers, each with its own method: the hub has top PageRank
    recs = [Extraction(paper=Paper(id=f"p{i}", title=f"M{i} on Hub"),
                       entities=(m(f"M{i}", "Method", f"method:m{i}"), m("Hub", "Dataset", "dataset:hub")))
            for i in range(4)]
    H = build_graph(recs)
    c = A.centrality(H)
    assert c.loc[0, "id"] == "dataset:hub" and c.loc[0, "papers"] == 4
    # every path between two of the 8 other nodes (4 papers, 4 methods) crosses the hub
    # except paper-method pairs: pairs of papers/methods from different papers: C(8,2) - 4 = 24
    # of the C(9-1, 2) = 28 pairs not involving the hub, normalized by C(8, 2) = 28
    assert c.loc[0, "betweenness"] == pytest.approx(24 / 28)
    methods = c[c["type"] == "Method"]
    assert methods["betweenness"].eq(0).all()
    assert math.isclose(c["pagerank"].sum() + sum(nx.pagerank(A.paper_entity_graph(H))[f"paper:p{i}"]
                                                  for i in range(4)), 1.0)


@pytest.mark.parametrize("k", [None, 1, 3, 10])
def test_betweenness_matches_networkx(k):
    graphs = [nx.karate_club_graph(), nx.disjoint_union(nx.cycle_graph(7), nx.star_graph(5)),
              A.paper_entity_graph(example_graph()), nx.gnm_random_graph(120, 200, seed=1)]
    for H in graphs:
        ours = A.betweenness(H, k=k, seed=5, batch=4)
        theirs = nx.betweenness_centrality(H, k=k, seed=5)
        for v in H:
            assert ours[v] == pytest.approx(theirs[v], abs=1e-12, nan_ok=True)


def test_centrality_sampled_betweenness_is_seeded(G):
    a = A.centrality(G, k=5, seed=1)
    b = A.centrality(G, k=5, seed=1)
    pd.testing.assert_frame_equal(a, b)
    exact = A.centrality(G)
    assert list(exact.columns) == ["id", "type", "name", "papers", "pagerank", "betweenness"]
    assert A.centrality(build_graph([])).empty


def test_communities_split_two_components():
    left = [Extraction(paper=Paper(id=f"a{i}", title="x"),
                       entities=(m("A1", "Method", "method:a1"), m("A2", "Dataset", "dataset:a2"),
                                 m("A3", "Metric", "metric:a3"))) for i in range(3)]
    right = [Extraction(paper=Paper(id=f"b{i}", title="x"),
                        entities=(m("B1", "Method", "method:b1"), m("B2", "Dataset", "dataset:b2")))
             for i in range(2)]
    leaf = [Extraction(paper=Paper(id="a9", title="x"),
                       entities=(m("A1", "Method", "method:a1"), m("A4", "Task", "task:a4")))]
    pair = [Extraction(paper=Paper(id="c0", title="x"), entities=(m("C1", "Method", "method:c1"),))]
    H = build_graph(left + right + leaf + pair + [Extraction(paper=Paper(id="lonely", title="no entities"))])
    c = A.communities(H, seed=3)
    groups = c.groupby("community")["id"].apply(set).to_dict()
    # the leaf task A4 (one paper) joins its paper's community; C1 and its paper form their own
    assert groups == {0: {"method:a1", "dataset:a2", "metric:a3", "task:a4"}, 1: {"method:b1", "dataset:b2"},
                      2: {"method:c1"}}
    with_papers = A.communities(H, include_papers=True)
    assert "paper:a0" in set(with_papers["id"]) and "paper:lonely" not in set(with_papers["id"])
    pd.testing.assert_frame_equal(A.communities(H, seed=3), c)


def test_co_usage_tables(G):
    md = A.method_dataset_table(G)
    assert md.loc["ResNet", "CIFAR-10"] == 2 and md.loc["GNN", "ImageNet"] == 0
    assert md.loc["Transformer", "ImageNet"] == 2
    assert int(md.to_numpy().sum()) == 12  # (method, dataset) pairs summed over papers: 2+2+4+1+2+1
    assert list(md.index)[:1] == ["Transformer"] and md.index.name == "Method"
    dm = A.dataset_metric_table(G, top=1)
    assert dm.shape == (1, 1) and dm.iloc[0, 0] == 3  # CIFAR-10 x accuracy
    tm = A.co_usage(G, "Task", "Metric")
    assert tm.loc["image generation", "FID"] == 2 and tm.loc["image generation", "accuracy"] == 0


def test_co_usage_same_type_excludes_self_pairs(G):
    mm = A.co_usage(G, "Method", "Method")
    assert all(mm.iloc[i, i] == 0 for i in range(len(mm)))
    assert mm.loc["ResNet", "Transformer"] == 1 == mm.loc["Transformer", "ResNet"]


def test_projection_and_pairs(G):
    P = A.projection(G, "Method")
    assert {frozenset(e) for e in P.edges()} == {
        frozenset(("method:gnn", "method:transformer")), frozenset(("method:transformer", "method:resnet")),
        frozenset(("method:transformer", "method:diffusionmodel"))}
    assert P.nodes["method:transformer"]["papers"] == 3
    assert all(w == 1 for *_, w in P.edges(data="weight"))
    D = A.projection(G, "Dataset")
    assert D["dataset:cifar10"]["dataset:imagenet"]["weight"] == 1
    assert D["dataset:cifar10"]["dataset:cora"]["weight"] == 1
    assert A.projection(G, "Dataset", min_weight=2).number_of_edges() == 0
    pr = A.pairs(G, "Method")
    assert len(pr) == 3 and set(pr.columns) == {"a", "a_name", "b", "b_name", "papers"}


def test_trends_by_year_and_month(G):
    y = A.trends(G, "Method", "year", top=None)
    assert list(y.index) == ["2022", "2023", "2024"]
    assert y["all papers"].tolist() == [2, 3, 1]
    assert y["GNN"].tolist() == [2, 0, 0] and y["Transformer"].tolist() == [1, 2, 0]
    mo = A.trends(G, "Dataset", "month", top=1)
    assert list(mo.columns) == ["all papers", "CIFAR-10"] and len(mo) == 6
    s = A.trends(G, "Method", "year", share=True)
    assert s.loc["2023", "Transformer"] == pytest.approx(2 / 3, abs=1e-4)
    with pytest.raises(KGError, match="year or month"):
        A.trends(G, freq="week")


def test_trends_without_dates_and_odd_dates():
    recs = [Extraction(paper=Paper(id="a", title="x"), entities=(m("X", "Method", "method:x"),))]
    assert A.trends(build_graph(recs)).empty
    recs = [Extraction(paper=Paper(id=p, title="x", date=d), entities=(m("X", "Method", "method:x"),))
            for p, d in (("a", "2021"), ("b", "Mon, 2 Apr 2007 19:18:42 GMT"), ("c", "not a date"),
                         ("d", "2021-07"))]
    t = A.trends(build_graph(recs))
    assert t["X"].to_dict() == {"2007": 1, "2021": 2}


def test_gaps_known_answer(G):
    g = A.gaps(G, top=None)
    first = g.iloc[0]
    assert (first["method_name"], first["dataset_name"]) == ("GNN", "ImageNet")
    # paths GNN - d' - n - ImageNet: via Cora (2 methods) to Transformer (3 datasets); via CIFAR-10
    # (4 methods) to Transformer, ResNet (2 datasets) and diffusion model (2 datasets)
    ln = math.log
    expected = 1 / (ln(2) * ln(3)) + 1 / (ln(4) * ln(3)) + 2 / (ln(4) * ln(2))
    assert first["score"] == pytest.approx(expected, abs=1e-6)
    assert first["neighbours"] == 3
    assert first["examples"] == "Transformer, diffusion model, ResNet"
    others = {(r.method_name, r.dataset_name): r.score for r in g.itertuples()}
    # ResNet: CIFAR-10 -> GNN, Transformer; ImageNet (3 methods) -> Transformer
    assert others[("ResNet", "Cora")] == pytest.approx(
        1 / (ln(4) * ln(2)) + 1 / (ln(4) * ln(3)) + 1 / (ln(3) * ln(3)), abs=1e-6)
    assert others[("diffusion model", "Cora")] == pytest.approx(others[("ResNet", "Cora")])
    assert ("Transformer", "Cora") not in others  # already evaluated there
    assert len(g) == 3
    assert A.gaps(G, method="resnet")["dataset_name"].tolist() == ["Cora"]
    assert A.gaps(G, method="Transformer").empty
    assert A.gaps(G, top=1)["method_name"].tolist() == ["GNN"]
    # chunking does not change the answer
    pd.testing.assert_frame_equal(A.gaps(G, top=None, chunk=1), g)


def test_gaps_on_other_types_and_empty(G):
    g = A.gaps(G, rows="Dataset", cols="Metric", top=None)
    # Cora shares accuracy with CIFAR-10 and ImageNet, both measured by FID (2 metrics each)
    assert g[["method_name", "dataset_name"]].values.tolist() == [["Cora", "FID"]]
    assert g.loc[0, "score"] == pytest.approx(2 / (math.log(3) * math.log(2)), abs=1e-6)
    assert A.gaps(build_graph([])).empty


def test_code_availability_and_papers_without_code(G):
    ca = A.code_availability(G).set_index("name")
    assert ca.loc["image generation"].to_dict() == {
        "id": "task:imagegeneration", "papers": 2, "with_code": 1, "without_code": 1, "share_with_code": 0.5}
    # p6 links only a project page: with any repository kind it counts
    assert A.code_availability(G, code_kinds=None).set_index("name").loc["image generation", "with_code"] == 2
    missing = A.papers_without_code(G)
    assert missing[["name", "paper"]].values.tolist() == [
        ["image classification", "paper:p4"], ["image generation", "paper:p6"],
        ["node classification", "paper:p2"]]
    assert missing.loc[0, "title"] == "ResNet again"
    assert len(A.papers_without_code(G, "Method")) == 3  # p2 GNN, p4 ResNet, p6 diffusion model


def test_degree_distribution(G):
    assert A.degree_distribution(G, "Method").to_dict() == {2: 3, 3: 1}
    papers = A.degree_distribution(G, "Paper")
    assert papers.to_dict() == {4: 2, 5: 3, 6: 1} and papers.sum() == 6
    H = build_graph([Extraction(paper=Paper(id="z", title="nothing"))])
    assert A.degree_distribution(H, "Paper").to_dict() == {0: 1}


def test_resolve_entity_by_alias():
    H = build_graph([Extraction(paper=Paper(id="a", title="GNN"),
                                entities=(m("GNN", "Method", "method:gnn"),
                                          m("graph neural networks", "Method", "method:gnn")))])
    assert A.resolve_entity(H, "GNN") == "method:gnn"
    assert A.resolve_entity(H, "Graph Neural Networks") == "method:gnn"


def test_leaderboard_ranks_by_direction_and_ranges_by_their_better_end():
    from kg.records import Result
    from kg.samples import results_graph

    board = A.leaderboard(results_graph(), dataset="imagenet", metric="FID")
    assert board[["method", "rank", "direction", "paper"]].values.tolist() == [
        ["Numbat", 1, "lower", "paper:q3"], ["Quokka", 2, "lower", "paper:q1"], ["Wombat", 3, "lower", "paper:q2"]]
    assert "sharpness" not in set(A.leaderboard(results_graph())["metric"])  # no direction, no ranking
    text = "X and Y on CIFAR-10 by accuracy."
    ents = (m("X", "Method", "method:x"), m("Y", "Method", "method:y"), m("CIFAR-10", "Dataset", "dataset:cifar10"),
            m("accuracy", "Metric", "metric:accuracy"))
    res = (Result("metric:accuracy", 90.0, "%", "method:x", "dataset:cifar10", value_max=95.0),
           Result("metric:accuracy", 93.0, "%", "method:y", "dataset:cifar10"),
           Result("metric:accuracy", 95.0, "%", "", "dataset:cifar10"),
           Result("metric:accuracy", 99.0, "%", "method:y"))  # no dataset: not ranked
    board = A.leaderboard(build_graph([Extraction(paper=Paper(id="t", abstract=text), entities=ents, results=res)]))
    assert board[["method", "value", "rank"]].values.tolist() == [["", 95.0, 1], ["X", 90.0, 1], ["Y", 93.0, 3]]
    assert A.leaderboard(example_graph()).empty and list(A.leaderboard(example_graph()).columns) == [
        "dataset", "metric", "rank", "method", "value", "value_max", "unit", "direction", "paper", "title", "code",
        "evidence"]
    with pytest.raises(KGError):
        A.leaderboard(results_graph(), dataset="no such dataset")
