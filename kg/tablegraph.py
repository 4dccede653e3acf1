"""The graph read from its tables as networkx reads a graph, without holding it.

`kg.graph.GraphTables` keeps each paper's star (its links, results and their links) as a
row of a `kg.details.DetailTable` and the entities in memory. `TableGraph` offers what the
exporters, the build report and the diff read of a ``networkx.MultiDiGraph`` — ``nodes``
(iterable, callable with ``data=True``, indexable), ``edges``, ``out_edges``,
``predecessors``, ``successors``, ``degree``, ``subgraph``, ``graph`` — with nodes and
edges in the order `kg.graph.build_graph`'s graph has them, one paper's star at a time.
Paper nodes are lean (``type`` and ``label``) and paper links hold an ``evidence`` index:
the table gives back the rest (`DetailTable.paper`, `DetailTable.link`); `to_networkx`
builds the whole graph with them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from kg.details import DetailTable
    from kg.graphstats import GraphStats

__all__ = ["TableGraph"]

Edge = tuple[str, str, str, dict[str, Any]]


class _Star:
    """One paper's part of the graph as read: its nodes (the paper first) and edges."""

    __slots__ = ("edges", "nodes")

    def __init__(self, nodes: dict[str, dict[str, Any]], edges: list[Edge]) -> None:
        self.nodes, self.edges = nodes, edges


def read_star(pid: str, row: list[Any], entities: dict[str, dict[str, Any]], gone: set[str]) -> _Star:
    """Paper `pid`'s star as a graph of `entities` without those `gone` shows it: the row's
    nodes and edges less the gone entities and the results that reported on them."""
    label, new, results, edges = row
    nodes: dict[str, dict[str, Any]] = {pid: {"type": "Paper", "label": label}}
    kept_results = {}
    for rid, data in results:
        if data.get("metric") in gone:
            continue
        if data.get("method") in gone or data.get("dataset") in gone:
            data = {k: "" if k in ("method", "dataset") and v in gone else v for k, v in data.items()}
        kept_results[rid] = data
    for node in new:
        data = kept_results.get(node) or (entities.get(node) if node not in gone else None)
        if data is not None:
            nodes[node] = data
    return _Star(nodes, [
        (u, v, key, d) for u, v, key, d in edges
        if (u == pid or u in kept_results) and v not in gone and (not v.startswith("result:") or v in kept_results)
    ])


class _Nodes:
    """``G.nodes``: iterate the node IDs, call with ``data=True`` for (ID, attributes), index by ID."""

    def __init__(self, graph: TableGraph) -> None:
        self._graph = graph

    def __call__(self, data: bool = False) -> Iterator[Any]:
        items = self._graph._node_items()
        return items if data else (n for n, _ in items)

    def __iter__(self) -> Iterator[str]:
        return (n for n, _ in self._graph._node_items())

    def __len__(self) -> int:
        return self._graph.number_of_nodes()

    def __contains__(self, node: object) -> bool:
        return self._graph._find(node) is not None

    def __getitem__(self, node: str) -> dict[str, Any]:
        found = self._graph._find(node)
        if found is None:
            raise KeyError(node)
        return found


