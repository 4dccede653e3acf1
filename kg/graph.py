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
``score`` and ``mentions`` (how often the paper mentions it). Built with a
`kg.details.DetailTable` (as `kg build` does), paper nodes keep only ``type`` and ``label``
and paper edges ``type``, ``mentions``, ``score`` and ``evidence`` (an index into the
table), which gives back the rest.

>>> from kg.records import Paper, Extraction
>>> G = build_graph([Extraction(paper=Paper(id="p1", title="A title"))])
>>> G.nodes["paper:p1"]["type"], G.number_of_edges()
('Paper', 0)
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.admission import admit, drop_non_evaluation, load_model, model_only
from kg.directions import metric_direction
from kg.model import paper_node, predicate
from kg.records import MIN_SCORE, Extraction, Mention, Paper
from kg.resolve import canonical_name, entity_key, is_alias, long_form_words

if TYPE_CHECKING:
    from kg.details import DetailTable

__all__ = [
    "MIN_SCORE",
    "assemble_graph",
    "build_graph",
    "evidence_sentence",
    "paper_node",
]

# what a paper node keeps in the graph when its details are in a `DetailTable`
_LEAN_PAPER = ("type", "label")
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


class _Shared:
    """One object per distinct attribute value, so that a million edges do not hold a
    million copies of "abstract", "gazetteer", 0.9 or the same evidence sentence."""

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}
        self._sentences: dict[tuple[str, int, int], str] = {}

    def value(self, x: Any) -> Any:
        return sys.intern(x) if isinstance(x, str) else self._values.setdefault(x, x)

    def new_paper(self) -> None:
        """Evidence sentences are shared within one paper only."""
        self._sentences.clear()

    def sentence(self, text: str, field: str, start: int, end: int) -> str:
        begin, stop = _sentence_bounds(text, start, end)
        found = self._sentences.get((field, begin, stop))
        if found is None:
            found = self._sentences[field, begin, stop] = text[begin:stop].strip()
        return found


def build_graph(
    records: Iterable[Extraction], min_score: float = MIN_SCORE, admission: bool = True,
    details: DetailTable | None = None,
) -> nx.MultiDiGraph:
    """Build the knowledge graph from extraction records (one per paper).

    Mentions scored below `min_score` stay in the records but make no node or edge:
    the pipeline scores descriptive phrases ("a weighted version") 0.3. With `admission`
    (and a shipped admission model), mentions only the statistical model found are
    candidates from the model's own floor on, and become links only when
    `kg.admission.admit` admits them; every link's score becomes a calibrated confidence.
    With `details`, paper attributes and link evidence go to that table, not the graph.
    """
    model = load_model() if admission else None
    G = assemble_graph(records, min_score, model.floor if model else None, details)
    if not admission:
        return G
    drop_non_evaluation(G, details)
    return admit(G, model, details) if model else G


def assemble_graph(
    records: Iterable[Extraction], min_score: float = MIN_SCORE, candidate_floor: float | None = None,
    details: DetailTable | None = None,
) -> nx.MultiDiGraph:
    """The graph of `records` before admission: mentions from `min_score` on, and those only
    the statistical model found from `candidate_floor` on (default: `min_score`); paper
    attributes and link evidence in `details` when given (`kg.details`)."""
    floors = (min_score, min_score if candidate_floor is None else candidate_floor)
    G = nx.MultiDiGraph()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    definitions: dict[str, Counter[str]] = defaultdict(Counter)
    shared = _Shared()
    for rec in records:
        _add_record(G, rec, spellings, floors, shared, details)
        for short_id, long_id in sorted({(f"{long_id.split(':', 1)[0]}:{entity_key(alias)}", long_id)
                                         for long_id, alias in rec.aliases}):
            definitions[short_id][long_id] += 1  # papers that define it so
    _merge_acronyms(G, definitions, spellings)
    for node, names in spellings.items():
        data = G.nodes[node]
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
        data["aliases"] = sorted({n for n in names if n != name and is_alias(n)}, key=lambda n: (n.lower(), n))
        data["sources"] = sorted(data["sources"])
    for _, data in G.nodes(data=True):
        if data["type"] == "Metric":
            direction = metric_direction(data.get("name", data["label"]), *data.get("aliases", ()))
            if direction is not None:
                data["direction"] = direction
        elif data["type"] == "Result" and data["metric"] in G:
            metric = G.nodes[data["metric"]]["label"]
            data["label"] = f"{metric} = {_value_text(data)}"
    return G


