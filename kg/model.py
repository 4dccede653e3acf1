"""The graph's vocabulary in one place: entity labels, node and edge types, predicates, node IDs.

Every other module imports these names from here (the RDF terms for them are in
``ontology/kg.ttl`` and `kg.namespace`).

>>> predicate("Method", "proposed"), predicate("Dataset"), paper_node("2101.00001")
('proposes', 'evaluatedOn', 'paper:2101.00001')
"""

from __future__ import annotations

__all__ = [
    "EDGE_TYPES",
    "IRI_SEGMENT",
    "LABELS",
    "LABEL_PREDICATE",
    "LINK_PREDICATES",
    "NAMED_TYPES",
    "NODE_STYLE",
    "NODE_TYPES",
    "OTHER_STYLE",
    "PAPER_EDGES",
    "RESULT_EDGES",
    "paper_node",
    "predicate",
]

#: What a mention can name.
LABELS = ("Method", "Dataset", "Metric", "Task")
NODE_TYPES = ("Paper", *LABELS, "Repository", "Result")
#: Nodes that stand for a named thing (not a paper or a result).
NAMED_TYPES = (*LABELS, "Repository")
#: The path segment of each node type's IRI (``<base>method/<key>``).
IRI_SEGMENT = {
    "Paper": "paper",
    "Method": "method",
    "Dataset": "dataset",
    "Metric": "metric",
    "Task": "task",
    "Repository": "repo",
    "Result": "result",
}
#: Every edge out of a paper, and every edge out of a result.
PAPER_EDGES = ("proposes", "uses", "evaluatedOn", "measuredBy", "addresses", "hasCode", "reports")
RESULT_EDGES = ("resultMethod", "resultDataset", "resultMetric")
EDGE_TYPES = PAPER_EDGES + RESULT_EDGES
#: The predicate of a paper's link to an entity of each label (a proposed method: "proposes").
LABEL_PREDICATE = {
    "Dataset": "evaluatedOn",
    "Metric": "measuredBy",
    "Task": "addresses",
    "Method": "uses",
}
#: Paper → entity edges: the links a reader follows from a paper to what it names.
LINK_PREDICATES = frozenset({"proposes", *LABEL_PREDICATE.values()})
#: How each node type is drawn (kg.html, the analytics report): colour, vis-network shape, legend symbol.
NODE_STYLE: dict[str, tuple[str, str, str]] = {
    "Paper": ("#4C78A8", "dot", "\u25cf"),
    "Method": ("#F58518", "diamond", "\u25c6"),
    "Dataset": ("#54A24B", "square", "\u25a0"),
    "Metric": ("#B279A2", "triangle", "\u25b2"),
    "Task": ("#E45756", "star", "\u2605"),
    "Repository": ("#2A9D8F", "triangleDown", "\u25bc"),
    "Result": ("#9D755D", "hexagon", "\u2b22"),
}
OTHER_STYLE = ("#888888", "dot", "\u25cf")


def predicate(label: str, role: str = "") -> str:
    """The predicate linking a paper to an entity of `label` it mentions in `role`."""
    return "proposes" if label == "Method" and role == "proposed" else LABEL_PREDICATE[label]


def paper_node(paper_id: str) -> str:
    """Node ID of a paper."""
    return f"paper:{paper_id}"
