"""Assemble extraction records into one `networkx.MultiDiGraph`.

Graph model (what exporters and analytics rely on):

Nodes, keyed by a stable ID, each with ``type`` and ``label`` (display name):

- ``paper:<paper id>`` type ``Paper``: title, abstract, url, doi, date, authors (list),
  categories (list), sources (list of ``file:line``).
- ``method:<key>``, ``dataset:<key>``, ``metric:<key>``, ``task:<key>`` types
  ``Method``/``Dataset``/``Metric``/``Task``: name (canonical), aliases (sorted list of
  other spellings seen), sources (components that found it); a metric whose direction is
  known (:func:`kg.directions.metric_direction`) has ``direction``, ``"higher"`` or ``"lower"``
  (is better).
- ``repo:<normalized url>`` type ``Repository``: url, kind (``code``, ``project-page``,
  ``model``, ``dataset``, ``other``), host.
- ``result:<paper id>:<n>`` type ``Result``: metric, value (float), unit, and the entity
  IDs method, dataset (may be empty); a range ("53.1%~58.3%") has its low end in value and
  its high end in value_max (absent for a single value).

Edges, keyed by their type, from a paper: ``proposes``/``uses`` (Method),
``evaluatedOn`` (Dataset), ``measuredBy`` (Metric), ``addresses`` (Task), ``hasCode``
(Repository), ``reports`` (Result); and from a result: ``resultMethod``,
``resultDataset``, ``resultMetric``. Each paper edge carries its evidence: ``field``,
``start``, ``end``, ``text`` (the mention), ``sentence``, ``component`` (what found it),
``score`` and ``mentions`` (how often the paper mentions it).

While it is built the graph is kept as tables (`GraphTables`): each paper's *star* (its
links, its results and their links) is a row of a `kg.details.DetailTable`, on disk in
`kg build`, and only the entities and repositories are in memory. The corpus-wide steps
(acronym merges, canonical names, admission, dropping unlinked entities) work on those
tables; `kg.tablegraph.TableGraph` reads them as networkx does a graph, and
`build_graph` gives the `networkx.MultiDiGraph` itself.

>>> from kg.records import Paper, Extraction
>>> G = build_graph([Extraction(paper=Paper(id="p1", title="A title"))])
>>> G.nodes["paper:p1"]["type"], G.number_of_edges()
('Paper', 0)
"""

from __future__ import annotations

import heapq
import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from kg.admission import AdmissionModel, admit, drop_non_evaluation, load_model, model_only
from kg.details import DetailTable
from kg.directions import metric_direction
from kg.graphstats import GraphStats
from kg.model import LABELS, LINK_PREDICATES, paper_node, predicate
from kg.records import MIN_SCORE, Extraction, Mention, Paper
from kg.resolve import canonical_name, entity_key, is_alias, long_form_words
from kg.tablegraph import TableGraph

__all__ = [
    "MIN_SCORE",
    "GraphTables",
    "assemble_graph",
    "build_graph",
    "evidence_sentence",
    "graph_tables",
    "paper_node",
]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")


def evidence_sentence(text: str, start: int, end: int) -> str:
    """The sentence of `text` that contains the span [start, end).

    >>> evidence_sentence("We use X. We test on CIFAR-10. Done.", 21, 29)
    'We test on CIFAR-10.'
    """
    begin, stop = _sentence_bounds(text, start, end)
    return text[begin:stop].strip()


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    begin = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= start:
            begin = m.end()
        elif m.start() >= end:
            return begin, m.start()
    return begin, len(text)


class _Sentences:
    """Where the sentences of a paper's fields start and stop (`_sentence_bounds`), found
    once per field for all its links."""

    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self._marks: dict[str, tuple[list[int], list[int], int]] = {}

    def bounds(self, field: str, start: int, end: int) -> tuple[int, int]:
        marks = self._marks.get(field)
        if marks is None:
            text = self.paper.text(field)
            found = list(_SENTENCE_END.finditer(text))
            marks = self._marks[field] = ([m.start() for m in found], [m.end() for m in found], len(text))
        starts, ends, size = marks
        before = bisect_right(ends, start)  # the sentence breaks before the span
        after = max(before, bisect_left(starts, end))  # the first break after it
        return (ends[before - 1] if before else 0), (starts[after] if after < len(starts) else size)


