"""RDF export of the knowledge graph (Turtle, N-Triples, JSON-LD, N-Quads, TriG).

One generator, `statements`, turns the `kg.graph` model into RDF statements through a
small term factory, so the fast path (pyoxigraph terms, serialized by Oxigraph) and
the rdflib path (`to_rdf`) produce the same graph by construction; a test checks
they are isomorphic. The shape of the data (see ``ontology/kg.ttl`` and
``docs/rdf.md``):

- a paper is ``kg:Paper, schema:ScholarlyArticle, fabio:ResearchPaper`` with
  ``dcterms:title``, ``dcterms:abstract``, ``dcterms:identifier``, ``kg:arxivId``,
  ``kg:doi``, ``rdfs:seeAlso`` (its URL, arXiv and DOI pages), ``dcterms:issued``;
- methods, datasets, metrics and tasks carry ``skos:prefLabel`` and one
  ``skos:altLabel`` per alias, a metric of known direction ``kg:lowerIsBetter``;
  repositories carry ``schema:codeRepository``; a result carries ``kg:value`` (and
  ``kg:maxValue``, the high end of a range);
- each paper edge is a plain triple (``paper kg:uses method``) plus a
  ``kg:Evidence`` node (``oa:Annotation``/``prov:Entity``) that reifies it and
  holds the mention text, sentence, ``oa:TextPositionSelector`` offsets, field,
  confidence and the component (``kg:extractedBy``) and pipeline version;
- a VoID description (counts, build date from ``G.graph["build_date"]``, version,
  source files) closes the output.

Literals are plain (no language tag: the pipeline does not detect the language of
a record, and arXiv carries non-English abstracts). IRIs are minted under a
configurable base from node IDs, percent-encoding everything outside
``[A-Za-z0-9-._~:@+]``, so untrusted text never reaches an IRI unescaped. The same
graph gives byte-identical output.

>>> from kg.graph import build_graph
>>> from kg.records import Extraction, Paper
>>> G = build_graph([Extraction(paper=Paper(id="2101.00001", title="A <title>"))])
>>> from rdflib import DCTERMS, URIRef
>>> paper = URIRef(node_iri("paper:2101.00001", "Paper"))
>>> print(to_rdf(G).value(paper, DCTERMS.title))
A <title>
>>> node_iri("paper:a b/<c>", "Paper")
'https://w3id.org/kg/resource/paper/a%20b%2F%3Cc%3E'
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

import networkx as nx

from kg.atomic import atomic_path, atomic_write
from kg.errors import KGError
from kg.model import IRI_SEGMENT, PAPER_EDGES, RESULT_EDGES
from kg.namespace import DEFAULT_BASE, KG, PREFIXES

if TYPE_CHECKING:
    from kg.details import DetailTable
    from kg.export.rdf.blocks import Change, Previous

__all__ = [
    "DEFAULT_BASE",
    "Block",
    "Renderer",
    "Terms",
    "Totals",
    "check_base",
        "iri_segment",
    "iter_blocks",
    "iter_quads",
    "iter_triples",
    "jsonld_context",
    "node_iri",
    "safe_url",
    "statements",
    "to_jsonld",
    "to_rdf",
    "to_rdf_dataset",
    "write_jsonld",
    "write_nquads",
    "write_ntriples",
    "write_trig",
    "write_turtle",
]

# --------------------------------------------------------------------------- vocab

_RDF = PREFIXES["rdf"]
_RDFS = PREFIXES["rdfs"]
_XSD = PREFIXES["xsd"]
_OWL = PREFIXES["owl"]
_DCT = PREFIXES["dcterms"]
_DC = PREFIXES["dc"]
_SDO = PREFIXES["schema"]
_FABIO = PREFIXES["fabio"]
_SKOS = PREFIXES["skos"]
_PROV = PREFIXES["prov"]
_OA = PREFIXES["oa"]
_VOID = PREFIXES["void"]

XSD_DECIMAL = _XSD + "decimal"
XSD_BOOLEAN = _XSD + "boolean"
XSD_INTEGER = _XSD + "integer"
XSD_NNI = _XSD + "nonNegativeInteger"
XSD_DATE = _XSD + "date"
XSD_DATETIME = _XSD + "dateTime"
XSD_GYEARMONTH = _XSD + "gYearMonth"
XSD_GYEAR = _XSD + "gYear"

ONTOLOGY_IRI = "https://w3id.org/kg/ontology"

# rdf:types an entity gets besides its kg class
_ALIGNED_TYPES = {"Dataset": _SDO + "Dataset"}

_SAFE = "-._~:@+"
_SCHEME = re.compile(r"^(?:https?|ftp)://", re.I)  # links we keep: web URLs only
_IRI_UNSAFE = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\U0010ffff]|%(?![0-9A-Fa-f]{2})")
_ARXIV_NEW = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)$", re.I)
_ARXIV_OLD = re.compile(r"^(?:arxiv:)?([a-z][a-z.\-]*/\d{7}(?:v\d+)?)$", re.I)
_ARXIV_URL = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z.\-]*/\d{7}(?:v\d+)?)(?:\.pdf)?/?$",
    re.I,
)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_FILE_LINE = re.compile(r"^(.*):(\d+)$")


def iri_segment(text: str) -> str:
    """Percent-encode `text` for use as one IRI path segment (injective, ASCII only).

    >>> iri_segment('a b<>"{}|\\\\^`é/x')
    'a%20b%3C%3E%22%7B%7D%7C%5C%5E%60%C3%A9%2Fx'
    """
    return quote(text, safe=_SAFE, errors="surrogatepass")


def check_base(base: str) -> str:
    """Validate a base IRI: absolute, ending in ``/`` or ``#``; returns it unchanged."""
    import pyoxigraph

    if not isinstance(base, str) or not base.endswith(("/", "#")):
        raise KGError(f"invalid base IRI {base!r}: it must end with '/' or '#', e.g. {DEFAULT_BASE}")
    try:
        pyoxigraph.NamedNode(base)
    except ValueError as exc:
        raise KGError(
            f"invalid base IRI {base!r}: {exc}; use an absolute IRI such as {DEFAULT_BASE}"
        ) from None
    return base


