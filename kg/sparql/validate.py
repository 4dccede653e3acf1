"""SHACL validation of an exported graph against ``ontology/shapes.ttl`` (pyshacl).

>>> from kg.graph import build_graph
>>> from kg.records import Extraction, Paper
>>> conforms, report = validate(build_graph([Extraction(paper=Paper(id="p", title="T"))]))
>>> conforms
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError

__all__ = ["load_rdf", "ontology_dir", "validate"]

_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}


def ontology_dir() -> Path:
    """The package's copy of ``ontology/`` (kg.ttl, shapes.ttl, context.jsonld), shipped in the wheel."""
    here = Path(__file__).resolve().parent.parent / "data" / "ontology"
    if not (here / "shapes.ttl").is_file():
        raise KGError(f"ontology files not found in {here}; reinstall kg from its source tree")
    return here


def load_rdf(path: str | Path) -> Any:
    """Parse an RDF file (or a build directory's ``kg.ttl``) into an rdflib graph."""
    from rdflib import Dataset, Graph

    p = Path(path)
    if p.is_dir():
        if not (p / "kg.ttl").is_file():
            raise KGError(f"{p} has no kg.ttl; run `kg build ... -o {p}` first or pass an RDF file")
        p = p / "kg.ttl"
    if not p.exists():
        raise KGError(f"graph file not found: {p}; pass a .ttl/.nt file or a `kg build` output directory")
    fmt = _FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise KGError(
            f"unknown RDF format of {p.name}; use one of: {', '.join(sorted(_FORMATS))}"
        )
    g: Any = Dataset(default_union=True) if fmt in ("nquads", "trig") else Graph()
    try:
        g.parse(str(p), format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        raise KGError(f"cannot parse {p} as {fmt}: {exc}") from None
    return g


def validate(path_or_graph: Any, shapes: str | Path | None = None) -> tuple[bool, str]:
    """Validate a graph against the SHACL shapes; returns ``(conforms, report_text)``.

    `path_or_graph` is a file or build directory, an rdflib graph, or a `kg.graph`
    `networkx.MultiDiGraph` (exported with the default base first).
    """
    import pyshacl
    from rdflib import Graph

    if isinstance(path_or_graph, nx.Graph):
        from kg.export.rdf import to_rdf

        data = to_rdf(path_or_graph)
    elif isinstance(path_or_graph, Graph):
        data = path_or_graph
    else:
        data = load_rdf(path_or_graph)
    shapes_path = Path(shapes) if shapes else ontology_dir() / "shapes.ttl"
    try:
        shapes_graph = Graph().parse(str(shapes_path), format="turtle")
    except FileNotFoundError:
        raise KGError(f"shapes file not found: {shapes_path}") from None
    conforms, _, text = pyshacl.validate(
        data, shacl_graph=shapes_graph, inference="none", advanced=True, allow_warnings=True
    )
    return bool(conforms), str(text)
