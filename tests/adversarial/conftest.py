"""Helpers of the hostile-input, crash and endpoint suites: run `kg` as a subprocess with a
timeout (a hang is a failure), and check that whatever it wrote is valid."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
KG = [sys.executable, "-m", "kg"]
OUTPUT_FILES = ("kg.ttl", "kg.html", "kg.graphml", "graph.json", "extractions.jsonl", "build.json")


def kg_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONWARNINGS", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_kg(*args: str | os.PathLike[str], timeout: float = 180, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``kg ARGS``; a run longer than `timeout` seconds fails the test as a hang."""
    cmd = [*KG, *map(str, args)]
    try:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=kg_env(),
            errors="replace", **kwargs,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: {' '.join(cmd)} still running after {timeout} s")


def assert_no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in (proc.stdout or ""), proc.stderr[-3000:]
    assert "internal error" not in proc.stderr, proc.stderr[-3000:]


def assert_refused(proc: subprocess.CompletedProcess[str]) -> None:
    """Exit 1 with exactly one line of error (warnings before it allowed), no traceback."""
    assert_no_traceback(proc)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    errors = [line for line in proc.stderr.splitlines() if not line.startswith("warning:")]
    assert len(errors) == 1 and errors[0].startswith("kg: error: "), proc.stderr[-2000:]


def assert_no_partial_files(out: Path) -> None:
    """No staged or temporary files left behind in an output directory."""
    if not out.exists():
        return
    leftovers = [p.name for p in out.iterdir() if p.name.startswith((".staging-", ".old-")) or p.name.endswith(".tmp")]
    assert not leftovers, leftovers


def html_payload(path: Path) -> dict[str, Any]:
    """The JSON data embedded in a `kg.html` page."""
    page = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "no embedded data in the page"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def check_outputs(out: Path, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every output of `kg build` parses; no secret appears in any file under `out`."""
    import networkx as nx
    import pyoxigraph
    import rdflib

    for name in OUTPUT_FILES:
        assert (out / name).is_file(), f"{name} missing"
    ttl = (out / "kg.ttl").read_bytes()
    g = rdflib.Graph().parse(data=ttl.decode("utf-8"), format="turtle")
    # Oxigraph's parser is strict about IRIs: every IRI must be valid
    n_ox = sum(1 for _ in pyoxigraph.parse(ttl, format=pyoxigraph.RdfFormat.TURTLE))
    assert n_ox == len(g)
    G = nx.read_graphml(out / "kg.graphml")
    nodelink = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    H = nx.node_link_graph(nodelink, edges="edges")
    assert H.number_of_nodes() == G.number_of_nodes()
    records = [json.loads(line) for line in (out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()]
    report = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert report["papers"] == len(records)
    html_payload(out / "kg.html")
    assert_no_partial_files(out)
    if secrets:
        assert_no_secrets(out, secrets)
    return {"triples": len(g), "nodes": G.number_of_nodes(), "records": records, "ttl": ttl.decode("utf-8")}


def _blobs(path: Path) -> list[bytes]:
    """The bytes of `path`, plus decompressed content (gzip files, zlib blobs in SQLite)."""
    import gzip
    import sqlite3
    import zlib

    blob = path.read_bytes()
    out = [blob]
    if blob[:2] == b"\x1f\x8b":
        out.append(gzip.decompress(blob))
    if blob.startswith(b"SQLite format 3"):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    for value in row:
                        if isinstance(value, bytes):
                            out.append(value)
                            with contextlib.suppress(zlib.error):
                                out.append(zlib.decompress(value))
                        elif isinstance(value, str):
                            out.append(value.encode("utf-8", "replace"))
        finally:
            db.close()
    return out


def assert_no_secrets(out: Path, secrets: tuple[str, ...]) -> None:
    """No secret in any file under `out`, the cache included (decompressed)."""
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        for blob in _blobs(path):
            for secret in secrets:
                assert secret.encode() not in blob, f"{secret!r} in {path}"
