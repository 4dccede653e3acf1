"""`kg stats` and `kg analyze`: a text summary and a Markdown report with charts and CSVs.

:func:`format_stats` returns the summary `kg stats` prints; :func:`write_report` writes
``report.md``, PNG charts (matplotlib, Agg backend) and one CSV per table into a
directory, every file atomically (:mod:`kg.atomic`).

>>> from kg.samples import example_graph
>>> print(format_stats(example_graph()).splitlines()[0])
6 papers, 22 nodes, 33 edges
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from kg import analytics as A
from kg.atomic import atomic_path, atomic_write
from kg.model import NAMED_TYPES, NODE_STYLE

__all__ = ["CHARTS", "format_stats", "report_tables", "write_report"]

#: PNG files `write_report` may write (trends.png only when papers carry dates).
CHARTS = ("top_entities.png", "co_usage_heatmap.png", "degree_distribution.png", "trends.png",
          "code_availability.png")
#: Rows and columns kept in the co-usage CSVs (the most linked entities).
TABLE_MAX = 200
_COLORS = {kind: style[0] for kind, style in NODE_STYLE.items()}


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def format_stats(G: nx.MultiDiGraph, top: int = 10) -> str:
    """A readable summary: counts per type, coverage and the `top` entities of each type."""
    c = A.counts(G)
    nodes = c[c["kind"] == "node"]
    edges = c[c["kind"] == "edge"]
    cov = A.coverage(G).set_index("what")
    n_papers = int(cov.loc["all papers", "papers"])
    lines = [f"{n_papers} papers, {G.number_of_nodes()} nodes, {G.number_of_edges()} edges", ""]
    lines.append("Nodes by type")
    lines += [f"  {r.name:<12} {r.count:>8}" for r in nodes.itertuples()]
    lines.append("Edges by type")
    lines += [f"  {r.name:<12} {r.count:>8}" for r in edges.itertuples()]
    lines += ["", "Coverage (papers with at least one)"]
    for what in (*NAMED_TYPES, "code"):
        row = cov.loc[what]
        label = "code repo" if what == "code" else what.lower()
        lines.append(f"  {label:<12} {int(row['papers']):>8}  {_pct(row['share'] if n_papers else 0):>6}")
    for kind in A.ENTITY_TYPES:
        df = A.top_entities(G, kind, top)
        lines += ["", f"Top {kind.lower()}s by papers" + ("" if len(df) else ": none")]
        width = max((len(n) for n in df["name"]), default=0)
        width = min(width, 50)
        for rank, r in enumerate(df.itertuples(), 1):
            name = r.name if len(r.name) <= 50 else r.name[:49] + "…"
            lines.append(f"  {rank:>2}. {name:<{width}}  {r.papers:>6}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- tables


def report_tables(G: nx.MultiDiGraph, top: int = 10, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed by CSV file stem (trends only when papers carry dates)."""
    tables: dict[str, pd.DataFrame] = {
        "counts": A.counts(G),
        "coverage": A.coverage(G),
    }
    for kind in A.ENTITY_TYPES:
        tables[f"top_{kind.lower()}s"] = A.top_entities(G, kind, None)
    tables["centrality"] = A.centrality(G, seed=seed)
    tables["communities"] = A.communities(G, seed=seed)
    # wide tables: the `TABLE_MAX` most linked of each axis (a 100k-paper graph has 20k x 3k)
    tables["method_dataset"] = A.method_dataset_table(G, top=TABLE_MAX)
    tables["dataset_metric"] = A.dataset_metric_table(G, top=TABLE_MAX)
    tables["method_pairs"] = A.pairs(G, "Method")
    tables["gaps"] = A.gaps(G, top=100)
    tables["code_availability"] = A.code_availability(G, "Task")
    tables["papers_without_code"] = A.papers_without_code(G, "Task")
    for freq in ("year", "month"):
        t = A.trends(G, "Method", freq, top=top)
        if len(t):
            tables[f"trends_{freq}"] = t
    return tables


# --------------------------------------------------------------------------- charts


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def _short(name: str, n: int = 32) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def _chart_top(G: nx.MultiDiGraph, path: Path, top: int) -> None:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for ax, kind in zip(axes.ravel(), A.ENTITY_TYPES, strict=True):
        df = A.top_entities(G, kind, top)
        if df.empty:
            ax.text(0.5, 0.5, f"no {kind.lower()}s", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            ax.barh([_short(n) for n in df["name"]][::-1], df["papers"][::-1], color=_COLORS[kind])
            ax.set_xlabel("papers")
            ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"Top {kind.lower()}s by number of papers")
    fig.tight_layout()
    _save(fig, path)


