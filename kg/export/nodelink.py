"""Node-link JSON export (the layout of ``networkx.node_link_data``), deterministic and UTF-8.

The file is written item by item: memory stays at one node or edge over the graph
(building ``node_link_data`` of a copy took twice the graph again, +1.6 GB at 100k papers).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
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


def _nodes(G: nx.MultiDiGraph, details: DetailTable | None) -> Iterator[dict[str, Any]]:
    for node, data in G.nodes(data=True):
        full = details.paper(node, data) if details is not None else data
        yield {**{k: _plain(v) for k, v in full.items()}, "id": node}


def _edges(G: nx.MultiDiGraph, details: DetailTable | None) -> Iterator[dict[str, Any]]:
    for u, v, key, data in G.edges(keys=True, data=True):
        yield {**(details.link(u, data) if details is not None else data), "source": u, "target": v, "key": key}


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
    paper = details.paper if details is not None else _as_is
    link = details.link if details is not None else _as_is
    index = BlockIndex(sections=2)
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        out = BlockFile(fh, b"\n  ", b",\n  ", index, previous)
        out.start_section(b'{\n "directed": true,\n "edges": [')
        _stars(out, G, 0, previous, lambda _, edges: (
            _dump({**link(u, d), "source": u, "target": v, "key": key}, 2).encode() for u, v, key, d in edges))
        out.start_section(b"]" if out.empty else b"\n ]")
        out.write(b',\n "graph": ' + _dump(dict(G.graph), 1).encode() + b',\n "multigraph": true,\n "nodes": [')
        _stars(out, G, 1, previous, lambda nodes, _: (
            _dump({**{k: _plain(v) for k, v in paper(n, d).items()}, "id": n}, 2).encode() for n, d in nodes.items()))
        out.write(b"]\n}\n" if out.empty else b"\n ]\n}\n")
        out.close()
    index.save(blocks)


def _stars(
    out: BlockFile, G: Any, section: int, previous: Previous | None,
    items: Callable[[dict[str, dict[str, Any]], list[Any]], Iterable[bytes]],
) -> None:
    """Each star's `items` in `section`: copied when `previous` has them unchanged, else rendered."""
    for pid in G.papers():
        block = previous.reusable(pid, section) if previous is not None else None
        if block is not None:
            out.copy_star(pid, section, block)
        else:
            nodes, edges = G.star(pid)
            out.write_star(pid, section, items(nodes, edges))


def _as_is(_: Any, data: dict[str, Any]) -> dict[str, Any]:
    return data
