"""Run a command and measure it: wall time, peak memory of its whole process tree (sampled
every 20 ms), exit code and output. Linux (/proc), psutil when installed.

    python tests/adversarial/measure.py -- kg build big.jsonl.gz -o /tmp/out
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["Measured", "children_by_parent", "run_measured", "tree_rss"]

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int  # bytes, the largest sum over the process tree seen
    timed_out: bool


def children_by_parent() -> dict[int, list[int]]:
    """Process IDs by parent ID, read from /proc (a process that ends meanwhile is left out)."""
    kids: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(proc.name))
    return kids


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants."""
    try:
        import psutil

        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total
    except ImportError:
        pass
    kids = children_by_parent()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, ()))
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * _PAGE
    return total


def run_measured(
    cmd: list[str], *, timeout: float, stdin: IO[bytes] | None = None, **kwargs: Any
) -> Measured:
    """Run `cmd` in a process group of its own; kill the group after `timeout` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=err, stdin=stdin if stdin is not None else subprocess.DEVNULL,
            start_new_session=True, **kwargs,
        )
        peak, timed_out = 0, False
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            if time.perf_counter() - started > timeout:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return Measured(
            proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
            seconds, peak, timed_out,
        )


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    m = run_measured(argv, timeout=3600)
    sys.stdout.write(m.stdout)
    sys.stderr.write(m.stderr)
    print(json.dumps({"returncode": m.returncode, "seconds": round(m.seconds, 2),
                      "peak_rss_mb": round(m.peak_rss / 2**20, 1)}), file=sys.stderr)
    return m.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