def safe_url(url: str | None) -> str | None:
    """`url` as a valid absolute IRI (unsafe characters percent-encoded), or None.

    >>> safe_url("https://github.com/a b/{x}")
    'https://github.com/a%20b/%7Bx%7D'
    >>> safe_url("not a url") is None
    True
    """
    import pyoxigraph

    if not url:
        return None
    url = url.strip()
    if not _SCHEME.match(url):
        return None
    fixed = _IRI_UNSAFE.sub(
        lambda m: quote(m.group(), safe="", errors="surrogatepass"), url
    )
    try:
        pyoxigraph.NamedNode(fixed)
    except ValueError:
        return None
    return fixed


def node_iri(node_id: str, node_type: str, base: str = DEFAULT_BASE) -> str:
    """IRI of a graph node: ``<base><segment>/<percent-encoded local id>``."""
    return base + _node_path(node_id, node_type)


def _node_path(node_id: str, node_type: str) -> str:
    seg = IRI_SEGMENT.get(node_type, "node")
    prefix = "repo:" if node_type == "Repository" else seg + ":"
    local = node_id[len(prefix) :] if node_id.startswith(prefix) else node_id
    if node_type == "Repository" and local.startswith("https://"):
        # readable: repo/github.com/owner/name (slashes kept, everything else encoded)
        return f"{seg}/{quote(local[8:], safe=_SAFE + '/', errors='surrogatepass')}"
    return f"{seg}/{iri_segment(local)}"


def _text(value: Any) -> str:
    """A string safe for an RDF literal (lone surrogates replaced)."""
    s = value if isinstance(value, str) else str(value)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = s.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return s


def _decimal(value: Any) -> str | None:
    """Lexical xsd:decimal of a number (shortest round-trip form), None if not finite."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x):
        return None
    s = format(Decimal(repr(x)), "f")
    if "." not in s:
        s += ".0"
    if s.startswith("-") and s.strip("-0.") == "":
        s = "0.0"
    return s


def _int(value: Any) -> str | None:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return None


def _date_literal(text: str) -> tuple[str, str] | None:
    """(lexical, datatype) of an ISO date / year-month / year / datetime, else None."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            date.fromisoformat(text)
            return text, XSD_DATE
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", text):
            datetime.fromisoformat(text.replace("Z", "+00:00"))
            return text[:10], XSD_DATE
        if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
            return text, XSD_GYEARMONTH
        if re.fullmatch(r"\d{4}", text):
            return text, XSD_GYEAR
    except ValueError:
        return None
    return None


def _datetime_literal(text: str) -> tuple[str, str] | None:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", text):
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
            return text, XSD_DATETIME
        except ValueError:
            return None
    return _date_literal(text)


def _arxiv_id(paper_id: str, url: str) -> str | None:
    for rx in (_ARXIV_NEW, _ARXIV_OLD):
        m = rx.match(paper_id)
        if m:
            return m.group(1)
    m = _ARXIV_URL.match(url or "")
    return m.group(1) if m else None


def _doi(paper_id: str, doi: str) -> str | None:
    doi = (doi or "").strip()
    if not doi and paper_id.lower().startswith("doi:"):
        doi = paper_id[4:]
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.I).lower()
    return doi or None


