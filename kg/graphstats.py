"""What the whole graph adds up to, kept with its tables and updated star by star.

The build report (nodes and edges by type) and kg.html (each node's degree, how many
papers link each entity) read these of a graph of any size without a pass over its
tables (`kg.tablegraph.TableGraph`). A build that adds papers to kept tables
(`kg.build.increment`) takes out what the stars it writes again held and puts in what they
hold now.

>>> stats = GraphStats()
>>> stats.add({"paper:a": {"type": "Paper"}, "method:x": {"type": "Method"}},
...           [("paper:a", "method:x", "uses", {})])
>>> stats.degree["method:x"], stats.papers["method:x"], stats.edges["uses"]
(1, 1, 1)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

__all__ = ["GraphStats"]


class GraphStats:
    """Nodes by type, edges by key, each node's degree and, for each node that is not a
    paper, how many papers link it (or report it)."""

    def __init__(self) -> None:
        self.nodes: Counter[str] = Counter()
        self.edges: Counter[str] = Counter()
        self.degree: dict[str, int] = {}
        self.papers: dict[str, int] = {}
        self._shown: Counter[str] = Counter()  # during an update: nodes put in (+) and taken out (-)

    @classmethod
    def of(cls, stars: Iterable[tuple[dict[str, dict[str, Any]], list[Any]]]) -> GraphStats:
        """The stats of a whole graph, star by star (`kg.tablegraph.TableGraph.star`)."""
        stats = cls()
        for nodes, edges in stars:
            stats.add(nodes, edges)
        stats.settle()
        return stats

    def add(self, nodes: dict[str, dict[str, Any]], edges: list[Any], sign: int = 1) -> None:
        """Count one star's `nodes` (each shown by this star only) and `edges` in (or out, `sign` -1)."""
        degree, papers = self.degree, self.papers
        for node, data in nodes.items():
            self.nodes[str(data.get("type", "?"))] += sign
            self._shown[node] += sign
        linked = set()
        for u, v, key, _ in edges:
            self.edges[key] += sign
            degree[u] = degree.get(u, 0) + sign
            degree[v] = degree.get(v, 0) + sign
            if u.startswith("paper:") and v not in linked:
                papers[v] = papers.get(v, 0) + sign
                linked.add(v)

    def remove(self, nodes: dict[str, dict[str, Any]], edges: list[Any]) -> None:
        self.add(nodes, edges, -1)

    def settle(self) -> None:
        """After the stars of an update: forget the nodes no star shows any more, give the new
        ones their entries (a node no edge touches has degree 0)."""
        for node, shown in self._shown.items():
            if shown < 0:
                self.degree.pop(node, None)
                self.papers.pop(node, None)
            elif shown > 0:
                self.degree.setdefault(node, 0)
                if not node.startswith("paper:"):
                    self.papers.setdefault(node, 0)
        self._shown.clear()
        for counts in (self.nodes, self.edges):
            for key in [k for k, n in counts.items() if n == 0]:
                del counts[key]

    def summary(self) -> dict[str, Any]:
        """Counts of nodes and edges per type (`kg.build.graph_summary`)."""
        return {
            "nodes": sum(self.nodes.values()),
            "edges": sum(self.edges.values()),
            "nodes_by_type": dict(sorted(self.nodes.items())),
            "edges_by_type": dict(sorted(self.edges.items())),
        }
