"""SPARQL 1.1 over a built graph: `kg query GRAPH (QUERY | -f FILE.rq) [--format ...]`.

GRAPH is an RDF file (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``), a `kg build`
output directory (its embedded ``store/`` when present, else its ``kg.ttl``) or an
Oxigraph store directory. The common prefixes (``kg:``, ``schema:``, ``dcterms:``,
``skos:``, ``prov:``, ``oa:``, ``void:``, ``res:`` ...) are predeclared.

>>> import tempfile, pathlib
>>> from kg.graph import build_graph
>>> from kg.records import Extraction, Paper
>>> from kg.export.rdf import write_turtle
>>> path = pathlib.Path(tempfile.mkdtemp()) / "kg.ttl"
>>> write_turtle(build_graph([Extraction(paper=Paper(id="p1", title="Hello"))]), path)
>>> print(query(path, "SELECT ?t WHERE { ?p dcterms:title ?t }"))
t
-----
Hello
(1 row)
>>> query(path, "SELECT ?t WHERE { ?p dcterms:title ?t ")
Traceback (most recent call last):
...
kg.errors.KGError: SPARQL syntax error at line 1, column 39: expected '.', ';', ',' or '}' after the triple ...
"""

from __future__ import annotations

import io
import multiprocessing
import re
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.namespace import DEFAULT_BASE, PREFIXES

__all__ = [
    "FORMATS",
    "format_result",
    "load_graph",
    "query",
    "query_prefixes",
    "read_query",
    "run_query",
    "syntax_message",
]

FORMATS = ("table", "csv", "tsv", "json")
_POSITION = re.compile(r"^error at (\d+):(\d+): ?")