def source_file(record: str) -> str:
    """The file part of a ``file:line`` source.

    >>> source_file("seeds/a.txt:12"), source_file("stdin")
    ('seeds/a.txt', 'stdin')
    """
    m = _FILE_LINE.match(record)
    return m.group(1) if m else record


def _version(G: nx.MultiDiGraph, key: str = "pipeline_version") -> str:
    v = G.graph.get(key) or G.graph.get("version")
    if v:
        return str(v)
    try:
        from importlib.metadata import version

        return version("kg")
    except Exception:  # pragma: no cover - not installed
        return "0.0.0"


# --------------------------------------------------------------------------- terms


class Terms(NamedTuple):
    """A term factory: how IRIs, plain and typed literals become objects of one RDF library."""

    iri: Callable[[str], Any]
    lit: Callable[[str], Any]
    typed: Callable[[str, str], Any]


def _oxigraph_terms() -> Terms:
    from pyoxigraph import Literal, NamedNode

    datatypes: dict[str, Any] = {}

    def typed(value: str, dt: str) -> Any:
        node = datatypes.get(dt)
        if node is None:
            node = datatypes[dt] = NamedNode(dt)
        return Literal(value, datatype=node)

    return Terms(NamedNode, Literal, typed)


def _rdflib_terms() -> Terms:
    from rdflib import Literal, URIRef

    return Terms(URIRef, Literal, lambda v, dt: Literal(v, datatype=URIRef(dt)))


def _plain_terms() -> Terms:
    return Terms(lambda s: ("i", s), lambda s: ("l", s), lambda s, dt: ("t", s, dt))


# --------------------------------------------------------------------------- statements

Statement = tuple[Any, Any, Any, tuple[Any, ...]]


class Block(NamedTuple):
    """One node's triples, the named graphs they belong to, and what they add to the totals
    the trailer is written from."""

    node: str
    type: str
    triples: list[tuple[Any, Any, Any]]
    graphs: tuple[Any, ...]
    components: tuple[str, ...]
    files: tuple[str, ...]


@dataclass
class Totals:
    """What the trailer (components and VoID) is computed from: the blocks' statement count
    and node types, and how many blocks use each component and each source file."""

    triples: int = 0
    types: Counter[str] = field(default_factory=Counter)
    components: Counter[str] = field(default_factory=Counter)
    files: Counter[str] = field(default_factory=Counter)

    def add(self, ntype: str, triples: int, components: Iterable[str], files: Iterable[str], sign: int = 1) -> None:
        """Count a block in (`sign` 1) or out (-1): its node type, statement count, components
        and source files."""
        self.triples += sign * triples
        self.types[ntype] += sign
        for name in components:
            self.components[name] += sign
        for name in files:
            self.files[name] += sign


