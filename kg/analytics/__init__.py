"""Graph analytics in one line: plain functions over the `kg build` graph.

Every function takes the ``nx.MultiDiGraph`` of :func:`kg.graph.build_graph` (or of
:func:`kg.load_graph`) and returns a pandas ``DataFrame`` (or a networkx graph), so the
result prints, sorts, plots and saves (``.to_csv``) without more code. "Number of papers"
always counts distinct papers linked to an entity, whatever the edge type
(``proposes`` and ``uses`` both count for a method).

>>> from kg.samples import example_graph
>>> G = example_graph()         # six hand-made papers; or kg.load_graph("outputs/")
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
:func:`counts`, :func:`degree_distribution`, :func:`papers_using`, :func:`leaderboard`
(results ranked the way each metric improves).
"""

from __future__ import annotations

from kg.analytics.basics import (
    ENTITY_TYPES,
    counts,
    coverage,
    degree_distribution,
    incidence,
    paper_entity_graph,
    papers_using,
    resolve_entity,
    top_datasets,
    top_entities,
    top_methods,
    top_metrics,
    top_tasks,
)
from kg.analytics.centrality import betweenness, centrality
from kg.analytics.co_usage import co_usage, dataset_metric_table, method_dataset_table, pairs, projection
from kg.analytics.code import code_availability, papers_without_code
from kg.analytics.communities import communities
from kg.analytics.gaps import gaps
from kg.analytics.results import format_leaderboard, leaderboard
from kg.analytics.trends import trends

__all__ = [
    "ENTITY_TYPES",
    "betweenness",
    "centrality",
    "co_usage",
    "code_availability",
    "communities",
    "counts",
    "coverage",
    "dataset_metric_table",
    "degree_distribution",
    "format_leaderboard",
    "gaps",
    "incidence",
    "leaderboard",
    "method_dataset_table",
    "pairs",
    "paper_entity_graph",
    "papers_using",
    "papers_without_code",
    "projection",
    "resolve_entity",
    "top_datasets",
    "top_entities",
    "top_methods",
    "top_metrics",
    "top_tasks",
    "trends",
]
