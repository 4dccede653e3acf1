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

Both files are read as a stream (GraphML element by element with ``lxml.etree.iterparse``,
node-link JSON item by item with `kg.ingest.jsonarray`), so a projection takes memory
for what it keeps, not for the file: ``types`` keeps the nodes of those types,
``min_support`` the entities (Method, Dataset, Metric, Task, Repository) that at least
that many distinct papers link to, and either keeps the edges among the kept nodes. A
projection reads the file twice (the nodes to keep and the papers per entity, then the
graph); graph.json, whose edges come before its nodes, three times for ``min_support``.

>>> import tempfile, pathlib
>>> from kg.samples import example_graph
>>> from kg.export import export
>>> G = example_graph()
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> export(G, "graphml", d / "kg.graphml")
>>> H = load_graph(d)
>>> graphs_equal(G, H), H.nodes["paper:p1"]["authors"]
(True, ['A. Author', 'B. Author'])
>>> P = load_graph(d, types="Paper,Dataset", min_support=3)  # CIFAR-10: 4 papers, the others 2
>>> [n for n in P if not n.startswith("paper:")], P.number_of_edges()
(['dataset:cifar10'], 4)
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError, KGError
from kg.model import NAMED_TYPES, NODE_TYPES

__all__ = ["GRAPH_FILES", "LIST_ATTRIBUTES", "graphs_equal", "load_graph", "normalize_value"]

#: Attributes that are lists in the graph model (nodes and graph); GraphML stores them as JSON.
LIST_ATTRIBUTES = frozenset({"authors", "categories", "sources", "aliases"})
#: Files of a build directory that `load_graph` reads, in order of preference.
GRAPH_FILES = ("kg.graphml", "graph.json")
_GRAPHML_DEFAULTS = ("node_default", "edge_default")
_NS = "{http://graphml.graphdrawing.org/xmlns}"
_KEY, _NODE, _EDGE, _GRAPH, _DATA, _DEFAULT = (_NS + t for t in ("key", "node", "edge", "graph", "data", "default"))
#: GraphML ``attr.type`` values and the Python types networkx reads them as.
_GRAPHML_TYPES: dict[str, Callable[[str], Any]] = {
    "integer": int, "int": int, "long": int, "float": float, "double": float, "boolean": bool, "string": str,
    "yfiles": str,
}
_BOOLEANS = {"true": True, "false": False, "0": False, "1": True}

#: What the streaming readers yield, in file order: ("graph", (), attributes),
#: ("node", (id,), attributes) and ("edge", (source, target, key), attributes).
Item = tuple[str, tuple[Any, ...], dict[str, Any]]
#: A reader of a file's items; called with False, it may leave out edge keys and attributes.
Items = Callable[[bool], Iterator[Item]]

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


