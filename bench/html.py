"""Benchmark of the HTML browser against a default pyvis page, in headless Chromium.

For synthetic paper graphs of 1k, 5k and 20k nodes (``kg.samples.synthetic_graph``)
it measures, for kg's page (``write_html``, default ``max_nodes=5000``) and for a
default pyvis page (``Network(cdn_resources="in_line").write_html`` with default
physics): the time to write the file in Python, the file size, and the time from
navigation start until the network is interactive, in headless Chromium with the
network switched off:

- kg: ``window.__kg.readyAt`` (the drawing after the fit that follows the first one);
- pyvis: the first drawing after ``stabilizationIterationsDone`` (a listener is added
  to a copy of pyvis's page right after its ``drawGraph()`` call); the wait is capped
  at ``--cap`` seconds and reported as "> cap".

Run:  python bench/html.py [--sizes 1000 5000 20000] [--cap 60] [--json out.json]
"""

from __future__ import annotations

import sys
from pathlib import Path

# this file is named html.py: keep its folder off sys.path so `import html` is the stdlib's
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))
sys.path.insert(0, str(_HERE.parent / "tests"))  # the Selenium helpers

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import headless  # noqa: E402
import networkx as nx  # noqa: E402

from kg.export.html import write_html  # noqa: E402
from kg.samples import synthetic_graph  # noqa: E402

_PROBE = (
    "\nnetwork.once('stabilizationIterationsDone', function () {"
    " network.once('afterDrawing', function () {"
    " console.info('KGBENCH ready ' + performance.now()); });"
    " network.redraw(); });\n"
)


def pyvis_page(G, path: Path) -> None:
    """What a user gets from pyvis with its defaults (in-line resources)."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for n, d in G.nodes(data=True):
        net.add_node(n, label=str(d.get("label", n))[:60], group=d.get("type", ""))
    for u, v, d in G.edges(data=True):
        net.add_edge(u, v, title=d.get("type", ""))
    net.write_html(str(path))
    text = path.read_text(encoding="utf-8")
    at = text.rindex("drawGraph();")
    path.write_text(text[: at + len("drawGraph();")] + _PROBE + text[at + len("drawGraph();") :],
                    encoding="utf-8")


def _measure(path: Path, flag: str | None, cap: float) -> dict:
    """Runs in a child process: see `load`."""
    from selenium.common.exceptions import WebDriverException

    value: float | None = None
    errors: list = []
    external: list = []
    with headless.chrome(offline=True, page_load_strategy="none") as driver:
        driver.set_script_timeout(2)
        driver.get_log("performance")
        start = time.monotonic()
        driver.get(headless.file_url(path))
        while value is None and time.monotonic() - start < cap:
            time.sleep(0.1)
            try:
                if flag:
                    got = driver.execute_script(f"return ({flag}) || null")
                    value = float(got) if got is not None else None
                for entry in driver.get_log("browser"):
                    msg = entry.get("message", "")
                    if entry.get("level") == "SEVERE":
                        errors.append(msg)
                    if "KGBENCH ready " in msg:
                        value = float(msg.rsplit("KGBENCH ready ", 1)[1].strip().strip('"'))
            except Exception:  # the page's main thread is busy
                continue
        with contextlib.suppress(WebDriverException):
            external = [u for u in headless.page_requests(driver)
                        if not u.startswith(("file:", "chrome:", "about:", "data:"))]
    return {"ms": value, "external": len(external), "errors": len(errors)}


def load(path: Path, flag: str | None, cap: float) -> tuple[float | None, int | None, int | None]:
    """ms from navigation start until the page is interactive (None past `cap` s),
    the number of requests that were not for local files, and console errors.

    Each page gets a fresh browser in its own process group, killed if it outlives
    `cap` (a page whose main thread is blocked can hang WebDriver commands). The page
    reports readiness through the JS expression `flag` or (pyvis, whose stabilization
    blocks the main thread) a ``KGBENCH ready <ms>`` console message.
    """
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--_measure", str(path), flag or "",
         str(cap)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True, text=True,
    )
    try:
        out, _ = proc.communicate(timeout=cap + 45)
        res = json.loads(out.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return None, None, None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # leftover browser processes of this page
    value = res["ms"]
    if value is not None and value > cap * 1000:
        value = None
    return value, res["external"], res["errors"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_measure"]:
        print(json.dumps(_measure(Path(argv[1]), argv[2] or None, float(argv[3]))), flush=True)
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--cap", type=float, default=60.0, help="seconds to wait for a page")
    ap.add_argument("--no-pyvis", action="store_true", help="skip the pyvis baseline")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    reason = headless.missing()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 1
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-html-"))
    write_html(nx.MultiDiGraph(), tmp / "empty.html")
    fixed = (tmp / "empty.html").stat().st_size  # vis-network, style and script
    for size in args.sizes:
        G = synthetic_graph(size)
        n = G.number_of_nodes()
        t0 = time.perf_counter()
        ours = tmp / f"kg-{size}.html"
        summary = write_html(G, ours)
        write_s = time.perf_counter() - t0
        ready, ext, errors = load(ours, "window.__kg && window.__kg.readyAt", args.cap)
        rows.append({
            "page": "kg", "nodes": n, "edges": G.number_of_edges(),
            "shown_nodes": summary["shownNodes"], "write_s": round(write_s, 2),
            "bytes": ours.stat().st_size, "bytes_per_node": round(ours.stat().st_size / n),
            "data_bytes_per_node": round((ours.stat().st_size - fixed) / n),
            "interactive_ms": None if ready is None else round(ready),
            "external_requests": ext, "console_errors": errors,
        })
        print(json.dumps(rows[-1]), flush=True)
        if args.no_pyvis:
            continue
        t0 = time.perf_counter()
        base = tmp / f"pyvis-{size}.html"
        pyvis_page(G, base)
        write_s = time.perf_counter() - t0
        ready, ext, errors = load(base, None, args.cap)
        rows.append({
            "page": "pyvis default", "nodes": n, "edges": G.number_of_edges(),
            "shown_nodes": n, "write_s": round(write_s, 2),
            "bytes": base.stat().st_size, "bytes_per_node": round(base.stat().st_size / n),
            "data_bytes_per_node": None,
            "interactive_ms": None if ready is None else round(ready),
            "external_requests": ext, "console_errors": errors,
        })
        print(json.dumps(rows[-1]), flush=True)
    print()
    print(f"kg's fixed part (vis-network, style, script): {fixed / 1e6:.2f} MB")
    print("| page | input nodes | shown | write (s) | file size | bytes/node (data only) | "
          "interactive | external requests |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = f"> {args.cap:g} s" if r["interactive_ms"] is None else f"{r['interactive_ms'] / 1000:.2f} s"
        print(f"| {r['page']} | {r['nodes']:,} | {r['shown_nodes']:,} | {r['write_s']} | "
              f"{r['bytes'] / 1e6:.1f} MB | {r['bytes_per_node']:,}"
              + (f" ({r['data_bytes_per_node']:,})" if r["data_bytes_per_node"] else "")
              + f" | {t} | {'?' if r['external_requests'] is None else r['external_requests']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