def _chart_heatmap(table: pd.DataFrame, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(6, 0.55 * table.shape[1] + 3), max(4, 0.4 * table.shape[0] + 2)))
    values = table.to_numpy()
    im = ax.imshow(values, cmap="Blues", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [_short(c, 24) for c in table.columns], rotation=50, ha="right")
    ax.set_yticks(range(table.shape[0]), [_short(r, 28) for r in table.index])
    ax.set_xlabel(table.columns.name or "")
    ax.set_ylabel(table.index.name or "")
    vmax = values.max() if values.size else 0
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            if values[i, j]:
                ax.text(j, i, str(values[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if values[i, j] > vmax / 2 else "black")
    fig.colorbar(im, ax=ax, label="papers using both")
    ax.set_title(f"{table.index.name} × {table.columns.name} co-usage (papers)")
    fig.tight_layout()
    _save(fig, path)


def _chart_degrees(G: nx.MultiDiGraph, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    for kind in A.ENTITY_TYPES:
        dist = A.degree_distribution(G, kind)
        if len(dist):
            ax1.plot(dist.index, dist.to_numpy(), "o-", color=_COLORS[kind], label=kind, alpha=0.8)
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("papers linked to the entity (degree)")
    ax1.set_ylabel("number of entities")
    ax1.set_title("Entity degree distribution (log–log)")
    if ax1.lines:
        ax1.legend()
    dist = A.degree_distribution(G, "Paper")
    ax2.bar(dist.index, dist.to_numpy(), color=_COLORS["Paper"])
    ax2.set_xlabel("entities (methods, datasets, metrics, tasks) linked by the paper")
    ax2.set_ylabel("number of papers")
    ax2.set_title("Entities per paper")
    fig.tight_layout()
    _save(fig, path)


def _chart_trends(table: pd.DataFrame, path: Path, freq: str) -> None:
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7), sharex=True, height_ratios=[1, 2])
    x = list(table.index)
    ax1.bar(x, table["all papers"], color="#bbbbbb")
    ax1.set_ylabel("dated papers")
    ax1.set_title(f"Papers per {freq} and the top methods' share")
    total = table["all papers"].replace(0, 1)
    for col in table.columns[1:]:
        ax2.plot(x, table[col] / total, marker="o", label=_short(col))
    ax2.set_ylabel("share of the period's papers")
    ax2.legend(fontsize=8, ncols=2)
    step = max(1, math.ceil(len(x) / 24))
    ax2.set_xticks(x[::step], x[::step], rotation=45, ha="right")
    fig.tight_layout()
    _save(fig, path)


def _chart_code(table: pd.DataFrame, path: Path, top: int) -> None:
    import matplotlib.pyplot as plt

    df = table.head(top)[::-1]
    fig, ax = plt.subplots(figsize=(9, max(3, 0.4 * len(df) + 1.5)))
    names = [_short(n, 40) for n in df["name"]]
    ax.barh(names, df["with_code"], color="#59a14f", label="links code")
    ax.barh(names, df["without_code"], left=df["with_code"], color="#d3d3d3", label="no code link")
    for i, r in enumerate(df.itertuples()):
        ax.text(r.papers, i, f" {_pct(r.share_with_code)}", va="center", fontsize=8)
    ax.set_xlabel("papers")
    ax.set_title("Code availability per task")
    ax.legend(loc="lower right")
    fig.tight_layout()
    _save(fig, path)


# --------------------------------------------------------------------------- markdown


def _md_table(df: pd.DataFrame, index: bool = False, max_rows: int = 15) -> str:
    if index:
        df = df.reset_index()
    if df.empty:
        return "_(none)_"
    head = df.head(max_rows)

    def cell(v: Any) -> str:
        if isinstance(v, float):
            v = f"{v:.4g}"
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in head.columns) + " |",
             "|" + "|".join("---" for _ in head.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in head.itertuples(index=False)]
    if len(df) > max_rows:
        lines.append(f"\n_{len(df) - max_rows} more rows in the CSV._")
    return "\n".join(lines)


