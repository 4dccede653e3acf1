"""The SPARQL endpoint: a real server in a subprocess, queried with SPARQLWrapper and urllib."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdf_fixture import fixture_graph
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.export.rdf import write_turtle
from kg.sparql.serve import GRAPH_TYPES, SELECT_TYPES, negotiate
from tests.conftest import serve_kg

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _start(directory: Path, *options: str) -> tuple[subprocess.Popen, str]:
    """`kg serve` of the fixture graph with `options`, once it listens; (process, endpoint URL)."""
    path = directory / "kg.ttl"
    write_turtle(fixture_graph(), path)
    proc, base = serve_kg(path, *options)
    return proc, f"{base}/sparql"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    proc, url = _start(tmp_path_factory.mktemp("serve"), "--timeout", "2", "--workers", "2", "--max-bytes", "200000")
    yield url
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        proc.kill()
        raise
    assert proc.returncode == 0


def _http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
          method: str | None = None) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


Q = """PREFIX kg: <https://w3id.org/kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?name WHERE { ?d a kg:Dataset ; skos:prefLabel ?name } ORDER BY ?name"""


def test_select_json_get_and_post(endpoint):
    for method in ("GET", POST):
        sw = SPARQLWrapper(endpoint)
        sw.setMethod(method)
        sw.setQuery(Q)
        sw.setReturnFormat(JSON)
        res = sw.query().convert()
        assert [b["name"]["value"] for b in res["results"]["bindings"]] == [
            "CIFAR-10", "ImageNet", "SQuAD"]


