"""RDF export: formats, determinism, IRI safety, evidence, VoID, SHACL, property tests."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdf_fixture import fixture_graph
from rdflib.compare import isomorphic

from kg.errors import KGError
from kg.export import export, rdf
from kg.graph import build_graph
from kg.records import Extraction, Mention, Paper, Repo
from kg.sparql.validate import validate

KG = "https://w3id.org/kg/ontology#"
BASE = rdf.DEFAULT_BASE


@pytest.fixture(scope="module")
def G():
    return fixture_graph()


def _parse(path: Path, fmt: str) -> rdflib.Graph:
    if fmt in ("nquads", "trig"):
        ds = rdflib.Dataset(default_union=True)
        ds.parse(str(path), format=fmt)
        g = rdflib.Graph()
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
        return g
    return rdflib.Graph().parse(str(path), format=fmt)


@pytest.mark.parametrize(
    "fmt,ext,parser",
    [("ttl", "ttl", "turtle"), ("nt", "nt", "nt"), ("jsonld", "jsonld", "json-ld"),
     ("nq", "nq", "nquads"), ("trig", "trig", "trig")],
)
def test_every_format_round_trips_to_the_rdflib_graph(G, tmp_path, fmt, ext, parser):
    path = tmp_path / f"kg.{ext}"
    export(G, fmt, path)
    assert isomorphic(_parse(path, parser), rdf.to_rdf(G))


@pytest.mark.parametrize("writer,parser", [
    (rdf.write_turtle, "turtle"), (rdf.write_ntriples, "nt"),
    (rdf.write_nquads, "nquads"), (rdf.write_trig, "trig"),
])
def test_oxigraph_and_rdflib_writers_agree(G, tmp_path, writer, parser):
    writer(G, tmp_path / "a", engine="oxigraph")
    writer(G, tmp_path / "b", engine="rdflib")
    assert isomorphic(_parse(tmp_path / "a", parser), _parse(tmp_path / "b", parser))


def test_same_input_gives_byte_identical_output(tmp_path):
    for fmt in ("ttl", "nt", "jsonld", "nq", "trig"):
        export(fixture_graph(), fmt, tmp_path / f"1.{fmt}")
        export(fixture_graph(), fmt, tmp_path / f"2.{fmt}")
        assert (tmp_path / f"1.{fmt}").read_bytes() == (tmp_path / f"2.{fmt}").read_bytes()


def test_turtle_is_plain_and_prefixed(G, tmp_path):
    rdf.write_turtle(G, tmp_path / "kg.ttl")
    text = (tmp_path / "kg.ttl").read_text("utf-8")
    assert "^^xsd:string" not in text and "XMLSchema#string" not in text
    for prefix in ("kg", "schema", "dcterms", "skos", "prov", "oa", "fabio", "void", "xsd"):
        assert f"@prefix {prefix}: " in text
    assert '"2021-01-15"^^xsd:date' in text
    assert "kg:value 95.1" in text  # xsd:decimal written as a bare decimal


def test_named_graph_per_source_file(G, tmp_path):
    rdf.write_nquads(G, tmp_path / "kg.nq")
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "kg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    graphs = sorted(g.value for g in store.named_graphs())
    assert graphs == [BASE + "graph/seeds%2Fa.txt", BASE + "graph/seeds%2Fb.jsonl"]
    rows = list(store.query(
        "SELECT ?g WHERE { GRAPH ?g { ?p <http://purl.org/dc/terms/identifier> 'p3' } }"))
    assert [r["g"].value for r in rows] == [BASE + "graph/seeds%2Fb.jsonl"]


def test_data_shape(G):
    g = rdf.to_rdf(G)
    rows = list(g.query("""
        PREFIX kg: <https://w3id.org/kg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?text ?sentence ?start ?end ?field ?conf ?component ?version WHERE {
          ?ev rdf:subject ?p ; rdf:predicate kg:proposes ; rdf:object ?m ;
              kg:mentionText ?text ; kg:sentence ?sentence ; kg:confidence ?conf ;
              kg:extractedBy ?c ; oa:hasTarget/oa:hasSelector ?sel .
          ?sel oa:start ?start ; oa:end ?end ; kg:textField ?field .
          ?c rdfs:label ?component ; kg:pipelineVersion ?version .
          ?p kg:proposes ?m .
        }"""))
    assert len(rows) == 1
    text, sentence, start, end, field, conf, component, version = (r.toPython() for r in rows[0])
    assert (text, start, end, field, component, version) == (
        "SuperNet", 11, 19, "abstract", "gazetteer", "0.1.0")
    assert sentence.startswith("We propose SuperNet (SN)")
    assert float(conf) == 0.95
    paper = rdflib.URIRef(BASE + "paper/2101.00001")
    see = {str(o) for o in g.objects(paper, rdflib.RDFS.seeAlso)}
    assert see == {"https://arxiv.org/abs/2101.00001"}
    assert str(g.value(rdflib.URIRef(BASE + "paper/doi:10.1000%2Fxyz.2"),
                       rdflib.URIRef(KG + "doi"))) == "10.1000/xyz.2"
    repo = rdflib.URIRef(BASE + "repo/github.com/example/supernet")
    assert str(g.value(repo, rdflib.URIRef("https://schema.org/codeRepository"))) == \
        "https://github.com/example/supernet"
    assert (repo, rdflib.RDF.type, rdflib.URIRef("https://schema.org/SoftwareSourceCode")) in g
    alts = {str(o) for o in g.objects(rdflib.URIRef(BASE + "method/supernet"), rdflib.SKOS.altLabel)}
    assert alts == {"SN"}


def test_void_counts(G):
    g = rdf.to_rdf(G)
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    d = rdflib.URIRef(BASE + "void")
    n_void = len(list(g.triples((d, None, None)))) + len(
        list(g.triples((None, void["class"], None)))) * 2
    assert int(g.value(d, void.triples)) == len(g) - n_void
    assert int(g.value(d, void.entities)) == G.number_of_nodes()
    assert str(g.value(d, rdflib.DCTERMS.created)).startswith("2024-05-01T12:00:00")
    assert {str(o) for o in g.objects(d, rdflib.DCTERMS.source)} == {"seeds/a.txt", "seeds/b.jsonl"}


def test_configurable_base(G, tmp_path):
    rdf.write_turtle(G, tmp_path / "kg.ttl", base="http://example.org/x#")
    text = (tmp_path / "kg.ttl").read_text()
    assert "<http://example.org/x#paper/2101.00001>" in text and BASE not in text
    with pytest.raises(KGError, match="base IRI"):
        rdf.write_turtle(G, tmp_path / "bad.ttl", base="not an iri/")
    with pytest.raises(KGError, match="base IRI"):
        rdf.write_turtle(G, tmp_path / "bad.ttl", base="http://example.org/x")


NASTY = 'a b<c>"d{e}|f\\g^h`i\nj\té ü 中文 %zz #frag'


def _nasty_graph():
    title = f"Title {NASTY}"
    m = Mention(text="Net", label="Method", start=0, end=3, field="title", name=NASTY,
                id=f"method:{NASTY}", source=f"comp {NASTY}")
    paper = Paper(id=f"id {NASTY}", title=title, abstract=NASTY, url=f"https://ex.org/{NASTY}",
                  date="not a date", authors=(NASTY,), sources=(f"{NASTY}.txt:1",))
    repo = Repo(url=f"https://github.com/{NASTY}", kind="code", raw="x")
    return build_graph([Extraction(paper=paper, entities=(m,), repos=(repo,))])


def test_unsafe_ids_give_valid_iris(tmp_path):
    G = _nasty_graph()
    for fmt in ("ttl", "nt", "nq", "trig", "jsonld"):
        path = tmp_path / f"kg.{fmt}"
        export(G, fmt, path)
        store = pyoxigraph.Store()
        store.load(path=str(path), format=pyoxigraph.RdfFormat.from_extension(fmt))
        assert len(store) > 10
    g = rdflib.Graph().parse(str(tmp_path / "kg.ttl"), format="turtle")
    assert isomorphic(g, rdf.to_rdf(G))
    for term in set(g.subjects()) | set(g.objects()):
        if isinstance(term, rdflib.URIRef):
            assert re.fullmatch(r"[\x21-\x7e]+", str(term)), term
            assert not set(str(term)) & set('<>"{}|\\^`')
    assert "method/a%20b%3Cc%3E" in (tmp_path / "kg.nt").read_text()


def test_shacl_fixture_conforms(G):
    conforms, report = validate(G)
    assert conforms, report


def test_shacl_catches_broken_graph(G):
    g = rdf.to_rdf(G)
    m = rdflib.URIRef(BASE + "method/resnet")
    g.remove((m, rdflib.SKOS.prefLabel, None))
    g.add((rdflib.URIRef(BASE + "result/2101.00001:0"), rdflib.URIRef(KG + "value"),
           rdflib.Literal("lots")))
    conforms, report = validate(g)
    assert not conforms
    assert "prefLabel" in report and "value" in report


def test_metric_direction_and_ranges_in_rdf(G):
    g = rdf.to_rdf(G)
    lower = rdflib.URIRef(KG + "lowerIsBetter")
    assert g.value(rdflib.URIRef(BASE + "metric/fid"), lower).toPython() is True
    assert g.value(rdflib.URIRef(BASE + "metric/accuracy"), lower).toPython() is False
    ranged = rdflib.URIRef(BASE + "result/p3:1")
    assert (g.value(ranged, rdflib.URIRef(KG + "value")).toPython(),
            g.value(ranged, rdflib.URIRef(KG + "maxValue")).toPython()) == (Decimal("2.9"), Decimal("3.6"))
    g.set((ranged, rdflib.URIRef(KG + "maxValue"), rdflib.Literal(Decimal("2.0"))))  # below its low end
    g.add((rdflib.URIRef(BASE + "metric/f1"), lower, rdflib.Literal("yes")))
    conforms, report = validate(g)
    assert not conforms and "maxValue" in report and "lowerIsBetter" in report


def test_validate_a_file(G, tmp_path):
    rdf.write_turtle(G, tmp_path / "kg.ttl")
    assert validate(tmp_path / "kg.ttl")[0]
    assert validate(tmp_path)[0]  # a build directory with kg.ttl
    with pytest.raises(KGError, match="not found"):
        validate(tmp_path / "missing.ttl")
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(KGError, match="unknown RDF format"):
        validate(tmp_path / "x.csv")


def test_jsonld_uses_the_shipped_context(G):
    doc = rdf.to_jsonld(G)
    shipped = json.loads((Path(__file__).parents[1] / "ontology" / "context.jsonld").read_text())
    assert doc["@context"] == shipped["@context"]
    paper = next(n for n in doc["@graph"] if n["@id"] == "res:paper/2101.00001")
    assert paper["title"] == "SuperNet: a network" and paper["proposes"] == "res:method/supernet"


# ------------------------------------------------------------------ property-based

_text = st.text(max_size=40)
_ids = st.text(min_size=1, max_size=20)
_urls = st.one_of(_text, _text.map(lambda s: "https://" + s), _text.map(lambda s: "http://x/" + s))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pid=_ids, title=_text, abstract=_text, url=_urls, key=_ids, alias=_text, date=_text)
def test_arbitrary_unicode_round_trips(pid, title, abstract, url, key, alias, date):
    if not (title or abstract):
        title = "x"
    text = title or abstract
    field = "title" if title else "abstract"
    m = Mention(text=text[:3], label="Dataset", start=0, end=min(3, len(text)), field=field,
                name=alias or "n", id=f"dataset:{key}", source=alias)
    paper = Paper(id=pid, title=title, abstract=abstract, url=url, date=date,
                  sources=(f"{url}:1",))
    repo = Repo(url=url, kind="code", raw=url)
    G = build_graph([Extraction(paper=paper, entities=(m,), repos=(repo,),
                                aliases=((m.id, alias),))])
    data = pyoxigraph.serialize(rdf.iter_triples(G), format=pyoxigraph.RdfFormat.TURTLE,
                                prefixes=rdf.PREFIXES)
    g = rdflib.Graph().parse(data=data.decode("utf-8"), format="turtle")
    assert isomorphic(g, rdf.to_rdf(G))
    store = pyoxigraph.Store()
    store.load(data, format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(g)
    papers = set(g.subjects(rdflib.RDF.type, rdflib.URIRef(KG + "Paper")))
    titles = {str(o) for p in papers for o in g.objects(p, rdflib.DCTERMS.title)}
    assert titles == ({title} if title else set())
