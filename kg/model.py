"""The graph's vocabulary in one place: entity labels, node and edge types, predicates, node IDs.

Every other module imports these names from here (the RDF terms for them are in
``ontology/kg.ttl`` and `kg.namespace`).

>>> predicate("Method", "proposed"), predicate("Dataset"), paper_node("2101.00001")
('proposes', 'evaluatedOn', 'paper:2101.00001')
"""

from __future__ import annotations

__all__ = [
    "EDGE_TYPES",
    "LABELS",
    "LABEL_PREDICATE",
    "LINK_PREDICATES",
    "NODE_TYPES",
    "paper_node",
    "predicate",
]

#: What a mention can name.
LABELS = ("Method", "Dataset", "Metric", "Task")
NODE_TYPES = ("Paper", *LABELS, "Repository", "Result")
EDGE_TYPES = (
    "proposes",
    "uses",
    "evaluatedOn",
    "measuredBy",
    "addresses",
    "hasCode",
    "reports",
    "resultMethod",
    "resultDataset",
    "resultMetric",
)
#: The predicate of a paper's link to an entity of each label (a proposed method: "proposes").
LABEL_PREDICATE = {
    "Dataset": "evaluatedOn",
    "Metric": "measuredBy",
    "Task": "addresses",
    "Method": "uses",
}
#: Paper → entity edges: the links a reader follows from a paper to what it names.
LINK_PREDICATES = frozenset({"proposes", *LABEL_PREDICATE.values()})


def predicate(label: str, role: str = "") -> str:
    """The predicate linking a paper to an entity of `label` it mentions in `role`."""
    return "proposes" if label == "Method" and role == "proposed" else LABEL_PREDICATE[label]


def paper_node(paper_id: str) -> str:
    """Node ID of a paper."""
    return f"paper:{paper_id}"