def test_query_pack_file_over_http(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery((ROOT / "queries" / "01-most-used-datasets.rq").read_text())
    sw.setReturnFormat(JSON)
    res = sw.query().convert()
    assert [(b["name"]["value"], b["papers"]["value"]) for b in res["results"]["bindings"]] == [
        ("CIFAR-10", "2"), ("ImageNet", "2"), ("SQuAD", "1")]


def test_xml_csv_and_ask(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(Q)
    sw.setReturnFormat(XML)
    doc = sw.query().convert()
    assert len(doc.getElementsByTagName("result")) == 3
    sw.setReturnFormat(CSV)
    assert sw.query().convert().decode().split() == ["name", "CIFAR-10", "ImageNet", "SQuAD"]
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("ASK { ?p <https://w3id.org/kg/ontology#proposes> ?m }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True


def test_construct_turtle(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("CONSTRUCT { ?d a <https://w3id.org/kg/ontology#Dataset> } "
                "WHERE { ?d a <https://w3id.org/kg/ontology#Dataset> }")
    sw.setReturnFormat(TURTLE)
    g = sw.queryAndConvert()
    data = g if isinstance(g, bytes) else g.serialize(format="turtle").encode()
    assert b"dataset/cifar10" in data


def test_sparql_query_body_and_content_negotiation(endpoint):
    status, headers, body = _http(endpoint, Q.encode(), {
        "Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"})
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.split() == ["?name", '"CIFAR-10"', '"ImageNet"', '"SQuAD"']
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = _http(endpoint + "?query=" + urllib.parse.quote(Q),
                               headers={"Accept": "image/png"})
    assert status == 406
    status, headers, _ = _http(endpoint, method="OPTIONS")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_format_parameter_in_the_url_or_the_form(endpoint):
    url = endpoint + "?" + urllib.parse.urlencode({"query": Q, "format": "csv"})
    status, headers, body = _http(url)
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert body.split() == ["name", "CIFAR-10", "ImageNet", "SQuAD"]
    # format= wins over Accept; a form field counts like a URL parameter
    form = urllib.parse.urlencode({"query": Q, "format": "tsv"}).encode()
    status, headers, body = _http(endpoint, form, {"Content-Type": "application/x-www-form-urlencoded",
                                                   "Accept": "application/sparql-results+json"})
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.split() == ["?name", '"CIFAR-10"', '"ImageNet"', '"SQuAD"']
    for fmt, mtype in (("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                       ("text/csv", "text/csv")):
        status, headers, _ = _http(endpoint + "?" + urllib.parse.urlencode({"query": Q, "format": fmt}))
        assert status == 200 and headers["Content-Type"].split(";")[0] == mtype, fmt
    construct = "CONSTRUCT { ?d a kg:Dataset } WHERE { ?d a kg:Dataset }"
    for fmt, mtype in (("ntriples", "application/n-triples"), ("json", "application/ld+json"),
                       ("turtle", "text/turtle")):
        status, headers, _ = _http(endpoint + "?" + urllib.parse.urlencode({"query": construct, "format": fmt}))
        assert status == 200 and headers["Content-Type"].split(";")[0] == mtype, fmt
    status, _, body = _http(endpoint + "?" + urllib.parse.urlencode({"query": Q, "format": "yaml"}))
    assert status == 400 and body.startswith("unknown format='yaml'; use json, xml, csv or tsv")
    status, _, body = _http(endpoint + "?" + urllib.parse.urlencode({"query": Q, "format": "turtle"}))
    assert status == 406 and "format=turtle is for CONSTRUCT/DESCRIBE" in body


def test_syntax_errors_say_where_and_what(endpoint):
    """The endpoint and `kg query` share one message (kg.sparql.query.syntax_message)."""
    for text, message in [
        ("SELEC ?x WHERE { ?x ?p ?o }",
         "line 1, column 1: expected SELECT, CONSTRUCT, ASK or DESCRIBE, found 'SELEC' (did you mean SELECT?)"),
        ("SELECT ?x\nWHERE {\n  ?x kg:title\n}",
         "line 4, column 1: expected an object after the predicate kg:title, found '}'"),
        ("SELECT ?x WHERE { ?x nope:title ?t }", "line 1, column 22: unknown prefix 'nope:' in nope:title"),
    ]:
        status, _, body = _http(endpoint + "?query=" + urllib.parse.quote(text))
        assert status == 400 and body.startswith("SPARQL syntax error at " + message), body
        assert len(body.splitlines()) == 1


def test_errors_are_clear_and_without_traces(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("SELECT ?x WHERE { ?x }")
    with pytest.raises(QueryBadFormed) as info:
        sw.query()
    assert "line 1, column" in str(info.value)
    cases = [
        (endpoint + "?query=" + urllib.parse.quote("INSERT DATA { <a:b> <a:c> <a:d> }"), None,
         {}, 403, "read-only"),
        (endpoint, b"INSERT DATA { <a:b> <a:c> <a:d> }",
         {"Content-Type": "application/sparql-update"}, 403, "read-only"),
        (endpoint, b"update=" + urllib.parse.quote("CLEAR ALL").encode(),
         {"Content-Type": "application/x-www-form-urlencoded"}, 403, "read-only"),
        (endpoint, None, {}, 400, "missing query"),
        (endpoint.replace("/sparql", "/nope"), None, {}, 404, "not found"),
        (endpoint, b"x", {"Content-Type": "text/plain"}, 415, "Content-Type"),
        (endpoint + "?query=" + urllib.parse.quote("SELECT (kg:nosuchfunction(1) AS ?x) {}"), None, {}, 400,
         "query failed: The custom function"),
    ]
    for url, data, headers, status, text in cases:
        got, _, body = _http(url, data, headers)
        assert (got, text in body) == (status, True), (url, body)
        assert "Traceback" not in body


def test_timeout_kills_the_query_and_the_server_recovers(endpoint):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    t0 = time.monotonic()
    status, _, body = _http(endpoint + "?query=" + urllib.parse.quote(slow))
    assert status == 503 and "timed out after 2 s" in body
    assert time.monotonic() - t0 < 10
    for _ in range(3):  # the pool was refilled
        status, _, body = _http(endpoint + "?query=" + urllib.parse.quote("ASK {}"),
                                headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True


def test_result_size_limit(endpoint):
    status, _, body = _http(endpoint + "?query=" + urllib.parse.quote(
        "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 100000"))
    assert status == 422 and "too large" in body


def test_negotiate():
    assert negotiate(None, SELECT_TYPES, "application/sparql-results+json") == \
        "application/sparql-results+json"
    assert negotiate("text/csv;q=0.9, application/sparql-results+xml;q=0.1", SELECT_TYPES,
                     "application/sparql-results+json") == "text/csv"
    assert negotiate("*/*", GRAPH_TYPES, "text/turtle") == "text/turtle"
    assert negotiate("application/*", GRAPH_TYPES, "text/turtle").startswith("application/")


def test_memory_cap_stops_a_query_before_it_exhausts_memory(tmp_path):
    """A worker over --max-memory dies alone: 503 in well under the timeout, then the pool serves again."""
    proc, url = _start(tmp_path, "--timeout", "60", "--workers", "1", "--max-memory", "800")
    try:
        hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
        t0 = time.monotonic()
        status, _, body = _http(url + "?query=" + urllib.parse.quote(hungry))
        assert status == 503 and "died" in body, body
        assert time.monotonic() - t0 < 30
        status, _, body = _http(url + "?query=" + urllib.parse.quote("ASK {}"),
                                headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
