"""The HTML browser page without a browser: escaping, self-containment, view options."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.export import export
from kg.export.html import (
    escape_json_for_html,
    graph_payload,
    render_html,
    select_view,
    view,
    write_html,
)
from kg.graph import build_graph
from kg.load import load_graph
from kg.records import Extraction, Mention, Paper, Repo, Result
from kg.samples import build_example_graph

XSS_TITLE = "</script><script>window.__xss=1</script><img src=x onerror=window.__xss=2>"
XSS_ABSTRACT = (
    "We propose <b>Evil</b>Net <!-- and --> use ImageNet & friends \u2028 here. "
    "<img src=x onerror=\"window.__xss=3\"> See https://github.com/evil/evilnet"
)


def _mention(p: Paper, text: str, label: str, key: str, field: str = "abstract", **kw) -> Mention:
    source = p.title if field == "title" else p.abstract
    start = source.index(text)
    return Mention(text, label, start, start + len(text), field, name=text,
                   id=f"{label.lower()}:{key}", score=kw.pop("score", 0.8),
                   source="gazetteer", **kw)


def xss_graph():
    p = Paper(id="x1", title=XSS_TITLE, abstract=XSS_ABSTRACT, url="javascript:window.__xss=4")
    evil = "<b>Evil</b>Net"
    recs = [
        Extraction(
            paper=p,
            entities=(
                _mention(p, evil, "Method", "evilnet", role="proposed"),
                _mention(p, "ImageNet", "Dataset", "imagenet"),
                _mention(p, "window.__xss=1", "Task", "xss", field="title"),
            ),
            repos=(
                Repo(url="javascript:window.__xss=5//github.com", kind="code", raw="x",
                     start=0, end=1),
                Repo(url="https://github.com/evil/evilnet", kind="code",
                     raw="https://github.com/evil/evilnet",
                     start=XSS_ABSTRACT.index("https://"), end=len(XSS_ABSTRACT)),
            ),
            aliases=(("method:evilnet", "<svg onload=window.__xss=6>"),),
        )
    ]
    return build_graph(recs)


def star_graph(n_papers: int = 40):
    """Papers that each use a shared method plus one of a few datasets."""
    recs = []
    for i in range(n_papers):
        ds = f"DS{i % 4}"
        p = Paper(id=f"s{i}", title=f"Paper {i:03d}", abstract=f"We use BERT on {ds}.")
        ents = [_mention(p, "BERT", "Method", "bert"), _mention(p, ds, "Dataset", ds.lower())]
        if i == 0:
            ents.append(_mention(p, "We", "Task", "rare"))
        recs.append(Extraction(paper=p, entities=tuple(ents)))
    return build_graph(recs, admission=False)  # scores as given: the page is under test


def data_block(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "data block missing"
    return json.loads(m.group(1))


def test_escape_json_roundtrip_and_no_markup():
    tricky = {"a": "</script><!-- & \u2028\u2029 <\u0000>", "b": ["&amp;", "</SCRIPT>"]}
    text = escape_json_for_html(json.dumps(tricky, ensure_ascii=False))
    assert json.loads(text) == tricky
    for ch in "<>&\u2028\u2029":
        assert ch not in text


def test_untrusted_strings_stay_inside_the_data_block():
    page = render_html(xss_graph())
    # exactly the page's own three script elements (vis-network has "<script>" in a string)
    assert page.count("\n<script") == 3
    assert page.lower().count("</script") == 3
    assert "<img src=x" not in page and "<svg onload" not in page and "<b>Evil" not in page
    data = data_block(page)
    names = {x["n"] for x in data["info"]} | {a for x in data["info"] for a in x.get("a", [])}
    assert {XSS_TITLE, "<b>Evil</b>Net", "<svg onload=window.__xss=6>"} <= names
    # the title element is HTML-escaped
    assert "<title>Knowledge graph</title>" in page


def test_page_title_is_escaped():
    page = render_html(build_example_graph(), title="<script>alert(1)</script>")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert page.lower().count("</script") == 3


def test_page_is_self_contained():
    page = render_html(build_example_graph())
    tags = re.findall(r"<(?:script|link|img|iframe|embed|object|source|audio|video)\b[^>]*>", page, re.I)
    for tag in tags:
        assert not re.search(r"\b(?:src|href)\s*=", tag, re.I), tag
    assert "<link" not in page.lower()
    assert "bootstrap" not in page.lower() and "cdnjs" not in page and "jsdelivr" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "vis.Network" in page  # vis-network is inlined, not referenced
    assert "function Network" in page or "Network=" in page or "Network =" in page


def test_csp_hashes_match_inline_scripts():
    import base64
    import hashlib

    page = render_html(build_example_graph())
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    csp = re.search(r'content="(default-src[^"]*)"', page).group(1)
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_payload_uses_pyvis_nodes_and_python_layout():
    data = graph_payload(build_example_graph())
    assert len(data["nodes"]) == 9 and len(data["edges"]) == 11
    node = data["nodes"][0]
    assert {"id", "x", "y", "size", "shape", "color"} <= set(node)
    assert "label" not in node  # the page draws the labels itself
    assert data["options"]["physics"]["enabled"] is False
    assert data["options"]["layout"]["improvedLayout"] is False
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == 9
    types = {t["name"]: t for t in data["types"]}
    assert types["Paper"]["count"] == 3 and types["Method"]["shape"] == "diamond"
    assert data["edgeTypes"][0] == "proposes"


def test_evidence_offsets_are_utf16():
    abstract = "\U0001d4b3 models \U0001f600 beat BERT on GLUE."
    p = Paper(id="u", title="T", abstract=abstract)
    G = build_graph([Extraction(paper=p, entities=(_mention(p, "BERT", "Method", "bert"),))])
    data = graph_payload(G)
    ev = data["ev"][0]
    js = abstract.encode("utf-16-le")
    start, end = ev[3], ev[4]
    assert js[2 * start : 2 * end].decode("utf-16-le") == "BERT"
    assert ev[5] == [0, len(js) // 2]  # the sentence, as UTF-16 offsets into the abstract


def test_bad_offsets_and_lone_surrogates_do_not_break(tmp_path: Path):
    p = Paper(id="b", title="bad \ud800 title", abstract="short")
    m = Mention("x", "Method", 50, 60, "abstract", name="x", id="method:x")
    G = build_graph([Extraction(paper=p, entities=(m,))])
    write_html(G, tmp_path / "b.html")
    data = data_block((tmp_path / "b.html").read_text(encoding="utf-8"))
    assert data["ev"][0][3] == -1  # no highlight for an impossible span


def test_deterministic():
    assert render_html(build_example_graph()) == render_html(build_example_graph())
    G = star_graph()
    assert render_html(G, max_nodes=10) == render_html(G, max_nodes=10)


def test_max_nodes_summarizes_and_says_what_is_hidden():
    G = star_graph(40)
    H, summary = select_view(G, max_nodes=10)
    assert H.number_of_nodes() == 10
    assert "method:bert" in H and all(f"dataset:ds{i}" in H for i in range(4))
    assert summary["shownNodes"] == 10 and summary["totalNodes"] == G.number_of_nodes()
    assert sum(summary["hiddenByLimit"].values()) == G.number_of_nodes() - 10
    assert "hidden" in summary["note"] and "--max-nodes" in summary["note"]
    data = graph_payload(G, max_nodes=10)
    assert len(data["nodes"]) == 10 and data["summary"]["note"] == summary["note"]
    _, full = select_view(G, max_nodes=None)
    assert full["shownNodes"] == G.number_of_nodes() and "hidden" not in full["note"]


def test_types_option():
    G = build_example_graph()
    H, summary = select_view(G, types="paper, Method")
    assert {d["type"] for _, d in H.nodes(data=True)} == {"Paper", "Method"}
    assert summary["types"] == ["Paper", "Method"]
    with pytest.raises(KGError, match="unknown node type"):
        select_view(G, types=["Papers"])


def test_focus_by_name_alias_and_hops():
    G = build_example_graph()
    H1, s1 = select_view(G, focus="lora", hops=1)  # alias, any case
    assert "method:lora" in H1 and "paper:p1" in H1 and "paper:p2" in H1
    assert "paper:p3" not in H1 and "dataset:glue" not in H1
    H2, _ = select_view(G, focus="LOW-RANK ADAPTATION", hops=2)
    assert "dataset:glue" in H2 and "paper:p3" not in H2
    H3, _ = select_view(G, focus="glue", hops=0)
    assert list(H3) == ["dataset:glue"]
    assert "1 hop(s)" in s1["note"]
    with pytest.raises(KGError, match="did you mean"):
        select_view(G, focus="BERTT")


def test_focus_node_marked_in_payload():
    data = graph_payload(build_example_graph(), focus="BERT", hops=1)
    ids = [x["id"] for x in data["info"]]
    focused = data["nodes"][ids.index("method:bert")]
    assert focused.get("borderWidth") == 4


def test_registry_and_atomic_write(tmp_path: Path):
    target = tmp_path / "out" / "kg.html"
    export(build_example_graph(), "html", target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["kg.html"]


def test_file_size_per_node():
    G = star_graph(400)
    size = len(render_html(G).encode())
    fixed = len(render_html(build_graph([])).encode())
    assert (size - fixed) / G.number_of_nodes() < 2048


def test_view_from_build_outputs(tmp_path: Path):
    from kg.export.graphml import write_graphml
    from kg.export.nodelink import write_node_link

    G = build_example_graph()
    write_node_link(G, tmp_path / "graph.json")
    write_graphml(G, tmp_path / "kg.graphml")
    for src in (tmp_path, tmp_path / "graph.json", tmp_path / "kg.graphml"):
        H = load_graph(src)
        assert H.number_of_nodes() == 9 and H.number_of_edges() == 11
        assert H.nodes["method:lora"]["aliases"] == ["LoRA"]
    summary = view(tmp_path, tmp_path / "v.html", focus="GLUE")
    assert summary["shownNodes"] == 4
    data = data_block((tmp_path / "v.html").read_text(encoding="utf-8"))
    assert data["title"] == "Knowledge graph: GLUE" and len(data["nodes"]) == 4
    with pytest.raises(KGError, match="kg build"):
        load_graph(tmp_path / "nothing")


def test_view_from_extractions(tmp_path: Path):
    src = tmp_path / "extractions.jsonl"
    p = Paper(id="e1", title="T", abstract="We use BERT.")
    rec = Extraction(paper=p, entities=(_mention(p, "BERT", "Method", "bert"),))
    src.write_text(json.dumps(rec.to_dict()) + "\n", encoding="utf-8")
    assert load_graph(src).number_of_edges() == 1


def test_cli_view(tmp_path: Path):
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.export.nodelink import write_node_link

    write_node_link(build_example_graph(), tmp_path / "graph.json")
    out = tmp_path / "view.html"
    result = CliRunner().invoke(
        app, ["view", str(tmp_path), "-o", str(out), "--types", "Paper,Dataset", "--max-nodes", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "Showing 3 of 9 nodes" in result.output
    assert len(data_block(out.read_text(encoding="utf-8"))["nodes"]) == 3


def test_layout_is_the_same_whatever_the_blas_thread_count():
    """kg.html must be the same bytes in every build: a cached rebuild (no NER model, so
    OpenBLAS kept two threads) once gave another layout."""
    import networkx as nx
    from threadpoolctl import threadpool_limits

    from kg.export.html.layout import fast_layout

    G = nx.barabasi_albert_graph(2500, 2, seed=1)  # big enough for OpenBLAS to use threads
    with threadpool_limits(limits=2, user_api="blas"):
        two = fast_layout(G)
    with threadpool_limits(limits=1, user_api="blas"):
        one = fast_layout(G)
    assert two == one


def mixed_graph():
    """Two hubs shared by many papers, entities named by one paper, a paper that shares
    nothing, and links of low confidence."""
    recs = []
    for i in range(12):
        ds = "Hub Dataset" if i % 2 else "Other Set"
        p = Paper(id=f"m{i}", title=f"Mixed paper {i:02d}",
                  abstract=f"We train HubNet on {ds} and study Solo{i} here.")
        recs.append(Extraction(paper=p, entities=(
            _mention(p, "HubNet", "Method", "hubnet"),
            _mention(p, ds, "Dataset", ds.lower().replace(" ", "")),
            _mention(p, f"Solo{i}", "Task", f"solo{i}", score=0.9),
        )))
    lone = Paper(id="lone", title="A paper that shares nothing", abstract="We propose LoneNet.")
    recs.append(Extraction(paper=lone, entities=(_mention(lone, "LoneNet", "Method", "lonenet"),)))
    G = build_graph(recs, admission=False)
    for i in range(4):  # calibrated confidences can be low (admission gives them)
        for d in G.get_edge_data(f"paper:m{i}", f"task:solo{i}").values():
            d["score"] = 0.3
    return G


def test_periphery_paper_counts_and_defaults():
    G = mixed_graph()
    data = graph_payload(G)
    info = {x["id"]: x for x in data["info"]}
    assert info["method:hubnet"]["p"] == 12 and "s" not in info["method:hubnet"]
    assert info["task:solo3"]["p"] == 1 and info["task:solo3"]["s"] == 1
    assert info["paper:lone"]["s"] == 1 and info["method:lonenet"]["s"] == 1
    assert "s" not in info["paper:m0"] and "p" not in info["paper:m0"]
    # small views open with everything; big ones (or on request) without the periphery
    assert data["defaults"] == {"minScore": 0.5, "singletons": True}
    assert graph_payload(G, show_singletons=False)["defaults"]["singletons"] is False
    assert graph_payload(star_graph(200))["defaults"]["singletons"] is False
    assert graph_payload(star_graph(200), focus="BERT")["defaults"]["singletons"] is True
    assert graph_payload(G, min_score=0.8)["defaults"]["minScore"] == 0.8
    with pytest.raises(KGError, match="min_score"):
        graph_payload(G, min_score=1.5)


def test_communities_in_payload():
    from kg.samples import example_graph

    data = graph_payload(example_graph())
    g = {x["n"]: x.get("g") for x in data["info"]}
    assert g["Cora"] == g["GNN"] != g["FID"]
    assert all(isinstance(v, int) for v in g.values())  # repositories join their paper's
    assert data == graph_payload(example_graph())


def test_satellites_sit_next_to_their_paper():
    import math

    G = mixed_graph()
    data = graph_payload(G)
    xy = {x["id"]: (v["x"], v["y"]) for x, v in zip(data["info"], data["nodes"], strict=True)}
    spread = max(math.dist(xy["method:hubnet"], p) for p in xy.values())
    for i in range(12):
        assert math.dist(xy[f"task:solo{i}"], xy[f"paper:m{i}"]) < 0.25 * spread


def test_result_details_keep_metric_and_method_apart():
    from kg.export.html import _node_info

    info = _node_info("result:p:0", {"type": "Result", "label": "FID = 1.8", "metric": "metric:fid",
                                     "method": "method:dit", "dataset": "dataset:imagenet",
                                     "value": 1.8, "unit": ""}, 3)
    assert (info["mt"], info["me"], info["da"], info["v"]) == (
        "metric:fid", "method:dit", "dataset:imagenet", 1.8)


def test_page_files_ship_in_the_wheel():
    """page.html, page.css and page.js are package data: pyproject's globs must cover them."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["kg"]
    files = sorted((root / "kg" / "export" / "html").glob("page.*"))
    assert [f.name for f in files] == ["page.css", "page.html", "page.js"]
    for f in files:
        rel = f.relative_to(root / "kg").as_posix()
        assert any(fnmatch.fnmatch(rel, g) for g in globs), rel


