"""Node-link JSON export (the layout of ``networkx.node_link_data``), deterministic and UTF-8.

The file is written item by item: memory stays at one node or edge over the graph
(building ``node_link_data`` of a copy took twice the graph again, +1.6 GB at 100k papers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.atomic import atomic_path, atomic_write
from kg.export.blocks import BlockFile, BlockIndex, Previous, star_blocks

if TYPE_CHECKING:
    from kg.details import DetailTable

__all__ = ["write_node_link"]


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, set) else value


def _node(node: Any, data: dict[str, Any], details: DetailTable | None) -> dict[str, Any]:
    full = details.paper(node, data) if details is not None else data
    return {**{k: _plain(v) for k, v in full.items()}, "id": node}


def _edge(u: Any, v: Any, key: Any, data: dict[str, Any], details: DetailTable | None) -> dict[str, Any]:
    return {**(details.link(u, data) if details is not None else data), "source": u, "target": v, "key": key}


def _nodes(G: nx.MultiDiGraph, details: DetailTable | None) -> Iterator[dict[str, Any]]:
    return (_node(node, data, details) for node, data in G.nodes(data=True))


def _edges(G: nx.MultiDiGraph, details: DetailTable | None) -> Iterator[dict[str, Any]]:
    return (_edge(u, v, key, data, details) for u, v, key, data in G.edges(keys=True, data=True))


def _dump(value: Any, depth: int) -> str:
    """`value` as ``json.dumps(..., indent=1, sort_keys=True)`` would write it `depth` levels deep."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * depth)  # JSON strings hold no raw newline


def _write_list(fh: Any, items: Iterable[Any]) -> None:
    first = True
    for item in items:
        fh.write("[\n  " if first else ",\n  ")
        fh.write(_dump(item, 2))
        first = False
    fh.write("[]" if first else "\n ]")


def write_node_link(
    G: nx.MultiDiGraph, path: Path, details: DetailTable | None = None, *, blocks: Path | None = None,
    previous: Previous | None = None,
) -> None:
    """Write `G` as node-link JSON (``edges`` key, multigraph keys kept, sets as sorted lists),
    streamed: the bytes ``json.dump(nx.node_link_data(G, edges="edges"), indent=1, sort_keys=True)``
    would write (for the graph with the paper details of `details`, when given).

    For a graph read star by star, `blocks` names where to keep where each star's items went
    (`kg.export.blocks`), and the stars `previous` did not see change are copied from its file.
    """
    if blocks is not None and star_blocks(G):
        _write_blocks(G, path, details, blocks, previous)
        return
    with atomic_write(path) as fh:
        fh.write('{\n "directed": true,\n "edges": ')
        _write_list(fh, _edges(G, details))
        fh.write(',\n "graph": ' + _dump(dict(G.graph), 1) + ',\n "multigraph": true,\n "nodes": ')
        _write_list(fh, _nodes(G, details))
        fh.write("\n}\n")


def _write_blocks(G: Any, path: Path, details: DetailTable | None, blocks: Path, previous: Previous | None) -> None:
    """`write_node_link` one star at a time, the unchanged stars' items copied from `previous`."""

    def edges(pid: str) -> Iterator[bytes]:
        return (_dump(_edge(u, v, key, d, details), 2).encode() for u, v, key, d in G.star(pid)[1])

    def nodes(pid: str) -> Iterator[bytes]:
        return (_dump(_node(n, d, details), 2).encode() for n, d in G.star(pid)[0].items())

    index = BlockIndex(sections=2)
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        out = BlockFile(fh, b"\n  ", b",\n  ", index, previous)
        out.start_section(b'{\n "directed": true,\n "edges": [')
        out.stars(G.papers(), 0, previous, edges)
        out.start_section(b"]" if out.empty else b"\n ]")
        out.write(b',\n "graph": ' + _dump(dict(G.graph), 1).encode() + b',\n "multigraph": true,\n "nodes": [')
        out.stars(G.papers(), 1, previous, nodes)
        out.write(b"]\n}\n" if out.empty else b"\n ]\n}\n")
        out.close()
    index.save(blocks)
