"""A read-only SPARQL 1.1 Protocol endpoint: `kg serve GRAPH [--host H] [--port P]`.

Design: a stdlib `ThreadingHTTPServer` speaks HTTP; queries run in a small pool of
worker *processes*, each holding the Oxigraph store open read-only. Oxigraph queries
cannot be interrupted from Python, so a query that exceeds ``--timeout`` is stopped by
killing its worker (a fresh one replaces it); the server itself never blocks on a
query. No framework is needed for the few routes of the protocol, which keeps the
dependency list unchanged.

Protocol: ``GET /sparql?query=...``, ``POST /sparql`` with a form (``query=...``) or an
``application/sparql-query`` body. Results by ``Accept``: SPARQL JSON (default), XML,
CSV, TSV for SELECT/ASK; Turtle (default), N-Triples, RDF/XML, JSON-LD for
CONSTRUCT/DESCRIBE; a ``format=`` parameter (json, xml, csv, tsv; turtle, ntriples,
jsonld, rdfxml; or a media type), in the URL or the form, overrides ``Accept``.
``GET /`` is a query page (:mod:`kg.sparql.page`) that calls ``/sparql``. Updates get
403, syntax errors 400 (with line and column), timeouts 503, results over ``--max-bytes``
422; CORS is open (``*``); errors are one line of text, never a stack trace.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import queue
import re
import resource
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.errors import KGError
from kg.namespace import DEFAULT_BASE, PREFIXES

__all__ = ["format_param", "make_server", "negotiate", "prepare_store", "serve", "uses_service"]

SELECT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/x-turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "application/json": "JSON_LD",
}
#: ``format=`` values: (media type for SELECT/ASK, media type for CONSTRUCT/DESCRIBE); None:
#: not available for that kind of query. The media types themselves are accepted as values too.
FORMAT_PARAMS: dict[str, tuple[str | None, str | None]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", "application/n-triples"),
    "tsv": ("text/tab-separated-values", "application/n-triples"),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "n3": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "nt": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
    "rdfxml": (None, "application/rdf+xml"),
    "rdf+xml": (None, "application/rdf+xml"),
    **{t: (t, t if t in GRAPH_TYPES else None) for t in SELECT_TYPES},
    **{t: (t if t in SELECT_TYPES else None, t) for t in GRAPH_TYPES},
}
MAX_BODY = 1 << 20
IDLE_TIMEOUT = 60.0  # seconds a connection may sit idle or trickle a request (slowloris)
DEFAULT_MAX_MEMORY = 4 << 30  # address space of one query worker (an idle one uses ~0.5 GB)

# SPARQL tokens that may hide the word SERVICE: strings, IRIs, comments
_TOKENS = {
    '"': re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n\r]|\\.)*"', re.S),
    "'": re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''|'(?:[^'\\\n\r]|\\.)*'", re.S),
    "<": re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    "#": re.compile(r"#[^\n\r]*"),
}
_TOKEN_START = re.compile(r"[\"'<#]")
_SERVICE = re.compile(r"(?<![\w:?$.\-])SERVICE(?![\w:.\-])", re.I)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def uses_service(query: str) -> bool:
    """Whether a query calls SERVICE (federation): the endpoint would fetch any URL,
    inside the network it runs in, on a client's behalf. Linear time on any input.

    >>> uses_service("SELECT * { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT * { ?s <http://x/SERVICE> "SERVICE" } # SERVICE')
    False
    """

    def chars(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else " "

    text = _CODEPOINT.sub(chars, query) if "\\" in query else query
    kept: list[str] = []
    pos = 0
    for start in _TOKEN_START.finditer(text):
        i = start.start()
        if i < pos:
            continue
        m = _TOKENS[text[i]].match(text, i)
        if m is None:
            if text[i] in "\"'":  # unterminated string: the parser rejects the query anyway
                kept.append(text[pos:i])
                pos = len(text)
                break
            continue  # "<" as an operator
        kept.append(text[pos:i] + " ")
        pos = m.end()
    kept.append(text[pos:])
    return _SERVICE.search("".join(kept)) is not None


def negotiate(accept: str | None, offered: dict[str, str], default: str) -> str | None:
    """The media type of `offered` that `accept` prefers (q-values honoured); `default`
    when `accept` is empty or a wildcard wins; None when nothing is acceptable.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SELECT_TYPES, "x")
    'application/sparql-results+xml'
    >>> negotiate("image/png", SELECT_TYPES, "x") is None
    True
    """
    if not accept or not accept.strip():
        return default
    best: tuple[float, int, str] | None = None
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mtype = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if mtype in ("*/*", "application/*", "text/*"):
            candidate = default if mtype == "*/*" or default.startswith(mtype[:-1]) else next(
                (t for t in offered if t.startswith(mtype[:-1])), None)
        else:
            candidate = mtype if mtype in offered else None
        if candidate and (best is None or (q, -i) > (best[0], best[1])):
            best = (q, -i, candidate)
    return best[2] if best else None


def format_param(values: list[str]) -> str | None:
    """The first known ``format=`` value of a request (names such as ``csv`` or media types),
    None when none was given; unknown values alone raise `KGError`.

    >>> format_param(["tsv", "text/tab-separated-values"]), format_param([])
    ('tsv', None)
    """
    given = [v.strip().lower() for v in values if v.strip()]
    for v in given:
        if v in FORMAT_PARAMS:
            return v
    if given:
        raise KGError(f"unknown format={given[0]!r}; use json, xml, csv or tsv (SELECT/ASK) or "
                      "turtle, ntriples, jsonld, rdfxml (CONSTRUCT/DESCRIBE), or leave it out and send Accept")
    return None


# --------------------------------------------------------------------------- worker


class _TooLarge(Exception):
    pass


class _Capped:
    """A binary sink that refuses to grow past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _execute(store: Any, job: dict[str, Any]) -> tuple[int, str, bytes]:
    """Run one query job in a worker: (status, content type, body)."""
    from pyoxigraph import (
        NamedNode,
        QueryBoolean,
        QueryResultsFormat,
        QuerySolutions,
        RdfFormat,
        serialize,
    )

    from kg.sparql.query import is_update, query_prefixes, syntax_message

    text = job["query"]
    prefixes = query_prefixes(job["base"])
    try:
        kwargs: dict[str, Any] = {"prefixes": prefixes}
        if job.get("default_graphs"):
            kwargs["default_graph"] = [NamedNode(g) for g in job["default_graphs"]]
        else:
            kwargs["use_default_graph_as_union"] = True
        if job.get("named_graphs"):
            kwargs["named_graphs"] = [NamedNode(g) for g in job["named_graphs"]]
        result = store.query(text, **kwargs)
    except SyntaxError as exc:
        if is_update(text):
            return 403, "", b"SPARQL updates are not allowed: this endpoint is read-only\n"
        return 400, "", (syntax_message(exc, text=text, prefixes=prefixes) + "\n").encode()
    except ValueError as exc:
        return 400, "", f"bad request: {exc}\n".encode()
    except RuntimeError as exc:  # e.g. a function Oxigraph does not implement
        return 400, "", f"query failed: {exc}\n".encode()
    except OSError as exc:
        return 500, "", f"query evaluation failed: {exc}\n".encode()
    sink = _Capped(job["max_bytes"])
    try:
        fmt = job.get("format")
        if isinstance(result, QuerySolutions | QueryBoolean):
            if fmt:
                mtype = FORMAT_PARAMS[fmt][0]
                if mtype is None:
                    return 406, "", (f"not acceptable: format={fmt} is for CONSTRUCT/DESCRIBE results; "
                                     "SELECT/ASK results come as json, xml, csv or tsv\n").encode()
            else:
                mtype = negotiate(job["accept"], SELECT_TYPES, "application/sparql-results+json")
            if mtype is None:
                return 406, "", ("not acceptable: SELECT/ASK results are available as "
                                 + ", ".join(sorted(SELECT_TYPES)) + "\n").encode()
            result.serialize(sink, getattr(QueryResultsFormat, SELECT_TYPES[mtype]))  # type: ignore[arg-type]
        else:
            mtype = FORMAT_PARAMS[fmt][1] if fmt else negotiate(job["accept"], GRAPH_TYPES, "text/turtle")
            if mtype is None:
                return 406, "", ("not acceptable: CONSTRUCT/DESCRIBE results are available as "
                                 + ", ".join(sorted(GRAPH_TYPES)) + "\n").encode()
            serialize(result, sink, getattr(RdfFormat, GRAPH_TYPES[mtype]),  # type: ignore[arg-type]
                      prefixes=dict(PREFIXES) if GRAPH_TYPES[mtype] == "TURTLE" else None)
    except _TooLarge:
        return 422, "", (f"result too large (over {job['max_bytes']} bytes); add a LIMIT or "
                         "start the server with a larger --max-bytes\n").encode()
    except OSError as exc:
        return 500, "", f"query evaluation failed: {exc}\n".encode()
    return 200, mtype, b"".join(sink.parts)