class Renderer:
    """Renders `G`'s statements node by node (`block`), then the trailer from the totals
    of all blocks (`trailer`); `statements` strings the two together."""

    def __init__(self, G: nx.MultiDiGraph, base: str = DEFAULT_BASE, terms: Terms | None = None,
                 details: DetailTable | None = None) -> None:
        check_base(base)
        t = terms or _oxigraph_terms()
        self.G, self.base, self.iri, self.lit, self.typed = G, base, t.iri, t.lit, t.typed
        self._cache: dict[str, Any] = {}
        self._graph_terms: dict[str, Any] = {}
        self._components: dict[str, None] = {}
        self._files: dict[str, None] = {}
        self.full = details.paper if details is not None else _as_is
        self.link = details.link if details is not None else _as_is
        self.A = self.v(_RDF + "type")
        self.LABEL = self.v(_RDFS + "label")

    def v(self, name: str) -> Any:
        """A cached vocabulary term."""
        node = self._cache.get(name)
        if node is None:
            node = self._cache[name] = self.iri(name)
        return node

    def graphs_of(self, paper_data: dict[str, Any]) -> tuple[Any, ...]:
        """The named graphs (one per source file) of a paper's statements."""
        out = []
        for rec in dict.fromkeys(paper_data.get("sources") or ()):
            f = source_file(str(rec))
            self._files[f] = None
            g = self._graph_terms.get(f)
            if g is None:
                g = self._graph_terms[f] = self.iri(self.base + "graph/" + iri_segment(_text(f)))
            if g not in out:
                out.append(g)
        return tuple(out)

    def component(self, name: str) -> Any:
        """The IRI of the pipeline component `name`, noted for the trailer."""
        name = _text(name or "unknown")
        self._components[name] = None
        return self.v(self.base + "component/" + iri_segment(name))

    def block(self, node: Any) -> Block | None:
        """`node`'s statements, None for a node of no exported type."""
        G, nodes, base, v = self.G, self.G.nodes, self.base, self.v
        data = self.full(node, nodes[node])
        ntype = data.get("type")
        if ntype not in IRI_SEGMENT:
            return None
        self._components, self._files = {}, {}
        node_path = _node_path(str(node), ntype)
        s = self.iri(base + node_path)
        gs: tuple[Any, ...] = ()
        if ntype == "Paper":
            gs = self.graphs_of(data)
            items = _paper(G, node, data, s, base, node_path, v, self.iri, self.lit, self.typed, self.component,
                           self.A, self.LABEL, self.link)
        elif ntype == "Result":
            for u in sorted(G.predecessors(node), key=str):
                if nodes[u].get("type") == "Paper":
                    gs += tuple(g for g in self.graphs_of(self.full(u, nodes[u])) if g not in gs)
            items = _result(G, node, data, s, base, v, self.lit, self.typed, self.A, self.LABEL)
        elif ntype == "Repository":
            items = _repository(data, s, v, self.iri, self.lit, self.A, self.LABEL)
        else:
            items = _entity(ntype, data, s, v, self.lit, self.typed, self.component, self.A, self.LABEL)
        triples = list(items)  # before reading what rendering them noted
        return Block(str(node), ntype, triples, gs, tuple(self._components), tuple(self._files))

    def trailer(self, totals: Totals) -> Iterator[Statement]:
        """The components section and the VoID description, from the totals of all blocks."""
        G, base, v, iri, lit, typed, A, LABEL = (
            self.G, self.base, self.v, self.iri, self.lit, self.typed, self.A, self.LABEL)
        version = _version(G)
        components = sorted(name for name, n in totals.components.items() if n > 0)
        for name in components:
            c = v(base + "component/" + iri_segment(name))
            yield c, A, v(KG.Component), ()
            yield c, A, v(_PROV + "SoftwareAgent"), ()
            yield c, LABEL, lit(name), ()
            yield c, v(KG.pipelineVersion), lit(_text(version)), ()
        count = totals.triples + 4 * len(components)
        type_counts = {ntype: n for ntype, n in sorted(totals.types.items()) if n > 0}

        # VoID description (not counted in void:triples)
        d = iri(base + "void")
        void: list[tuple[Any, Any]] = [
            (A, v(_VOID + "Dataset")),
        ]
        build = G.graph.get("build_date")
        if build:
            dl = _datetime_literal(str(build))
            void.append(
                (v(_DCT + "created"), typed(dl[0], dl[1])) if dl else (v(_DCT + "date"), lit(_text(build)))
            )
        void += [
            (v(_OWL + "versionInfo"), lit(_text(_version(G, "kg_version")))),
            (v(_VOID + "triples"), typed(str(count), XSD_INTEGER)),
            (v(_VOID + "entities"), typed(str(sum(type_counts.values())), XSD_INTEGER)),
            (v(_VOID + "uriSpace"), lit(base)),
            (v(_VOID + "vocabulary"), iri(ONTOLOGY_IRI)),
        ]
        files = {name for name, n in totals.files.items() if n > 0}
        if not files:
            files = {str(x) for x in G.graph.get("sources") or ()}
        for f in sorted(files):
            void.append((v(_DCT + "source"), lit(_text(f))))
        parts = []
        for ntype in type_counts:
            part = iri(base + "void/" + ntype)
            void.append((v(_VOID + "classPartition"), part))
            parts.append((part, ntype))
        for p, o in void:
            yield d, p, o, ()
        for part, ntype in parts:
            yield part, v(_VOID + "class"), v(KG[ntype]), ()
            yield part, v(_VOID + "entities"), typed(str(type_counts[ntype]), XSD_INTEGER), ()


def statements(
    G: nx.MultiDiGraph, base: str = DEFAULT_BASE, terms: Terms | None = None, details: DetailTable | None = None
) -> Iterator[Statement]:
    """Yield ``(subject, predicate, object, graphs)`` for `G`; `graphs` are the named graphs
    (one per source file of the paper) a statement belongs to, ``()`` for the default graph.
    Paper attributes and evidence sentences come from `details` when given (`kg.details`).

    Each subject's statements are contiguous; nodes come in sorted ID order, one `Block`
    each, then the trailer (components and VoID).
    """
    renderer = Renderer(G, base, terms, details)
    totals = Totals()
    for block in iter_blocks(G, renderer):
        totals.add(block.type, len(block.triples), block.components, block.files)
        gs = block.graphs
        for s, p, o in block.triples:
            yield s, p, o, gs
    yield from renderer.trailer(totals)