def results_graph(direction: str | None = "lower"):
    """Three papers report FID on ImageNet for their method (and one an accuracy)."""
    recs = []
    for i, (method, fid) in enumerate([("AlphaNet", 3.1), ("BetaNet", 2.2), ("GammaNet", 9.5)]):
        text = f"{method} reaches FID {fid} on ImageNet for image generation."
        p = Paper(id=f"r{i}", title=f"The {method} paper", abstract=text)
        results = [Result(metric="metric:fid", value=fid, method=f"method:{method.lower()}",
                          dataset="dataset:imagenet", text=f"FID {fid}", start=text.index("FID"),
                          end=text.index(" on"))]
        if i == 0:
            results.append(Result(metric="metric:accuracy", value=81.0, unit="%", dataset="dataset:imagenet"))
        recs.append(Extraction(paper=p, entities=(
            _mention(p, method, "Method", method.lower(), role="proposed"),
            _mention(p, "FID", "Metric", "fid"), _mention(p, "ImageNet", "Dataset", "imagenet"),
            _mention(p, "image generation", "Task", "imagegeneration"),
        ), results=tuple(results)))
    G = build_graph(recs, admission=False)
    G.nodes["metric:fid"].pop("direction", None)  # build_graph knows FID; the tests set it or not
    if direction:
        G.nodes["metric:fid"]["direction"] = direction
    return G


