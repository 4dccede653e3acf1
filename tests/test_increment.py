"""Adding papers to a kept build (`kg.build.increment`) gives the outputs of a full build."""

import gzip
import json
import os
from xml.sax.saxutils import escape

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.build
from kg.admission import load_model
from kg.build.cache import BuildState
from kg.build.increment import ROWS, Keeping, add_papers, commit, load_kept, new_generation, save_final, save_raw
from kg.details import DetailTable
from kg.graph import build_graph, graph_tables
from kg.records import Extraction, Mention, Paper, Result
from tests.test_build_cache import _build, _papers, _write
from tests.test_graph import defining, mention

FILES = ("extractions.jsonl", "kg.ttl", "graph.json", "kg.graphml", "kg.html")

# an acronym the kept papers write bare, that the added papers define twice: the node of the
# bare "GNN" joins the long form's, so kept papers' stars change
DEFINED = [
    {"id": "gnn-1", "title": "Message passing",
     "abstract": "We train a GNN on the Cora dataset and report accuracy."},
    {"id": "gnn-2", "title": "Graph Neural Network (GNN) for molecules",
     "abstract": "A graph neural network (GNN) reaches 81.5% accuracy on Cora."},
    {"id": "gnn-3", "title": "Deeper graphs",
     "abstract": "We study the graph neural network (GNN) with residual links on Cora."},
]


def _outputs(out):
    return {name: (out / name).read_bytes() for name in FILES}


def _full(src, tmp_path):
    _build(src, tmp_path / "full", cache=None)
    return _outputs(tmp_path / "full")


def _quads(out):
    from pyoxigraph import Store

    store = Store.read_only(str(out / "store"))
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


def _grow(tmp_path, first, rows):
    """Build `first` rows, then all `rows` in the same file: the second build's report."""
    src = tmp_path / "in.jsonl"
    _write(src, rows[:first])
    _build(src, tmp_path / "out")
    _write(src, rows)
    return src, _build(src, tmp_path / "out")


@pytest.mark.parametrize("first", [1, 12, 29])
def test_papers_added_to_a_kept_build_give_the_full_build(tmp_path, first):
    rows = _papers(30)
    src, report = _grow(tmp_path, first, rows)
    assert report["incremental"]["papers_kept"] == first and report["incremental"]["papers_added"] == 30 - first
    assert report["extraction"]["extracted"] == 30 - first
    assert _outputs(tmp_path / "out") == _full(src, tmp_path)
    assert _quads(tmp_path / "out") == _quads(tmp_path / "full")  # the store updated, not loaded again
    # the diff and the index the next build diffs against: those of a full build after the same one
    _write(src, rows[:first])
    _build(src, tmp_path / "ref")
    _write(src, rows)
    ref = _build(src, tmp_path / "ref", force=True)
    assert report["diff"] == ref["diff"] and report["diff"]["nodes_added"] > 0
    indexes = [BuildState(d / ".kg-cache", d).index_path for d in (tmp_path / "out", tmp_path / "ref")]
    assert gzip.decompress(indexes[0].read_bytes()) == gzip.decompress(indexes[1].read_bytes())


def test_a_summarized_page_of_an_added_build_is_the_full_builds(tmp_path):
    rows, html = _papers(30), {"max_nodes": 25}
    src = _write(tmp_path / "in.jsonl", rows[:20])
    _build(src, tmp_path / "out", html_options=html)
    _write(src, rows)
    report = _build(src, tmp_path / "out", html_options=html)
    assert report["incremental"] is not None
    _build(src, tmp_path / "full", cache=None, html_options=html)
    page = (tmp_path / "out" / "kg.html").read_bytes()
    assert page == (tmp_path / "full" / "kg.html").read_bytes() and b"Showing 25 of" in page


def test_an_entity_the_added_papers_rename_is_written_again_in_the_kept_star(tmp_path):
    rows = [*DEFINED[:1], *_papers(5), *DEFINED[1:]]  # the added papers spell out GNN: new aliases
    src, report = _grow(tmp_path, 6, rows)
    added = report["incremental"]
    assert added["stars_written_again"] > added["papers_added"]  # the star that shows the GNN node too
    assert _outputs(tmp_path / "out") == _full(src, tmp_path)


@pytest.mark.parametrize("change", ["edit", "reorder", "duplicate", "force"])
def test_a_build_that_cannot_add_builds_all(tmp_path, change):
    rows = _papers(12)
    src = _write(tmp_path / "in.jsonl", rows[:8])
    _build(src, tmp_path / "out")
    if change == "edit":  # a kept paper changed
        rows[3] = {**rows[3], "abstract": rows[3]["abstract"] + " We also use ImageNet."}
    elif change == "reorder":
        rows[0], rows[1] = rows[1], rows[0]
    elif change == "duplicate":  # an added paper repeats a kept one: its sources change
        rows.append({**rows[2]})
    _write(src, rows)
    report = _build(src, tmp_path / "out", force=change == "force")
    assert report["incremental"] is None
    assert _outputs(tmp_path / "out") == _full(src, tmp_path)