def iter_blocks(G: nx.MultiDiGraph, renderer: Renderer) -> Iterator[Block]:
    """The `Block` of each node of `G` of an exported type, in sorted ID order."""
    for node in sorted(G.nodes, key=str):
        block = renderer.block(node)
        if block is not None:
            yield block


def _as_is(_: Any, data: dict[str, Any]) -> dict[str, Any]:
    return data


def _paper(G, node, data, s, base, node_path, v, iri, lit, typed, component, A, LABEL, link):  # type: ignore[no-untyped-def]
    pid = node[len("paper:") :] if str(node).startswith("paper:") else str(node)
    yield s, A, v(KG.Paper)
    yield s, A, v(_SDO + "ScholarlyArticle")
    yield s, A, v(_FABIO + "ResearchPaper")
    yield s, LABEL, lit(_text(data.get("label") or data.get("title") or pid))
    title = data.get("title") or ""
    abstract = data.get("abstract") or ""
    if title:
        yield s, v(_DCT + "title"), lit(_text(title))
    if abstract:
        yield s, v(_DCT + "abstract"), lit(_text(abstract))
    yield s, v(_DCT + "identifier"), lit(_text(pid))
    url = data.get("url") or ""
    arxiv = _arxiv_id(pid, url)
    doi = _doi(pid, data.get("doi") or "")
    see: dict[str, None] = {}
    if arxiv:
        yield s, v(KG.arxivId), lit(arxiv)
        see["https://arxiv.org/abs/" + arxiv] = None
    if doi:
        yield s, v(KG.doi), lit(_text(doi))
        if _DOI.match(doi):
            doi_url = safe_url("https://doi.org/" + quote(doi, safe="/:;()._-", errors="surrogatepass"))
            if doi_url:
                see[doi_url] = None
    u = safe_url(url)
    if u:
        see[u] = None
    for u in sorted(see):
        yield s, v(_RDFS + "seeAlso"), iri(u)
    when = str(data.get("date") or "").strip()
    if when:
        dl = _date_literal(when)
        if dl:
            yield s, v(_DCT + "issued"), typed(dl[0], dl[1])
        else:
            yield s, v(_DCT + "date"), lit(_text(when))
    for author in dict.fromkeys(data.get("authors") or ()):
        if author:
            yield s, v(_DC + "creator"), lit(_text(author))
    for cat in dict.fromkeys(data.get("categories") or ()):
        if cat:
            yield s, v(_DCT + "subject"), lit(_text(cat))
    for rec in dict.fromkeys(data.get("sources") or ()):
        yield s, v(KG.sourceRecord), lit(_text(rec))

    nodes = G.nodes
    edges = []
    for _, target, key, edata in G.out_edges(node, keys=True, data=True):
        if key not in PAPER_EDGES:
            continue
        ttype = nodes[target].get("type")
        if ttype not in IRI_SEGMENT:
            continue
        edges.append((str(key), str(target), ttype, link(node, edata)))
    edges.sort(key=lambda e: (e[0], e[1]))
    objects = []
    for key, target, ttype, _ in edges:
        o = iri(base + _node_path(target, ttype))
        objects.append(o)
        yield s, v(KG[key]), o
    pid_seg = node_path.split("/", 1)[1]
    for (key, target, ttype, edata), o in zip(edges, objects, strict=True):
        ev_path = f"{pid_seg}/{key}/{_node_path(target, ttype)}"
        ev_iri = f"{base}evidence/{ev_path}"
        ev = iri(ev_iri)
        yield ev, A, v(KG.Evidence)
        yield ev, A, v(_OA + "Annotation")
        yield ev, A, v(_PROV + "Entity")
        yield ev, v(_RDF + "subject"), s
        yield ev, v(_RDF + "predicate"), v(KG[key])
        yield ev, v(_RDF + "object"), o
        yield ev, v(_PROV + "wasDerivedFrom"), s
        yield ev, v(KG.extractedBy), component(edata.get("component") or "unknown")
        conf = _decimal(edata.get("score", 1.0))
        if conf is not None:
            yield ev, v(KG.confidence), typed(conf, XSD_DECIMAL)
        mentions = _int(edata.get("mentions", 1))
        if mentions is not None:
            yield ev, v(KG.mentionCount), typed(mentions, XSD_INTEGER)
        if edata.get("text") is not None:
            yield ev, v(KG.mentionText), lit(_text(edata["text"]))
        if edata.get("sentence") is not None:
            yield ev, v(KG.sentence), lit(_text(edata["sentence"]))
        start, end = _int(edata.get("start")), _int(edata.get("end"))
        if start is not None and end is not None and int(start) >= 0 and int(end) >= 0:
            target_node = iri(f"{base}target/{ev_path}")
            selector = iri(f"{base}selector/{ev_path}")
            yield ev, v(_OA + "hasTarget"), target_node
            yield target_node, A, v(_OA + "SpecificResource")
            yield target_node, v(_OA + "hasSource"), s
            yield target_node, v(_OA + "hasSelector"), selector
            yield selector, A, v(_OA + "TextPositionSelector")
            yield selector, v(_OA + "start"), typed(start, XSD_NNI)
            yield selector, v(_OA + "end"), typed(end, XSD_NNI)
            yield selector, v(KG.textField), lit(_text(edata.get("field") or "abstract"))


