"""SPARQL syntax errors say where (line, column of the first token that cannot continue the
query) and what was expected there, in `kg query` and the endpoint alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from kg.errors import KGError
from kg.export.rdf import write_turtle
from kg.samples import results_graph
from kg.sparql.diagnose import diagnose
from kg.sparql.query import query, query_prefixes, syntax_message

QUERIES = Path(__file__).resolve().parents[1] / "queries"
PREFIXES = query_prefixes()


@pytest.fixture(scope="module")
def ttl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("diag") / "kg.ttl"
    write_turtle(results_graph(), path)
    return path


BROKEN = [
    ("SELEC ?x WHERE { ?x ?p ?o }",
     "line 1, column 1: expected SELECT, CONSTRUCT, ASK or DESCRIBE, found 'SELEC' (did you mean SELECT?)"),
    ("PREFIX ex: <https://example.org/>\nDESCRIBEE ex:a",
     "line 2, column 1: expected SELECT, CONSTRUCT, ASK or DESCRIBE, found 'DESCRIBEE' (did you mean DESCRIBE?)"),
    ("SELECT ?m WHERE { ?p kg:proposes ?m } LIMT 5",
     "line 1, column 39: expected the end of the query, found 'LIMT' (did you mean LIMIT?)"),
    ("SELECT ?m WHERE { ?p kg:proposes ?m OPTINAL { ?p kg:hasCode ?r } }",
     "line 1, column 37: expected '.', ';', ',' or '}' after the triple pattern, found 'OPTINAL' "
     "(did you mean OPTIONAL?)"),
    ("SELECT ?x WHERE { ?x }",
     "line 1, column 22: expected a predicate (an IRI such as kg:uses, a variable or 'a') after the subject ?x, "
     "found '}'"),
    ("SELECT ?m\nWHERE {\n  ?p kg:uses\n}",
     "line 4, column 1: expected an object after the predicate kg:uses, found '}'"),
    ("SELECT ?x\nWHERE {\n  ?x kg:value ?v\n  ?x kg:unit ?u\n}",
     "line 4, column 3: expected '.', ';', ',' or '}' after the triple pattern, found '?x' "
     "(a '.' ends each triple pattern)"),
    ("SELECT ?x WHERE { ?x foo:bar ?z }",
     "line 1, column 22: unknown prefix 'foo:' in foo:bar; declare it (PREFIX foo: <https://...>) — declared: "
     "dc:, dcterms:, fabio:, kg:, oa:, owl:, prov:, rdf:, rdfs:, res:, schema:, skos:, void:, xsd:"),
    ("SELECT ?x WHERE { ?x kg:value ?v . FILTER(?v > 3 }",
     "line 1, column 50: expected ')' to close the '(' at line 1, column 42, found '}'"),
    ("SELECT ?x WHERE { ?x kg:value ?v . FILTER(?v = ) }",
     "line 1, column 48: expected an expression (a variable, a value, a function call or '('), found ')'"),
    ("SELECT (COUNT(?r) ?n) WHERE { ?r kg:value ?v }",
     "line 1, column 19: expected AS ?name after the expression in (expression AS ?name), found '?n'"),
    ("SELECT ?d (COUNT(?r) AS ?n) WHERE { ?r kg:resultDataset ?d ; kg:resultMetric ?m } GROUP BY ?m",
     "line 1, column 8: ?d is selected but neither grouped (GROUP BY ?d) nor aggregated "
     "(such as (SAMPLE(?d) AS ?any))"),
    ("SELECT ?r WHERE { ?r kg:value ?v } LIMIT ten",
     "line 1, column 42: expected an integer after LIMIT, found 'ten'"),
    ("SELECT ?r WHERE { ?r kg:value ?v } LIMIT 5 ORDER BY ?v",
     "line 1, column 44: expected the end of the query, found 'ORDER' (clauses go in the order GROUP BY, "
     "HAVING, ORDER BY, LIMIT/OFFSET, VALUES, each at most once)"),
    ("SELECT ?r WHERE { ?r kg:value ?v } ORDER BY DESC ?v",
     "line 1, column 50: expected '(' after DESC: write DESC(?var), found '?v'"),
    ("SELECT ?r WHERE { ?r kg:value ?v } }",
     "line 1, column 36: expected the end of the query, found '}' (one '}' too many?)"),
    ("SELECT ?r WHERE { ?r kg:value ?v ",
     "line 1, column 34: expected '.', ';', ',' or '}' after the triple pattern, found the end of the query"),
    ("SELECT ?r WHERE { ?r skos:prefLabel 'Quokka }", "line 1, column 37: this string has no closing '"),
    ("SELECT ?r WHERE { ?r <https://example.org/a b> ?v }",
     "line 1, column 22: invalid IRI <https://example.org/a b>: an IRI cannot contain spaces, quotes, braces, "
     "|, ^, ` or \\"),
    ("PREFIX ex: <https://example.org/a#b#>\nSELECT ?r WHERE { ?r ex:value ?v }",
     "line 1, column 12: invalid IRI <https://example.org/a#b#>: invalid IRI code point '#'"),
    ("SELECT ?r WHERE { ?r <value> ?v }",
     "line 1, column 22: relative IRI <value>: write the whole IRI (<https://...>) or declare BASE <...> first"),
    ("SELECT ?r WHERE { ?r kg:value ?v FILTER(STRLEN(?v, 2)) }",
     "line 1, column 41: STRLEN takes 1 argument, found 2"),
    ("SELECT ?r WHERE { ?r kg:value ?v FILTER(strlength(?v) > 2) }",
     "line 1, column 41: expected an expression (a variable, a value, a function call or '('), found 'strlength' "
     "(strlength is no SPARQL function or keyword; did you mean STRLEN?)"),
    ("SELECT ?r WHERE { ?r kg:value ?v FILTER(foo(?v)) }",
     "line 1, column 41: expected an expression (a variable, a value, a function call or '('), found 'foo' "
     "(foo is no SPARQL function or keyword; functions other than the built-ins (STR, REGEX, ...) are named by "
     "IRIs)"),
    ("SELECT ?x WHERE { BIND(1 AS ?x) BIND(2 AS ?x) }",
     "line 1, column 43: BIND(... AS ?x): ?x is already bound by the patterns before it in this group; "
     "choose a new name"),
    ("SELECT ?x ?x WHERE { ?x ?p ?o }", "line 1, column 11: ?x is selected twice"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN, ids=[q for q, _ in BROKEN])
def test_kg_query_says_where_and_what(ttl, text, message):
    with pytest.raises(SyntaxError):
        Store().query(text, prefixes=PREFIXES)  # Oxigraph rejects it ...
    with pytest.raises(KGError) as info:  # ... and the message says where and what
        query(ttl, text)
    assert str(info.value) == "SPARQL syntax error at " + message
    assert "[_]" not in str(info.value)


VALID = [
    *(p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))),
    "ASK { ?x kg:value -1.5e3 }",
    "SELECT ?x WHERE { ?x a kg:Paper. }",
    "SELECT ?x WHERE { << ?a ?b ?c >> ?p ?o . ?a ?b ?c {| ?q ?r |} }",
    "SELECT ?x WHERE { ?x ^kg:reports/kg:value* ?o ; !(kg:a|^kg:b) ?y }",
    "BASE <http://x/> SELECT ?x WHERE { ?x <y> ?o }",
    'SELECT ?p (GROUP_CONCAT(?o; SEPARATOR=", ") AS ?os) WHERE { ?x ?p ?o } GROUP BY ?p '
    "HAVING(COUNT(?o) > 1) ORDER BY DESC(?os) LIMIT 10 OFFSET 2",
    "CONSTRUCT { ?s kg:x [ kg:y ?o ] } WHERE { ?s ?p ?o OPTIONAL { ?s kg:z ?w } "
    "FILTER NOT EXISTS { ?s kg:q ?o } MINUS { ?o ?p ?s } }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE ?x WHERE { ?x a kg:Paper } LIMIT 1",
    "SELECT * { ?s ?p ?o . { SELECT ?s WHERE { ?s ?p2 ?o2 } LIMIT 1 } }",
    'SELECT ?x WHERE { VALUES (?x ?y) { (1 "a"@en) (UNDEF <http://x>) } }',
    "SELECT ?x WHERE { ?x kg:p (1 2 ?z) ; kg:q ?w , ?v ; }",
    'SELECT ?x WHERE { ?x ?p "x"^^xsd:string . BIND(xsd:integer(?x) + -1 AS ?z) '
    "FILTER(?z IN (1,2) && ?z NOT IN (3) || regex(?x, 'a', 'i')) }",
    "SELECT ?x WHERE { ?x ?p ?o . FILTER(?o<?o&&?o>?o) }",
]


@pytest.mark.parametrize("text", VALID)
def test_the_checker_accepts_what_oxigraph_accepts(text):
    Store().query(text, prefixes=PREFIXES)
    assert diagnose(text, PREFIXES) is None


def test_errors_the_checker_does_not_see_fall_back_to_a_cleaned_parser_message():
    class Fake(SyntaxError):
        pass

    exc = Fake("error at 1:12: expected one of \"}\", ORDER, ['0'..='9'], [_]")
    assert syntax_message(exc, text="ASK { ?s ?p ?o }") == (
        "SPARQL syntax error at line 1, column 12: expected one of '}', ORDER, a number")
    assert syntax_message(Fake("error at 1:5: expected [_]")) == (
        "SPARQL syntax error at line 1, column 5: the query is not valid SPARQL here")
    assert syntax_message(Fake("error at 2:3: expected one of Prefix not found, [_]"), "RDF") == (
        "RDF syntax error at line 2, column 3: Prefix not found")


def test_unsupported_functions_are_a_user_error(ttl):
    with pytest.raises(KGError, match="query failed: The custom function"):
        query(ttl, "SELECT (kg:nosuchfunction(1) AS ?x) {}")