def test_a_failed_addition_keeps_the_kept_build(tmp_path, monkeypatch):
    rows = _papers(14)
    src = _write(tmp_path / "in.jsonl", rows[:10])
    _build(src, tmp_path / "out")
    before = _outputs(tmp_path / "out")
    _write(src, rows)

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(kg.build, "_write_outputs", fail)
        with pytest.raises(Exception, match="No space left"):
            _build(src, tmp_path / "out")
    assert _outputs(tmp_path / "out") == before
    report = _build(src, tmp_path / "out")
    assert report["incremental"]["papers_kept"] == 10
    assert _outputs(tmp_path / "out") == _full(src, tmp_path)
    again = _build(src, tmp_path / "out")  # nothing changed: up to date
    assert again["up_to_date"]


# ------------------------------------------------------------------ the graph, paper by paper


def _kinds():
    """Papers that move what the corpus decides: acronym definitions and bare acronyms,
    spellings that vote for a name, results, model-only mentions admission may drop."""
    def bare(pid):
        return Extraction(paper=Paper(id=pid, abstract="TL on CIFAR10"), entities=(
            mention("TL", "Method", "method:tl"), mention("CIFAR10", "Dataset", "dataset:cifar10", 6)))

    def spelled(pid):
        return Extraction(paper=Paper(id=pid, abstract="We use CIFAR-10."),
                          entities=(mention("CIFAR-10", "Dataset", "dataset:cifar10", 7),))

    def result(pid):
        text = "TL gets 90% accuracy on CIFAR10."
        return Extraction(paper=Paper(id=pid, abstract=text), entities=(
            mention("TL", "Method", "method:tl"), mention("accuracy", "Metric", "metric:accuracy", 12),
            mention("CIFAR10", "Dataset", "dataset:cifar10", 24)),
            results=(Result(metric="metric:accuracy", value=90.0, unit="%", method="method:tl",
                            dataset="dataset:cifar10", text="90% accuracy", start=8, end=20),))

    def model_only(pid):
        text = "We apply a weighted version of FooNet."
        return Extraction(paper=Paper(id=pid, abstract=text), entities=(
            Mention(text="a weighted version", label="Method", start=8, end=26, field="abstract",
                    name="weighted version", id="method:weightedversion", score=0.5, source="ner"),
            Mention(text="FooNet", label="Method", start=30, end=36, field="abstract",
                    name="FooNet", id="method:foonet", score=0.9, source="ner")))

    def quokka(score):  # admitted from a model-only mention at score 0.99, not at 0.45
        def paper(pid):
            text = "We apply QuokkaNet here, at 90% accuracy."
            return Extraction(paper=Paper(id=pid, abstract=text), entities=(
                Mention(text="QuokkaNet", label="Method", start=9, end=18, field="abstract",
                        name="QuokkaNet", id="method:quokkanet", score=score, source="ner"),
                mention("accuracy", "Metric", "metric:accuracy", 32)),
                results=(Result(metric="metric:accuracy", value=90.0, unit="%", method="method:quokkanet",
                                text="90% accuracy", start=28, end=40),))
        return paper

    def named_otherwise(pid):  # votes for another name of the metric the results are labelled with
        return Extraction(paper=Paper(id=pid, abstract="Top-1 Acc rises."),
                          entities=(Mention(text="Top-1 Acc", label="Metric", start=0, end=9, field="abstract",
                                            name="Top-1 Acc", id="metric:accuracy", score=0.9, source="gazetteer"),))

    return [
        quokka(0.45), quokka(0.99), named_otherwise,
        lambda pid: defining(pid, "method:tidallearning", "TL"),
        lambda pid: defining(pid, "method:tidallearning", "TLs"),
        lambda pid: defining(pid, "method:topicallayering", "TL"),
        bare, spelled, result, model_only,
    ]


KINDS = _kinds()


def _keep(records, tmp_path):
    """A kept build of `records` (as `kg build` keeps it) and its graph."""
    directory = tmp_path / "tables"
    directory.mkdir()
    generation = new_generation()
    details = DetailTable(directory / ROWS)
    G = graph_tables(records, details, before_finish=lambda t: save_raw(t, directory, generation))
    G.count()
    save_final(G.tables, directory, generation)
    details.keep()
    commit(directory, {"generation": generation, "settings": "s", "outputs": None, "papers": len(records),
                       "floors": list(G.tables.floors)})
    return load_kept(directory, "s", None)