def _result(G, node, data, s, base, v, lit, typed, A, LABEL):  # type: ignore[no-untyped-def]
    yield s, A, v(KG.Result)
    yield s, LABEL, lit(_text(data.get("label") or str(node)))
    value = _decimal(data.get("value"))
    if value is not None:
        yield s, v(KG.value), typed(value, XSD_DECIMAL)
    high = _decimal(data.get("value_max"))
    if high is not None:
        yield s, v(KG.maxValue), typed(high, XSD_DECIMAL)
    if data.get("unit"):
        yield s, v(KG.unit), lit(_text(data["unit"]))
    nodes = G.nodes
    out = []
    for _, target, key in G.out_edges(node, keys=True):
        ttype = nodes[target].get("type")
        if key in RESULT_EDGES and ttype in IRI_SEGMENT:
            out.append((str(key), str(target), ttype))
    for key, target, ttype in sorted(out):
        yield s, v(KG[key]), v(base + _node_path(target, ttype))


def _repository(data, s, v, iri, lit, A, LABEL):  # type: ignore[no-untyped-def]
    url = data.get("url") or ""
    kind = data.get("kind") or ""
    yield s, A, v(KG.Repository)
    if kind == "code":
        yield s, A, v(_SDO + "SoftwareSourceCode")
    yield s, LABEL, lit(_text(data.get("label") or url))
    u = safe_url(url)
    if u:
        yield s, v(_SDO + "url"), iri(u)
        if kind == "code":
            yield s, v(_SDO + "codeRepository"), iri(u)
    if kind:
        yield s, v(KG.repositoryKind), lit(_text(kind))
    if data.get("host"):
        yield s, v(KG.codeHost), lit(_text(data["host"]))


def _entity(ntype, data, s, v, lit, typed, component, A, LABEL):  # type: ignore[no-untyped-def]
    yield s, A, v(KG[ntype])
    yield s, A, v(_ALIGNED_TYPES.get(ntype, _SKOS + "Concept"))
    name = _text(data.get("name") or data.get("label") or "")
    yield s, LABEL, lit(name)
    yield s, v(_SKOS + "prefLabel"), lit(name)
    for alias in sorted({_text(a) for a in data.get("aliases") or () if a} - {name}, key=lambda a: (a.lower(), a)):
        yield s, v(_SKOS + "altLabel"), lit(alias)
    for src in sorted({str(x) for x in data.get("sources") or () if x}):
        yield s, v(KG.extractedBy), component(src)
    if ntype == "Metric" and data.get("direction") in ("higher", "lower"):
        yield s, v(KG.lowerIsBetter), typed("true" if data["direction"] == "lower" else "false", XSD_BOOLEAN)


# --------------------------------------------------------------------------- pyoxigraph


def iter_triples(G: nx.MultiDiGraph, base: str = DEFAULT_BASE, details: DetailTable | None = None) -> Iterator[Any]:
    """pyoxigraph `Triple`s of `G` (the default-graph view)."""
    from pyoxigraph import Triple

    for s, p, o, _ in statements(G, base, _oxigraph_terms(), details):
        yield Triple(s, p, o)


def iter_quads(
    G: nx.MultiDiGraph, base: str = DEFAULT_BASE, *, named_graphs: bool = True, details: DetailTable | None = None
) -> Iterator[Any]:
    """pyoxigraph `Quad`s of `G`: paper statements in one named graph per source file
    (when `named_graphs`), everything else in the default graph."""
    from pyoxigraph import DefaultGraph, Quad

    default = DefaultGraph()
    for s, p, o, graphs in statements(G, base, _oxigraph_terms(), details):
        if graphs and named_graphs:
            for g in graphs:
                yield Quad(s, p, o, g)
        else:
            yield Quad(s, p, o, default)


def _prefixes() -> dict[str, str]:
    return dict(PREFIXES)


def _serialize(items: Iterable[Any], path: Path, fmt: Any) -> None:
    from pyoxigraph import serialize

    with atomic_path(path) as tmp, Path(tmp).open("wb") as fh:
        serialize(items, fh, fmt, prefixes=_prefixes())


