"""Shared fixtures and helpers: a pipeline over a tiny gazetteer (fast, no model), paths,
running the `kg` command in-process, writing an input file, serving a graph on a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kg.nlp.pipeline import build_pipeline

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def tiny_nlp():
    """Rules + tiny gazetteer, no statistical model: fast and predictable."""
    return build_pipeline(use_model=False, gazetteer_path=FIXTURES / "gazetteer")


@pytest.fixture(scope="session")
def seeds_outputs(tmp_path_factory):
    """`kg build seeds/` once per session (about 10 s): its output directory; do not modify it."""
    from kg.build import build

    out = tmp_path_factory.mktemp("seeds-outputs")
    build([ROOT / "seeds"], out, show_progress=False)
    return out


def run_kg(monkeypatch, capsys, *args):
    """Run ``kg ARGS...`` in this process: (exit code, stdout, stderr)."""
    from kg.cli import main

    monkeypatch.setattr(sys, "argv", ["kg", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    return info.value.code, out, err


def write_file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """`content` written to ``tmp_path/name`` (bytes as they are, text as UTF-8)."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_kg(graph: Path, *options: str) -> tuple[subprocess.Popen[str], str]:
    """`kg serve GRAPH --quiet OPTIONS` on a free port, once it listens: (process, base URL)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(graph), "--port", str(port), "--quiet", *options],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = proc.stdout.readline() if proc.stdout else ""
    assert "SPARQL endpoint" in line, proc.stderr.read() if proc.stderr else ""
    return proc, f"http://127.0.0.1:{port}"