def _items(G):
    return list(G.nodes(data=True)), list(G.edges(keys=True, data=True))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, len(KINDS) - 1), min_size=2, max_size=9), st.data())
def test_adding_papers_to_kept_tables_gives_the_graph_of_all(tmp_path_factory, kinds, data):
    records = [KINDS[k](f"p{i}") for i, k in enumerate(kinds)]
    first = data.draw(st.integers(1, len(records) - 1))
    kept = _keep(records[:first], tmp_path_factory.mktemp("kept"))
    added = add_papers(kept, records[first:], new_generation(), load_model(), evaluate=True)
    after, before = build_graph(records), build_graph(records[:first])
    assert _items(added.graph.to_networkx()) == _items(after)
    counted = added.graph.stats
    with DetailTable(None) as details:
        whole = graph_tables(records, details).count()
    assert (counted.summary(), counted.degree, counted.papers) == (whole.summary(), whole.degree, whole.papers)
    # every node whose attributes or links changed is written again
    for node in set(before) | set(after):
        if node not in before or node not in after or before.nodes[node] != after.nodes[node] or (
                [*before.out_edges(node, keys=True, data=True)] != [*after.out_edges(node, keys=True, data=True)]):
            assert node in added.dirty, node
    added.graph.details.close()


def _mark_kept_papers(out, name, mark):
    """Build 8 papers into `out`, change file `name` in place with `mark(data, papers)` (as the
    last build left it, to its time), add 2 papers: the report of the build that adds them."""
    rows = _papers(10)
    src = _write(out.parent / "in.jsonl", rows[:8])
    _build(src, out)
    path = out / name
    stat = path.stat()
    papers = [n for n in json.loads((out / "graph.json").read_text())["nodes"] if n["type"] == "Paper"]
    path.write_bytes(mark(path.read_bytes(), papers))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    _write(src, rows)
    report = _build(src, out)["incremental"]
    assert report["papers_added"] == 2
    return report


def _copied(report, marked):
    """Whether the kept stars not written again are those still marked (and some are)."""
    return len(marked) == 8 - (report["stars_written_again"] - report["papers_added"]) > 0


def test_unchanged_stars_are_copied_from_the_last_outputs(tmp_path):
    def mark(data, papers):  # every kept title, in the nodes (the edges' sentences may hold it too)
        edges, nodes = data.split(b'"nodes": [')
        for paper in papers:
            title = b'"title": ' + json.dumps(paper["title"]).encode()
            nodes = nodes.replace(title, title[:-2] + b'~"', 1)
        return edges + b'"nodes": [' + nodes

    report = _mark_kept_papers(tmp_path / "out", "graph.json", mark)
    nodes = json.loads((tmp_path / "out" / "graph.json").read_text())["nodes"]
    assert _copied(report, [n for n in nodes if n["type"] == "Paper" and n["title"].endswith("~")])


def test_unchanged_stars_are_copied_from_the_last_graphml(tmp_path):
    def mark(data, papers):  # every kept paper's label, its first data element
        for paper in papers:
            text = f">{escape(paper['label'])}</data>".encode()
            data = data.replace(text, text[:-8] + b"~</data>", 1)
        return data

    report = _mark_kept_papers(tmp_path / "out", "kg.graphml", mark)
    G = nx.read_graphml(tmp_path / "out" / "kg.graphml")
    assert _copied(report, [n for n, d in G.nodes(data=True) if d["type"] == "Paper" and d["label"].endswith("~")])


def test_the_kept_rows_are_compacted_by_a_full_build_once_they_doubled(tmp_path):
    rows, fulls = _papers(24), 0
    src = _write(tmp_path / "in.jsonl", rows[:8])
    _build(src, tmp_path / "out")
    for n in range(9, 25):
        _write(src, rows[:n])
        fulls += _build(src, tmp_path / "out")["incremental"] is None
    assert 1 <= fulls <= 4
    assert _outputs(tmp_path / "out") == _full(src, tmp_path)


def test_a_build_while_another_holds_the_kept_tables_builds_all(tmp_path):
    rows = _papers(12)
    src = _write(tmp_path / "in.jsonl", rows[:8])
    out = tmp_path / "out"
    _build(src, out)
    state = BuildState(out / ".kg-cache", out)
    other = Keeping(state.dir, state.tag, "", lambda: None, {})
    assert other._locked()  # another build adds to them now
    _write(src, rows)
    assert _build(src, out)["incremental"] is None
    other.clean()
    rows.append(_papers(1, start=12)[0])
    _write(src, rows)
    assert _build(src, out)["incremental"]["papers_added"] == 1
    assert _outputs(out) == _full(src, tmp_path)
