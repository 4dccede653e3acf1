"""Property-based tests (hypothesis) of the pure stages on arbitrary Unicode.

- extraction never raises, and every offset points at the text it names;
- ingest -> extraction -> graph -> Turtle / N-Triples always parses (rdflib and the
  stricter Oxigraph), and every IRI is valid and free of IRI-breaking characters;
- the HTML page's embedded data round-trips titles and abstracts exactly; GraphML and
  node-link JSON round-trip them too;
- credentials in any URL never survive ingest; ``javascript:``/``data:`` URL fields are
  dropped however they are spelled; found links are always clean https URLs.

(`tests/test_rdf.py` already checks that arbitrary strings put directly into a graph
give parseable Turtle; these tests go through ingest and extraction as `kg build` does.)
"""

from __future__ import annotations

import io
import json
import os
import re

import networkx as nx
import pyoxigraph
import pytest
import rdflib
from conftest import html_payload  # noqa: F401 - same parser as the CLI tests
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kg.export import html as html_export
from kg.export import rdf
from kg.export.graphml import write_graphml
from kg.export.nodelink import write_node_link
from kg.graph import build_graph
from kg.ingest.record import paper_from_record
from kg.ingest.text import clean_text, redact_credentials, web_url
from kg.nlp.extract import extract_papers
from kg.nlp.pipeline import build_pipeline
from kg.nlp.urls import find_links, normalize_link
from kg.records import Extraction, Paper

