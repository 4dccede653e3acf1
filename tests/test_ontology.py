"""The ontology (ontology/kg.ttl), its Python namespace and the export agree exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdf_fixture import fixture_graph
from rdflib import OWL, RDF, RDFS, URIRef

from kg.export import rdf
from kg.namespace import KG, KG_NS

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(str(ONTOLOGY / "kg.ttl"), format="turtle")


def _defined(onto: rdflib.Graph) -> set[str]:
    return {
        str(s) for s in onto.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(KG_NS)
    }


def _used(g: rdflib.Graph) -> set[str]:
    terms = set()
    for triple in g:
        for t in triple:
            if isinstance(t, URIRef) and str(t).startswith(KG_NS):
                terms.add(str(t))
    return terms


def test_namespace_matches_ontology(onto):
    in_python = {str(KG[name]) for name in KG.__annotations__}
    assert in_python == _defined(onto)


def test_namespace_refuses_unknown_terms():
    with pytest.raises(AttributeError):
        KG.notATerm  # noqa: B018


def test_every_term_is_documented_and_typed(onto):
    for term in _defined(onto):
        t = URIRef(term)
        assert onto.value(t, RDFS.label), f"{term} has no rdfs:label"
        assert onto.value(t, RDFS.comment), f"{term} has no rdfs:comment"
        kinds = set(onto.objects(t, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term
        local = term[len(KG_NS):]
        if OWL.Class in kinds:
            assert local[0].isupper(), f"class {local} is not CamelCase"
        else:
            assert local[0].islower(), f"property {local} is not camelCase"
            assert onto.value(t, RDFS.domain) is not None, f"{term} has no domain"
            assert onto.value(t, RDFS.range) is not None, f"{term} has no range"


def test_alignments(onto):
    sdo = rdflib.Namespace("https://schema.org/")
    lpwc_c = rdflib.Namespace("https://linkedpaperswithcode.com/class/")
    lpwc_p = rdflib.Namespace("https://linkedpaperswithcode.com/property/")
    assert (KG.Paper, RDFS.subClassOf, sdo.ScholarlyArticle) in onto
    assert (KG.Paper, OWL.equivalentClass, lpwc_c.paper) in onto
    assert (KG.Dataset, RDFS.subClassOf, sdo.Dataset) in onto
    assert (KG.uses, RDFS.subPropertyOf, lpwc_p.hasMethod) in onto
    assert (KG.evaluatedOn, RDFS.subPropertyOf, lpwc_p.usesDataset) in onto
    assert (KG.addresses, RDFS.subPropertyOf, lpwc_p.hasTask) in onto
    assert (KG.hasCode, RDFS.subPropertyOf, lpwc_p.hasRepository) in onto
    assert (KG.Evidence, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/oa#Annotation")) in onto


def test_output_uses_exactly_the_defined_terms(onto):
    produced = _used(rdf.to_rdf(fixture_graph()))
    defined = _defined(onto)
    assert produced - defined == set(), "used in the output but not defined"
    assert defined - produced == set(), "defined but never produced (extend the fixture?)"


def test_context_file_is_the_exporters_context():
    shipped = json.loads((ONTOLOGY / "context.jsonld").read_text("utf-8"))
    assert shipped == {"@context": rdf.jsonld_context()}


def test_shapes_parse():
    g = rdflib.Graph().parse(str(ONTOLOGY / "shapes.ttl"), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = set(g.objects(None, sh.targetClass))
    for cls in ("Paper", "Method", "Dataset", "Metric", "Task", "Repository", "Result",
                "Evidence", "Component"):
        assert KG[cls] in targets


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl", "context.jsonld"])
def test_packaged_ontology_equals_top_level(name):
    """The wheel ships kg/data/ontology/ (kg validate needs it installed): it must equal ontology/."""
    packaged = Path(__file__).resolve().parents[1] / "kg" / "data" / "ontology" / name
    assert packaged.read_bytes() == (ONTOLOGY / name).read_bytes(), f"copy ontology/{name} to kg/data/ontology/"
