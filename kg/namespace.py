"""RDF namespaces: the kg vocabulary (mirrors ``ontology/kg.ttl``) and the ones we align with.

``tests/test_ontology.py`` checks that `KG` and ``ontology/kg.ttl`` define exactly the
same terms; `KG` refuses unknown terms (``_fail = True``), so a typo fails at import.

>>> str(KG.Paper)
'https://w3id.org/kg/ontology#Paper'
>>> KG.paper  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AttributeError: term 'paper' not in namespace 'https://w3id.org/kg/ontology#'
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = [
    "DC",
    "DEFAULT_BASE",
    "FABIO",
    "KG",
    "KG_NS",
    "LPWC",
    "LPWC_CLASS",
    "OA",
    "PREFIXES",
    "PRISM",
]

KG_NS = "https://w3id.org/kg/ontology#"
DEFAULT_BASE = "https://w3id.org/kg/resource/"


class KG(DefinedNamespace):
    """The kg ontology (``ontology/kg.ttl``)."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Paper: URIRef
    Method: URIRef
    Dataset: URIRef
    Metric: URIRef
    Task: URIRef
    Repository: URIRef
    Result: URIRef
    Evidence: URIRef
    Component: URIRef
    # paper -> entity links
    proposes: URIRef
    uses: URIRef
    evaluatedOn: URIRef
    measuredBy: URIRef
    addresses: URIRef
    hasCode: URIRef
    reports: URIRef
    # result -> entity
    resultMethod: URIRef
    resultDataset: URIRef
    resultMetric: URIRef
    # provenance
    extractedBy: URIRef
    pipelineVersion: URIRef
    mentionText: URIRef
    sentence: URIRef
    confidence: URIRef
    mentionCount: URIRef
    textField: URIRef
    # data properties
    arxivId: URIRef
    doi: URIRef
    sourceRecord: URIRef
    repositoryKind: URIRef
    codeHost: URIRef
    value: URIRef
    maxValue: URIRef
    unit: URIRef
    lowerIsBetter: URIRef


FABIO = Namespace("http://purl.org/spar/fabio/")
OA = Namespace("http://www.w3.org/ns/oa#")
DC = Namespace("http://purl.org/dc/elements/1.1/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
LPWC = Namespace("https://linkedpaperswithcode.com/property/")
LPWC_CLASS = Namespace("https://linkedpaperswithcode.com/class/")

# Prefixes bound in every serialization (the resource base is added as ``res``).
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "dc": str(DC),
    "schema": "https://schema.org/",
    "fabio": str(FABIO),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": str(OA),
    "void": "http://rdfs.org/ns/void#",
}
