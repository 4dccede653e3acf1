"""The query page `kg serve` answers at ``GET /``: an editor prefilled with the query pack
(``kg/data/queries/*.rq``), a Run button, a results table and CSV/JSON downloads.

The page is one offline HTML document: its style and script (``page.css``, ``page.js``,
shipped next to ``index.html`` as package data) are inlined, the examples travel as JSON in a
``<script type="application/json">`` block, and a Content-Security-Policy lets only that
script and style run and only the page's own origin be fetched (``connect-src 'self'``). The
script calls the same ``/sparql`` endpoint any other client uses.

>>> html, csp = render_page()
>>> "08-best-result-per-dataset-metric" in html, "connect-src 'self'" in csp
(True, True)
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from importlib import resources

from kg.namespace import DEFAULT_BASE, PREFIXES

__all__ = ["example_queries", "render_page"]

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _read(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def example_queries() -> list[dict[str, str]]:
    """The packaged query pack: ``name`` (file stem), ``title`` (the first comment line up to
    its colon), ``about`` (the leading comment) and ``text`` of each ``.rq`` file, in order."""
    folder = resources.files("kg").joinpath("data", "queries")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        comment = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comment.append(line.lstrip("#").strip())
        about = " ".join(comment)
        title = re.split(r"[:.]\s", about + " ", maxsplit=1)[0].strip() or entry.name[:-3]
        out.append({"name": entry.name[:-3], "title": title, "about": about, "text": text})
    return out


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@functools.lru_cache(maxsize=8)
def render_page(base: str = DEFAULT_BASE, endpoint: str = "sparql") -> tuple[str, str]:
    """The page as HTML text and its Content-Security-Policy (also sent as a header)."""
    css, js = _read("page.css"), _read("page.js")
    data = json.dumps({"endpoint": endpoint, "prefixes": {**PREFIXES, "res": base},
                       "queries": example_queries()}, ensure_ascii=False, separators=(",", ":"))
    csp = ("default-src 'none'; "
           f"script-src {_hash(js)}; style-src {_hash(css)}; "
           "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'")
    values = {"CSP": csp, "CSS": css, "JS": js, "DATA": data.translate(_JSON_ESCAPES)}
    # one pass over the template: inserted text is never scanned for placeholders
    html = re.sub(r"@@([A-Z]+)@@", lambda m: values[m.group(1)], _read("index.html"))
    return html, csp + "; frame-ancestors 'none'"  # frame-ancestors works only as a header
