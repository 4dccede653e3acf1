"""Graph analytics in one line: plain functions over the `kg build` graph.

Every function takes the ``nx.MultiDiGraph`` of :func:`kg.graph.build_graph` (or of
:func:`kg.load_graph`) and returns a pandas ``DataFrame`` (or a networkx graph), so the
result prints, sorts, plots and saves (``.to_csv``) without more code. "Number of papers"
always counts distinct papers linked to an entity, whatever the edge type
(``proposes`` and ``uses`` both count for a method).

>>> import kg
>>> G = kg.analytics.example_graph()         # six hand-made papers; or kg.load_graph("outputs/")
>>> top_entities(G, "Dataset")
                 id      name  papers
0   dataset:cifar10  CIFAR-10       4
1      dataset:cora      Cora       2
2  dataset:imagenet  ImageNet       2

Functions: :func:`top_entities` (and ``top_methods`` / ``top_datasets`` /
``top_metrics`` / ``top_tasks``), :func:`centrality` (PageRank, betweenness),
:func:`communities` (Louvain), :func:`co_usage` (``method_dataset_table``,
``dataset_metric_table``), :func:`projection` and :func:`pairs` (entities used together),
:func:`trends`, :func:`gaps` (link prediction on the method–dataset graph),
:func:`code_availability` and :func:`papers_without_code`, :func:`coverage`,
:func:`counts`, :func:`degree_distribution`, :func:`papers_using`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

import networkx as nx
import pandas as pd

from kg.errors import KGError

__all__ = [
    "ENTITY_TYPES",
    "example_graph",
    "incidence",
    "paper_entity_graph",
    "counts",
    "coverage",
    "top_entities",
    "top_methods",
    "top_datasets",
    "top_metrics",
    "top_tasks",
    "centrality",
    "betweenness",
    "communities",
    "co_usage",
    "method_dataset_table",
    "dataset_metric_table",
    "projection",
    "pairs",
    "trends",
    "gaps",
    "code_availability",
    "papers_without_code",
    "degree_distribution",
    "papers_using",
    "resolve_entity",
]

ENTITY_TYPES = ("Method", "Dataset", "Metric", "Task")
_KINDS = {*ENTITY_TYPES, "Repository"}
#: Above this many nodes, betweenness is estimated from `k` sampled sources (see `centrality`).
EXACT_BETWEENNESS_MAX_NODES = 5000
DEFAULT_BETWEENNESS_SAMPLES = 256


# --------------------------------------------------------------------------- basics


def _check_kind(kind: str, allowed: Iterable[str] = _KINDS) -> str:
    allowed = tuple(allowed)
    for k in allowed:
        if kind.lower() in (k.lower(), k.lower() + "s"):
            return k
    raise KGError(f"unknown entity type {kind!r}; choose one of: {', '.join(allowed)}")


def _types(G: nx.MultiDiGraph) -> dict[Any, str]:
    return {n: t for n, t in G.nodes(data="type", default="")}


def _names(G: nx.MultiDiGraph) -> dict[Any, str]:
    return {n: str(label) for n, label in G.nodes(data="label", default="")}


def incidence(G: nx.MultiDiGraph, kinds: Iterable[str] = (*ENTITY_TYPES, "Repository")) -> pd.DataFrame:
    """One row per (paper, entity) pair linked by any edge: columns ``paper``, ``entity``, ``type``.

    The building block of the other functions; parallel edges count once.

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

    >>> paper_entity_graph(example_graph()).number_of_edges()
    29
    """
    inc = incidence(G, kinds)
    H = nx.Graph()
    H.add_edges_from(zip(inc["paper"], inc["entity"], strict=True))
    return H


def counts(G: nx.MultiDiGraph) -> pd.DataFrame:
    """Number of nodes per node type and edges per edge type: columns ``kind``, ``name``, ``count``.

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

    >>> coverage(example_graph()).set_index("what")["papers"].to_dict()
    {'all papers': 6, 'Method': 6, 'Dataset': 6, 'Metric': 6, 'Task': 6, 'Repository': 4, 'code': 3}
    """
    types = _types(G)
    total = sum(1 for t in types.values() if t == "Paper")
    inc = incidence(G)
    rows: list[tuple[str, int]] = [("all papers", total)]
    for kind in (*ENTITY_TYPES, "Repository"):
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
    df["_key"] = df["name"].str.lower()
    df = df.sort_values(["papers", "_key", "id"], ascending=[False, True, True], kind="stable")
    return df.drop(columns="_key").reset_index(drop=True)


def top_entities(G: nx.MultiDiGraph, kind: str = "Method", n: int | None = 10) -> pd.DataFrame:
    """The `n` entities of type `kind` linked to most papers (all when `n` is None).

    Columns ``id``, ``name``, ``papers``; ties are broken by name.

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

    >>> papers_using(example_graph(), "Cora")
    ['paper:p1', 'paper:p2']
    """
    node = resolve_entity(G, entity)
    return sorted({u for u in G.predecessors(node) if G.nodes[u].get("type") == "Paper"})


# --------------------------------------------------------------------------- centrality


def centrality(
    G: nx.MultiDiGraph,
    kinds: Iterable[str] = ENTITY_TYPES,
    k: int | None = None,
    seed: int = 0,
    alpha: float = 0.85,
) -> pd.DataFrame:
    """PageRank and betweenness of entities in the undirected paper–entity graph.

    Betweenness is exact up to :data:`EXACT_BETWEENNESS_MAX_NODES` nodes; above, or when
    `k` is given, it is estimated from `k` source nodes sampled with `seed` (default
    :data:`DEFAULT_BETWEENNESS_SAMPLES`), so the same graph gives the same numbers.
    Columns ``id``, ``type``, ``name``, ``papers``, ``pagerank``, ``betweenness``; sorted
    by PageRank.

    >>> centrality(example_graph(), ["Method"])[["name", "papers"]].head(2).values.tolist()
    [['Transformer', 3], ['diffusion model', 2]]
    """
    kinds = [_check_kind(x) for x in kinds]
    H = paper_entity_graph(G, kinds)
    types = _types(G)
    names = _names(G)
    entities = [n for n in H if types[n] in kinds]
    if not entities:
        return pd.DataFrame(columns=["id", "type", "name", "papers", "pagerank", "betweenness"])
    pr = nx.pagerank(H, alpha=alpha)
    if k is None and H.number_of_nodes() > EXACT_BETWEENNESS_MAX_NODES:
        k = DEFAULT_BETWEENNESS_SAMPLES
    bc = betweenness(H, k=k, seed=seed)
    df = pd.DataFrame(
        {
            "id": entities,
            "type": [types[n] for n in entities],
            "name": [names[n] for n in entities],
            "papers": [H.degree(n) for n in entities],
            "pagerank": [pr[n] for n in entities],
            "betweenness": [bc[n] for n in entities],
        }
    )
    df = df.sort_values(["pagerank", "id"], ascending=[False, True], kind="stable")
    return df.reset_index(drop=True)


def betweenness(H: nx.Graph, k: int | None = None, seed: int = 0, batch: int = 64) -> dict[Any, float]:
    """Normalized betweenness of an undirected, unweighted graph; `k` sampled sources when given.

    The same numbers as ``nx.betweenness_centrality(H, k=k, seed=seed)`` (same sampled
    sources, same rescaling), computed by Brandes' algorithm over `batch` sources at a
    time with sparse matrix products (scipy), which is what makes 100k-paper graphs
    feasible.

    >>> H = nx.path_graph(4)
    >>> betweenness(H) == nx.betweenness_centrality(H)
    True
    """
    import random

    import numpy as np
    from scipy import sparse

    nodes = list(H.nodes())
    n = len(nodes)
    result = dict.fromkeys(nodes, 0.0)
    if n <= 2:
        return result
    if k is not None and k >= n:
        k = None
    index = {v: i for i, v in enumerate(nodes)}
    rows, cols = [], []
    for u, v in H.edges():
        if u != v:
            rows += [index[u], index[v]]
            cols += [index[v], index[u]]
    A = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    A.sum_duplicates()
    A.data[:] = 1.0
    sources = nodes if k is None else random.Random(seed).sample(nodes, k)
    src_idx = np.array([index[s] for s in sources])
    bc = np.zeros(n)
    for start in range(0, len(src_idx), batch):
        chunk = src_idx[start : start + batch]
        b = len(chunk)
        cols_b = np.arange(b)
        sigma = np.zeros((n, b))
        sigma[chunk, cols_b] = 1.0
        dist = np.full((n, b), -1, dtype=np.int32)
        dist[chunk, cols_b] = 0
        frontier = sigma.copy()
        depth = 0
        while True:
            nxt = A @ frontier
            nxt[dist >= 0] = 0.0
            new = nxt > 0
            if not new.any():
                break
            depth += 1
            dist[new] = depth
            sigma[new] = nxt[new]
            frontier = np.where(new, nxt, 0.0)
        delta = np.zeros((n, b))
        for d in range(depth, 0, -1):
            at_d = dist == d
            coef = np.zeros((n, b))
            np.divide(1.0 + delta, sigma, out=coef, where=at_d)
            contrib = A @ coef
            above = dist == d - 1
            delta[above] += (sigma * contrib)[above]
        delta[chunk, cols_b] = 0.0
        bc += delta.sum(axis=1)
    N = n - 1
    if k is None:
        bc *= 1.0 / (N * (N - 1))
    else:
        is_source = np.zeros(n, dtype=bool)
        is_source[src_idx] = True
        scale_source = 1.0 / ((k - 1) * (N - 1)) if k > 1 else math.nan
        bc = np.where(is_source, bc * scale_source, bc / (k * (N - 1)))
    return {v: float(x) for v, x in zip(nodes, bc, strict=True)}


def communities(
    G: nx.MultiDiGraph,
    kinds: Iterable[str] = ENTITY_TYPES,
    resolution: float = 1.0,
    seed: int = 0,
    include_papers: bool = False,
) -> pd.DataFrame:
    """Louvain communities (networkx, seeded) of the paper–entity graph.

    Papers and entities are clustered together (papers with no entity are left out);
    the rows are the entities (and the papers with `include_papers`). Nodes of degree 1
    (a paper naming one entity, an entity named by one paper) are left out of the
    Louvain run and then join their only neighbour's community, which is where
    modularity puts a leaf given the rest; on real graphs this removes a third or more
    of the nodes from the slow part. Communities are
    numbered from 0 by decreasing number of entities. Columns ``id``, ``type``, ``name``,
    ``papers``, ``community``.

    >>> c = communities(example_graph()).set_index("name")["community"]
    >>> bool(c["Cora"] == c["GNN"]), bool(c["Cora"] == c["FID"])
    (True, False)
    """
    kinds = [_check_kind(x) for x in kinds]
    H = paper_entity_graph(G, kinds)
    if H.number_of_nodes() == 0:
        return pd.DataFrame(columns=["id", "type", "name", "papers", "community"])
    leaves = [n for n in H if H.degree(n) == 1]
    core = H.subgraph(set(H) - set(leaves))
    parts = nx.community.louvain_communities(core, resolution=resolution, seed=seed) if len(core) else []
    label = {n: i for i, part in enumerate(parts) for n in part}
    for leaf in leaves:
        nbr = next(iter(H[leaf]))
        if nbr in label:
            parts[label[nbr]].add(leaf)
            label[leaf] = label[nbr]
        elif leaf not in label:  # an isolated paper–entity pair
            parts.append({leaf, nbr})
            label[leaf] = label[nbr] = len(parts) - 1
    types = _types(G)
    names = _names(G)

    def order(part: set[Any]) -> tuple[int, int, str]:
        n_entities = sum(1 for n in part if types[n] != "Paper")
        return (-n_entities, -len(part), str(min(map(str, part))))

    rows = []
    for c, part in enumerate(sorted(parts, key=order)):
        for n in part:
            if include_papers or types[n] != "Paper":
                rows.append((n, types[n], names[n], H.degree(n), c))
    df = pd.DataFrame(rows, columns=["id", "type", "name", "papers", "community"])
    df = df.sort_values(["community", "papers", "id"], ascending=[True, False, True], kind="stable")
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- co-usage


def _display(ids: Sequence[Any], names: dict[Any, str]) -> list[str]:
    """Names for a table axis; an ambiguous name gets its ID appended."""
    seen = Counter(names[i] for i in ids)
    return [names[i] if seen[names[i]] == 1 else f"{names[i]} ({i})" for i in ids]


def co_usage(
    G: nx.MultiDiGraph, rows: str = "Method", cols: str = "Dataset", top: int | None = None
) -> pd.DataFrame:
    """Papers that link both a `rows` entity and a `cols` entity, as a table.

    Rows and columns are entity names ordered by number of papers (the `top` most
    linked of each when given); cells count papers (0 when never together).

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

    >>> dataset_metric_table(example_graph()).loc["CIFAR-10"].to_dict()
    {'accuracy': 3, 'FID': 1}
    """
    return co_usage(G, "Dataset", "Metric", top)


def projection(G: nx.MultiDiGraph, kind: str = "Method", min_weight: int = 1) -> nx.Graph:
    """Weighted projection: entities of `kind` joined when a paper links both.

    Edge ``weight`` = number of such papers (edges below `min_weight` dropped); nodes
    carry ``name`` and ``papers``. Entities linked to a paper but to no other entity
    of `kind` are isolated nodes.

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

    >>> pairs(example_graph(), "Method")[["a_name", "b_name", "papers"]].head(1).values.tolist()
    [['diffusion model', 'Transformer', 1]]
    """
    P = projection(G, kind, min_weight)
    rows = [
        (a, P.nodes[a]["name"], b, P.nodes[b]["name"], w)
        for a, b, w in (sorted((u, v)) + [d] for u, v, d in P.edges(data="weight"))
    ]
    df = pd.DataFrame(rows, columns=["a", "a_name", "b", "b_name", "papers"])
    df = df.sort_values(["papers", "a", "b"], ascending=[False, True, True], kind="stable")
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- trends


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


# --------------------------------------------------------------------------- gaps


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


# --------------------------------------------------------------------------- code


def _papers_with_code(G: nx.MultiDiGraph, code_kinds: Sequence[str] | None) -> set[Any]:
    types = _types(G)
    out = set()
    for u, v in G.edges():
        if types[u] == "Paper" and types[v] == "Repository":
            if code_kinds is None or G.nodes[v].get("kind") in code_kinds:
                out.add(u)
    return out


def code_availability(
    G: nx.MultiDiGraph, kind: str = "Task", code_kinds: Sequence[str] | None = ("code",)
) -> pd.DataFrame:
    """Per entity of `kind`: papers, how many link code, how many do not, share with code.

    A paper "has code" when it links a repository whose ``kind`` is in `code_kinds`
    (default: code hosts only, not project pages; None counts any repository). Columns
    ``id``, ``name``, ``papers``, ``with_code``, ``without_code``, ``share_with_code``;
    sorted by papers.

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


