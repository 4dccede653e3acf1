import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from kg.graph import _sentence_bounds, _Sentences, build_graph, evidence_sentence
from kg.records import Extraction, Mention, Paper, Repo, Result


def mention(text, label, eid, start=0, role="", field="abstract", score=0.9):
    return Mention(text=text, label=label, start=start, end=start + len(text), field=field,
                   name=text, id=eid, score=score, source="gazetteer", role=role)


def sample():
    a = Extraction(
        paper=Paper(id="a", title="FooNet: x", abstract="We use CIFAR10. FooNet gets 90% accuracy."),
        entities=(
            mention("FooNet", "Method", "method:foonet", 0, "proposed", "title"),
            mention("CIFAR10", "Dataset", "dataset:cifar10", 7),
            mention("accuracy", "Metric", "metric:accuracy", 32),
        ),
        repos=(Repo(url="https://github.com/a/b", kind="code", raw="github.com/a/b", start=0, end=14),),
        results=(Result(metric="metric:accuracy", value=90.0, unit="%", method="method:foonet",
                        dataset="dataset:cifar10", text="90% accuracy", start=28, end=40),),
    )
    b = Extraction(
        paper=Paper(id="b", title="Other", abstract="On CIFAR-10 and CIFAR-10 with FooNet."),
        entities=(
            mention("CIFAR-10", "Dataset", "dataset:cifar10", 3),
            mention("CIFAR-10", "Dataset", "dataset:cifar10", 16),
            mention("FooNet", "Method", "method:foonet", 30),
        ),
        repos=(Repo(url="https://github.com/a/b", kind="code", raw="https://github.com/a/b"),),
    )
    return build_graph([a, b])


def test_nodes_and_types():
    G = sample()
    types = nx.get_node_attributes(G, "type")
    assert types["paper:a"] == "Paper" and types["method:foonet"] == "Method"
    assert types["repo:https://github.com/a/b"] == "Repository"
    assert sum(1 for t in types.values() if t == "Result") == 1


def test_one_node_per_entity_with_canonical_name_and_aliases():
    G = sample()
    node = G.nodes["dataset:cifar10"]
    assert node["name"] == "CIFAR-10" and node["aliases"] == ["CIFAR10"]


def test_edges_carry_evidence_and_counts():
    G = sample()
    assert G.has_edge("paper:a", "method:foonet", key="proposes")
    assert not G.has_edge("paper:a", "method:foonet", key="uses")
    assert G.has_edge("paper:b", "method:foonet", key="uses")
    edge = G.edges["paper:b", "dataset:cifar10", "evaluatedOn"]
    assert edge["mentions"] == 2 and edge["component"] == "gazetteer" and edge["field"] == "abstract"
    assert edge["sentence"] == "On CIFAR-10 and CIFAR-10 with FooNet."
    assert G.in_degree("repo:https://github.com/a/b") == 2
    result = next(n for n, d in G.nodes(data=True) if d["type"] == "Result")
    assert G.has_edge(result, "dataset:cifar10", key="resultDataset")


def test_evidence_sentence():
    text = "First one. Second has X here. Third."
    assert evidence_sentence(text, text.index("X"), text.index("X") + 1) == "Second has X here."


def test_acronym_defined_elsewhere_merges_into_long_form():
    long = mention("graph neural networks", "Method", "method:graphneuralnetwork")
    a = Extraction(
        paper=Paper(id="a", abstract="graph neural networks (GNNs) are good."),
        entities=(long,),
        aliases=(("method:graphneuralnetwork", "GNNs"),),
    )
    b = Extraction(paper=Paper(id="b", abstract="GNN rocks."), entities=(mention("GNN", "Method", "method:gnn"),))
    G = build_graph([a, b])
    assert "method:gnn" not in G
    assert G.has_edge("paper:b", "method:graphneuralnetwork", key="uses")
    assert "GNN" in G.nodes["method:graphneuralnetwork"]["aliases"]


def test_ambiguous_acronym_is_not_merged():
    defs = [("method:superresolution", "SR"), ("method:symbolicregression", "SR")]
    recs = [
        Extraction(paper=Paper(id=f"p{i}", abstract="x"),
                   entities=(mention(eid.split(":")[1], "Method", eid),), aliases=((eid, alias),))
        for i, (eid, alias) in enumerate(defs)
    ]
    recs.append(Extraction(paper=Paper(id="c", abstract="SR"), entities=(mention("SR", "Method", "method:sr"),)))
    assert "method:sr" in build_graph(recs)


def test_metrics_know_their_direction_and_a_range_keeps_its_high_end():
    text = "Quokka gets 2.0-2.6 FID and 71% top-1 (9% top-5) error; BLAH is 3."
    ents = (mention("FID", "Metric", "metric:fid", text.index("FID")),
            Mention(text="top-1", label="Metric", start=text.index("top-1"), end=text.index("top-1") + 5,
                    field="abstract", name="top-1 error", id="metric:top1error", score=0.9, source="ner"),
            mention("BLAH", "Metric", "metric:blah", text.index("BLAH")))
    rec = Extraction(paper=Paper(id="q", abstract=text), entities=ents, results=(
        Result(metric="metric:fid", value=2.0, value_max=2.6, text="2.0-2.6 FID", start=12, end=23),))
    G = build_graph([rec], admission=False)
    assert G.nodes["metric:fid"]["direction"] == "lower"
    assert G.nodes["metric:top1error"]["direction"] == "lower"
    assert G.nodes["metric:top1error"]["aliases"] == []  # "top-1" alone is no name of top-1 error
    assert "direction" not in G.nodes["metric:blah"]
    result = G.nodes["result:q:0"]
    assert (result["value"], result["value_max"], result["label"]) == (2.0, 2.6, "FID = 2–2.6")


