"""Load a built graph back: ``load_graph(path)`` returns the `kg build` MultiDiGraph.

`path` is a build directory (``kg.graphml`` is read when present, else ``graph.json``),
a ``.graphml`` file or a node-link ``.json`` file. What comes back equals the graph
`kg build` made, in the precise sense of :func:`graphs_equal`: the same nodes, edges
(with their keys) and graph attributes, every attribute with the same value and type,
except that sets come back as sorted lists and tuples as lists (which is how the
exporters write them; :func:`kg.graph.build_graph` already stores lists).

GraphML has no list type, so the exporter stores list attributes as JSON strings; the
loader decodes exactly the list attributes of the graph model (:data:`LIST_ATTRIBUTES`),
never a title or abstract that happens to look like JSON.

>>> import tempfile, pathlib
>>> from kg.samples import example_graph
>>> from kg.export import export
>>> G = example_graph()
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> export(G, "graphml", d / "kg.graphml")
>>> H = load_graph(d)
>>> graphs_equal(G, H), H.nodes["paper:p1"]["authors"]
(True, ['A. Author', 'B. Author'])
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError

__all__ = ["GRAPH_FILES", "LIST_ATTRIBUTES", "graphs_equal", "load_graph", "normalize_value"]

#: Attributes that are lists in the graph model (nodes and graph); GraphML stores them as JSON.
LIST_ATTRIBUTES = frozenset({"authors", "categories", "sources", "aliases"})
#: Files of a build directory that `load_graph` reads, in order of preference.
GRAPH_FILES = ("kg.graphml", "graph.json")
_GRAPHML_DEFAULTS = ("node_default", "edge_default")


def normalize_value(value: Any) -> Any:
    """The form an attribute value takes after an export round trip: sets → sorted lists, tuples → lists.

    >>> normalize_value({"b", "a"}), normalize_value(("x",)), normalize_value(3)
    (['a', 'b'], ['x'], 3)
    """
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _norm(data: dict[str, Any]) -> dict[str, Any]:
    return {k: normalize_value(v) for k, v in data.items()}


def graphs_equal(G: nx.Graph, H: nx.Graph, ignore_edge_attributes: tuple[str, ...] = ()) -> bool:
    """True when `G` and `H` have the same nodes, edges (with keys) and attributes.

    Precisely: same graph class (directed, multigraph); equal graph attributes; the same
    node set with equal attribute dicts; the same set of ``(u, v, key)`` edges with equal
    attribute dicts. Values are compared after :func:`normalize_value` (so a set equals
    its sorted list) and with their types (``1`` equals ``1.0`` as in Python, but ``"1"``
    does not). Node order is not compared. `ignore_edge_attributes` names edge
    attributes left out of the comparison.
    """
    if G.is_directed() != H.is_directed() or G.is_multigraph() != H.is_multigraph():
        return False
    if _norm(G.graph) != _norm(H.graph):
        return False
    if set(G.nodes) != set(H.nodes):
        return False
    for n, data in G.nodes(data=True):
        if _norm(data) != _norm(H.nodes[n]):
            return False

    def edges(X: nx.Graph) -> dict[tuple[Any, ...], dict[str, Any]]:
        items = X.edges(keys=True, data=True) if X.is_multigraph() else X.edges(data=True)
        out = {}
        for *ends, data in items:
            out[tuple(ends)] = {k: v for k, v in _norm(data).items() if k not in ignore_edge_attributes}
        return out

    return edges(G) == edges(H)


def _decode_lists(data: dict[str, Any]) -> None:
    for key in LIST_ATTRIBUTES & data.keys():
        value = data[key]
        if isinstance(value, str) and value.startswith("["):
            try:
                decoded = json.loads(value)
            except json.JSONDecodeError:
                continue
            if isinstance(decoded, list):
                data[key] = decoded


def _read_graphml(path: Path) -> nx.MultiDiGraph:
    try:
        H = nx.read_graphml(path, force_multigraph=True, edge_key_type=str)
    except Exception as exc:  # lxml/ElementTree raise many kinds
        raise KGError(f"{path}: not a readable GraphML file ({exc}); rebuild it with kg build") from None
    G = nx.MultiDiGraph(H) if not H.is_directed() else H
    for name in _GRAPHML_DEFAULTS:
        if not G.graph.get(name):
            G.graph.pop(name, None)
    _decode_lists(G.graph)
    for _, data in G.nodes(data=True):
        _decode_lists(data)
    return G  # type: ignore[no-any-return]


def _read_node_link(path: Path) -> nx.MultiDiGraph:
    try:
        with Path(path).open(encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KGError(f"{path}: not a readable node-link JSON file ({exc}); rebuild it with kg build") from None
    if not isinstance(data, dict) or "nodes" not in data:
        raise KGError(f"{path}: not node-link JSON (no 'nodes' key); pass graph.json from kg build")
    link_key = "edges" if "edges" in data else "links"
    data = {**data, "directed": True, "multigraph": True}
    G = nx.node_link_graph(data, directed=True, multigraph=True, edges=link_key)
    _decode_lists(G.graph)
    for _, node_data in G.nodes(data=True):
        _decode_lists(node_data)
    return G  # type: ignore[no-any-return]


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Load the graph of a `kg build` output directory, a ``.graphml``, a node-link ``.json``
    or an ``extractions.jsonl`` file (rebuilt from the records).

    From a directory, ``kg.graphml`` is preferred (``graph.json`` is the fallback).
    """
    p = Path(path)
    if p.is_dir():
        for name in GRAPH_FILES:
            if (p / name).is_file():
                return load_graph(p / name)
        raise KGError(
            f"{p}: no {' or '.join(GRAPH_FILES)} in this directory; "
            "pass the output directory of kg build (kg build INPUT -o DIR)"
        )
    if not p.exists():
        raise KGError(f"{p}: no such file or directory; pass a kg build output directory")
    suffix = p.suffix.lower()
    if suffix in (".graphml", ".xml"):
        return _read_graphml(p)
    if suffix == ".json":
        return _read_node_link(p)
    if suffix == ".jsonl":
        return _rebuild_from_records(p)
    raise KGError(
        f"{p}: unknown graph format {suffix or '(none)'}; pass a build directory, .graphml, .json "
        "or extractions.jsonl"
    )


def _rebuild_from_records(path: Path) -> nx.MultiDiGraph:
    """The graph of an ``extractions.jsonl`` (the records `kg build` wrote), rebuilt."""
    from kg.graph import build_graph
    from kg.records import Extraction

    try:
        with Path(path).open(encoding="utf-8") as fh:
            return build_graph(Extraction.from_dict(json.loads(line)) for line in fh if line.strip())
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise KGError(f"{path}: not a readable extractions file ({exc}); rebuild it with kg build") from None
