"""Static parts of the HTML browser page: template, style and application script.

They are real files next to this module (``page.html``, ``page.css``, ``page.js``),
shipped as package data and read with :mod:`importlib.resources`. The script reads the
graph from ``<script type="application/json" id="kg-data">`` and builds every element
with ``textContent`` (never ``innerHTML`` with data). Placeholders ``@@NAME@@`` in the
template are filled in one pass by :func:`kg.export.html.render_html`.

>>> TEMPLATE.startswith("<!DOCTYPE html>") and "@@APP_JS@@" in TEMPLATE
True
"""

from __future__ import annotations

from importlib import resources

__all__ = ["APP_JS", "CSS", "TEMPLATE", "read"]


def read(name: str) -> str:
    """The text of one of the page's files (``page.html``, ``page.css``, ``page.js``)."""
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


TEMPLATE = read("page.html")
CSS = read("page.css")
APP_JS = read("page.js")