def _value_text(data: dict[str, Any]) -> str:
    """"85.3%", or a range "53.1–58.3%"."""
    high = data.get("value_max")
    return f"{data['value']:g}{'' if high is None else f'–{high:g}'}{data['unit']}"


def _merge_acronyms(
    G: nx.MultiDiGraph, definitions: dict[str, Counter[str]], spellings: dict[str, Counter[str]]
) -> None:
    """Fold the long forms papers give one acronym when they are spellings of one name, then
    merge the node of the acronym written undefined into its long form's when the build's
    definitions are unambiguous and well supported.

    `definitions` maps an acronym's node ID to the long forms' node IDs and how many papers
    define it so. "graph convolutional (GCN)" and "graph convolution network (GCN)" become the
    node more papers link to (`kg.resolve.same_long_form`). A paper that writes "GNN"
    without defining it links to ``method:gnn``; that node joins
    ``method:graphneuralnetwork`` when at least two papers define GNN so and none defines it
    otherwise, or when the gazetteer lists that expansion for GNN. Else it stays as written.
    """
    moved: dict[str, str] = {}
    for _, targets in sorted(definitions.items()):
        for old, new in _variant_long_forms(G, spellings, [t for t in targets if t in G]).items():
            _merge_node(G, spellings, old, new)
            moved[old] = new
    from kg.nlp.gazetteer import known_acronyms  # spaCy loads only when a graph is built

    known = known_acronyms()
    for short_id, targets in sorted(definitions.items()):
        papers: Counter[str] = Counter()
        for long_id, count in targets.items():
            while long_id in moved:
                long_id = moved[long_id]
            papers[long_id] += count
        papers.pop(short_id, None)
        if short_id not in G:
            continue
        listed = [t for t in papers if t in known.get(short_id, ())]
        if len(papers) == 1 and next(iter(papers.values())) >= 2:
            target = next(iter(papers))
        elif len(listed) == 1:
            target = listed[0]
        else:
            continue
        if target in G and G.nodes[short_id].get("type") == G.nodes[target].get("type"):
            _merge_node(G, spellings, short_id, target)
    for node in G:
        if G.nodes[node]["type"] == "Paper":
            for pred in ("uses",):
                for _, v, key in list(G.out_edges(node, keys=True)):
                    if key == pred and G.has_edge(node, v, key="proposes"):
                        G.remove_edge(node, v, key=pred)


def _variant_long_forms(G: nx.MultiDiGraph, spellings: dict[str, Counter[str]], targets: list[str]) -> dict[str, str]:
    """Long forms of one acronym that name one thing, each mapped to the node the most papers
    link to (`kg.resolve.same_long_form`)."""
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
        keep = min(nodes, key=lambda n: (-sum(1 for u in G.predecessors(n) if u.startswith("paper:")), n))
        moves.update({n: keep for n in nodes if n != keep})
    return moves


def _merge_node(G: nx.MultiDiGraph, spellings: dict[str, Counter[str]], old: str, new: str) -> None:
    """Move node `old`'s edges, sources, spellings and result references to `new`."""
    for u, _, key, data in list(G.in_edges(old, keys=True, data=True)):
        if G.has_edge(u, new, key=key):
            G.edges[u, new, key]["mentions"] += data.get("mentions", 1)
        else:
            G.add_edge(u, new, key=key, **data)
    for _, v, key, data in list(G.out_edges(old, keys=True, data=True)):
        if not G.has_edge(new, v, key=key):
            G.add_edge(new, v, key=key, **data)
    G.nodes[new]["sources"] |= G.nodes[old]["sources"]
    if "coined" in G.nodes[old]:
        G.nodes[new].setdefault("coined", Counter()).update(G.nodes[old]["coined"])
    spellings[new].update(spellings.pop(old, Counter()))
    for _, data in G.nodes(data=True):
        for attr in ("method", "dataset", "metric"):
            if data.get(attr) == old:
                data[attr] = new
    G.remove_node(old)