def build_graph(records: Iterable[Extraction], min_score: float = MIN_SCORE, admission: bool = True) -> nx.MultiDiGraph:
    """Build the knowledge graph from extraction records (one per paper).

    Mentions scored below `min_score` stay in the records but make no node or edge:
    the pipeline scores descriptive phrases ("a weighted version") 0.3. With `admission`
    (and a shipped admission model), mentions only the statistical model found are
    candidates from the model's own floor on, and become links only when
    `kg.admission.admit` admits them; every link's score becomes a calibrated confidence.
    """
    with DetailTable(None) as details:
        return graph_tables(records, details, min_score, admission).to_networkx()


def assemble_graph(
    records: Iterable[Extraction], min_score: float = MIN_SCORE, candidate_floor: float | None = None
) -> nx.MultiDiGraph:
    """The graph of `records` before admission: mentions from `min_score` on, and those only
    the statistical model found from `candidate_floor` on (default: `min_score`)."""
    with DetailTable(None) as details:
        return _tables(records, details, min_score, candidate_floor).to_networkx()


def graph_tables(
    records: Iterable[Extraction], details: DetailTable, min_score: float = MIN_SCORE, admission: bool = True,
    before_finish: Callable[[GraphTables], None] | None = None,
) -> TableGraph:
    """`build_graph`'s graph as tables: paper stars in `details`, read through the returned
    `TableGraph` (the graph `kg build` writes, its memory that of the entities only).
    `before_finish` sees the tables when every paper is in, before the corpus-wide steps."""
    model = load_model() if admission else None
    return _tables(records, details, min_score, model.floor if model else None, model, admission, before_finish)


def _tables(
    records: Iterable[Extraction], details: DetailTable, min_score: float, candidate_floor: float | None,
    model: AdmissionModel | None = None, evaluate: bool = False,
    before_finish: Callable[[GraphTables], None] | None = None,
) -> TableGraph:
    tables = GraphTables(details, min_score, candidate_floor)
    for rec in records:
        tables.add(rec)
    if before_finish is not None:
        before_finish(tables)
    tables.finish()
    tables.settle(model, evaluate)
    return TableGraph(tables)