class TableGraph:
    """A read-only view of the graph kept as tables (`kg.graph.GraphTables` after `settle`)."""

    def __init__(self, tables: Any) -> None:
        self.tables = tables
        self.details: DetailTable = tables.details
        self.entities: dict[str, dict[str, Any]] = tables.entities
        self.gone: set[str] = tables.gone
        self.graph: dict[str, Any] = tables.graph
        self._last: tuple[str, _Star] | None = None
        self._counts: tuple[int, int] | None = None
        self._predecessors: dict[str, list[str]] | None = None
        self._merged_into: dict[str, list[str]] | None = None

    @property
    def stats(self) -> GraphStats | None:
        """What the whole graph adds up to, when counted (`count`)."""
        return getattr(self.tables, "stats", None)

    def count(self) -> GraphStats:
        """Count the whole graph (one pass over the stars), for the reads that need it all."""
        from kg.graphstats import GraphStats

        self.tables.stats = GraphStats.of(self.star(pid) for pid in self.papers())
        return self.tables.stats

    # ------------------------------------------------------------------ stars

    def _star(self, pid: str) -> _Star:
        """Paper `pid`'s nodes and edges as the graph holds them (gone entities and the
        results that reported on them left out)."""
        if self._last is not None and self._last[0] == pid:
            return self._last[1]
        row = self.details.star(pid)
        if row is None:
            raise KeyError(pid)
        star = read_star(pid, row, self.entities, self.gone)
        self._last = (pid, star)
        return star

    def _stars(self) -> Iterator[tuple[str, _Star]]:
        for pid in self.details.papers():
            yield pid, self._star(pid)

    def papers(self) -> Iterator[str]:
        """The papers, in the graph's order: each one's star (`star`) after the other."""
        return self.details.papers()

    def star(self, pid: str) -> tuple[dict[str, dict[str, Any]], list[Edge]]:
        """Paper `pid`'s star: its nodes (the paper first, then the nodes it added) and edges."""
        star = self._star(pid)
        return star.nodes, star.edges

    def _paper_of(self, node: str) -> str | None:
        """The paper whose star holds `node` (a paper or a result), else None."""
        if node.startswith("paper:"):
            return node
        if node.startswith("result:"):
            return "paper:" + node[len("result:"):].rsplit(":", 1)[0]
        return None

    def _find(self, node: object) -> dict[str, Any] | None:
        if not isinstance(node, str):
            return None
        if node in self.entities:
            return None if node in self.gone else self.entities[node]
        pid = self._paper_of(node)
        if pid is None or pid not in self.details:
            return None
        return self._star(pid).nodes.get(node)

    # ------------------------------------------------------------------ what networkx offers

    @property
    def nodes(self) -> _Nodes:
        return _Nodes(self)

    def _node_items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for _, star in self._stars():
            yield from star.nodes.items()

    def edges(self, keys: bool = False, data: bool = False) -> Iterator[Any]:
        for _, star in self._stars():
            for u, v, key, d in star.edges:
                yield (u, v, *((key,) if keys else ()), *((d,) if data else ()))

    def out_edges(self, node: str, keys: bool = False, data: bool = False) -> Iterator[Any]:
        pid = self._paper_of(node)
        if pid is None or pid not in self.details:
            return
        for u, v, key, d in self._star(pid).edges:
            if u == node:
                yield (u, v, *((key,) if keys else ()), *((d,) if data else ()))

    def successors(self, node: str) -> Iterator[str]:
        return iter(dict.fromkeys(v for _, v in self.out_edges(node)))

    def predecessors(self, node: str) -> Iterator[str]:
        """None for a paper, a result's paper directly; for an entity, an index of all links
        built once (slow and big: a whole graph's links)."""
        if node.startswith("paper:"):
            return iter([])
        if node.startswith("result:"):
            pid = self._paper_of(node)
            return iter([pid] if pid is not None and any(v == node for _, v in self.out_edges(pid)) else [])
        if self._predecessors is None:
            index: dict[str, list[str]] = defaultdict(list)
            for u, v in self.edges():
                if not index[v] or index[v][-1] != u:
                    index[v].append(u)
            self._predecessors = dict(index)
        return iter(dict.fromkeys(self._predecessors.get(node, ())))

    def degree(self) -> Iterator[tuple[str, int]]:
        if self.stats is not None:
            return iter(self.stats.degree.items())
        counts: Counter[str] = Counter()
        for u, v in self.edges():
            counts[u] += 1
            counts[v] += 1
        return ((n, counts[n]) for n in self.nodes)

    def _count(self) -> tuple[int, int]:
        if self._counts is None and self.stats is not None:
            self._counts = sum(self.stats.nodes.values()), sum(self.stats.edges.values())
        if self._counts is None:
            nodes = edges = 0
            for _, star in self._stars():
                nodes += len(star.nodes)
                edges += len(star.edges)
            self._counts = (nodes, edges)
        return self._counts

    def number_of_nodes(self) -> int:
        return self._count()[0]

    def number_of_edges(self) -> int:
        return self._count()[1]

    def __len__(self) -> int:
        return self.number_of_nodes()

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __contains__(self, node: object) -> bool:
        return self._find(node) is not None

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def subgraph(self, nodes: Iterable[str]) -> nx.MultiDiGraph:
        """The graph of `nodes` and the edges between them (a networkx graph, lean papers), in
        the graph's order: read from the stars that show or link them only, when counted."""
        keep = set(nodes)
        H = nx.MultiDiGraph()
        H.graph.update(self.graph)
        stars = self._stars() if self.stats is None else ((p, self._star(p)) for p in self._stars_of(keep))
        edges: list[Edge] = []
        for _, star in stars:
            H.add_nodes_from((n, d) for n, d in star.nodes.items() if n in keep)
            edges.extend((u, v, key, d) for u, v, key, d in star.edges if u in keep and v in keep)
        H.add_edges_from(edges)
        return H

    def _stars_of(self, nodes: set[str]) -> list[str]:
        """The papers, in order, whose stars show or link from one of `nodes`."""
        numbers: dict[str, None] = {}
        order = self.tables.order
        for node in nodes:
            pid = self._paper_of(node) or self.tables.shown_by(node)
            if pid is not None and pid in self.details:
                numbers[pid] = None
        position = {pid: i for i, pid in enumerate(order)} if len(numbers) > 64 else None
        return sorted(numbers, key=position.__getitem__ if position is not None else order.index)

    def node_type(self, node: str) -> str | None:
        """The type of `node`, without reading a star for an entity or a repository."""
        if node in self.entities:
            return str(self.entities[node]["type"])
        return "Paper" if node.startswith("paper:") else "Result" if node.startswith("result:") else None

    def first_paper(self, node: str) -> str | None:
        """The first paper (in the graph's order) that links `node`, None if none does."""
        if node.startswith(("paper:", "result:")):
            return self._paper_of(node) if node.startswith("result:") else None
        tables = self.tables
        if self._merged_into is None:
            self._merged_into = defaultdict(list)
            for old, (_, new) in tables._merged.items():
                self._merged_into[new].append(old)
        names, todo = set(), [node]
        while todo:  # the node and those merged into it, at any depth
            name = todo.pop()
            names.add(name)
            todo.extend(self._merged_into.get(name, ()))
        numbers = sorted({n for name in names for n in tables.refs.get(name, ())})
        for number in numbers:
            pid = tables.order[number]
            if any(u == pid and v == node for u, v, _, _ in self._star(pid).edges):
                return pid
        return None

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph, with every paper's details (what `kg.graph.build_graph` returns);
        list attributes (shared tuples in the tables) as lists of their own."""
        G = nx.MultiDiGraph()
        G.graph.update(self.graph)
        details = self.details
        G.add_nodes_from((n, _own_lists(details.paper(n, d))) for n, d in self._node_items())
        G.add_edges_from((u, v, key, details.link(u, d)) for u, v, key, d in self.edges(keys=True, data=True))
        return G


def _own_lists(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with each tuple value as a list of its own."""
    if not any(isinstance(v, tuple) for v in data.values()):
        return data
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