def _add_record(
    G: nx.MultiDiGraph, rec: Extraction, spellings: dict[str, Counter[str]], floors: tuple[float, float],
    shared: _Shared, details: DetailTable | None,
) -> None:
    p = rec.paper
    shared.new_paper()
    pid = paper_node(p.id)
    attrs = {
        "type": "Paper", "label": p.title or p.abstract[:80], "title": p.title, "abstract": p.abstract,
        "url": p.url or "", "doi": p.doi or "", "date": p.date or "", "authors": list(p.authors),
        "categories": list(p.categories), "sources": list(p.sources),
    }
    # a paper given twice keeps the evidence of its first links (their indexes stay valid)
    kept = None if details is None else details.evidence(pid) if pid in G else []
    G.add_node(pid, **(attrs if details is None else {k: attrs[k] for k in _LEAN_PAPER}))
    best: dict[tuple[str, str], tuple[Mention, int]] = {}
    inner = _inside_same_label(rec.entities, floors)
    for i, m in enumerate(rec.entities):
        if not m.id or m.score < floors[model_only(m.source)] or i in inner:
            continue
        if m.id not in G:
            G.add_node(m.id, type=m.label, label=m.name or m.text, sources=set())
        G.nodes[m.id]["sources"].add(m.source)
        if m.role == "proposed" and _coined(m.text):
            G.nodes[m.id].setdefault("coined", Counter())[m.text] += 1
        if m.name and m.name != m.text:
            spellings[m.id][m.name] += 1
            # "BioInfer corpus", "forward-forward algorithm (FF)": a text that is its name plus a
            # head noun or a defined acronym is kept as an alias but does not vote for the name;
            # "top-1" of "25.1% top-1 (7.8% top-5) error" names top-1 error in short: no spelling of it
            if not (m.label == "Metric" and m.name.startswith(m.text + " error")):
                spellings[m.id][m.text] += 0 if m.name in m.text else 1
        else:
            spellings[m.id][m.text] += 1
        key = (predicate(m.label, m.role), m.id)
        prev = best.get(key)
        if prev is None or m.score > prev[0].score:
            best[key] = (m, (prev[1] if prev else 0) + 1)
        else:
            best[key] = (prev[0], prev[1] + 1)
    for entity_id, alias in rec.aliases:
        if entity_id in G:
            spellings[entity_id][alias] += 1
    for (pred, eid), (m, count) in sorted(best.items()):
        if pred == "uses" and ("proposes", eid) in best:
            continue
        evidence = {"field": shared.value(m.field), "start": m.start, "end": m.end, "text": shared.value(m.text),
                    "component": shared.value(m.source)}
        _link(G, pid, eid, pred, count, evidence, shared.value(round(m.score, 4)), p, shared, kept)
    for r in rec.repos:
        rid = f"repo:{r.url}"
        if rid not in G:
            G.add_node(rid, type="Repository", label=r.url, url=r.url, kind=r.kind, host=r.host)
        if not G.has_edge(pid, rid, key="hasCode"):
            evidence = {"field": shared.value(r.field), "start": r.start, "end": r.end, "text": r.raw,
                        "component": "url"}
            _link(G, pid, rid, "hasCode", 1, evidence, 1.0, p, shared, kept)
    for n, res in enumerate(rec.results):
        rid = f"result:{p.id}:{n}"
        G.add_node(
            rid, type="Result", metric=res.metric, value=res.value, unit=res.unit,
            method=res.method, dataset=res.dataset,
        )
        if res.value_max is not None:
            G.nodes[rid]["value_max"] = res.value_max
        G.nodes[rid]["label"] = _value_text(G.nodes[rid])
        evidence = {"field": shared.value(res.field), "start": res.start, "end": res.end, "text": res.text,
                    "component": "results"}
        _link(G, pid, rid, "reports", 1, evidence, 1.0, p, shared, kept)
        for attr, pred in (("method", "resultMethod"), ("dataset", "resultDataset"),
                           ("metric", "resultMetric")):
            target = getattr(res, attr)
            if target and target in G:
                G.add_edge(rid, target, key=pred, type=pred)
    if details is not None:
        details.put(pid, attrs, kept)


def _link(
    G: nx.MultiDiGraph, pid: str, target: str, pred: str, mentions: int, evidence: dict[str, Any], score: float,
    paper: Paper, shared: _Shared, kept: list[dict[str, Any]] | None,
) -> None:
    """Link paper `pid` to `target` with its `evidence` (field, start, end, text, component) and
    the sentence around it; with `kept` (for a `DetailTable`), the evidence and where its
    sentence starts and stops go there and the link holds its index."""
    field, start, end = evidence["field"], evidence["start"], evidence["end"]
    if kept is not None:
        G.add_edge(pid, target, key=pred, type=pred, mentions=mentions, evidence=len(kept), score=score)
        kept.append({**evidence, "sentence": _sentence_bounds(paper.text(field), start, end)})
        return
    sentence = shared.sentence(paper.text(field), field, start, end)
    G.add_edge(pid, target, key=pred, type=pred, mentions=mentions, field=field, start=start, end=end,
               text=evidence["text"], sentence=sentence, component=evidence["component"], score=score)


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