class GraphTables:
    """The graph while it is built: paper stars in `details`, entities in memory.

    A paper's star is ``[label, new, results, edges]``: the paper's label, the nodes this
    paper added to the graph, in order (entities, repositories, results), its results as
    ``[id, attributes]`` and the edges from the paper and its results as ``[source, target,
    key, attributes]``, in the order networkx iterates them. `entities` maps each entity and repository to its node
    attributes; `gone` holds the entities no admitted link names (left out when read).
    """

    def __init__(
        self, details: DetailTable, min_score: float = MIN_SCORE, candidate_floor: float | None = None
    ) -> None:
        self.details = details
        self.floors = (min_score, min_score if candidate_floor is None else candidate_floor)
        self.entities: dict[str, dict[str, Any]] = {}
        self.gone: set[str] = set()
        self.graph: dict[str, Any] = {}
        self._spellings: dict[str, Counter[str]] = defaultdict(Counter)
        self._definitions: dict[str, Counter[str]] = defaultdict(Counter)
        self._merged: dict[str, tuple[int, str]] = {}  # old node -> (order of the merge, new node)
        self.order: list[str] = []  # the papers in the order they came, their numbers in `refs`
        self.refs: dict[str, array[int]] = {}  # node -> the numbers of the papers whose stars name it
        self.unlinked: dict[str, set[int]] = {}  # ... of those that name it in a result only, not a link
        self.linked: Counter[str] = Counter()  # entity -> how many settled stars link it
        self.touched: set[str] | None = None  # tables restored to add papers: the entities these name
        self.stats: GraphStats | None = None  # what the graph adds up to (`kg.tablegraph.TableGraph.count`)
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        self._sorted_sets: dict[frozenset[str], tuple[str, ...]] = {}

    # ---------------------------------------------------------------- papers, one by one

    def add(self, rec: Extraction) -> None:
        """Add one paper's record: its star to `details`, its entities and their spellings here."""
        p = rec.paper
        pid = paper_node(p.id)
        attrs = {
            "type": "Paper", "label": p.title or p.abstract[:80], "title": p.title, "abstract": p.abstract,
            "url": p.url or "", "doi": p.doi or "", "date": p.date or "", "authors": list(p.authors),
            "categories": list(p.categories), "sources": list(p.sources),
        }
        # a paper given twice keeps its first links, with the evidence their indexes point to
        star = self.details.raw_star(pid) if pid in self.details else None
        if star is None:
            self.order.append(pid)
        S, new = star_graph(pid, star) if star is not None else (nx.MultiDiGraph(), [])
        kept = self.details.evidence(pid) if star is not None else []
        S.add_node(pid, type="Paper", label=attrs["label"])
        sentences = _Sentences(p)
        best: dict[tuple[str, str], tuple[Mention, int]] = {}
        floors = self.floors
        inner = _inside_same_label(rec.entities, floors)
        for i, m in enumerate(rec.entities):
            if not m.id or m.score < floors[model_only(m.source)] or i in inner:
                continue
            data = self.entities.get(m.id)
            if data is None:
                data = self.entities[m.id] = {"type": sys.intern(m.label), "label": m.name or m.text,
                                              "sources": frozenset()}
                new.append(m.id)
            if m.source not in data["sources"]:
                data["sources"] = self._frozen(data["sources"] | {m.source})
            if m.role == "proposed" and _coined(m.text):
                data.setdefault("coined", Counter())[m.text] += 1
            if self.touched is not None:
                self.touched.add(m.id)
            spellings = self._spellings[m.id]
            if m.name and m.name != m.text:
                spellings[m.name] += 1
                # "BioInfer corpus", "forward-forward algorithm (FF)": a text that is its name plus a
                # head noun or a defined acronym is kept as an alias but does not vote for the name;
                # "top-1" of "25.1% top-1 (7.8% top-5) error" names top-1 error in short: no spelling of it
                if not (m.label == "Metric" and m.name.startswith(m.text + " error")):
                    spellings[m.text] += 0 if m.name in m.text else 1
            else:
                spellings[m.text] += 1
            key = (predicate(m.label, m.role), m.id)
            prev = best.get(key)
            if prev is None or m.score > prev[0].score:
                best[key] = (m, (prev[1] if prev else 0) + 1)
            else:
                best[key] = (prev[0], prev[1] + 1)
        for entity_id, alias in rec.aliases:
            if entity_id in self.entities:
                self._spellings[entity_id][alias] += 1
                if self.touched is not None:
                    self.touched.add(entity_id)
        for short_id, long_id in sorted({(f"{long_id.split(':', 1)[0]}:{entity_key(alias)}", long_id)
                                         for long_id, alias in rec.aliases}):
            self._definitions[short_id][long_id] += 1  # papers that define it so
        for (pred, eid), (m, count) in sorted(best.items()):
            if pred == "uses" and ("proposes", eid) in best:
                continue
            evidence = {"field": m.field, "start": m.start, "end": m.end, "text": m.text, "component": m.source}
            _link(S, pid, eid, pred, count, evidence, round(m.score, 4), sentences, kept)
        for r in rec.repos:
            rid = f"repo:{r.url}"
            if rid not in self.entities:
                self.entities[rid] = {
                    "type": "Repository", "label": r.url, "url": r.url, "kind": sys.intern(r.kind),
                    "host": sys.intern(r.host),
                }
                new.append(rid)
            if not S.has_edge(pid, rid, key="hasCode"):
                evidence = {"field": r.field, "start": r.start, "end": r.end, "text": r.raw, "component": "url"}
                _link(S, pid, rid, "hasCode", 1, evidence, 1.0, sentences, kept)
        for n, res in enumerate(rec.results):
            rid = f"result:{p.id}:{n}"
            if rid not in S:
                new.append(rid)
            S.add_node(
                rid, type="Result", metric=res.metric, value=res.value, unit=res.unit,
                method=res.method, dataset=res.dataset,
            )
            if res.value_max is not None:
                S.nodes[rid]["value_max"] = res.value_max
            S.nodes[rid]["label"] = _value_text(S.nodes[rid])
            evidence = {"field": res.field, "start": res.start, "end": res.end, "text": res.text,
                        "component": "results"}
            _link(S, pid, rid, "reports", 1, evidence, 1.0, sentences, kept)
            for attr, pred in (("method", "resultMethod"), ("dataset", "resultDataset"),
                               ("metric", "resultMetric")):
                target = getattr(res, attr)
                if target and target in self.entities:
                    S.add_edge(rid, target, key=pred, type=pred)
        row = star_row(S, pid, new)
        self.details.put(pid, attrs, kept, row)
        number = len(self.order) - 1 if star is None else self.order.index(pid)
        for node in named_nodes(row) - (set() if star is None else named_nodes(star)):
            self.refs.setdefault(node, array("i")).append(number)
        linked = {v for u, v, _, _ in row[3] if u == pid}
        for node in named_nodes(row) - linked:
            self.unlinked.setdefault(node, set()).add(number)
        for node in linked & self.unlinked.keys():
            self.unlinked[node].discard(number)

    def shown_by(self, node: str) -> str | None:
        """The paper whose star shows entity or repository `node`: the first that named it."""
        numbers = self.refs.get(node)
        return self.order[numbers[0]] if numbers else None

    def _frozen(self, values: frozenset[str]) -> frozenset[str]:
        """One object per distinct set of components, shared by the entities found so."""
        return self._sets.setdefault(values, values)

    def _sorted(self, values: frozenset[str]) -> tuple[str, ...]:
        """The components of a set in order, one tuple shared by the entities found so."""
        found = self._sorted_sets.get(values)
        if found is None:
            found = self._sorted_sets[values] = tuple(sorted(values))
        return found

    # ---------------------------------------------------------------- the corpus at once

    def finish(
        self, named: dict[str, dict[str, Any]] | None = None, merged: dict[str, tuple[int, str]] | None = None
    ) -> None:
        """Merge acronyms into their long forms and name every entity (after the last `add`).

        `named` has the entities as an earlier build of the same papers but those added since
        (`touched`) named them; those the added papers did not touch and no merge (of this
        build, or `merged` of that one) involves keep the name and attributes they had."""
        self._merge_acronyms()
        keep: dict[str, dict[str, Any]] = {}
        if named is not None and self.touched is not None:
            involved = {n for merges in (merged or {}, self._merged) for old, (_, new) in merges.items()
                        for n in (old, new)}
            keep = {n: d for n, d in named.items() if n not in self.touched and n not in involved}
        for node, names in self._spellings.items():
            if node in keep:
                self.entities[node] = keep[node]
                continue
            data = self.entities[node]
            coined = data.pop("coined", None)
            # a paper's coined name for what it proposes ("UniFormer") is how readers know it, even
            # where the paper spells it out ("Unified transFormer (UniFormer)"); a known entity
            # keeps its name whatever one paper calls it
            if coined and any("gazetteer" in s for s in data["sources"]):
                coined = None
            name = canonical_name((coined or names).elements())
            data["name"] = data["label"] = name
            # (lower case, text): a total order, so the output does not depend on set order
            # a bare number or version ("100" of "CIFAR-10/100", "V2") names nothing alone
            aliases = {n for n in names if n != name and is_alias(n)}
            data["aliases"] = tuple(sorted(aliases, key=lambda n: (n.lower(), n)))
            data["sources"] = self._sorted(data["sources"])
            if data["type"] == "Metric":
                direction = metric_direction(name, *data["aliases"])
                if direction is not None:
                    data["direction"] = direction
        self._spellings.clear()
        self._definitions.clear()
        self._sets.clear()
        self._sorted_sets.clear()

    def _merge_acronyms(self) -> None:
        """Fold the long forms papers give one acronym when they are spellings of one name, then
        merge the node of the acronym written undefined into its long form's when the build's
        definitions are unambiguous and well supported.

        The build's definitions map an acronym's node ID to the long forms' node IDs and how
        many papers define it so. "graph convolutional (GCN)" and "graph convolution network
        (GCN)" become the node more papers link to (`kg.resolve.same_long_form`). A paper that
        writes "GNN" without defining it links to ``method:gnn``; that node joins
        ``method:graphneuralnetwork`` when at least two papers define GNN so and none defines
        it otherwise, or when the gazetteer lists that expansion for GNN. Else it stays as written.
        """
        entities, definitions = self.entities, self._definitions
        moved: dict[str, str] = {}
        groups = [[t for t in long_ids if t in entities] for _, long_ids in sorted(definitions.items())]
        papers = self._linking_papers({t for g in groups if len(g) >= 2 for t in g})
        for group in groups:
            for old, new in _variant_long_forms(papers, self._spellings, [t for t in group if t in entities]).items():
                self._merge(old, new)
                papers[new] |= papers.pop(old, set())
                moved[old] = new
        from kg.nlp.gazetteer import known_acronyms  # spaCy loads only when a graph is built

        known = known_acronyms()
        for short_id, targets in sorted(definitions.items()):
            counts: Counter[str] = Counter()
            for long_id, count in targets.items():
                while long_id in moved:
                    long_id = moved[long_id]
                counts[long_id] += count
            counts.pop(short_id, None)
            if short_id not in entities:
                continue
            listed = [t for t in counts if t in known.get(short_id, ())]
            if len(counts) == 1 and next(iter(counts.values())) >= 2:
                target = next(iter(counts))
            elif len(listed) == 1:
                target = listed[0]
            else:
                continue
            if target in entities and entities[short_id]["type"] == entities[target]["type"]:
                self._merge(short_id, target)

    def _linking_papers(self, nodes: set[str]) -> dict[str, set[str]]:
        """The papers that link each of `nodes` (their stars as put)."""
        return {node: {self.order[k] for k in self.refs.get(node, ()) if k not in self.unlinked.get(node, ())}
                for node in nodes}

    def _merge(self, old: str, new: str) -> None:
        """Move entity `old`'s sources and spellings to `new`; its links follow when the stars
        are settled (`settle`)."""
        gone, kept = self.entities.pop(old), self.entities[new]
        kept["sources"] = self._frozen(kept["sources"] | gone["sources"])
        if "coined" in gone:
            kept.setdefault("coined", Counter()).update(gone["coined"])
        self._spellings[new].update(self._spellings.pop(old, Counter()))
        self._merged[old] = (len(self._merged), new)

    def settle(self, model: AdmissionModel | None = None, evaluate: bool = False,
               papers: Iterable[str] | None = None) -> None:
        """Rewrite every star (or those of `papers`) as the graph holds it (after `finish`):
        links of merged entities moved to the node they joined, a result labelled by its
        metric's name, "uses" gone where the paper proposes the method; with `evaluate`, links
        to a quantity the paper does not evaluate with dropped
        (`kg.admission.drop_non_evaluation`); with `model`, only the admitted links kept
        (`kg.admission.admit`). Entities no link names any more are `gone`."""
        for pid in self.details.papers() if papers is None else papers:
            if papers is not None and self.details.settled(pid):
                self.linked.subtract(_linked(pid, self.details.star(pid)))
            row = self._settled(pid, model, evaluate)
            self.linked.update(_linked(pid, row))
            self.details.set_star(pid, row)
        if evaluate or model is not None:
            linked = self.linked
            self.gone = {n for n, d in self.entities.items() if d["type"] in LABELS and linked[n] <= 0}

    def _settled(self, pid: str, model: AdmissionModel | None, evaluate: bool) -> list[Any]:
        """Paper `pid`'s star as the graph holds it (see `settle`)."""
        S, new = star_graph(pid, self.details.raw_star(pid), self.entities)
        self._move_merged(S)
        for _, v, key in list(S.out_edges(pid, keys=True)):
            if key == "uses" and S.has_edge(pid, v, key="proposes"):
                S.remove_edge(pid, v, key=key)
        for _, data in S.nodes(data=True):
            if data.get("type") == "Result" and data["metric"] in self.entities:
                data["label"] = f"{self.entities[data['metric']]['label']} = {_value_text(data)}"
        if evaluate:
            drop_non_evaluation(S, self.details, drop_unlinked=False)
        if model is not None:
            admit(S, model, self.details, drop_unlinked=False)
        return star_row(S, pid, new)

    def _move_merged(self, S: nx.MultiDiGraph) -> None:
        """Apply the build's merges to one star, in the order they were made, as networkx would
        to the whole graph: links to the old node join the new one's (mentions added), results
        name the new one; a node that was merged on later moves again."""
        merged = self._merged
        named = {d.get(attr) for _, d in S.nodes(data=True) if d.get("type") == "Result"
                 for attr in ("method", "dataset", "metric")}
        pending = [(merged[n][0], n) for n in {*S, *named} if n in merged]
        heapq.heapify(pending)
        while pending:
            _, old = heapq.heappop(pending)
            new = merged[old][1]
            if old in S:
                for u, _, key, data in list(S.in_edges(old, keys=True, data=True)):
                    if S.has_edge(u, new, key=key):
                        S.edges[u, new, key]["mentions"] += data.get("mentions", 1)
                    else:
                        S.add_edge(u, new, key=key, **data)
                S.remove_node(old)
            for _, data in S.nodes(data=True):
                for attr in ("method", "dataset", "metric"):
                    if data.get(attr) == old:
                        data[attr] = new
            if new in merged and all(n != new for _, n in pending):
                heapq.heappush(pending, (merged[new][0], new))
        for node in S:
            if node in self.entities and not S.nodes[node]:
                S.nodes[node].update(self.entities[node])


