"""GraphML export: list attributes become JSON strings (GraphML has no list type)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.atomic import atomic_path
from kg.export.blocks import BlockFile, BlockIndex, Previous, star_blocks

if TYPE_CHECKING:
    from kg.details import DetailTable

__all__ = ["write_graphml"]


def _flat(value: object) -> object:
    if isinstance(value, (list, tuple, set, dict)):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False)
    if value is None:
        return ""
    return value


class _Flat:
    """What networkx's GraphML writer reads of a graph (its attribute dict, its node and edge
    iterators), every list, set, dict or None value in flat form, each paper's details from
    a `DetailTable` when given. Copies one item at a time: a flattened copy of a 100k-paper
    graph took 1 GB."""

    def __init__(self, G: Any, details: DetailTable | None) -> None:
        self.G, self.details = G, details
        self.graph = _flattened(G.graph)

    def is_directed(self) -> bool:
        return bool(self.G.is_directed())

    def is_multigraph(self) -> bool:
        return bool(self.G.is_multigraph())

    def nodes(self, data: bool = True) -> Iterator[tuple[Any, dict[str, Any]]]:
        return _flat_nodes(self.G.nodes(data=True), self.details)

    def edges(self, keys: bool = True, data: bool = True) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
        return _flat_edges(self.G.edges(keys=True, data=True), self.details)


def _flat_nodes(nodes: Iterable[tuple[Any, dict[str, Any]]], details: DetailTable | None) -> Iterator[Any]:
    """(node, flat attributes), each paper's details from `details` when given."""
    for node, attrs in nodes:
        yield node, _flattened(attrs if details is None else details.paper(node, attrs))


def _flat_edges(edges: Iterable[tuple[Any, Any, Any, dict[str, Any]]], details: DetailTable | None) -> Iterator[Any]:
    """(source, target, key, flat attributes), each link's evidence from `details` when given."""
    for u, v, key, attrs in edges:
        yield u, v, key, _flattened(attrs if details is None else details.link(u, attrs))


def _flattened(attrs: dict[str, Any]) -> dict[str, Any]:
    """`attrs` with flat values (itself when they all are)."""
    if all(v is not None and not isinstance(v, (list, tuple, set, dict)) for v in attrs.values()):
        return attrs
    return {k: _flat(v) for k, v in attrs.items()}


def write_graphml(
    G: Any, path: Path, details: DetailTable | None = None, *, blocks: Path | None = None,
    previous: Previous | None = None,
) -> None:
    """Write `G` as GraphML (lists and sets stored as JSON strings), with the paper details of
    `details` when given (`kg.details`).

    For a graph read star by star, `blocks` names where to keep where each star's elements
    went (`kg.export.blocks`), and the stars `previous` did not see change are copied from
    its file, unless the data keys changed (a new attribute, or a new type of one)."""
    if blocks is not None and star_blocks(G):
        _Blocks(G, details).write(path, blocks, previous)
        return
    with atomic_path(path) as tmp:
        # lxml writes incrementally: ~10x less memory than the ElementTree writer
        nx.write_graphml_lxml(_Flat(G, details), tmp, encoding="utf-8", prettyprint=True)


Key = tuple[str, str, str]  # the data keys' (attribute name, GraphML type, "node" or "edge")


