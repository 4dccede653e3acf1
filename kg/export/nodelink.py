"""Node-link JSON export (``networkx.node_link_data``), deterministic and UTF-8."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.atomic import atomic_write

__all__ = ["write_node_link", "node_link"]


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, set) else value


def node_link(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Node-link dict of `G` with sets turned into sorted lists."""
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: _plain(v) for k, v in data.items()})
    for u, v, key, data in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=key, **data)
    return nx.node_link_data(H, edges="edges")


def write_node_link(G: nx.MultiDiGraph, path: Path) -> None:
    """Write `G` as node-link JSON (``edges`` key, multigraph keys kept)."""
    with atomic_write(path) as fh:
        json.dump(node_link(G), fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