# --------------------------------------------------------------------------- rdflib


def _bind(g: Any) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)


def to_rdf(G: nx.MultiDiGraph, base: str = DEFAULT_BASE, details: DetailTable | None = None) -> Any:
    """`G` as an `rdflib.Graph` (the default-graph view), prefixes bound."""
    from rdflib import Graph

    g = Graph(bind_namespaces="none")
    _bind(g)
    add = g.add
    for s, p, o, _ in statements(G, base, _rdflib_terms(), details):
        add((s, p, o))
    return g


def to_rdf_dataset(G: nx.MultiDiGraph, base: str = DEFAULT_BASE, details: DetailTable | None = None) -> Any:
    """`G` as an `rdflib.Dataset` with one named graph per source file."""
    from rdflib import Dataset

    ds = Dataset()
    _bind(ds)
    default = ds.default_graph if hasattr(ds, "default_graph") else ds.default_context
    for s, p, o, graphs in statements(G, base, _rdflib_terms(), details):
        if graphs:
            for gname in graphs:
                ds.graph(gname).add((s, p, o))
        else:
            default.add((s, p, o))
    return ds


# --------------------------------------------------------------------------- JSON-LD

# term -> (IRI, IRI-valued?) ; every predicate the exporter emits has a term
_JSONLD_TERMS: dict[str, tuple[str, bool]] = {
    "label": (_RDFS + "label", False),
    "seeAlso": (_RDFS + "seeAlso", True),
    "title": (_DCT + "title", False),
    "abstract": (_DCT + "abstract", False),
    "identifier": (_DCT + "identifier", False),
    "issued": (_DCT + "issued", False),
    "date": (_DCT + "date", False),
    "subject": (_DCT + "subject", False),
    "creator": (_DC + "creator", False),
    "created": (_DCT + "created", False),
    "source": (_DCT + "source", False),
    "prefLabel": (_SKOS + "prefLabel", False),
    "altLabel": (_SKOS + "altLabel", False),
    "url": (_SDO + "url", True),
    "codeRepository": (_SDO + "codeRepository", True),
    "statementSubject": (_RDF + "subject", True),
    "statementPredicate": (_RDF + "predicate", True),
    "statementObject": (_RDF + "object", True),
    "wasDerivedFrom": (_PROV + "wasDerivedFrom", True),
    "hasTarget": (_OA + "hasTarget", True),
    "hasSource": (_OA + "hasSource", True),
    "hasSelector": (_OA + "hasSelector", True),
    "start": (_OA + "start", False),
    "end": (_OA + "end", False),
    "versionInfo": (_OWL + "versionInfo", False),
    "triples": (_VOID + "triples", False),
    "entities": (_VOID + "entities", False),
    "uriSpace": (_VOID + "uriSpace", False),
    "vocabulary": (_VOID + "vocabulary", True),
    "classPartition": (_VOID + "classPartition", True),
    "class": (_VOID + "class", True),
}
for _name in (
    "proposes", "uses", "evaluatedOn", "measuredBy", "addresses", "hasCode", "reports",
    "resultMethod", "resultDataset", "resultMetric", "extractedBy",
):
    _JSONLD_TERMS[_name] = (KG[_name], True)
for _name in (
    "pipelineVersion", "mentionText", "sentence", "confidence", "mentionCount", "textField",
    "arxivId", "doi", "sourceRecord", "repositoryKind", "codeHost", "value", "maxValue", "unit", "lowerIsBetter",
):
    _JSONLD_TERMS[_name] = (KG[_name], False)