def _decode_lists(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with its list attributes (stored as JSON strings) decoded, in place."""
    for key in LIST_ATTRIBUTES & data.keys():
        value = data[key]
        if isinstance(value, str) and value.startswith("["):
            try:
                decoded = json.loads(value)
            except json.JSONDecodeError:
                continue
            if isinstance(decoded, list):
                data[key] = decoded
    return data


def _graphml_value(text: str | None, kind: Callable[[str], Any]) -> Any:
    """A ``<data>`` or ``<default>`` text as networkx reads it: typed, booleans by name, "" when empty."""
    if text is None:
        return ""
    return _BOOLEANS[text.lower()] if kind is bool else kind(text)


def _graphml_key(elem: Any) -> tuple[str, Callable[[str], Any]]:
    """(attribute name, Python type) of a ``<key>`` element."""
    name, kind = elem.get("attr.name"), elem.get("attr.type") or "string"
    if elem.get("yfiles.type") is not None:
        name, kind = elem.get("yfiles.type"), "yfiles"
    if name is None:
        raise ValueError(f"key {elem.get('id')} has no attr.name")
    return name, _GRAPHML_TYPES[kind]


def _graphml_data(elem: Any, keys: dict[str, tuple[str, Callable[[str], Any]]]) -> dict[str, Any]:
    """The attributes of a node, edge or graph element (its ``<data>`` children; yFiles
    structures, which kg never writes, are left out)."""
    data = {}
    for child in elem.iterchildren(_DATA):
        if len(child) == 0:
            name, kind = keys[child.get("key")]
            data[name] = _graphml_value(child.text, kind)
    return data


def _drop(elem: Any) -> None:
    """Free a node or edge element once read, and the ones read before it."""
    elem.clear()
    parent = elem.getparent()
    while (before := elem.getprevious()) is not None and before.tag in (_NODE, _EDGE):
        parent.remove(before)


def _graphml_items(path: Path, edge_data: bool = True) -> Iterator[Item]:
    """The graph attributes, nodes and edges of a GraphML file as `nx.read_graphml` decodes
    them (an undirected file's edges in both directions), element by element; only the
    ends of each edge without `edge_data`."""
    from lxml import etree

    keys: dict[str, tuple[str, Callable[[str], Any]]] = {}
    defaults: dict[str, dict[str, Any]] = {"node": {}, "edge": {}}
    tags = (_KEY, _NODE, _EDGE, _GRAPH)
    try:
        for _, elem in etree.iterparse(str(path), events=("end",), tag=tags, resolve_entities=False, huge_tree=True):
            if elem.tag == _KEY:
                name, kind = _graphml_key(elem)
                keys[elem.get("id")] = name, kind
                default = elem.find(_DEFAULT)
                if default is not None and elem.get("for") in defaults:
                    defaults[elem.get("for")][name] = _graphml_value(default.text, kind)
            elif elem.tag == _NODE:
                yield "node", (elem.get("id"),), _decode_lists(_graphml_data(elem, keys))
                _drop(elem)
            elif elem.tag == _EDGE:
                yield from _graphml_edge(elem, keys if edge_data else None)
                _drop(elem)
            elif elem.getparent() is None or elem.getparent().tag != _NODE:  # not a yFiles group
                yield "graph", (), _graph_attributes(defaults, _graphml_data(elem, keys))
                return
    except (etree.LxmlError, OSError, KeyError, ValueError) as exc:
        raise KGError(f"{path}: not a readable GraphML file ({exc}); rebuild it with kg build") from None
    raise KGError(f"{path}: not a readable GraphML file (no <graph> element); rebuild it with kg build")


def _graphml_edge(elem: Any, keys: dict[str, tuple[str, Callable[[str], Any]]] | None) -> Iterator[Item]:
    """The edge of an ``<edge>`` element, keyed by its id (else its ``key`` attribute), its
    attributes decoded with `keys` (none without); twice, one per direction, in an undirected graph."""
    u, v, data = elem.get("source"), elem.get("target"), {} if keys is None else _graphml_data(elem, keys)
    key = elem.get("id") or data.get("key")
    yield "edge", (u, v, key), data
    if elem.getparent().get("edgedefault") != "directed":
        yield "edge", (v, u, key), dict(data)


def _graph_attributes(defaults: dict[str, dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """The graph attributes of a GraphML file: its data, and its key defaults when it has any."""
    attributes = {"node_default": defaults["node"], "edge_default": defaults["edge"], **data}
    for name in _GRAPHML_DEFAULTS:
        if not attributes.get(name):
            attributes.pop(name, None)
    return _decode_lists(attributes)


def _tupled(value: Any) -> Any:
    """A node ID as networkx's node-link reader makes it hashable: lists become tuples."""
    return tuple(map(_tupled, value)) if isinstance(value, list) else value


def _attributes(item: dict[str, Any], names: dict[str, str], ends: tuple[str, ...]) -> dict[str, Any]:
    """The members of a node-link item but `ends`, each name one string for the whole file
    (as `json.load` shares them; a string per edge and name took 30% more memory)."""
    return {names.setdefault(k, k): v for k, v in item.items() if k not in ends}


def _node_link_items(path: Path, edge_data: bool = True) -> Iterator[Item]:
    """The graph attributes, nodes and edges of a node-link JSON file, one item at a time
    (an ``edges`` list wins over a ``links`` list after it, as for `nx.node_link_graph`);
    only the ends of each edge without `edge_data`."""
    from kg.ingest.bounded import CHUNK, Source
    from kg.ingest.jsonarray import iter_object

    try:
        with path.open(encoding="utf-8") as fh:
            src = Source(fh, str(path))
            head = src.read(CHUNK)
            if head.lstrip()[:1] not in ("{", ""):
                raise KGError(f"{path}: not node-link JSON (not an object); pass graph.json from kg build")
            src.unread(head)
            seen: set[str] = set()
            names: dict[str, str] = {}
            for member, index, _, item, _ in iter_object(src, 0):
                seen.add(member)
                if member == "graph" and isinstance(item, dict):
                    yield "graph", (), _decode_lists(item)
                elif member == "nodes" and index:
                    node = _tupled(item.get("id", index - 1))
                    yield "node", (node,), _decode_lists(_attributes(item, names, ("id",)))
                elif (member == "edges" or (member == "links" and "edges" not in seen)) and index:
                    ends = _tupled(item["source"]), _tupled(item["target"]), item.get("key")
                    yield "edge", ends, _attributes(item, names, ("source", "target", "key")) if edge_data else {}
    except (InputError, OSError, AttributeError, KeyError, TypeError) as exc:
        raise KGError(f"{path}: not a readable node-link JSON file ({exc}); rebuild it with kg build") from None
    if "nodes" not in seen:
        raise KGError(f"{path}: not node-link JSON (no 'nodes' key); pass graph.json from kg build")


def _graph_items(G: nx.MultiDiGraph) -> Iterator[Item]:
    """The items of a graph in memory, as a streaming reader yields them."""
    yield "graph", (), dict(G.graph)
    for node, data in G.nodes(data=True):
        yield "node", (node,), data
    for u, v, key, data in G.edges(keys=True, data=True):
        yield "edge", (u, v, key), data


def _build(items: Iterator[Item], kept: set[Any] | None = None) -> nx.MultiDiGraph:
    """The graph of `items`, or its nodes in `kept` and the edges among them; nodes are
    added before edges, in file order, as networkx's readers add them."""
    G = nx.MultiDiGraph()
    edges: deque[tuple[Any, Any, Any, dict[str, Any]]] = deque()
    for kind, ends, data in items:
        if kind == "graph":
            G.graph.update(data)
        elif kind == "node" and (kept is None or ends[0] in kept):
            G.add_node(ends[0], **data)
        elif kind == "edge" and (kept is None or (ends[0] in kept and ends[1] in kept)):
            edges.append((*ends, data))
    while edges:  # each edge's parsed attributes are freed as the graph takes a copy
        G.add_edges_from((edges.popleft(),))
    return G


def _node_types(types: str | Iterable[str] | None) -> frozenset[str] | None:
    """The node types of a ``types`` argument (names or a comma-separated string, any case)."""
    if types is None:
        return None
    names = types.split(",") if isinstance(types, str) else list(types)
    known = {t.lower(): t for t in NODE_TYPES}
    chosen = set()
    for name in (str(n).strip() for n in names):
        if name and name.lower() not in known:
            raise KGError(f"unknown node type {name!r}; choose from: {', '.join(NODE_TYPES)}")
        if name:
            chosen.add(known[name.lower()])
    if not chosen:
        raise KGError(f"no node type given; choose from: {', '.join(NODE_TYPES)}")
    return frozenset(chosen)


def _kept_nodes(items: Items, types: frozenset[str] | None, min_support: int | None) -> set[Any]:
    """IDs of the nodes a projection keeps: those of `types` (all when None) less the entities
    fewer than `min_support` distinct papers link to. Holds only these IDs and the papers'.

    The papers per entity are counted in the same pass when every node comes before the
    edges (GraphML as networkx writes it), else in a second pass (node-link JSON, whose
    edges come first)."""
    kept: set[Any] = set()
    entities: set[Any] = set()
    papers: set[Any] = set()
    support = _Support(papers, entities)
    counting = bool(min_support)
    for kind, ends, data in items(False):
        if kind == "edge" and counting:
            counting = support.add(ends[0], ends[1])
        elif kind == "node":
            counting = counting and not support.started
            node_type = data.get("type")
            if min_support and node_type == "Paper":
                papers.add(ends[0])
            if types is None or node_type in types:
                (entities if min_support and node_type in NAMED_TYPES else kept).add(ends[0])
    if min_support:
        counts = support.counts if counting else _count_support(items, papers, entities)
        kept.update(e for e in entities if counts[e] >= min_support)
    return kept


class _Support:
    """The number of distinct papers with an edge to each entity, counted as the edges go by.

    Every networkx writer (so `kg build`) writes a node's edges together: then a paper's
    entities are told apart within its run, and only the counts stay in memory."""

    def __init__(self, papers: set[Any], entities: set[Any]) -> None:
        self.papers, self.entities = papers, entities
        self.counts: Counter[Any] = Counter()
        self.started = False  # an edge went by
        self._finished: set[Any] = set()
        self._paper: Any = None
        self._linked: set[Any] = set()

    def add(self, u: Any, v: Any) -> bool:
        """Count edge u → v; False when u's edges do not come together (the counts are then wrong)."""
        self.started = True
        if u not in self.papers or v not in self.entities:
            return True
        if u != self._paper:
            if u in self._finished:
                return False
            self._finished.add(self._paper)
            self._paper, self._linked = u, set()
        if v not in self._linked:
            self._linked.add(v)
            self.counts[v] += 1
        return True


def _count_support(items: Items, papers: set[Any], entities: set[Any]) -> Counter[Any]:
    """`_Support` counts in a pass over the edges; counted over the (paper, entity) pairs
    when a paper's edges do not come together."""
    support = _Support(papers, entities)
    if all(support.add(ends[0], ends[1]) for kind, ends, _ in items(False) if kind == "edge"):
        return support.counts
    edges = (ends for kind, ends, _ in items(False) if kind == "edge")
    pairs = {(u, v) for u, v, _ in edges if u in papers and v in entities}
    return Counter(v for _, v in pairs)


def _graph_file(p: Path) -> Path:
    """The graph file `p` names: itself, or the graph file of a build directory."""
    if p.is_dir():
        for name in GRAPH_FILES:
            if (p / name).is_file():
                return p / name
        raise KGError(
            f"{p}: no {' or '.join(GRAPH_FILES)} in this directory; "
            "pass the output directory of kg build (kg build INPUT -o DIR)"
        )
    if not p.exists():
        raise KGError(f"{p}: no such file or directory; pass a kg build output directory")
    return p


def _reader(p: Path) -> Items:
    """What reads the items of graph file `p` (again at each call)."""
    suffix = p.suffix.lower()
    if suffix in (".graphml", ".xml"):
        return lambda edge_data: _graphml_items(p, edge_data)
    if suffix == ".json":
        return lambda edge_data: _node_link_items(p, edge_data)
    raise KGError(
        f"{p}: unknown graph format {suffix or '(none)'}; pass a build directory, .graphml, .json "
        "or extractions.jsonl"
    )


def load_graph(
    path: str | Path, types: str | Iterable[str] | None = None, min_support: int | None = None
) -> nx.MultiDiGraph:
    """Load the graph of a `kg build` output directory, a ``.graphml``, a node-link ``.json``
    or an ``extractions.jsonl`` file (rebuilt from the records).

    From a directory, ``kg.graphml`` is preferred (``graph.json`` is the fallback).
    `types` (node type names, or one comma-separated string) keeps only the nodes of those
    types; `min_support` keeps only the entities (Method, Dataset, Metric, Task,
    Repository) that at least that many distinct papers link to, and every other node.
    Either keeps the edges among the kept nodes.
    """
    wanted = _node_types(types)
    if min_support is not None and (isinstance(min_support, bool) or not isinstance(min_support, int)
                                    or min_support < 1):
        raise KGError(f"min_support {min_support!r}: give a whole number of papers, 1 or more")
    p = _graph_file(Path(path))
    whole = wanted is None and min_support is None
    if p.suffix.lower() == ".jsonl":
        G = _rebuild_from_records(p)
        return G if whole else _build(_graph_items(G), _kept_nodes(lambda _: _graph_items(G), wanted, min_support))
    items = _reader(p)
    return _build(items(True), None if whole else _kept_nodes(items, wanted, min_support))


def _rebuild_from_records(path: Path) -> nx.MultiDiGraph:
    """The graph of an ``extractions.jsonl`` (the records `kg build` wrote), rebuilt."""
    from kg.graph import build_graph
    from kg.records import Extraction

    try:
        with Path(path).open(encoding="utf-8") as fh:
            return build_graph(Extraction.from_dict(json.loads(line)) for line in fh if line.strip())
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise KGError(f"{path}: not a readable extractions file ({exc}); rebuild it with kg build") from None
