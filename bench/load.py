#!/usr/bin/env python3
"""Bounded load test of the SPARQL endpoint: N concurrent clients for T seconds.

Starts `kg serve` on 127.0.0.1 (a free port) over GRAPH -- a `kg build` output
directory or a .ttl file; by default the seeds are built into a temporary folder --
unless --url points at a running endpoint. Each client (a stdlib thread with its own
keep-alive `http.client` connection) sends the queries of ``queries/*.rq`` (or a
built-in mix) in turn until the time is up. Reports requests, throughput, p50/p90/p99
latency and errors (any status but 200, any connection error); exits 1 on an error.

Usage::

    .venv/bin/python bench/load.py                          # 50 clients, 30 s, seeds
    .venv/bin/python bench/load.py outputs/ --clients 50 --seconds 30 --json
    .venv/bin/python bench/load.py --url http://127.0.0.1:7878/sparql --seconds 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

BUILTIN_QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "PREFIX kg: <https://w3id.org/kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?name (COUNT(?p) AS ?papers) WHERE { ?p kg:evaluatedOn ?d . ?d skos:prefLabel ?name } "
    "GROUP BY ?name ORDER BY DESC(?papers) LIMIT 10",
    "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?t WHERE { ?p dcterms:title ?t } LIMIT 20",
    "ASK { ?s ?p ?o }",
]


def load_queries(directory: Path) -> list[str]:
    files = sorted(directory.glob("*.rq")) if directory.is_dir() else []
    return [f.read_text(encoding="utf-8") for f in files] or BUILTIN_QUERIES


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def start_server(graph: Path, host: str, workers: int, timeout: float) -> tuple[subprocess.Popen[str], str]:
    port = _free_port(host)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.sparql.serve", str(graph), "--host", host, "--port", str(port),
         "--workers", str(workers), "--timeout", str(timeout), "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "SPARQL endpoint" not in line:
        proc.kill()
        raise SystemExit(f"the server did not start: {proc.stderr.read() if proc.stderr else ''}")
    return proc, f"http://{host}:{port}/sparql"


def run_load(url: str, queries: list[str], clients: int, seconds: float,
             request_timeout: float = 60.0) -> dict[str, Any]:
    """Hammer `url` with `clients` threads for `seconds`; latencies and errors."""
    parts = urllib.parse.urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/sparql"
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=request_timeout)
        mine: list[float] = []
        bad: list[str] = []
        i = n
        start.wait()
        while time.monotonic() < stop_at[0]:
            q = queries[i % len(queries)]
            i += 1
            body = urllib.parse.urlencode({"query": q})
            t0 = time.perf_counter()
            try:
                if i % 2:
                    conn.request("GET", f"{path}?{body}", headers={"Accept": "application/sparql-results+json"})
                else:
                    conn.request("POST", path, body=body, headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/sparql-results+json"})
                r = conn.getresponse()
                data = r.read()
                dt = time.perf_counter() - t0
                if r.status != 200:
                    bad.append(f"HTTP {r.status}: {data[:200].decode('utf-8', 'replace').strip()}")
                elif b"Traceback" in data:
                    bad.append("a stack trace in a response")
                else:
                    mine.append(dt)
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=request_timeout)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    t_start = time.monotonic()
    stop_at[0] = t_start + seconds
    start.wait()
    for t in threads:
        t.join(seconds + request_timeout + 30)
    elapsed = time.monotonic() - t_start
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else float("nan")

    return {
        "url": url, "clients": clients, "seconds": round(elapsed, 1), "queries": len(queries),
        "requests": len(lat) + len(errors), "ok": len(lat), "errors": len(errors),
        "error_examples": sorted(set(errors))[:5],
        "throughput_rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {"p50": pct(0.50), "p90": pct(0.90), "p99": pct(0.99),
                       "max": round(1000 * lat[-1], 1) if lat else float("nan"),
                       "mean": round(1000 * statistics.fmean(lat), 1) if lat else float("nan")},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graph", nargs="?", type=Path, help="kg build output folder or .ttl (default: build seeds/)")
    ap.add_argument("--url", help="load an endpoint that is already running instead")
    ap.add_argument("--host", default="127.0.0.1", help="interface the started server binds to")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2, help="query worker processes of the started server")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-query timeout of the started server")
    ap.add_argument("--queries", type=Path, default=ROOT / "queries", help="folder of .rq files")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    queries = load_queries(args.queries)
    proc = None
    tmp = None
    try:
        url = args.url
        if url is None:
            graph = args.graph
            if graph is None:
                tmp = tempfile.TemporaryDirectory(prefix="kg-load-")
                graph = Path(tmp.name) / "out"
                subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "seeds"), "-o", str(graph),
                                "--no-cache"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
            proc, url = start_server(graph, args.host, args.workers, args.timeout)
        report = run_load(url, queries, args.clients, args.seconds)
        if proc is not None:
            report["server_alive"] = proc.poll() is None
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if tmp is not None:
            tmp.cleanup()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        lat = report["latency_ms"]
        print(f"{report['clients']} clients x {report['seconds']} s against {report['url']} "
              f"({report['queries']} queries in turn)")
        print(f"  requests {report['requests']}, ok {report['ok']}, errors {report['errors']}, "
              f"{report['throughput_rps']} req/s")
        print(f"  latency ms: p50 {lat['p50']}  p90 {lat['p90']}  p99 {lat['p99']}  max {lat['max']}")
        for example in report["error_examples"]:
            print(f"  error: {example}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
