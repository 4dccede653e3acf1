"""``nodes.csv`` + ``edges.csv`` (pandas) for spreadsheets and Neo4j ``LOAD CSV``.

`path` is a directory; both files are written atomically. ``nodes.csv`` has columns
``id``, ``type``, ``label`` then every other node attribute (empty when a node type does
not have it); ``edges.csv`` has ``from_id``, ``to_id``, ``type`` then the edge
attributes (``source`` there is the extraction component, never a node). List
attributes (authors, aliases, ...) are joined with ``|`` (Cypher: ``split(row.aliases, '|')``).

>>> import tempfile, pathlib, pandas as pd
>>> from kg.samples import example_graph
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_csv(example_graph(), d)
>>> nodes, edges = pd.read_csv(d / "nodes.csv"), pd.read_csv(d / "edges.csv")
>>> nodes.columns[:3].tolist(), edges.columns[:3].tolist(), len(edges)
(['id', 'type', 'label'], ['from_id', 'to_id', 'type'], 33)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from kg.atomic import atomic_path
from kg.errors import KGError

__all__ = ["LIST_SEPARATOR", "edge_table", "node_table", "write_csv"]

LIST_SEPARATOR = "|"


def _cell(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        value = sorted(value)
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if value is None:
        return ""
    return value


def node_table(G: nx.MultiDiGraph) -> Any:
    """`G`'s nodes as a pandas DataFrame (the rows of ``nodes.csv``)."""
    import pandas as pd

    rows = [{"id": n, **{k: _cell(v) for k, v in d.items() if k != "id"}} for n, d in G.nodes(data=True)]
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=["id", "type", "label"])
    first = [c for c in ("id", "type", "label") if c in df.columns]
    return df[first + sorted(c for c in df.columns if c not in first)]


def edge_table(G: nx.MultiDiGraph) -> Any:
    """`G`'s edges as a pandas DataFrame (the rows of ``edges.csv``)."""
    import pandas as pd

    rows = []
    for u, v, key, d in G.edges(keys=True, data=True):
        row = {"from_id": u, "to_id": v, "type": d.get("type", key)}
        row.update({k: _cell(val) for k, val in d.items() if k not in row})
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=["from_id", "to_id", "type"])
    first = ["from_id", "to_id", "type"]
    return df[first + sorted(c for c in df.columns if c not in first)]


def write_csv(G: nx.MultiDiGraph, path: Path) -> None:
    """Write ``nodes.csv`` and ``edges.csv`` into the directory `path`."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise KGError(f"{path}: CSV export writes nodes.csv and edges.csv into a directory; pass one")
    for name, table in (("nodes.csv", node_table(G)), ("edges.csv", edge_table(G))):
        with atomic_path(path / name) as tmp:
            table.to_csv(tmp, index=False, encoding="utf-8")
