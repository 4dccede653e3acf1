"""Code availability per entity and papers without code."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import pandas as pd

from kg.analytics.basics import ENTITY_TYPES, _check_kind, _names, _papers_with_code, _ranked, incidence


def code_availability(
    G: nx.MultiDiGraph, kind: str = "Task", code_kinds: Sequence[str] | None = ("code",)
) -> pd.DataFrame:
    """Per entity of `kind`: papers, how many link code, how many do not, share with code.

    A paper "has code" when it links a repository whose ``kind`` is in `code_kinds`
    (default: code hosts only, not project pages; None counts any repository). Columns
    ``id``, ``name``, ``papers``, ``with_code``, ``without_code``, ``share_with_code``;
    sorted by papers.

    >>> from kg.samples import example_graph
    >>> code_availability(example_graph())[["name", "papers", "with_code"]].values.tolist()
    [['image classification', 2, 1], ['image generation', 2, 1], ['node classification', 2, 1]]
    """
    kind = _check_kind(kind, ENTITY_TYPES)
    ranked = _ranked(G, kind)
    coded = _papers_with_code(G, code_kinds)
    inc = incidence(G, [kind])
    inc = inc.assign(code=inc["paper"].isin(coded))
    with_code = inc.groupby("entity")["code"].sum()
    df = ranked.rename(columns={})
    df["with_code"] = df["id"].map(with_code).fillna(0).astype("int64")
    df["without_code"] = df["papers"] - df["with_code"]
    df["share_with_code"] = (df["with_code"] / df["papers"]).round(4)
    return df.reset_index(drop=True)


def papers_without_code(
    G: nx.MultiDiGraph, kind: str = "Task", code_kinds: Sequence[str] | None = ("code",)
) -> pd.DataFrame:
    """Papers linking no code repository, per entity of `kind` (one row per pair).

    Columns ``id``, ``name``, ``paper``, ``title``; entities in :func:`code_availability`
    order, papers by ID.

    >>> from kg.samples import example_graph
    >>> papers_without_code(example_graph()).loc[0, ["name", "paper"]].tolist()
    ['image classification', 'paper:p4']
    """
    kind = _check_kind(kind, ENTITY_TYPES)
    ranked = _ranked(G, kind)
    coded = _papers_with_code(G, code_kinds)
    inc = incidence(G, [kind])
    inc = inc[~inc["paper"].isin(coded)]
    rank = {e: i for i, e in enumerate(ranked["id"])}
    names = _names(G)
    df = pd.DataFrame(
        {
            "id": inc["entity"].to_numpy(),
            "name": [names[e] for e in inc["entity"]],
            "paper": inc["paper"].to_numpy(),
            "title": [G.nodes[p].get("title", "") for p in inc["paper"]],
        }
    )
    df["_rank"] = df["id"].map(rank)
    df = df.sort_values(["_rank", "paper"], kind="stable").drop(columns="_rank")
    return df.reset_index(drop=True)
