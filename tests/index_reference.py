"""The build's diff index as kg kept it before `kg.build.cache.write_index`: a set of every
edge and a dict of every node in memory, written to an unsorted ``<tag>.index.gz``.

The reference the streaming index is checked against (tests/test_build_cache.py) and
measured against (bench/build_index.py), and the writer of the older file format.
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path
from typing import Any

from kg.build.cache import IndexedGraph, _one_line
from kg.model import NAMED_TYPES


def graph_index(G: IndexedGraph) -> dict[str, Any]:
    """Node IDs (with type and label) and edge IDs of `G`, for diffs between builds."""
    return {
        "nodes": {
            _one_line(n): (d.get("type", ""), _one_line(str(d.get("label", ""))))
            for n, d in G.nodes(data=True)
        },
        "edges": {_one_line(f"{u}\x1f{k}\x1f{v}") for u, v, k in G.edges(keys=True)},
    }


def diff_index(old: dict[str, Any] | None, new: dict[str, Any], examples: int = 10) -> dict[str, Any]:
    """Nodes and edges added and removed since `old`, counted by type, with a few entity names."""
    if old is None:
        return {"previous_build": False}
    out: dict[str, Any] = {"previous_build": True}
    old_nodes, new_nodes = old["nodes"], new["nodes"]
    for what, src, other in (("added", new_nodes, old_nodes), ("removed", old_nodes, new_nodes)):
        ids = [n for n in src if n not in other]
        by_type = Counter(src[n][0] for n in ids)
        named = sorted(src[n][1] for n in ids if src[n][0] in NAMED_TYPES)
        out[f"nodes_{what}"] = len(ids)
        out[f"nodes_{what}_by_type"] = dict(sorted(by_type.items()))
        out[f"entities_{what}_examples"] = named[:examples]
    for what, a, b in (("added", new["edges"], old["edges"]), ("removed", old["edges"], new["edges"])):
        keys = a - b
        out[f"edges_{what}"] = len(keys)
        out[f"edges_{what}_by_type"] = dict(sorted(Counter(k.split("\x1f")[1] for k in keys).items()))
    return out


def save_index(index: dict[str, Any], path: Path) -> None:
    """Write `index` to `path` as kg did: nodes then edges, in the order of the dict and the set."""
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for node, (typ, label) in index["nodes"].items():
            fh.write(f"N\t{node}\t{typ}\t{label}\n")
        for edge in index["edges"]:
            fh.write(f"E\t{edge}\n")


def load_index(path: Path) -> dict[str, Any] | None:
    """The index of `save_index`'s file `path`, None if it cannot be read."""
    try:
        nodes: dict[str, tuple[str, str]] = {}
        edges: set[str] = set()
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                kind, rest = line.rstrip("\n").split("\t", 1)
                if kind == "N":
                    node, typ, label = rest.split("\t", 2)
                    nodes[node] = (typ, label)
                else:
                    edges.add(rest)
        return {"nodes": nodes, "edges": edges}
    except (OSError, ValueError, EOFError):
        return None