class _Blocks:
    """GraphML written one star at a time, the bytes networkx's lxml writer gives: the data
    keys of the whole graph first (`kg.export.blocks.BlockIndex.extra` keeps each star's, in
    order, so that a build that renders few stars knows them all), then the nodes, the edges."""

    def __init__(self, G: Any, details: DetailTable | None) -> None:
        from networkx.readwrite.graphml import GraphML

        self.G, self.details = G, details
        types = GraphML()
        types.construct_types()
        self._type = types.get_xml_type
        self._tuples: dict[tuple[Key, ...], tuple[Key, ...]] = {}

    def _keys(self, scope: str, items: Iterable[dict[str, Any]]) -> tuple[Key, ...]:
        """The data keys of `items`, in the order they first appear (one tuple per distinct order)."""
        found = tuple(dict.fromkeys((str(k), self._type(type(v)), scope) for d in items for k, v in d.items()))
        return self._tuples.setdefault(found, found)

    def _star_keys(self, pid: str) -> tuple[tuple[Key, ...], tuple[Key, ...]]:
        nodes, edges = self.G.star(pid)
        return (self._keys("node", (d for _, d in _flat_nodes(nodes.items(), self.details))),
                self._keys("edge", (d for *_, d in _flat_edges(edges, self.details))))

    def write(self, path: Path, blocks: Path, previous: Previous | None) -> None:
        graph = {k: _flat(v) for k, v in self.G.graph.items() if k not in ("node_default", "edge_default")}
        keys: dict[str, tuple[tuple[Key, ...], tuple[Key, ...]]] = {}
        earlier = previous.index.extra if previous is not None and isinstance(previous.index.extra, dict) else {}
        changed = previous.changed if previous is not None else set()
        for pid in self.G.papers():
            kept = earlier.get(pid) if pid not in changed else None
            if kept is None:
                keys[pid] = self._star_keys(pid)
            else:
                keys[pid] = self._tuples.setdefault(kept[0], kept[0]), self._tuples.setdefault(kept[1], kept[1])
        ids: dict[Key, str] = {}
        for key in (*((str(k), self._type(type(v)), "graph") for k, v in graph.items()),
                    *(k for node_keys, _ in keys.values() for k in node_keys),
                    *(k for _, edge_keys in keys.values() for k in edge_keys)):
            ids.setdefault(key, f"d{len(ids)}")
        if previous is not None and previous.index.extra_ids != ids:
            previous = None  # other key IDs: every element changes
        index = BlockIndex(sections=2, extra=keys, extra_ids=ids)
        with atomic_path(path) as tmp, tmp.open("wb") as fh:
            out = BlockFile(fh, b"", b"", index, previous)
            out.write(_HEAD + b"".join(
                _xml(self._element("key", {"id": i, "for": k[2], "attr.name": k[0], "attr.type": k[1]}))
                for k, i in reversed(ids.items())))
            out.write(b'<graph edgedefault="directed">' + b"".join(
                _xml(self._data(ids, k, v, "graph")) for k, v in graph.items()))
            for section, render in ((0, self._render_nodes), (1, self._render_edges)):
                out.start_section(b"")
                out.stars(self.G.papers(), section, previous, partial(render, ids=ids))
            out.write(b"</graph></graphml>")
            out.close()
        index.save(blocks)

    def _render_nodes(self, pid: str, ids: dict[Key, str]) -> Iterator[bytes]:
        for node, data in _flat_nodes(self.G.star(pid)[0].items(), self.details):
            element = self._element("node", {"id": str(node)})
            element.extend(self._data(ids, k, v, "node") for k, v in data.items())
            yield _xml(element)

    def _render_edges(self, pid: str, ids: dict[Key, str]) -> Iterator[bytes]:
        for u, v, key, data in _flat_edges(self.G.star(pid)[1], self.details):
            element = self._element("edge", {"source": str(u), "target": str(v), "id": str(key)})
            element.extend(self._data(ids, k, value, "edge") for k, value in data.items())
            yield _xml(element)

    def _data(self, ids: dict[Key, str], name: Any, value: Any, scope: str) -> Any:
        element = self._element("data", {"key": ids[(str(name), self._type(type(value)), scope)]})
        element.text = str(value)
        return element

    @staticmethod
    def _element(tag: str, attrs: dict[str, str]) -> Any:
        from lxml import etree

        return etree.Element(tag, attrs)


_HEAD = (
    b"<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    b'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)


def _xml(element: Any) -> bytes:
    from lxml import etree

    return etree.tostring(element, pretty_print=True, encoding="utf-8")  # type: ignore[no-any-return]