def _worker_main(conn: Any, store_path: str, max_memory: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if max_memory > 0:
        # a query that needs more dies alone (the pool reports it and starts a new worker)
        # instead of exhausting the machine's memory before its timeout
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    from pyoxigraph import Store

    store = Store.read_only(store_path)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply = _execute(store, job)
        except Exception:  # reported as 500, details to the log
            traceback.print_exc(file=sys.stderr)
            reply = (500, "", b"internal error while running the query\n")
        conn.send(reply)


class _Worker:
    def __init__(self, ctx: Any, store_path: str, max_memory: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, store_path, max_memory), daemon=True)
        self.proc.start()
        child.close()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes with the store open; a query that times out kills its worker.

    Each worker's address space is capped at `max_memory` bytes (0: no cap).
    """

    def __init__(self, store_path: str, size: int = 2, max_memory: int = 0) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.store_path = store_path
        self.max_memory = max_memory
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.workers: set[_Worker] = set()
        for _ in range(max(1, size)):
            self._spawn()

    def _spawn(self) -> None:
        w = _Worker(self.ctx, self.store_path, self.max_memory)
        with self.lock:
            self.workers.add(w)
        self.idle.put(w)

    def run(self, job: dict[str, Any], timeout: float) -> tuple[int, str, bytes]:
        try:
            w = self.idle.get(timeout=timeout)
        except queue.Empty:
            return 503, "", f"server busy: no query worker free within {timeout:g} s; retry\n".encode()
        try:
            w.conn.send(job)
            if w.conn.poll(timeout):
                reply = w.conn.recv()
                self.idle.put(w)
                return reply  # type: ignore[no-any-return]
            reason = (f"query timed out after {timeout:g} s; add a LIMIT, narrow the patterns "
                      "or ask for a larger --timeout\n")
        except (EOFError, OSError, BrokenPipeError):
            reason = "the query worker died (out of memory?); retry a smaller query\n"
        with self.lock:
            self.workers.discard(w)
        w.kill()
        self._spawn()
        return 503, "", reason.encode()

    def close(self) -> None:
        with self.lock:
            workers = list(self.workers)
            self.workers.clear()
        for w in workers:
            w.kill()


# --------------------------------------------------------------------------- HTTP


class _Handler(BaseHTTPRequestHandler):
    server_version = "kg-sparql/1"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    timeout = IDLE_TIMEOUT  # socket timeout: idle or trickling connections are closed

    # set on the class by make_server
    pool: WorkerPool
    timeout_s: float
    max_bytes: int
    base: str
    quiet: bool

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
        self._send(status, (message.rstrip("\n") + "\n").encode("utf-8"), extra=extra)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # used by the base class for malformed requests: plain one-line text
        self.close_connection = True
        self._error(code, message or HTTPStatus(code).phrase)

    def _guard(self, fn: Any) -> None:
        try:
            fn()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):  # the client went away
            self.close_connection = True
        except Exception:  # never leak a stack trace to the client
            traceback.print_exc(file=sys.stderr)
            with contextlib.suppress(Exception):
                self._error(500, "internal server error")

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self._guard(self._get)

    def do_HEAD(self) -> None:
        self._guard(self._get)

    def do_POST(self) -> None:
        self._guard(self._post)

    def do_PUT(self) -> None:
        self._error(405, "method not allowed: this endpoint is read-only", {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT

    def _path_ok(self) -> bool:
        path = urlsplit(self.path).path
        if path == "/sparql":
            return True
        if path in ("/", "", "/index.html") and self.command in ("GET", "HEAD"):
            self._page()
        elif path in ("/", "", "/index.html"):
            self._error(405, "method not allowed: the query page is GET / and queries go to /sparql",
                        {"Allow": "GET, HEAD"})
        else:
            self._error(404, f"not found: {path}; the query page is / and the SPARQL endpoint /sparql")
        return False

    def _page(self) -> None:
        from kg.sparql.page import render_page

        html, csp = render_page(self.base)
        self._send(200, html.encode("utf-8"), "text/html; charset=utf-8", {
            "Content-Security-Policy": csp,
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
            "Cache-Control": "no-cache",
        })

    def _get(self) -> None:
        if not self._path_ok():
            return
        params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        self._dispatch(params)

    def _post(self) -> None:
        if not self._path_ok():
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._error(400, "bad Content-Length")
            return
        if length < 0:
            self.close_connection = True
            self._error(400, "bad Content-Length")
            return
        if length > MAX_BODY:
            self.close_connection = True
            self._error(413, f"request body too large (over {MAX_BODY} bytes)")
            return
        body = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._error(400, "the request body is not UTF-8")
            return
        if ctype == "application/x-www-form-urlencoded":
            for k, v in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            params["query"] = [text]
        elif ctype == "application/sparql-update":
            self._error(403, "SPARQL updates are not allowed: this endpoint is read-only")
            return
        else:
            self._error(415, "unsupported Content-Type: send application/sparql-query "
                             "or application/x-www-form-urlencoded")
            return
        self._dispatch(params)

    def _dispatch(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(403, "SPARQL updates are not allowed: this endpoint is read-only")
            return
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            self._error(400, "missing query: pass exactly one query parameter "
                             "(e.g. /sparql?query=ASK%20%7B%7D)")
            return
        if uses_service(queries[0]):
            self._error(403, "federated queries (SERVICE) are not allowed on this endpoint")
            return
        try:
            fmt = format_param(params.get("format") or [])
        except KGError as exc:
            self._error(400, str(exc))
            return
        job = {
            "query": queries[0],
            "format": fmt,
            "accept": self.headers.get("Accept"),
            "default_graphs": params.get("default-graph-uri") or [],
            "named_graphs": params.get("named-graph-uri") or [],
            "max_bytes": self.max_bytes,
            "base": self.base,
        }
        status, mtype, body = self.pool.run(job, self.timeout_s)
        if status == 200:
            charset = "" if mtype == "application/sparql-results+xml" else "; charset=utf-8"
            self._send(200, body, mtype + charset)
        else:
            self._send(status, body, extra={"Retry-After": "1"} if status == 503 else None)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # listen backlog (default 5): bursts of clients are not reset


def prepare_store(graph: str | Path) -> tuple[Path, Path | None]:
    """The store directory to serve for GRAPH, and a temporary directory to delete later
    (when GRAPH was an RDF file or a build without ``store/``)."""
    from kg.sparql.store import is_store, rdf_format, write_store

    path = Path(graph)
    if not path.exists():
        raise KGError(f"graph not found: {path}; pass a .ttl/.nt file or a `kg build` directory")
    if path.is_dir():
        if is_store(path / "store"):
            return path / "store", None
        if is_store(path):
            return path, None
        if not (path / "kg.ttl").is_file():
            raise KGError(f"{path} has neither store/ nor kg.ttl; run `kg build ... -o {path}`")
        path = path / "kg.ttl"
    rdf_format(path)  # unknown extension -> KGError
    tmp = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        write_store(path, tmp / "store")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp / "store", tmp


def make_server(graph: str | Path, host: str = "127.0.0.1", port: int = 7878, *,
                timeout: float = 30.0, workers: int = 2, max_bytes: int = 50_000_000,
                max_memory: int = DEFAULT_MAX_MEMORY, base: str = DEFAULT_BASE,
                quiet: bool = False) -> tuple[_Server, WorkerPool, Path | None]:
    """Create (but do not start) the HTTP server and its worker pool."""
    if timeout <= 0:
        raise KGError("--timeout must be a positive number of seconds")
    store, tmp = prepare_store(graph)
    pool = WorkerPool(str(store), workers, max_memory)
    handler = type("Handler", (_Handler,), {
        "pool": pool, "timeout_s": timeout, "max_bytes": max_bytes, "base": base, "quiet": quiet,
    })
    try:
        server = _Server((host, port), handler)
    except OSError as exc:
        pool.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        raise KGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                      "choose another --port") from None
    return server, pool, tmp


def serve(graph: str | Path, host: str = "127.0.0.1", port: int = 7878, *,
          timeout: float = 30.0, workers: int = 2, max_bytes: int = 50_000_000,
          max_memory: int = DEFAULT_MAX_MEMORY, base: str = DEFAULT_BASE, quiet: bool = False) -> None:
    """Serve GRAPH at ``http://HOST:PORT/sparql`` until interrupted (Ctrl-C or SIGTERM)."""
    server, pool, tmp = make_server(graph, host, port, timeout=timeout, workers=workers,
                                    max_bytes=max_bytes, max_memory=max_memory, base=base, quiet=quiet)

    def cleanup() -> None:
        pool.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(cleanup)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    actual_host, actual_port = str(server.server_address[0]), int(server.server_address[1])
    print(f"SPARQL endpoint: http://{actual_host}:{actual_port}/sparql, query page: "
          f"http://{actual_host}:{actual_port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        cleanup()
        print("stopped", file=sys.stderr, flush=True)
