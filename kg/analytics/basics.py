"""Counts, rankings and lookups over the graph: the building blocks of the other analytics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import pandas as pd

from kg.errors import KGError
from kg.model import LABELS as ENTITY_TYPES
from kg.model import NAMED_TYPES

_KINDS = set(NAMED_TYPES)


def _check_kind(kind: str, allowed: Iterable[str] = _KINDS) -> str:
    allowed = tuple(allowed)
    for k in allowed:
        if kind.lower() in (k.lower(), k.lower() + "s"):
            return k
    raise KGError(f"unknown entity type {kind!r}; choose one of: {', '.join(allowed)}")


def _types(G: nx.MultiDiGraph) -> dict[Any, str]:
    return dict(G.nodes(data="type", default=""))


def _names(G: nx.MultiDiGraph) -> dict[Any, str]:
    return {n: str(label) for n, label in G.nodes(data="label", default="")}


def incidence(G: nx.MultiDiGraph, kinds: Iterable[str] = NAMED_TYPES) -> pd.DataFrame:
    """One row per (paper, entity) pair linked by any edge: columns ``paper``, ``entity``, ``type``.

    The building block of the other functions; parallel edges count once.

    >>> from kg.samples import example_graph
    >>> incidence(example_graph(), ["Task"]).head(2)
          paper                   entity  type
    0  paper:p1  task:nodeclassification  Task
    1  paper:p2  task:nodeclassification  Task
    """
    wanted = {_check_kind(k) for k in kinds}
    types = _types(G)
    papers, entities, etypes = [], [], []
    for u, nbrs in G.adj.items():
        if types[u] != "Paper":
            continue
        for v in nbrs:
            t = types[v]
            if t in wanted:
                papers.append(u)
                entities.append(v)
                etypes.append(t)
    return pd.DataFrame({"paper": papers, "entity": entities, "type": etypes})


def paper_entity_graph(G: nx.MultiDiGraph, kinds: Iterable[str] = ENTITY_TYPES) -> nx.Graph:
    """Undirected simple graph of papers and entities of `kinds` (one edge per linked pair).

    Papers with no such entity are left out.

    >>> from kg.samples import example_graph
    >>> paper_entity_graph(example_graph()).number_of_edges()
    29
    """
    inc = incidence(G, kinds)
    H = nx.Graph()
    H.add_edges_from(zip(inc["paper"], inc["entity"], strict=True))
    return H


def counts(G: nx.MultiDiGraph) -> pd.DataFrame:
    """Number of nodes per node type and edges per edge type: columns ``kind``, ``name``, ``count``.

    >>> from kg.samples import example_graph
    >>> counts(example_graph()).query("kind == 'node'").set_index("name")["count"].to_dict()
    {'Dataset': 3, 'Method': 4, 'Metric': 2, 'Paper': 6, 'Repository': 4, 'Task': 3}
    """
    nodes = Counter(t for _, t in G.nodes(data="type", default="?"))
    edges = Counter(k for _, _, k in G.edges(keys=True))
    rows = [("node", k, v) for k, v in sorted(nodes.items())]
    rows += [("edge", str(k), v) for k, v in sorted(edges.items(), key=lambda kv: str(kv[0]))]
    return pd.DataFrame(rows, columns=["kind", "name", "count"])


def coverage(G: nx.MultiDiGraph, code_kinds: Sequence[str] | None = ("code",)) -> pd.DataFrame:
    """Share of papers with at least one method / dataset / metric / task / repository / code link.

    ``code`` counts repositories whose ``kind`` is in `code_kinds` (code hosts, not
    project pages). Columns ``what``, ``papers`` (with at least one), ``share``.

    >>> from kg.samples import example_graph
    >>> coverage(example_graph()).set_index("what")["papers"].to_dict()
    {'all papers': 6, 'Method': 6, 'Dataset': 6, 'Metric': 6, 'Task': 6, 'Repository': 4, 'code': 3}
    """
    types = _types(G)
    total = sum(1 for t in types.values() if t == "Paper")
    inc = incidence(G)
    rows: list[tuple[str, int]] = [("all papers", total)]
    for kind in NAMED_TYPES:
        rows.append((kind, int(inc.loc[inc["type"] == kind, "paper"].nunique())))
    rows.append(("code", len(_papers_with_code(G, code_kinds))))
    df = pd.DataFrame(rows, columns=["what", "papers"])
    df["share"] = (df["papers"] / total).round(4) if total else 0.0
    return df


def _paper_counts(inc: pd.DataFrame) -> pd.Series:
    return inc.groupby("entity")["paper"].nunique()


def _ranked(G: nx.MultiDiGraph, kind: str) -> pd.DataFrame:
    inc = incidence(G, [kind])
    names = _names(G)
    per = _paper_counts(inc)
    df = pd.DataFrame({"id": per.index, "papers": per.to_numpy()})
    df.insert(1, "name", [names[i] for i in df["id"]])
    df["_key"] = [name.lower() for name in df["name"]]  # a list: an empty column has no .str
    df = df.sort_values(["papers", "_key", "id"], ascending=[False, True, True], kind="stable")
    return df.drop(columns="_key").reset_index(drop=True)


def top_entities(G: nx.MultiDiGraph, kind: str = "Method", n: int | None = 10) -> pd.DataFrame:
    """The `n` entities of type `kind` linked to most papers (all when `n` is None).

    Columns ``id``, ``name``, ``papers``; ties are broken by name.

    >>> from kg.samples import example_graph
    >>> top_entities(example_graph(), "Method", 2)
                          id             name  papers
    0     method:transformer      Transformer       3
    1  method:diffusionmodel  diffusion model       2
    """
    df = _ranked(G, _check_kind(kind))
    return df if n is None else df.head(n).reset_index(drop=True)


def top_methods(G: nx.MultiDiGraph, n: int | None = 10) -> pd.DataFrame:
    """:func:`top_entities` for methods."""
    return top_entities(G, "Method", n)


def top_datasets(G: nx.MultiDiGraph, n: int | None = 10) -> pd.DataFrame:
    """:func:`top_entities` for datasets."""
    return top_entities(G, "Dataset", n)


def top_metrics(G: nx.MultiDiGraph, n: int | None = 10) -> pd.DataFrame:
    """:func:`top_entities` for metrics."""
    return top_entities(G, "Metric", n)


def top_tasks(G: nx.MultiDiGraph, n: int | None = 10) -> pd.DataFrame:
    """:func:`top_entities` for tasks."""
    return top_entities(G, "Task", n)


def resolve_entity(G: nx.MultiDiGraph, name_or_id: str, kind: str | None = None) -> str:
    """The node ID of an entity given its ID, name or alias (case-insensitive).

    >>> from kg.samples import example_graph
    >>> resolve_entity(example_graph(), "gnn")
    'method:gnn'
    """
    if name_or_id in G:
        return name_or_id
    want = name_or_id.strip().lower()
    kinds = {_check_kind(kind)} if kind else _KINDS
    hits = []
    for n, d in G.nodes(data=True):
        if d.get("type") not in kinds:
            continue
        spellings = [d.get("label", ""), d.get("name", ""), *d.get("aliases", ())]
        if any(str(s).lower() == want for s in spellings):
            hits.append(n)
    if not hits:
        raise KGError(f"no entity named {name_or_id!r} in the graph; see kg stats DIR for the names")
    return sorted(hits, key=lambda n: -G.in_degree(n))[0]


def papers_using(G: nx.MultiDiGraph, entity: str) -> list[str]:
    """IDs of the papers linked to `entity` (an ID, name or alias), sorted.

    >>> from kg.samples import example_graph
    >>> papers_using(example_graph(), "Cora")
    ['paper:p1', 'paper:p2']
    """
    node = resolve_entity(G, entity)
    return sorted({u for u in G.predecessors(node) if G.nodes[u].get("type") == "Paper"})


def _papers_with_code(G: nx.MultiDiGraph, code_kinds: Sequence[str] | None) -> set[Any]:
    types = _types(G)
    out = set()
    for u, v in G.edges():
        if types[u] == "Paper" and types[v] == "Repository" and (
            code_kinds is None or G.nodes[v].get("kind") in code_kinds
        ):
            out.add(u)
    return out


def degree_distribution(G: nx.MultiDiGraph, kind: str = "Method") -> pd.Series:
    """How many entities of `kind` are linked to exactly k papers (index k, sorted).

    For ``kind="Paper"``: how many papers link exactly k entities (methods, datasets,
    metrics, tasks).

    >>> from kg.samples import example_graph
    >>> degree_distribution(example_graph(), "Dataset").to_dict()
    {2: 2, 4: 1}
    """
    if kind.lower() in ("paper", "papers"):
        inc = incidence(G, ENTITY_TYPES)
        per = inc.groupby("paper")["entity"].nunique()
        zero = sum(1 for _, t in G.nodes(data="type") if t == "Paper") - len(per)
        dist = per.value_counts()
        if zero:
            dist.loc[0] = zero
    else:
        inc = incidence(G, [_check_kind(kind)])
        dist = _paper_counts(inc).value_counts()
    dist = dist.sort_index()
    dist.index.name = "papers" if kind.lower() not in ("paper", "papers") else "entities"
    dist.name = "count"
    return dist.astype("int64")

def _display(ids: Sequence[Any], names: dict[Any, str]) -> list[str]:
    """Names for a table axis; an ambiguous name gets its ID appended."""
    seen = Counter(names[i] for i in ids)
    return [names[i] if seen[names[i]] == 1 else f"{names[i]} ({i})" for i in ids]
