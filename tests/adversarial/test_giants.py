"""Giant inputs through `kg build` (a subprocess, measured): every form text enters by --
gzip JSONL and listings, a JSON document, JSONL, a listing, CSV, stdin -- with one field,
line or document of 400 MB (generated a megabyte at a time into the test's folder and
deleted after). Each is handled in under a minute with under 1.5 GB for the whole process
tree and under 50 MB of outputs: the giant record skipped with one warning naming the
file, the line and the limit, or the whole file refused in one line with the previous
outputs left as they were.

The 400 MB cases are marked slow; the same cases at 3 MB with limits lowered to match run
by default.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import KG, ROOT, assert_no_partial_files, assert_refused, check_outputs, kg_env
from make_giants import GIANTS, GOOD_TITLE, MB, Giant, write_giant
from measure import Measured, run_measured

SECONDS = 60
PEAK = 1.5 * 2**30
OUTPUTS = 50 * 2**20
PREVIOUS = ("kg.ttl", "kg.html", "kg.graphml", "graph.json", "extractions.jsonl", "build.json")
# the small cases: 3 MB past limits lowered to 1 MB (the expansion ratio is only checked past
# 64 MiB: those cases expand to 80 MB, which takes a second)
SMALL_LIMITS = "line=1M,record=1M"


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of an earlier build, which a refused input must leave as they are."""
    root = tmp_path_factory.mktemp("previous")
    src = root / "earlier.jsonl"
    src.write_text(json.dumps({"id": "earlier", "title": "BERT on SQuAD", "abstract": "We use BERT on SQuAD."}) + "\n")
    out = root / "out"
    proc = run_measured([*KG, "build", str(src), "-o", str(out), "--no-cache"], timeout=300, cwd=ROOT, env=kg_env())
    assert proc.returncode == 0, proc.stderr
    return out


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _limits_args(giant: Giant, small: bool) -> list[str]:
    """The case's own ``--limits`` (``expanded=100M`` -> 2M in a small run) and, in a small
    run, the lowered line and record limits."""
    given = dict(zip(giant.args[::2], giant.args[1::2], strict=True)).get("--limits", "")
    if small:
        given = ",".join(x for x in (given.replace("expanded=100M", "expanded=2M"), SMALL_LIMITS) if x)
    return ["--limits", given] if given else []


def small_size(giant: Giant) -> int:
    return 80 * MB if giant.key == "ratio" else 3 * MB


@dataclass
class Run:
    """One giant input built: the measured run, the input's name and the outputs then and now."""

    giant: Giant
    measured: Measured
    name: str
    out: Path
    before: dict[str, bytes]

    @property
    def figures(self) -> dict[str, object]:
        m = self.measured
        return {"case": self.giant.name, "exit": m.returncode, "seconds": round(m.seconds, 1),
                "peak_mb": round(m.peak_rss / 2**20), "outputs_mb": round(_size(self.out) / 2**20, 2)}


def run_giant(giant: Giant, folder: Path, previous: Path, size: int, small: bool) -> Run:
    """Build `giant` (written into `folder`, deleted after) into a copy of the `previous` outputs."""
    path = write_giant(giant, folder / "in", size)
    out = folder / "out"
    shutil.copytree(previous, out)
    before = {name: (out / name).read_bytes() for name in PREVIOUS}
    args = [*KG, "build", "-" if giant.stdin else str(path), "-o", str(out), "--no-cache", *_limits_args(giant, small)]
    if small:
        args.append("--no-model")  # the model is not what they test; the 400 MB runs load it
    try:
        if giant.stdin:
            with Path(path).open("rb") as stdin:
                m = run_measured(args, timeout=SECONDS * 2, stdin=stdin, cwd=ROOT, env=kg_env())
        else:
            m = run_measured(args, timeout=SECONDS * 2, cwd=ROOT, env=kg_env())
    finally:
        path.unlink()
    return Run(giant, m, "<stdin>" if giant.stdin else str(path), out, before)


def check(run: Run) -> None:
    """Bounded time, memory and outputs; one warning naming file, line and limit (the good
    record built), or one error line (the previous outputs unchanged)."""
    m, giant, out, figures = run.measured, run.giant, run.out, run.figures
    assert not m.timed_out, figures
    assert m.seconds < SECONDS, figures
    assert m.peak_rss < PEAK, figures
    assert _size(out) < OUTPUTS, figures
    warnings = [line for line in m.stderr.splitlines() if line.startswith("warning:")]
    if giant.expect == "ok":
        assert m.returncode == 0, m.stderr[-2000:]
        assert len(warnings) == 1, m.stderr
        assert warnings[0].startswith(f"warning: {run.name}:") and f"--limits {giant.key}=" in warnings[0], warnings
        result = check_outputs(out)
        assert [r["title"] for r in result["records"]] == [GOOD_TITLE]
        report = json.loads((out / "build.json").read_text())
        assert report["records_skipped"] == 1 and report["limits_hit"] == {giant.key: 1}, report
    else:
        assert_refused(m)  # type: ignore[arg-type]
        assert f"--limits {giant.key}=" in m.stderr, m.stderr
        assert {name: (out / name).read_bytes() for name in PREVIOUS} == run.before
        assert_no_partial_files(out)


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory: pytest.TempPathFactory, previous: Path) -> dict[str, Run]:
    """Every case at 3 MB (80 MB for the ratio ones), two at a time."""
    root = tmp_path_factory.mktemp("giants")

    def one(giant: Giant) -> tuple[str, Run]:
        return giant.name, run_giant(giant, root / giant.name, previous, small_size(giant), small=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, GIANTS))


@pytest.mark.parametrize("giant", GIANTS, ids=[g.name for g in GIANTS])
def test_small_giant(giant: Giant, small_runs: dict[str, Run]) -> None:
    check(small_runs[giant.name])


@pytest.mark.slow
@pytest.mark.parametrize("giant", GIANTS, ids=[g.name for g in GIANTS])
def test_giant(giant: Giant, tmp_path: Path, previous: Path) -> None:
    run = run_giant(giant, tmp_path, previous, 400 * MB, small=False)
    print(json.dumps(run.figures))
    check(run)