def star_graph(
    pid: str, star: list[Any], entities: dict[str, dict[str, Any]] | None = None
) -> tuple[nx.MultiDiGraph, list[str]]:
    """Paper `pid`'s star as a small graph (its targets with their attributes from
    `entities` when given), and the list of nodes the paper added."""
    label, new, results, edges = star
    S = nx.MultiDiGraph()
    S.add_node(pid, type="Paper", label=label)
    for rid, attrs in results:
        S.add_node(rid, **attrs)
    for u, v, key, attrs in edges:
        S.add_edge(u, v, key=key, **attrs)
    if entities is not None:
        for node in S:
            data = entities.get(node)
            if data is not None:
                S.nodes[node].update(data)
    return S, new


def named_nodes(star: list[Any]) -> set[str]:
    """The entities and repositories a star names: its links' targets and its results'
    method, dataset and metric."""
    _, _, results, edges = star
    named = {v for _, v, _, _ in edges if not v.startswith("result:")}
    named.update(d[attr] for _, d in results for attr in ("method", "dataset", "metric") if d.get(attr))
    return named


def _linked(pid: str, star: list[Any]) -> set[str]:
    """The nodes paper `pid` links in `star`."""
    return {v for u, v, key, _ in star[3] if u == pid and key in LINK_PREDICATES}


