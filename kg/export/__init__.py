"""Exporters keyed by format; each is ``write(G, path, **options)`` and writes atomically.

Heavy libraries (rdflib, pyoxigraph, pyvis) are imported only when their format is used.

>>> sorted(EXPORTERS)[:3]
['csv', 'gexf', 'graphml']
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError

__all__ = ["EXPORTERS", "export"]

EXPORTERS: dict[str, str] = {
    "graphml": "kg.export.graphml:write_graphml",
    "json": "kg.export.nodelink:write_node_link",
    "ttl": "kg.export.rdf:write_turtle",
    "nt": "kg.export.rdf:write_ntriples",
    "jsonld": "kg.export.rdf:write_jsonld",
    "nq": "kg.export.rdf:write_nquads",
    "trig": "kg.export.rdf:write_trig",
    "html": "kg.export.html:write_html",
    "gexf": "kg.export.gexf:write_gexf",
    "csv": "kg.export.csv:write_csv",
}


def export(G: nx.MultiDiGraph, fmt: str, path: str | Path, **options: Any) -> Any:
    """Write `G` to `path` in format `fmt` (a key of `EXPORTERS`); what the exporter returns
    (the Turtle writer: what changed since the previous file, when it was given one)."""
    try:
        target = EXPORTERS[fmt]
    except KeyError:
        raise KGError(
            f"unknown export format {fmt!r}; choose one of: {', '.join(sorted(EXPORTERS))}"
        ) from None
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)(G, Path(path), **options)