def defining(pid, eid, alias, text=None):
    """A paper that defines `alias` as the long form of node `eid`."""
    return Extraction(paper=Paper(id=pid, abstract="x"),
                      entities=(mention(text or eid.split(":")[1], "Method", eid),), aliases=((eid, alias),))


def test_an_acronym_one_paper_defines_is_not_merged_elsewhere():
    recs = [defining("a", "method:tidallearning", "TL"),
            Extraction(paper=Paper(id="b", abstract="TL kernels"), entities=(mention("TL", "Method", "method:tl"),))]
    G = build_graph(recs)
    assert "method:tl" in G and not G.has_edge("paper:b", "method:tidallearning", key="uses")


def test_an_acronym_two_papers_define_alike_is_merged():
    recs = [defining("a", "method:tidallearning", "TL"), defining("b", "method:tidallearning", "TLs"),
            Extraction(paper=Paper(id="c", abstract="TL"), entities=(mention("TL", "Method", "method:tl"),))]
    G = build_graph(recs)
    assert "method:tl" not in G and G.has_edge("paper:c", "method:tidallearning", key="uses")
    recs.append(defining("d", "method:topicallayering", "TL"))
    assert "method:tl" in build_graph(recs)


def test_one_paper_counts_once_however_often_it_defines():
    rec = Extraction(paper=Paper(id="a", abstract="x"),
                     entities=(mention("tidal learning", "Method", "method:tidallearning"),),
                     aliases=(("method:tidallearning", "TL"), ("method:tidallearning", "TLs")))
    other = Extraction(paper=Paper(id="c", abstract="TL"), entities=(mention("TL", "Method", "method:tl"),))
    assert "method:tl" in build_graph([rec, other])


def test_long_forms_of_one_acronym_that_differ_by_a_head_noun_or_ending_fold():
    recs = [defining("a", "method:ringattentional", "RAN", "ring attentional"),
            defining("b", "method:ringattentionnetwork", "RAN", "ring attention network"),
            Extraction(paper=Paper(id="c", abstract="x"),
                       entities=(mention("ring attention networks", "Method", "method:ringattentionnetwork"),)),
            defining("d", "method:ringaccessnetwork", "RAN", "ring access network")]
    G = build_graph(recs)
    assert "method:ringattentional" not in G and "method:ringaccessnetwork" in G
    assert G.has_edge("paper:a", "method:ringattentionnetwork", key="uses")
    assert "ring attentional" in G.nodes["method:ringattentionnetwork"]["aliases"]


def test_no_alias_is_a_bare_number_or_version():
    rec = Extraction(paper=Paper(id="a", abstract="x"), entities=(
        Mention(text="ZetaSet-300", label="Dataset", start=0, end=11, field="abstract", name="ZetaSet-300",
                id="dataset:zetaset300", score=0.9, source="gazetteer"),
        Mention(text="300", label="Dataset", start=12, end=15, field="abstract", name="ZetaSet-300",
                id="dataset:zetaset300", score=0.9, source="gazetteer"),
        Mention(text="v2", label="Dataset", start=16, end=18, field="abstract", name="ZetaSet-300",
                id="dataset:zetaset300", score=0.9, source="gazetteer"),
    ))
    G = build_graph([rec])
    assert G.nodes["dataset:zetaset300"]["aliases"] == []
    assert G.edges["paper:a", "dataset:zetaset300", "evaluatedOn"]["mentions"] == 3


def test_a_proposed_coined_name_names_the_node_of_its_long_form():
    text = "We propose the Quokka Gated Network (QuoGNet). QuoGNet is fast."
    ents = (Mention("Quokka Gated Network", "Method", 15, 35, "abstract", name="Quokka Gated Network",
                    id="method:quokkagatednetwork", score=0.9, source="abbrev", role="proposed"),
            Mention("QuoGNet", "Method", 47, 54, "abstract", name="Quokka Gated Network",
                    id="method:quokkagatednetwork", score=0.9, source="abbrev", role="proposed"))
    G = build_graph([Extraction(paper=Paper(id="q", abstract=text), entities=ents)], admission=False)
    node = G.nodes["method:quokkagatednetwork"]
    assert node["name"] == "QuoGNet" and "Quokka Gated Network" in node["aliases"] and "coined" not in node


@given(st.lists(st.sampled_from(["Hello.", "world", "A", "x.", "(B)", "9", "end!", "Q?", '"q"', "it's", "\n"]),
                max_size=30),
       st.lists(st.tuples(st.integers(-3, 200), st.integers(-3, 200)), min_size=1, max_size=5))
def test_sentence_bounds_found_once_per_field_are_those_of_the_scan(words, spans):
    text = " ".join(words)
    sentences = _Sentences(Paper(id="x", title="", abstract=text))
    for start, end in spans:
        assert sentences.bounds("abstract", start, end) == _sentence_bounds(text, start, end)
