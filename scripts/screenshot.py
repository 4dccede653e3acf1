"""Render a build's kg.html in headless Chromium (offline) to a PNG for the docs.

    python scripts/screenshot.py [outputs/] [-o docs/screenshot.png] [--search NAME]
    python scripts/screenshot.py outputs/ --overview -o docs/html-overview.png
    python scripts/screenshot.py outputs/ --search ImageNet -o docs/html-focus.png
    python scripts/screenshot.py outputs/ --overview --state colour=community -o c.png

SOURCE is a `kg build` output directory (its kg.html is used) or an HTML file. The page
opens as a reader would open it; then:

- ``--overview``: nothing more (the overview the page opens on);
- ``--search NAME``: NAME is typed in the search box and Enter pressed (the node is
  focused: its neighbourhood stays bright, its panel opens);
- neither: the best-connected paper is focused (its panel shows its abstract with the
  mentions highlighted).

``--state`` opens the page with that view state in its address (what the page writes
after ``#``, e.g. ``colour=community&list=papers``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the Selenium helpers

import headless

from kg.atomic import atomic_write


def _wait(driver, expression: str, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not driver.execute_script(f"return !!({expression})"):
        if time.monotonic() > deadline:
            raise SystemExit(f"error: {what} not within {timeout:g} s")
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", nargs="?", default="outputs", type=Path)
    ap.add_argument("-o", "--output", default=Path("docs/screenshot.png"), type=Path)
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--search", help="type this in the search box and press Enter")
    how.add_argument("--overview", action="store_true", help="the page as it opens, nothing selected")
    ap.add_argument("--state", default="", help="view state for the address (after #)")
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
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with headless.chrome(offline=True, width=args.width, height=args.height) as driver:
        driver.get(headless.file_url(page) + ("#" + args.state.lstrip("#") if args.state else ""))
        _wait(driver, "window.__kg && window.__kg.ready", "the page did not become ready")
        if args.search:
            if not driver.execute_script("return window.__kg.search(arguments[0]).length", args.search):
                print(f"error: no node matches {args.search!r}", file=sys.stderr)
                return 1
            box = driver.find_element(By.ID, "search")
            box.send_keys(args.search, Keys.ENTER)
        elif not args.overview:
            node = driver.execute_script(
                "var best = -1; window.__kg.info.forEach(function (x, i) {"
                " if (x.t === 'Paper' && (best < 0 || x.d > window.__kg.info[best].d)) best = i; });"
                " return best;"
            )
            if node is not None and node >= 0:
                driver.execute_script("window.__kg.focus(arguments[0])", node)
        time.sleep(0.2)
        _wait(driver, "window.__kg.idle()", "the view did not settle", timeout=10)
        time.sleep(0.3)
        with atomic_write(args.output, "wb") as fh:
            fh.write(driver.get_screenshot_as_png())
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