def degree_distribution(G: nx.MultiDiGraph, kind: str = "Method") -> pd.Series:
    """How many entities of `kind` are linked to exactly k papers (index k, sorted).

    For ``kind="Paper"``: how many papers link exactly k entities (methods, datasets,
    metrics, tasks).

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


# --------------------------------------------------------------------------- example


def example_graph() -> nx.MultiDiGraph:
    """A six-paper graph with known answers, used by the docstring examples and tests.

    Methods GNN, Transformer, ResNet, diffusion model; datasets Cora, CIFAR-10,
    ImageNet; metrics accuracy, FID; tasks node classification, image classification,
    image generation; papers dated 2022–2024; three link code on GitHub, one only a
    project page.
    """
    from kg.graph import build_graph
    from kg.records import Extraction, Mention, Paper, Repo

    specs = [
        ("p1", "2022-01-10", "GNN for graphs",
         "We propose GNN and compare with Transformer on Cora by accuracy for node classification. "
         "Code: github.com/a/gnn", ["GNN*", "Transformer", "Cora", "accuracy", "node classification"],
         [("https://github.com/a/gnn", "code")]),
        ("p2", "2022-06-01", "GNN study",
         "We use GNN on Cora and CIFAR-10 and report accuracy for node classification.",
         ["GNN", "Cora", "CIFAR-10", "accuracy", "node classification"], []),
        ("p3", "2023-02-03", "ResNet meets Transformer",
         "ResNet and Transformer on CIFAR-10 and ImageNet by accuracy for image classification. "
         "Code: github.com/c/rt", ["ResNet", "Transformer", "CIFAR-10", "ImageNet", "accuracy",
                                   "image classification"], [("https://github.com/c/rt", "code")]),
        ("p4", "2023-05-05", "ResNet again",
         "We train ResNet on CIFAR-10 and report accuracy for image classification.",
         ["ResNet", "CIFAR-10", "accuracy", "image classification"], []),
        ("p5", "2023-07-07", "Diffusion",
         "We propose a diffusion model with a Transformer on ImageNet by FID for image generation. "
         "Code: github.com/e/diff", ["diffusion model*", "Transformer", "ImageNet", "FID", "image generation"],
         [("https://github.com/e/diff", "code")]),
        ("p6", "2024-01-01", "Diffusion on small images",
         "A diffusion model on CIFAR-10 by FID for image generation. Project: e.github.io/small",
         ["diffusion model", "CIFAR-10", "FID", "image generation"],
         [("https://e.github.io/small", "project-page")]),
    ]
    labels = {
        "GNN": ("Method", "method:gnn"), "Transformer": ("Method", "method:transformer"),
        "ResNet": ("Method", "method:resnet"), "diffusion model": ("Method", "method:diffusionmodel"),
        "Cora": ("Dataset", "dataset:cora"), "CIFAR-10": ("Dataset", "dataset:cifar10"),
        "ImageNet": ("Dataset", "dataset:imagenet"), "accuracy": ("Metric", "metric:accuracy"),
        "FID": ("Metric", "metric:fid"), "node classification": ("Task", "task:nodeclassification"),
        "image classification": ("Task", "task:imageclassification"),
        "image generation": ("Task", "task:imagegeneration"),
    }
    records = []
    for pid, date, title, abstract, mentions, repos in specs:
        ents = []
        for text in mentions:
            role = "proposed" if text.endswith("*") else ""
            text = text.rstrip("*")
            label, eid = labels[text]
            start = abstract.index(text)
            ents.append(Mention(text=text, label=label, start=start, end=start + len(text),
                                field="abstract", name=text, id=eid, score=0.9,
                                source="gazetteer", role=role))
        reps = []
        for url, kind in repos:
            raw = url.split("//", 1)[1]
            start = abstract.index(raw)
            reps.append(Repo(url=url, kind=kind, raw=raw, start=start, end=start + len(raw),
                             host=raw.split("/", 1)[0]))
        paper = Paper(id=pid, title=title, abstract=abstract, date=date,
                      authors=("A. Author", "B. Author") if pid == "p1" else (),
                      sources=(f"example.jsonl:{pid[1:]}",))
        records.append(Extraction(paper=paper, entities=tuple(ents), repos=tuple(reps)))
    G = build_graph(records)
    G.graph.update(name="example", sources=["example.jsonl"])
    return G
