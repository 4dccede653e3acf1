"""Leaderboards: the results the graph holds, ranked the way each metric improves."""

from __future__ import annotations

import csv
import difflib
import io
import math
from typing import Any

import networkx as nx
import pandas as pd

from kg.analytics.basics import resolve_entity
from kg.errors import KGError

__all__ = ["COLUMNS", "LEADERBOARD_FORMATS", "format_leaderboard", "leaderboard"]

COLUMNS = ["dataset", "metric", "rank", "method", "value", "value_max", "unit", "direction", "paper",
           "title", "code", "evidence"]
LEADERBOARD_FORMATS = ("table", "csv", "md")


def leaderboard(G: nx.MultiDiGraph, dataset: str | None = None, metric: str | None = None) -> pd.DataFrame:
    """The results per dataset and metric, best first: the lowest FID or error, the highest accuracy.

    One row per result that names a dataset and a metric of known direction (the metric node's
    ``direction``, see :mod:`kg.directions`; a result without either cannot be ranked). Columns
    ``dataset``, ``metric``, ``rank`` (1 = best; ties share a rank), ``method`` (empty when the
    text names none), ``value``, ``value_max`` (the high end of a range, else NaN), ``unit``,
    ``direction``, ``paper`` (its node ID), ``title`` (the paper's), ``code`` (the URL of the
    paper's ``hasCode`` repository, a code host before a project page; empty when it has none)
    and ``evidence`` (the sentence of the ``reports`` edge that states the value). A range ranks
    by its better end. `dataset` and `metric` (a name, alias or ID) narrow the table; an unknown
    name raises :class:`~kg.errors.KGError` naming close matches. ``rank == 1`` rows are the
    best results, as ``queries/08-best-result-per-dataset-metric.rq`` finds them.

    >>> from kg.samples import results_graph
    >>> board = leaderboard(results_graph())
    >>> board[["dataset", "metric", "rank", "method", "value", "value_max"]]
        dataset    metric  rank  method  value  value_max
    0  CIFAR-10  accuracy     1  Wombat   97.0        NaN
    1  CIFAR-10  accuracy     2  Quokka   96.1        NaN
    2  ImageNet       FID     1  Numbat    2.2        NaN
    3  ImageNet       FID     2  Quokka    2.7        NaN
    4  ImageNet       FID     3  Wombat    3.1        3.4
    >>> board.loc[1, "code"], board.loc[1, "evidence"]
    ('https://github.com/q/quokka', 'Quokka reaches an FID of 2.7 on ImageNet and 96.1% accuracy on CIFAR-10.')
    """
    want_dataset = _resolve(G, dataset, "Dataset") if dataset else None
    want_metric = _resolve(G, metric, "Metric") if metric else None
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
        edge = (G.get_edge_data(paper, rid, key="reports") or {}) if paper else {}
        rows.append((ds, mt, nodes[ds]["label"], nodes[mt]["label"], nodes[method]["label"] if method in G else "",
                     float(res["value"]), res.get("value_max"), res.get("unit", ""), direction, paper,
                     str(nodes[paper].get("title", "")) if paper else "", _code(G, paper) if paper else "",
                     str(edge.get("sentence", ""))))
    df = pd.DataFrame(rows, columns=["dataset_id", "metric_id", *[c for c in COLUMNS if c != "rank"]])
    df["value_max"] = df["value_max"].astype("float64")
    better = df["value"].where(df["direction"] == "lower", df["value_max"].fillna(df["value"]))
    score = better.where(df["direction"] == "higher", -better)
    df["rank"] = score.groupby([df["dataset_id"], df["metric_id"]]).rank(method="min", ascending=False).astype("int64")
    df = df.sort_values(["dataset", "metric", "dataset_id", "metric_id", "rank", "method", "paper"], kind="stable")
    return df[COLUMNS].reset_index(drop=True)


def _code(G: nx.MultiDiGraph, paper: str) -> str:
    repos = [(G.nodes[v].get("kind") != "code", str(G.nodes[v].get("url") or v))
             for _, v, key in G.out_edges(paper, keys=True) if key == "hasCode"]
    return min(repos)[1] if repos else ""