def star_row(S: nx.MultiDiGraph, pid: str, new: list[str]) -> list[Any]:
    """The row of a star graph: ``[label, new, results, edges]`` (see `GraphTables`)."""
    results = [[n, d] for n, d in S.nodes(data=True) if d.get("type") == "Result"]
    edges = [[u, v, key, d] for source in (pid, *(r for r, _ in results))
             for u, v, key, d in S.out_edges(source, keys=True, data=True)]
    return [S.nodes[pid]["label"], new, results, edges]


def _value_text(data: dict[str, Any]) -> str:
    """"85.3%", or a range "53.1–58.3%"."""
    high = data.get("value_max")
    return f"{data['value']:g}{'' if high is None else f'–{high:g}'}{data['unit']}"


def _variant_long_forms(
    papers: dict[str, set[str]], spellings: dict[str, Counter[str]], targets: list[str]
) -> dict[str, str]:
    """Long forms of one acronym that name one thing, each mapped to the node the most
    `papers` link to (`kg.resolve.same_long_form`)."""
    if len(targets) < 2:
        return {}
    group = {t: t for t in targets}

    def root(node: str) -> str:
        while group[node] != node:
            node = group[node]
        return node

    words_of = {t: [w for w in map(long_form_words, spellings.get(t, ())) if len(w) >= 2] for t in sorted(targets)}
    by_words: dict[tuple[str, ...], str] = {}
    for t, forms in words_of.items():
        for words in forms:
            by_words.setdefault(words, t)
    for t, forms in words_of.items():
        for words in forms:
            for probe in (words, words[:-1] if len(words) > 2 else ()):
                other = by_words.get(probe)
                if other is not None and root(other) != root(t):
                    group[root(other)] = root(t)
    members: dict[str, list[str]] = defaultdict(list)
    for t in targets:
        members[root(t)].append(t)
    moves = {}
    for nodes in members.values():
        keep = min(nodes, key=lambda n: (-len(papers.get(n, ())), n))
        moves.update({n: keep for n in nodes if n != keep})
    return moves


