"""Entities used together: co-usage tables, projections and pairs."""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Any

import networkx as nx
import pandas as pd

from kg.analytics.basics import _check_kind, _display, _names, _paper_counts, _ranked, incidence


def co_usage(
    G: nx.MultiDiGraph, rows: str = "Method", cols: str = "Dataset", top: int | None = None
) -> pd.DataFrame:
    """Papers that link both a `rows` entity and a `cols` entity, as a table.

    Rows and columns are entity names ordered by number of papers (the `top` most
    linked of each when given); cells count papers (0 when never together).

    >>> from kg.samples import example_graph
    >>> co_usage(example_graph(), "Method", "Dataset")  # doctest: +NORMALIZE_WHITESPACE
    Dataset          CIFAR-10  Cora  ImageNet
    Method
    Transformer             1     1         2
    diffusion model         1     0         1
    GNN                     1     2         0
    ResNet                  2     0         1
    """
    rows, cols = _check_kind(rows), _check_kind(cols)
    names = _names(G)
    r_rank = _ranked(G, rows)
    c_rank = _ranked(G, cols)
    if top is not None:
        r_rank, c_rank = r_rank.head(top), c_rank.head(top)
    inc = incidence(G, {rows, cols})
    left = inc.loc[inc["entity"].isin(set(r_rank["id"])), ["paper", "entity"]]
    right = inc.loc[inc["entity"].isin(set(c_rank["id"])), ["paper", "entity"]]
    pairs_ = left.merge(right, on="paper", suffixes=("_r", "_c"))
    pairs_ = pairs_[pairs_["entity_r"] != pairs_["entity_c"]]
    table = pairs_.groupby(["entity_r", "entity_c"]).size().unstack(fill_value=0)
    table = table.reindex(index=r_rank["id"], columns=c_rank["id"], fill_value=0).astype("int64")
    table.index = pd.Index(_display(list(table.index), names), name=rows)
    table.columns = pd.Index(_display(list(table.columns), names), name=cols)
    return table


def method_dataset_table(G: nx.MultiDiGraph, top: int | None = None) -> pd.DataFrame:
    """:func:`co_usage` of methods (rows) × datasets (columns)."""
    return co_usage(G, "Method", "Dataset", top)


def dataset_metric_table(G: nx.MultiDiGraph, top: int | None = None) -> pd.DataFrame:
    """:func:`co_usage` of datasets (rows) × metrics (columns).

    >>> from kg.samples import example_graph
    >>> dataset_metric_table(example_graph()).loc["CIFAR-10"].to_dict()
    {'accuracy': 3, 'FID': 1}
    """
    return co_usage(G, "Dataset", "Metric", top)


def projection(G: nx.MultiDiGraph, kind: str = "Method", min_weight: int = 1) -> nx.Graph:
    """Weighted projection: entities of `kind` joined when a paper links both.

    Edge ``weight`` = number of such papers (edges below `min_weight` dropped); nodes
    carry ``name`` and ``papers``. Entities linked to a paper but to no other entity
    of `kind` are isolated nodes.

    >>> from kg.samples import example_graph
    >>> P = projection(example_graph(), "Method")
    >>> P["method:resnet"]["method:transformer"]["weight"], P.number_of_edges()
    (1, 3)
    """
    kind = _check_kind(kind)
    inc = incidence(G, [kind])
    names = _names(G)
    P = nx.Graph()
    for entity, n in _paper_counts(inc).items():
        P.add_node(entity, name=names[entity], papers=int(n))
    weights: Counter[tuple[Any, Any]] = Counter()
    for members in inc.groupby("paper")["entity"].agg(lambda s: sorted(set(s))):
        weights.update(combinations(members, 2))
    P.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items() if w >= min_weight)
    return P


def pairs(G: nx.MultiDiGraph, kind: str = "Method", min_weight: int = 1) -> pd.DataFrame:
    """The edges of :func:`projection` as a table sorted by weight.

    Columns ``a``, ``a_name``, ``b``, ``b_name``, ``papers``.

    >>> from kg.samples import example_graph
    >>> pairs(example_graph(), "Method")[["a_name", "b_name", "papers"]].head(1).values.tolist()
    [['diffusion model', 'Transformer', 1]]
    """
    P = projection(G, kind, min_weight)
    rows = [
        (a, P.nodes[a]["name"], b, P.nodes[b]["name"], w)
        for a, b, w in ([*sorted((u, v)), d] for u, v, d in P.edges(data="weight"))
    ]
    df = pd.DataFrame(rows, columns=["a", "a_name", "b", "b_name", "papers"])
    df = df.sort_values(["papers", "a", "b"], ascending=[False, True, True], kind="stable")
    return df.reset_index(drop=True)