def test_metric_direction_and_results_in_payload():
    info = {x["id"]: x for x in graph_payload(results_graph())["info"]}
    assert info["metric:fid"]["dir"] == "lower" and "dir" not in info["dataset:imagenet"]
    fid = [x for x in info.values() if x["t"] == "Result" and x.get("mt") == "metric:fid"]
    assert sorted((x["me"], x["v"]) for x in fid) == [
        ("method:alphanet", 3.1), ("method:betanet", 2.2), ("method:gammanet", 9.5)]
    assert "dir" not in {x["id"]: x for x in graph_payload(results_graph(None))["info"]}["metric:fid"]


def leafy_graph(n_papers: int = 60, n_shared: int = 25, seed: int = 5):
    """Papers naming three of a few shared methods and three of their own: most nodes are leaves."""
    import random

    rng = random.Random(seed)
    recs = []
    for i in range(n_papers):
        names = sorted({f"Shared{rng.randrange(n_shared)}" for _ in range(3)}) + [f"Own{i}x{k}" for k in range(3)]
        p = Paper(id=f"l{i}", title=f"Leafy {i}", abstract=" ".join(names))
        recs.append(Extraction(paper=p, entities=tuple(
            _mention(p, name, "Method", name.lower(), score=0.9) for name in names)))
    return build_graph(recs, admission=False)


def test_same_page_in_every_process():
    """Louvain (through a subgraph view of a graph that is mostly leaves) met sets of string
    IDs, whose order changes with hash randomization: the page must not change with it
    (kg build outputs are byte-identical from build to build)."""
    import subprocess
    import sys

    tests = Path(__file__).resolve().parent
    code = (f"import sys, hashlib; sys.path.insert(0, {str(tests)!r}); from test_html import leafy_graph;"
            "from kg.export.html import render_html;"
            "print(hashlib.sha256(render_html(leafy_graph()).encode()).hexdigest())")
    digests = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       cwd=tests.parent, env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"}).stdout
        for seed in (1, 2, 3, 4)
    }
    assert len(digests) == 1