def _link(
    S: nx.MultiDiGraph, pid: str, target: str, pred: str, mentions: int, evidence: dict[str, Any], score: float,
    sentences: _Sentences, kept: list[dict[str, Any]],
) -> None:
    """Link paper `pid` to `target`; its `evidence` (field, start, end, text, component) and
    where its sentence starts and stops go to `kept`, and the link holds its index there."""
    S.add_edge(pid, target, key=pred, type=pred, mentions=mentions, evidence=len(kept), score=score)
    kept.append({**evidence, "sentence": sentences.bounds(evidence["field"], evidence["start"], evidence["end"])})


def _coined(text: str) -> bool:
    """A coined name, not an initialism nor a Title-Case word: one word of mixed case with a
    capital inside a part ("UniFormer", "BA-LoRA") or capitals beside a lower-case part ("DR-Tune")."""
    if not 0 < len(text) <= 40 or any(c.isspace() for c in text):
        return False
    parts = [p for p in text.removesuffix("s").split("-") if p]
    inner = any(any(c.isupper() for c in p[1:]) and any(c.islower() for c in p) for p in parts)
    caps_and_word = any(p.isupper() and len(p) > 1 for p in parts) and any(p[1:].islower() for p in parts)
    return inner or caps_and_word


def _inside_same_label(mentions: tuple[Mention, ...], floors: tuple[float, float]) -> set[int]:
    """Indexes of nested mentions inside a longer candidate of the same label: "Q-learning" in
    "Deep Q-learning", "text summarization" in "automatic text summarization" name a part of
    the longer name, not a second entity the paper links."""
    outer = [m for m in mentions if not m.nested and m.id and m.score >= floors[model_only(m.source)]]
    if len(outer) == len(mentions):
        return set()
    return {
        i for i, m in enumerate(mentions) if m.nested and any(
            o.label == m.label and o.field == m.field and o.start <= m.start and m.end <= o.end and o.id != m.id
            for o in outer)
    }