SETTINGS = settings(
    max_examples=int(os.environ.get("KG_HYPOTHESIS_EXAMPLES", "120")),  # more: KG_HYPOTHESIS_EXAMPLES=2000
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# any code point but lone surrogates (which no UTF-8 file can hold; ingest replaces them)
_any = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
# text that looks like an abstract often enough to trigger the rules and gazetteer
_words = st.sampled_from([
    "We", "propose", "UniFormer", "on", "ImageNet", "and", "CIFAR-10", "datasets", "in", "terms",
    "of", "top-1", "accuracy", "(", ")", "BERT", "GNN", "graph", "neural", "networks", "(GNNs)",
    "called", "Net", ",", ".", ":", "85.3%", "an", "FID", "of", "2.1", "https://github.com/a/b",
    "github.com/x/y.git", "\u202e", "\U0001f600", "e\u0301", "<script>", "\u05e9\u05dc\u05d5\u05dd",
])
_abstractish = st.one_of(_any, st.lists(st.one_of(_words, _any), max_size=40).map(" ".join))
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|\\^`]')


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(use_model=False)


def _record(pid: str, title: str, abstract: str, url: str) -> Paper | None:
    try:
        return paper_from_record({"id": pid, "title": title, "abstract": abstract, "url": url}, "t:1")
    except Exception as exc:  # only the documented refusal is allowed
        from kg.errors import InputError

        assert isinstance(exc, InputError)
        assert "neither a title nor an abstract" in str(exc)
        return None


@SETTINGS
@given(title=_abstractish, abstract=_abstractish)
@example(title="  : ", abstract="")  # a title of blanks before a colon named nothing and raised
def test_extraction_never_raises_and_offsets_hold(nlp, title, abstract):
    assume(title or abstract)
    paper = Paper(id="p", title=title, abstract=abstract)
    rec = next(extract_papers([paper], nlp))
    for m in rec.entities:
        assert paper.text(m.field)[m.start : m.end] == m.text
        assert m.label in ("Method", "Dataset", "Metric", "Task")
    for r in rec.repos:
        assert paper.text(r.field)[r.start : r.end] == r.raw
        assert r.url.startswith("https://")


def _graph(nlp, papers: list[Paper]) -> nx.MultiDiGraph:
    G = build_graph(extract_papers(papers, nlp))
    G.graph.update(build_date="2024-01-01", sources=["t"], pipeline_version="x", kg_version="0")
    return G


def _check_turtle(G: nx.MultiDiGraph, tmp: io.BytesIO | None = None) -> rdflib.Graph:
    data = pyoxigraph.serialize(rdf.iter_triples(G), format=pyoxigraph.RdfFormat.TURTLE, prefixes=rdf.PREFIXES)
    g = rdflib.Graph().parse(data=data.decode("utf-8"), format="turtle")
    assert sum(1 for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE)) == len(g)
    for term in {t for triple in g for t in triple}:
        if isinstance(term, rdflib.URIRef):
            assert not _IRI_BAD.search(str(term)), str(term)
            pyoxigraph.NamedNode(str(term))
            assert not str(term).lower().startswith(("javascript:", "data:", "vbscript:", "file:"))
    nt = rdflib.Graph().parse(data=g.serialize(format="nt"), format="nt")
    assert len(nt) == len(g)
    return g


@SETTINGS
@given(pid=_any, title=_abstractish, abstract=_abstractish, url=_any)
def test_ingested_record_gives_valid_turtle_and_iris(nlp, pid, title, abstract, url):
    paper = _record(pid, title, abstract, url)
    assume(paper is not None)
    g = _check_turtle(_graph(nlp, [paper]))
    titles = {str(o) for o in g.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    if paper.title:
        assert paper.title in titles


@SETTINGS
@given(title=_any, abstract=_any, url=_any, pid=_any)
def test_html_data_round_trips_strings(title, abstract, url, pid):
    assume(title or abstract)
    paper = Paper(id=pid or "p", title=title, abstract=abstract, url=url)
    G = build_graph([Extraction(paper=paper)])
    page = html_export.render_html(G, title=title or "t")
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m
    body = m.group(1)
    assert "</" not in body and "<!--" not in body
    data = json.loads(body)
    info = data["info"][0]
    assert info["ab"] == abstract
    if title:
        assert info["n"] == title
    assert data["title"] == (title or "t")


@SETTINGS
@given(title=_abstractish, abstract=_abstractish, url=_any)
def test_graphml_and_node_link_round_trip_ingested_text(tmp_path_factory, title, abstract, url):
    paper = _record("p", title, abstract, url)
    assume(paper is not None)
    G = build_graph([Extraction(paper=paper)])
    path = tmp_path_factory.mktemp("gml") / "g.graphml"
    write_graphml(G, path)
    H = nx.read_graphml(path)
    assert H.nodes["paper:p"].get("title", "") == paper.title
    assert H.nodes["paper:p"].get("abstract", "") == paper.abstract
    write_node_link(G, path.with_name("graph.json"))
    back = nx.node_link_graph(json.loads(path.with_name("graph.json").read_text(encoding="utf-8")), edges="edges")
    assert back.nodes["paper:p"]["abstract"] == paper.abstract


_secret = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~"),
                  min_size=8, max_size=40)
_scheme = st.sampled_from(["https", "http", "HTTPS", "ftp", "git+https", "ssh"])
_host = st.sampled_from(["github.com", "gitlab.com", "example.org", "huggingface.co", "x.github.io", "10.0.0.1"])


@SETTINGS
@given(prefix=_any, suffix=_any, scheme=_scheme, user=_secret, password=st.one_of(st.just(""), _secret),
       host=_host, path=st.sampled_from(["", "/", "/org/repo", "/org/repo.git?x=1#y"]))
def test_credentials_never_survive_ingest(prefix, suffix, scheme, user, password, host, path):
    secrets = [s for s in (user, password) if s]
    assume(not any(s in prefix or s in suffix for s in secrets))
    userinfo = f"{user}:{password}" if password else user
    link = f"{scheme}://{userinfo}@{host}{path}"
    paper = paper_from_record(
        {"id": "p", "title": f"{prefix} {link} {suffix}", "abstract": f"Code: {link}.", "url": link}, "t:1"
    )
    text = json.dumps([paper.id, paper.title, paper.abstract, paper.url], ensure_ascii=False)
    for s in secrets:
        assert s not in text
    for r in find_links(paper.abstract):
        assert "@" not in r.url and all(s not in r.raw for s in secrets)


_js = st.sampled_from(["javascript:", "data:", "vbscript:", "file:"])


@SETTINGS
@given(scheme=_js, flips=st.lists(st.booleans(), min_size=12, max_size=12),
       junk=st.lists(st.sampled_from(["", " ", "\t", "\n", "\x00", "\x1f", "\u200b"]), min_size=12, max_size=12),
       payload=_any)
def test_script_url_fields_are_dropped(scheme, flips, junk, payload):
    spelled = "".join(
        (c.upper() if f else c) + j for c, f, j in zip(scheme, flips, junk, strict=False)
    )
    paper = paper_from_record({"id": "p", "title": "T", "url": " " + spelled + payload}, "t:1")
    assert paper.url is None
    assert web_url(clean_text(spelled + payload)) is None


@SETTINGS
@given(text=_abstractish)
def test_found_links_are_clean_web_urls(text):
    for r in find_links(redact_credentials(text)):
        assert r.url.startswith("https://")
        assert not re.search(r'[\s<>"{}|\\^`]', r.url), r.url
        assert "@" not in r.url.split("/")[2]
        assert normalize_link(r.url) is not None
