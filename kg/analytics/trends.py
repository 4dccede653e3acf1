"""Entity popularity over time."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from kg.analytics.basics import _check_kind, _display, _names, _ranked, incidence
from kg.errors import KGError


def _paper_periods(G: nx.MultiDiGraph, freq: str) -> pd.Series:
    if freq not in ("year", "month"):
        raise KGError(f"unknown trend period {freq!r}; choose year or month")
    ids, dates = [], []
    for n, d in G.nodes(data=True):
        if d.get("type") == "Paper" and d.get("date"):
            ids.append(n)
            dates.append(str(d["date"]))
    if not ids:
        return pd.Series([], dtype="object", index=pd.Index([], name="paper"))
    parsed = pd.to_datetime(pd.Series(dates, index=ids), errors="coerce", format="mixed", utc=True)
    parsed = parsed.dropna()
    fmt = "%Y" if freq == "year" else "%Y-%m"
    periods = parsed.dt.strftime(fmt)
    periods.index.name = "paper"
    return periods


def trends(
    G: nx.MultiDiGraph, kind: str = "Method", freq: str = "year", top: int | None = 10,
    share: bool = False,
) -> pd.DataFrame:
    """Papers per period (``year`` or ``month``) for the `top` entities of `kind`.

    Index: period (``"2023"`` or ``"2023-03"``) for every period that has dated papers;
    first column ``all papers`` (dated papers in the period), then one column per entity
    (by name). With `share`, entity columns are fractions of ``all papers``. Papers
    without a (parsable) date are left out; the table is empty when none has one.

    >>> from kg.samples import example_graph
    >>> trends(example_graph(), "Task", top=2)  # doctest: +NORMALIZE_WHITESPACE
    Task    all papers  image classification  image generation
    period
    2022             2                     0                 0
    2023             3                     2                 1
    2024             1                     0                 1
    """
    kind = _check_kind(kind)
    periods = _paper_periods(G, freq)
    names = _names(G)
    ranked = _ranked(G, kind)
    chosen = ranked if top is None else ranked.head(top)
    cols = _display(list(chosen["id"]), names)
    if periods.empty:
        return pd.DataFrame(columns=["all papers", *cols], index=pd.Index([], name="period"))
    index = pd.Index(sorted(periods.unique()), name="period")
    total = periods.value_counts().reindex(index, fill_value=0)
    inc = incidence(G, [kind])
    inc = inc[inc["entity"].isin(set(chosen["id"])) & inc["paper"].isin(periods.index)]
    inc = inc.assign(period=inc["paper"].map(periods))
    table = inc.groupby(["period", "entity"])["paper"].nunique().unstack(fill_value=0)
    table = table.reindex(index=index, columns=list(chosen["id"]), fill_value=0).astype("int64")
    table.columns = pd.Index(cols, name=kind)
    if share:
        table = table.div(total.replace(0, 1), axis=0).round(4)
    table.insert(0, "all papers", total.astype("int64"))
    return table