def query_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes predeclared for queries (the export's prefixes plus ``res:`` for the base)."""
    return {**PREFIXES, "res": base}


def syntax_message(exc: BaseException, what: str = "SPARQL", text: str | None = None,
                   prefixes: dict[str, str] | None = None) -> str:
    """A parser error as ``<what> syntax error at line L, column C: <what was expected>, found <token>``.

    Given the query `text` (and the `prefixes` predeclared for it), the position and the
    expectation come from :func:`kg.sparql.diagnose.diagnose`, which names the first token
    that cannot continue the query; otherwise (RDF files, or an error that checker does not
    see) from the parser's own message, cleaned of grammar internals.

    >>> from pyoxigraph import Store
    >>> q = "PREFIX kg: <https://w3id.org/kg/ontology#>\\nSELECT ?m WHERE { ?m kg:uses }"
    >>> try:
    ...     Store().query(q)
    ... except SyntaxError as exc:
    ...     print(syntax_message(exc, text=q))
    SPARQL syntax error at line 2, column 30: expected an object after the predicate kg:uses, found '}'
    """
    raw = " ".join(str(exc).split())
    m = _POSITION.match(raw)
    if text is not None and what == "SPARQL":
        from kg.sparql.diagnose import diagnose

        try:
            found = diagnose(text, query_prefixes() if prefixes is None else prefixes)
        except Exception:  # the checker only explains; the parser's message remains
            found = None
        # the parser reports the furthest character it read: the error is there or before
        if found is not None and (m is None or found.offset <= _offset(text, int(m.group(1)), int(m.group(2)))):
            return f"{what} syntax error at {found}"
    detail = _clean(raw[m.end():]) if m else raw
    if len(detail) > 240:
        detail = detail[:239] + "…"
    if m:
        return f"{what} syntax error at line {m.group(1)}, column {m.group(2)}: {detail}"
    return f"{what} syntax error: {detail}"


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            return len(text)
        start = nl + 1
    return start + column - 1


_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[(?:[^\]\'"]|\'(?:[^\'\\]|\\.)*\'|"(?:[^"\\]|\\.)*")*\]|[^,]+')


def _clean(detail: str) -> str:
    """Oxigraph's "expected one of ..." without grammar internals (``[_]``, character classes).

    >>> _clean("expected one of Prefix not found, ['%'], [_]")
    'Prefix not found'
    >>> _clean("expected one of \\"}\\", ORDER, ['0'..='9'], [_]")
    "expected one of '}', ORDER, a number"
    """
    head = re.match(r"expected (?:one of )?", detail)
    if not head:
        return detail
    phrases, expected = [], []
    for item in (i.strip() for i in _ITEM.findall(detail[head.end():])):
        if not item or item == "[_]":
            continue
        if item.startswith('"'):
            expected.append("'" + item[1:-1].replace('\\"', '"').replace("\\\\", "\\") + "'")
        elif item.startswith("["):
            if "'0'..='9'" in item.replace(" ", "") and "'A'" not in item:
                expected.append("a number")
            elif "'A'..='Z'" in item.replace(" ", ""):
                expected.append("a name")
        elif " " in item:
            phrases.append(item)
        else:
            expected.append(item)
    if phrases:
        return "; ".join(dict.fromkeys(phrases))
    if not expected:
        return "the query is not valid SPARQL here"
    expected = list(dict.fromkeys(expected))
    return ("expected one of " if len(expected) > 1 else "expected ") + ", ".join(expected)


def is_update(text: str) -> bool:
    """Whether `text` parses as a SPARQL Update (checked on a throwaway empty store)."""
    from pyoxigraph import Store

    try:
        Store().update(text)
    except Exception:
        return False
    return True


def load_graph(graph: str | Path) -> Any:
    """Open GRAPH as a pyoxigraph `Store` (see the module docstring for what GRAPH may be)."""
    from pyoxigraph import Store

    from kg.sparql.store import is_store, open_store, rdf_format

    path = Path(graph)
    if not path.exists():
        raise KGError(
            f"graph not found: {path}; pass a .ttl/.nt file or the output directory of `kg build`"
        )
    if path.is_dir():
        if is_store(path / "store"):
            return open_store(path / "store")
        if is_store(path):
            return open_store(path)
        if (path / "kg.ttl").is_file():
            path = path / "kg.ttl"
        else:
            raise KGError(f"{path} has neither store/ nor kg.ttl; run `kg build ... -o {path}` first")
    fmt = rdf_format(path)
    store = Store()
    try:
        store.load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise KGError(f"cannot parse {path}: {syntax_message(exc, 'RDF')}") from None
    except OSError as exc:
        raise KGError(f"cannot read {path}: {exc.strerror or exc}") from None
    return store


def run_query(store: Any, text: str, base: str = DEFAULT_BASE) -> Any:
    """Evaluate a SPARQL query; bad syntax and updates raise `KGError`."""
    prefixes = query_prefixes(base)
    try:
        return store.query(text, prefixes=prefixes, use_default_graph_as_union=True)
    except SyntaxError as exc:
        if is_update(text):
            raise KGError("SPARQL updates are not allowed: the graph is read-only; "
                          "send a SELECT, ASK, CONSTRUCT or DESCRIBE query") from None
        raise KGError(syntax_message(exc, text=text, prefixes=prefixes)) from None
    except (OSError, RuntimeError) as exc:  # evaluation errors (a SERVICE call, an unknown function)
        raise KGError(f"query failed: {exc}") from None


def _short(term: Any, base: str) -> str:
    from pyoxigraph import BlankNode, Literal, NamedNode

    if term is None:
        return ""
    if isinstance(term, NamedNode):
        iri = term.value
        for prefix, ns in (("res", base), *PREFIXES.items()):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value
    return str(term)


def _table(variables: list[str], rows: list[list[str]], width: int = 60) -> str:
    def cell(s: str) -> str:
        s = " ".join(s.split())
        return s if len(s) <= width else s[: width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def format_result(result: Any, fmt: str = "table", base: str = DEFAULT_BASE) -> str:
    """Render a pyoxigraph query result as ``table``, ``csv``, ``tsv`` or ``json``.

    CONSTRUCT/DESCRIBE results: Turtle (table), N-Triples (csv/tsv), JSON-LD (json).
    """
    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, serialize

    if fmt not in FORMATS:
        raise KGError(f"unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if isinstance(result, QueryBoolean) and fmt == "table":
        return "true" if bool(result) else "false"
    if isinstance(result, QuerySolutions | QueryBoolean):
        if fmt == "table" and isinstance(result, QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [[_short(sol[v], base) for v in variables] for sol in result]
            return _table(variables, rows)
        rf = {"csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV,
              "json": QueryResultsFormat.JSON}[fmt]
        out = result.serialize(format=rf) or b""
        return out.decode("utf-8").rstrip("\n")
    # QueryTriples
    rdf_fmt = {"table": RdfFormat.TURTLE, "csv": RdfFormat.N_TRIPLES, "tsv": RdfFormat.N_TRIPLES,
               "json": RdfFormat.JSON_LD}[fmt]
    buf = io.BytesIO()
    serialize(result, buf, rdf_fmt, prefixes=dict(PREFIXES) if fmt == "table" else None)
    return buf.getvalue().decode("utf-8").rstrip("\n")


def read_query(text: str | None = None, file: str | Path | None = None) -> str:
    """The query text from an argument or a ``.rq`` file (exactly one of them)."""
    if (text is None) == (file is None):
        raise KGError("give a query either inline or with -f FILE.rq (not both, not neither)")
    if file is not None:
        path = Path(file)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KGError(f"query file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise KGError(f"cannot read query file {path}: {exc}") from None
    assert text is not None
    if not text.strip():
        raise KGError("the query is empty; pass a SPARQL query or -f FILE.rq")
    return text


def _query_now(graph: str | Path, text: str, fmt: str, base: str) -> str:
    return format_result(run_query(load_graph(graph), text, base), fmt, base)


def _child(conn: Any, graph: str, text: str, fmt: str, base: str) -> None:
    try:
        conn.send(("ok", _query_now(graph, text, fmt, base)))
    except KGError as exc:
        conn.send(("error", str(exc)))
    except Exception as exc:  # reported to the parent as an internal error
        conn.send(("internal", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def query(graph: str | Path, text: str | None = None, *, file: str | Path | None = None,
          fmt: str = "table", timeout: float | None = None, base: str = DEFAULT_BASE) -> str:
    """Run a SPARQL query over GRAPH and return the formatted result.

    With `timeout` (seconds) the query runs in a child process that is killed when the
    time is up (Oxigraph queries cannot be interrupted from Python).
    """
    text = read_query(text, file)
    if fmt not in FORMATS:
        raise KGError(f"unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if not timeout:
        return _query_now(graph, text, fmt, base)
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, str(graph), text, fmt, base), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise KGError(
                f"query timed out after {timeout:g} s; add a LIMIT, narrow the patterns or "
                "raise --timeout"
            )
        status, payload = parent.recv()
    except EOFError:
        raise KGError("the query process died unexpectedly (out of memory?)") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    if status == "ok":
        return str(payload)
    if status == "error":
        raise KGError(payload)
    raise RuntimeError(payload)
