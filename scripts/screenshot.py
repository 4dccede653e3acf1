"""Render a build's kg.html in headless Chromium (offline) to a PNG for the README.

    python scripts/screenshot.py [outputs/] [-o docs/screenshot.png] [--search NAME]

SOURCE is a `kg build` output directory (its kg.html is used) or an HTML file. With
--search, the page's search box is used to select that node so the side panel shows;
by default the best-connected paper is selected.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the Selenium helpers

import headless  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", nargs="?", default="outputs", type=Path)
    ap.add_argument("-o", "--output", default=Path("docs/screenshot.png"), type=Path)
    ap.add_argument("--search", help="select the node this search finds (name or alias)")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=860)
    args = ap.parse_args(argv)
    page = args.source / "kg.html" if args.source.is_dir() else args.source
    if not page.is_file():
        print(f"error: {page} not found; run `kg build seeds/ -o outputs/` first", file=sys.stderr)
        return 1
    reason = headless.missing()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 1
    with headless.chrome(offline=True, width=args.width, height=args.height) as driver:
        driver.get(headless.file_url(page))
        deadline = time.monotonic() + 60
        while not driver.execute_script("return !!(window.__kg && window.__kg.ready)"):
            if time.monotonic() > deadline:
                print("error: the page did not become ready in 60 s", file=sys.stderr)
                return 2
            time.sleep(0.1)
        if args.search:
            found = driver.execute_script("return window.__kg.search(arguments[0])", args.search)
            if not found:
                print(f"error: no node matches {args.search!r}", file=sys.stderr)
                return 1
            node = found[0]["node"]
        else:
            node = driver.execute_script(
                "var best = -1; window.__kg.info.forEach(function (x, i) {"
                " if (x.t === 'Paper' && (best < 0 || x.d > window.__kg.info[best].d)) best = i; });"
                " return best;"
            )
        if node is not None and node >= 0:
            driver.execute_script("window.__kg.select(arguments[0])", node)
            time.sleep(0.3)
            driver.execute_script("window.__kg.network.fit({animation: false})")
            time.sleep(0.5)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(args.output))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
