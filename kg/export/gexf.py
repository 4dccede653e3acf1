"""GEXF export for Gephi: lists as JSON strings, edge type as the GEXF edge label.

GEXF reserves some attribute names, so three are renamed on export: an edge's
``type`` (our predicate, e.g. ``uses``) becomes its GEXF ``label`` and a ``predicate``
attribute (GEXF's own edge ``type`` means directed/undirected), and the evidence
offsets ``start``/``end`` become ``span_start``/``span_end`` (GEXF reads
``start``/``end`` as time intervals). Nodes keep ``label`` (shown by Gephi) and ``type``.

>>> import tempfile, pathlib, networkx as nx
>>> from kg.samples import example_graph
>>> path = pathlib.Path(tempfile.mkdtemp()) / "kg.gexf"
>>> write_gexf(example_graph(), path)
>>> H = nx.read_gexf(path)
>>> H.nodes["method:gnn"]["type"], sorted({d["label"] for *_, d in H.edges(data=True)})[:2]
('Method', ['addresses', 'evaluatedOn'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from kg.atomic import atomic_path
from kg.export.graphml import _flat

__all__ = ["gexf_graph", "write_gexf"]

_EDGE_RENAMES = {"start": "span_start", "end": "span_end"}


def gexf_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of `G` whose attributes GEXF can store without changing their meaning."""
    H = nx.MultiDiGraph()
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: _flat(v) for k, v in data.items()})
    for u, v, key, data in G.edges(keys=True, data=True):
        attrs: dict[str, Any] = {}
        for k, val in data.items():
            if k == "type":
                attrs["label"] = attrs["predicate"] = str(val)
            else:
                attrs[_EDGE_RENAMES.get(k, k)] = _flat(val)
        attrs.setdefault("label", str(key))
        H.add_edge(u, v, key=key, **attrs)
    return H


def write_gexf(G: nx.MultiDiGraph, path: Path) -> None:
    """Write `G` as GEXF 1.2 (open it in Gephi: File > Open)."""
    with atomic_path(path) as tmp:
        nx.write_gexf(gexf_graph(G), tmp, encoding="utf-8", prettyprint=True)