def jsonld_context(base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The JSON-LD context of the export (``ontology/context.jsonld`` is this, for the default base)."""
    ctx: dict[str, Any] = {"res": base}
    ctx.update(PREFIXES)
    for term, (full, is_iri) in sorted(_JSONLD_TERMS.items()):
        curie = _compact(full)
        ctx[term] = {"@id": curie, "@type": "@id"} if is_iri else curie
    return ctx


def _compact(full: str, base: str | None = None) -> str:
    if base and full.startswith(base) and not full[len(base) :].startswith("//"):
        return "res:" + full[len(base) :]
    for prefix, ns in PREFIXES.items():
        if full.startswith(ns):
            rest = full[len(ns) :]
            if rest and not rest.startswith("//") and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", rest):
                return f"{prefix}:{rest}"
    return full


def to_jsonld(G: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """Compact JSON-LD document of `G` with the context inline (one object per subject)."""
    by_iri = {full: (term, is_iri) for term, (full, is_iri) in _JSONLD_TERMS.items()}
    ctx = jsonld_context(base)
    nodes: dict[str, dict[str, Any]] = {}

    def iri_value(x: str) -> str:
        if x.startswith(base):
            rest = x[len(base) :]
            if not rest.startswith("//"):
                return "res:" + rest
        return x

    for s, p, o, _ in statements(G, base, _plain_terms()):
        sid = s[1]
        obj = nodes.get(sid)
        if obj is None:
            obj = nodes[sid] = {"@id": iri_value(sid)}
        pred = p[1]
        if pred == _RDF + "type":
            obj.setdefault("@type", []).append(_compact(o[1], base))
            continue
        term, is_iri = by_iri.get(pred, (pred, o[0] == "i"))
        if o[0] == "i":
            value: Any = iri_value(o[1]) if is_iri else {"@id": iri_value(o[1])}
        elif o[0] == "l":
            value = o[1] if not is_iri else {"@value": o[1]}
        else:
            value = {"@value": o[1], "@type": _compact(o[2])}
        prev = obj.get(term)
        if prev is None:
            obj[term] = value
        elif isinstance(prev, list):
            prev.append(value)
        else:
            obj[term] = [prev, value]
    for obj in nodes.values():
        if "@type" in obj and len(obj["@type"]) == 1:
            obj["@type"] = obj["@type"][0]
    return {"@context": ctx, "@graph": list(nodes.values())}


# --------------------------------------------------------------------------- writers


def _write(
    G: nx.MultiDiGraph, path: str | Path, base: str, engine: str, fmt: str, details: DetailTable | None = None
) -> None:
    """Write `G` in `fmt` ("turtle", "nt", "nquads", "trig") with the chosen engine, atomically."""
    check_base(base)
    if engine not in ("oxigraph", "rdflib"):
        raise KGError(f"unknown RDF engine {engine!r}; choose 'oxigraph' or 'rdflib'")
    datasets = fmt in ("nquads", "trig")
    if engine == "rdflib":
        graph = to_rdf_dataset(G, base, details) if datasets else to_rdf(G, base, details)
        with atomic_path(path) as tmp:
            graph.serialize(destination=str(tmp), format=fmt, encoding="utf-8")
        return
    from pyoxigraph import RdfFormat

    formats = {"turtle": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES,
               "nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG}
    items = iter_quads(G, base, details=details) if datasets else iter_triples(G, base, details)
    _serialize(items, Path(path), formats[fmt])


def write_turtle(
    G: nx.MultiDiGraph, path: str | Path, base: str = DEFAULT_BASE, engine: str = "oxigraph",
    details: DetailTable | None = None, *, index: str | Path | None = None, previous: Previous | None = None,
) -> list[Change] | None:
    """Write `G` as Turtle (default graph only), atomically.

    With `index` (Oxigraph engine), also write the file's block index there; with `previous`
    too, copy the unchanged nodes' blocks from the previous file and return what changed
    (see `kg.export.rdf.blocks.write_blocks`). None when written in full.
    """
    if index is None:
        if previous is not None:
            raise KGError("an incremental Turtle write needs an index path for the new file's block index")
        _write(G, path, base, engine, "turtle", details)
        return None
    if engine != "oxigraph":
        raise KGError(f"a Turtle block index needs the 'oxigraph' engine, not {engine!r}")
    from kg.export.rdf.blocks import write_blocks

    return write_blocks(G, path, base, details, index=index, previous=previous)


def write_ntriples(
    G: nx.MultiDiGraph, path: str | Path, base: str = DEFAULT_BASE, engine: str = "oxigraph",
    details: DetailTable | None = None,
) -> None:
    """Write `G` as N-Triples, atomically."""
    _write(G, path, base, engine, "nt", details)


def write_nquads(
    G: nx.MultiDiGraph, path: str | Path, base: str = DEFAULT_BASE, engine: str = "oxigraph",
    details: DetailTable | None = None,
) -> None:
    """Write `G` as N-Quads with one named graph per source file, atomically."""
    _write(G, path, base, engine, "nquads", details)


def write_trig(
    G: nx.MultiDiGraph, path: str | Path, base: str = DEFAULT_BASE, engine: str = "oxigraph",
    details: DetailTable | None = None,
) -> None:
    """Write `G` as TriG with one named graph per source file, atomically."""
    _write(G, path, base, engine, "trig", details)


def write_jsonld(G: nx.MultiDiGraph, path: str | Path, base: str = DEFAULT_BASE) -> None:
    """Write `G` as compact JSON-LD (context of ``ontology/context.jsonld`` inline), atomically."""
    check_base(base)
    doc = to_jsonld(G, base)
    with atomic_write(path) as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