def write_report(
    G: nx.MultiDiGraph, out_dir: str | Path, top: int = 10, seed: int = 0, title: str = "Knowledge-graph report",
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[str]]:
    """Write ``report.md``, the PNG charts and one CSV per table into `out_dir`.

    Returns ``{"charts": [...], "tables": [...]}`` (file names written).
    """
    import matplotlib

    matplotlib.use("Agg")
    out = Path(out_dir)
    say = progress or (lambda _msg: None)
    say("computing tables")
    tables = report_tables(G, top=top, seed=seed)
    written_tables = []
    for stem, df in tables.items():
        keep_index = stem in ("method_dataset", "dataset_metric") or stem.startswith("trends_")
        with atomic_path(out / f"{stem}.csv") as tmp:
            df.to_csv(tmp, index=keep_index, encoding="utf-8")
        written_tables.append(f"{stem}.csv")

    say("drawing charts")
    charts = []
    _chart_top(G, out / "top_entities.png", top)
    charts.append("top_entities.png")
    heat = A.method_dataset_table(G, top=15)
    heat = heat.loc[heat.sum(axis=1) > 0, heat.sum(axis=0) > 0]
    if heat.size:
        _chart_heatmap(heat, out / "co_usage_heatmap.png")
        charts.append("co_usage_heatmap.png")
    _chart_degrees(G, out / "degree_distribution.png")
    charts.append("degree_distribution.png")
    trend_freq = None
    if "trends_month" in tables and len(tables["trends_month"]) <= 36 and len(tables.get("trends_year", [])) < 4:
        trend_freq = "month"
    elif "trends_year" in tables:
        trend_freq = "year"
    if trend_freq:
        _chart_trends(A.trends(G, "Method", trend_freq, top=min(top, 8)), out / "trends.png", trend_freq)
        charts.append("trends.png")
    code = tables["code_availability"]
    if len(code):
        _chart_code(code, out / "code_availability.png", 15)
        charts.append("code_availability.png")

    say("writing report.md")
    cov = tables["coverage"].set_index("what")
    n_papers = int(cov.loc["all papers", "papers"])
    md = [f"# {title}", ""]
    if G.graph.get("build_date") or G.graph.get("sources"):
        src = G.graph.get("sources") or []
        src = ", ".join(src) if isinstance(src, list) else str(src)
        md += [f"Built {G.graph.get('build_date', '?')} from {src or '?'} "
               f"(kg {G.graph.get('kg_version', '?')}).", ""]
    md += [f"{n_papers} papers, {G.number_of_nodes()} nodes, {G.number_of_edges()} edges. "
           "Every table is also a CSV file in this folder.", "", "## Counts", "",
           _md_table(tables["counts"], max_rows=50), "", "## Coverage", "",
           "Share of papers with at least one entity of each type (``code``: a code-host repository).", "",
           _md_table(tables["coverage"]), "", "## Top entities", "", "![Top entities](top_entities.png)", ""]
    for kind in A.ENTITY_TYPES:
        md += [f"### {kind}s", "", _md_table(tables[f"top_{kind.lower()}s"], max_rows=top), ""]
    md += ["## Central entities", "",
           "PageRank and betweenness in the paper–entity graph (`centrality.csv`).", "",
           _md_table(tables["centrality"][["name", "type", "papers", "pagerank", "betweenness"]], max_rows=top),
           "", "## Communities", "",
           "Louvain communities of the paper–entity graph, largest first, with their most-linked entities "
           "(`communities.csv`).", ""]
    comm = tables["communities"]
    if len(comm):
        rows = []
        for c, part in comm.groupby("community"):
            if c >= top:
                break
            names = ", ".join(part.sort_values("papers", ascending=False)["name"].head(6))
            rows.append((c, len(part), names))
        md += [_md_table(pd.DataFrame(rows, columns=["community", "entities", "most linked"]), max_rows=top), ""]
    else:
        md += ["_(none)_", ""]
    md += ["## Method × dataset co-usage", ""]
    if "co_usage_heatmap.png" in charts:
        md += ["![Method × dataset co-usage](co_usage_heatmap.png)", ""]
    md += [f"Tables of the {TABLE_MAX} most linked methods, datasets and metrics: `method_dataset.csv`, "
           "`dataset_metric.csv` (all of them: `kg.analytics.method_dataset_table(G)`); methods used together "
           "in a paper: `method_pairs.csv`.", "", "### Methods used together", "",
           _md_table(tables["method_pairs"], max_rows=top),
           "", "## Gaps", "",
           "Datasets a method was never evaluated on although methods sharing its datasets were "
           "(Adamic–Adar score on the method–dataset graph; `gaps.csv`).", "",
           _md_table(tables["gaps"][["method_name", "dataset_name", "score", "neighbours", "examples"]],
                     max_rows=top), "",
           "## Degree distribution", "", "![Degree distribution](degree_distribution.png)", ""]
    md += ["## Trends", ""]
    if trend_freq:
        md += ["![Trends](trends.png)", "", _md_table(tables[f"trends_{trend_freq}"], index=True, max_rows=40), ""]
    else:
        md += ["No paper carries a date, so there are no trends (dates come from the input's `date` field).", ""]
    md += ["## Code availability per task", ""]
    if "code_availability.png" in charts:
        md += ["![Code availability](code_availability.png)", ""]
    md += [_md_table(tables["code_availability"], max_rows=top), "",
           "Papers without code, per task: `papers_without_code.csv`.", ""]
    with atomic_write(out / "report.md") as fh:
        fh.write("\n".join(md))
    return {"charts": charts, "tables": written_tables}
