"""Gaps: method–dataset pairs that are likely but untried (link prediction)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from kg.analytics.basics import _check_kind, _names, _paper_counts, incidence, resolve_entity


def gaps(
    G: nx.MultiDiGraph,
    method: str | None = None,
    top: int | None = 20,
    rows: str = "Method",
    cols: str = "Dataset",
    examples: int = 3,
    chunk: int = 2048,
) -> pd.DataFrame:
    """Datasets a method was never evaluated on although its neighbour methods were.

    Link prediction on the bipartite method–dataset graph B (a method and a dataset are
    adjacent when a paper links both). A method's *neighbours* are the methods that
    share a dataset with it; for a dataset d that no paper links to method m, every
    path m – d' – n – d (m and neighbour n share dataset d', and n was evaluated on d)
    is evidence, weighted as in Adamic–Adar by how specific its middle nodes are::

        score(m, d) = Σ over paths m–d'–n–d of 1 / (log deg(d') · log deg(n))

    (degrees in B, both ≥ 2 on such a path). The sum is a product of sparse matrices,
    ``A·W·Aᵀ·W·A``, computed in row chunks, so it scales to 100k-paper graphs.
    `method` (ID, name or alias) restricts the rows; `rows` / `cols` choose other
    entity types (e.g. ``"Dataset"``, ``"Metric"``). Pairs with no path are not listed.

    Columns ``method``, ``method_name``, ``dataset``, ``dataset_name``, ``score``,
    ``neighbours`` (how many neighbours were evaluated on the dataset) and ``examples``
    (up to `examples` of them, most papers first); sorted by score, then IDs.

    >>> from kg.samples import example_graph
    >>> gaps(example_graph())[["method_name", "dataset_name", "neighbours"]].head(1).values.tolist()
    [['GNN', 'ImageNet', 3]]
    """
    import numpy as np
    from scipy import sparse

    rows, cols = _check_kind(rows), _check_kind(cols)
    out_cols = ["method", "method_name", "dataset", "dataset_name", "score", "neighbours", "examples"]
    inc = incidence(G, {rows, cols})
    left = inc.loc[inc["type"] == rows, ["paper", "entity"]]
    right = inc.loc[inc["type"] == cols, ["paper", "entity"]]
    edges = left.merge(right, on="paper", suffixes=("_m", "_d"))[["entity_m", "entity_d"]]
    edges = edges[edges["entity_m"] != edges["entity_d"]].drop_duplicates()
    if edges.empty:
        return pd.DataFrame(columns=out_cols)
    m_codes, m_ids = pd.factorize(edges["entity_m"], sort=True)
    d_codes, d_ids = pd.factorize(edges["entity_d"], sort=True)
    nm, nd = len(m_ids), len(d_ids)
    A = sparse.csr_matrix((np.ones(len(edges)), (m_codes, d_codes)), shape=(nm, nd))
    deg_m = np.asarray(A.sum(axis=1)).ravel()
    deg_d = np.asarray(A.sum(axis=0)).ravel()

    def inv_log(deg: Any) -> Any:
        return np.where(deg >= 2, 1.0 / np.log(np.maximum(deg, 2)), 0.0)

    w_m, w_d = sparse.diags(inv_log(deg_m)), sparse.diags(inv_log(deg_d))
    inner = (w_d @ A.T @ w_m @ A).tocsr()  # datasets x datasets: d' -> d through a neighbour n
    if method is not None:
        target = resolve_entity(G, method, rows)
        row_list = np.flatnonzero(m_ids == target)
    else:
        row_list = np.arange(nm)
    found_r, found_c, found_s = [], [], []
    for start in range(0, len(row_list), chunk):
        block = row_list[start : start + chunk]
        A_r = A[block]
        S = (A_r @ inner).tocsr()
        S = (S - S.multiply(A_r > 0)).tocoo()  # existing pairs are not gaps
        keep = S.data > 1e-12
        sr, sc, sd = block[S.row[keep]], S.col[keep], S.data[keep]
        if top is not None and len(sd) > top:
            best = np.argpartition(-sd, top - 1)[:top]
            threshold = sd[best].min()
            best = np.flatnonzero(sd >= threshold)  # keep ties at the cut
            sr, sc, sd = sr[best], sc[best], sd[best]
        found_r.append(sr)
        found_c.append(sc)
        found_s.append(sd)
    if not found_s or not sum(len(x) for x in found_s):
        return pd.DataFrame(columns=out_cols)
    r_all, c_all, s_all = (np.concatenate(x) for x in (found_r, found_c, found_s))
    s_round = np.round(s_all, 9)
    order = np.lexsort((c_all, r_all, -s_round))
    if top is not None:
        order = order[:top]
    names = _names(G)
    papers = _paper_counts(inc)
    A_csc = A.tocsc()
    result = []
    for i in order:
        r, c = int(r_all[i]), int(c_all[i])
        m, d = m_ids[r], d_ids[c]
        shared = A[r].indices  # datasets of m
        nbrs = set(A_csc[:, shared].indices) - {r}  # methods sharing one of them
        hits = [m_ids[j] for j in A_csc[:, c].indices if j in nbrs]
        hits.sort(key=lambda x: (-papers[x], names[x].lower(), x))
        result.append((m, names[m], d, names[d], round(float(s_all[i]), 6), len(hits),
                       ", ".join(names[x] for x in hits[:examples])))
    return pd.DataFrame(result, columns=out_cols)
