"""GraphML export: list attributes become JSON strings (GraphML has no list type)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.atomic import atomic_path

__all__ = ["write_graphml", "flatten_attributes"]


def _flat(value: object) -> object:
    if isinstance(value, (list, tuple, set, dict)):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False)
    if value is None:
        return ""
    return value


def flatten_attributes(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of `G` whose attribute values are all str, int, float or bool."""
    H = nx.MultiDiGraph()
    H.graph.update({k: _flat(v) for k, v in G.graph.items()})
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: _flat(v) for k, v in data.items()})
    for u, v, key, data in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=key, **{k: _flat(val) for k, val in data.items()})
    return H


def write_graphml(G: nx.MultiDiGraph, path: Path) -> None:
    """Write `G` as GraphML (lists and sets stored as JSON strings)."""
    with atomic_path(path) as tmp:
        # lxml writes incrementally: ~10x less memory than the ElementTree writer
        nx.write_graphml_lxml(flatten_attributes(G), tmp, encoding="utf-8", prettyprint=True)
