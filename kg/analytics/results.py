"""Leaderboards: the results the graph holds, ranked the way each metric improves."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from kg.analytics.basics import resolve_entity

COLUMNS = ["dataset", "metric", "rank", "method", "value", "value_max", "unit", "direction", "paper"]


def leaderboard(G: nx.MultiDiGraph, dataset: str | None = None, metric: str | None = None) -> pd.DataFrame:
    """The results per dataset and metric, best first: the lowest FID or error, the highest accuracy.

    One row per result that names a dataset and a metric of known direction (the metric node's
    ``direction``, see :mod:`kg.directions`; a result without either cannot be ranked). Columns
    ``dataset``, ``metric``, ``rank`` (1 = best; ties share a rank), ``method`` (empty when the
    text names none), ``value``, ``value_max`` (the high end of a range, else NaN), ``unit``,
    ``direction`` and ``paper`` (its node ID). A range ranks by its better end. `dataset` and
    `metric` (a name, alias or ID) narrow the table; ``rank == 1`` rows are the best results.

    >>> from kg.samples import results_graph
    >>> leaderboard(results_graph())[["dataset", "metric", "rank", "method", "value", "value_max"]]
        dataset    metric  rank  method  value  value_max
    0  CIFAR-10  accuracy     1  Wombat   97.0        NaN
    1  CIFAR-10  accuracy     2  Quokka   96.1        NaN
    2  ImageNet       FID     1  Numbat    2.2        NaN
    3  ImageNet       FID     2  Quokka    2.7        NaN
    4  ImageNet       FID     3  Wombat    3.1        3.4
    """
    want_dataset = resolve_entity(G, dataset, "Dataset") if dataset else None
    want_metric = resolve_entity(G, metric, "Metric") if metric else None
    nodes = G.nodes
    rows = []
    for rid, ntype in G.nodes(data="type"):
        if ntype != "Result":
            continue
        res = nodes[rid]
        ds, mt, method = res.get("dataset"), res.get("metric"), res.get("method")
        if ds not in G or mt not in G or want_dataset not in (None, ds) or want_metric not in (None, mt):
            continue
        direction = nodes[mt].get("direction")
        if direction not in ("higher", "lower"):
            continue
        paper = next((u for u in sorted(G.predecessors(rid)) if nodes[u].get("type") == "Paper"), "")
        rows.append((ds, mt, nodes[ds]["label"], nodes[mt]["label"], nodes[method]["label"] if method in G else "",
                     float(res["value"]), res.get("value_max"), res.get("unit", ""), direction, paper))
    df = pd.DataFrame(rows, columns=["dataset_id", "metric_id", *[c for c in COLUMNS if c != "rank"]])
    df["value_max"] = df["value_max"].astype("float64")
    better = df["value"].where(df["direction"] == "lower", df["value_max"].fillna(df["value"]))
    score = better.where(df["direction"] == "higher", -better)
    df["rank"] = score.groupby([df["dataset_id"], df["metric_id"]]).rank(method="min", ascending=False).astype("int64")
    df = df.sort_values(["dataset", "metric", "dataset_id", "metric_id", "rank", "method", "paper"], kind="stable")
    return df[COLUMNS].reset_index(drop=True)