def _resolve(G: nx.MultiDiGraph, name: str, kind: str) -> str:
    """:func:`resolve_entity`, with close matches (names of that type, those with results first) on failure."""
    try:
        return resolve_entity(G, name, kind)
    except KGError:
        pass
    ranked = set()  # the datasets or metrics of rankable results
    for r, t in G.nodes(data="type"):
        res = G.nodes[r]
        if t == "Result" and res.get("dataset") in G and G.nodes.get(res.get("metric"), {}).get("direction"):
            ranked.add(res[kind.lower()])
    spellings: dict[str, str] = {}
    for _, d in G.nodes(data=True):
        if d.get("type") == kind:
            for s in (d.get("label", ""), d.get("name", ""), *d.get("aliases", ())):
                if s:
                    spellings.setdefault(str(s).lower(), str(d.get("label", s)))
    want = name.strip().lower()
    close = difflib.get_close_matches(want, list(spellings), n=8, cutoff=0.6)
    words = [w for w in want.replace("-", " ").split() if len(w) >= 3]
    close += sorted(s for s in spellings if s not in close and (want in s or any(w in s for w in words)))
    labels = list(dict.fromkeys(spellings[s] for s in close))[:5]
    with_results = sorted({str(G.nodes[n]["label"]) for n in ranked if n in G})
    hint = f"close matches: {', '.join(labels)}" if labels else (
        f"{kind.lower()}s with ranked results: {', '.join(with_results[:10]) or 'none'}")
    raise KGError(f"no {kind.lower()} named {name!r} in the graph; {hint}")


def _number(v: float) -> str:
    return f"{v:.6f}".rstrip("0").rstrip(".") if math.isfinite(v) else str(v)


def _shown(row: Any) -> str:
    """``96.1%``, ``3.1–3.4`` (a range), with its unit."""
    value = _number(row.value)
    if not pd.isna(row.value_max):
        value += "–" + _number(row.value_max)
    return value + (row.unit or "")


def _short(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _paper_id(node: str) -> str:
    return node.split(":", 1)[1] if node.startswith("paper:") else node


def format_leaderboard(board: pd.DataFrame, fmt: str = "table", width: int = 80) -> str:
    """Render :func:`leaderboard` as ``table`` (one block per dataset and metric, long cells cut
    to `width`), ``csv`` (every column; the paper by its ID, a range in ``value``/``value_max``) or
    ``md`` (one Markdown table per dataset and metric).

    >>> from kg.samples import results_graph
    >>> print(format_leaderboard(leaderboard(results_graph(), metric="FID"), width=40))
    ImageNet — FID (lower is better)
    rank  method  value    paper  code                         evidence
    ----  ------  -------  -----  ---------------------------  ----------------------------------------
    1     Numbat  2.2      q3                                  Numbat gets an FID of 2.2 on ImageNet a…
    2     Quokka  2.7      q1     https://github.com/q/quokka  Quokka reaches an FID of 2.7 on ImageNe…
    3     Wombat  3.1–3.4  q2                                  Wombat has an FID of 3.1 to 3.4 on Imag…
    """
    if fmt not in LEADERBOARD_FORMATS:
        raise KGError(f"unknown format {fmt!r}; choose one of: {', '.join(LEADERBOARD_FORMATS)}")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["dataset", "metric", "direction", "rank", "method", "value", "value_max", "unit", "paper",
                    "title", "code", "evidence"])
        for r in board.itertuples(index=False):
            w.writerow([r.dataset, r.metric, r.direction, r.rank, r.method, _number(r.value),
                        "" if pd.isna(r.value_max) else _number(r.value_max), r.unit, _paper_id(r.paper),
                        r.title, r.code, r.evidence])
        return buf.getvalue().rstrip("\n")
    if board.empty:
        return "no ranked results (results need a dataset and a metric whose direction is known)"
    blocks = []
    for (dataset, metric), group in board.groupby(["dataset", "metric"], sort=False):
        direction = group["direction"].iloc[0]
        head = f"{dataset} — {metric} ({direction} is better)"
        header = ["rank", "method", "value", "paper", "code", "evidence"]
        rows = [[str(r.rank), r.method, _shown(r), _paper_id(r.paper), r.code, r.evidence]
                for r in group.itertuples(index=False)]
        if fmt == "md":
            def md(s: str) -> str:
                return " ".join(s.split()).replace("\\", "\\\\").replace("|", "\\|")

            lines = [f"### {md(head)}", "", "| " + " | ".join(header) + " |",
                     "|" + "|".join(["---:", "---", "---:", "---", "---", "---"]) + "|"]
            lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
            blocks.append("\n".join(lines))
        else:
            cells = [[_short(c, width) for c in row] for row in rows]
            widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(header)]
            lines = [head, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
                     "  ".join("-" * w for w in widths)]
            lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
