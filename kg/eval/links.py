"""Score the graph's links per paper against hand-annotated abstracts (`kg eval --graph`).

Users read the graph, not the mention list: what counts is which entity nodes a paper
links to. A gold file holds, per abstract, the entities it names (DESIGN.md's definition:
named methods, datasets, metrics, tasks), each with a canonical ``name`` and the
``mentions`` (surface forms) the abstract uses::

    {"id": "a1", "abstract": "...", "entities": [
        {"label": "Task", "name": "spoken language understanding", "mentions": ["SLU"]}]}

A predicted link (paper → node of a type) matches a gold entity of the same paper and
type when one of its forms (the node's name, its aliases, the mention text of the link's
evidence) has the entity key (`kg.resolve.entity_key`) of the gold name or of a gold
mention. Matching is one to one: two nodes for one thing ("GNN" and "graph neural
network" unmerged) count one true and one false link.

>>> gold = [GoldPaper("a1", "", "We use BERT on SQuAD.", (
...     GoldEntity("Method", "BERT", ("BERT",)), GoldEntity("Dataset", "SQuAD", ("SQuAD",))))]
>>> links = {"a1": [PaperLink("Method", "method:bert", ("BERT",)), PaperLink("Task", "task:squad", ("SQuAD",))]}
>>> s = score_links(gold, links)
>>> s["micro"]["p"], s["micro"]["r"], s["Dataset"]["fn"]
(0.5, 0.5, 1)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError
from kg.eval.scoring import prf
from kg.model import LABELS, LINK_PREDICATES
from kg.records import Paper
from kg.resolve import entity_key

__all__ = [
    "GoldEntity",
    "GoldPaper",
    "PaperLink",
    "format_link_table",
    "graph_links",
    "link_errors",
    "match_links",
    "read_link_gold",
    "reliability",
    "score_links",
]



@dataclass(frozen=True)
class GoldEntity:
    """One entity an abstract names: type, canonical name, the surface forms it uses."""

    label: str
    name: str
    mentions: tuple[str, ...] = ()
    proposed: bool = False

    def keys(self) -> set[str]:
        return {k for k in (entity_key(t) for t in (self.name, *self.mentions)) if k}


@dataclass(frozen=True)
class GoldPaper:
    """A hand-annotated abstract and the entities the graph should link it to."""

    id: str
    title: str
    abstract: str
    entities: tuple[GoldEntity, ...]
    split: str = ""

    def paper(self) -> Paper:
        return Paper(id=self.id, title=self.title, abstract=self.abstract)


@dataclass(frozen=True)
class PaperLink:
    """A link of the graph: the target's type, node ID and the forms it can be matched by."""

    label: str
    node: str
    forms: tuple[str, ...]
    score: float = 1.0

    def keys(self) -> set[str]:
        return {k for k in map(entity_key, self.forms) if k}


def read_link_gold(path: str | Path, split: str | None = None) -> list[GoldPaper]:
    """Read a link gold file (JSON lines, see the module docstring); only `split` if given."""
    papers = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                ents = tuple(
                    GoldEntity(e["label"], e["name"], tuple(e.get("mentions", ())), bool(e.get("proposed")))
                    for e in data["entities"]
                )
                paper = GoldPaper(str(data["id"]), data.get("title", ""), data.get("abstract", ""), ents,
                                  data.get("split", ""))
            except (ValueError, KeyError, TypeError) as exc:
                raise KGError(f"{path}:{n}: not a link gold record ({exc}); each line needs id, abstract "
                              "and entities [{label, name, mentions}]") from None
            unknown = {e.label for e in ents} - set(LABELS)
            if unknown:
                raise KGError(f"{path}:{n}: unknown label {sorted(unknown)[0]!r}; use one of {', '.join(LABELS)}")
            if split is None or paper.split == split:
                papers.append(paper)
    if not papers:
        raise KGError(f"{path}: no gold records{f' in split {split!r}' if split else ''}; check --gold and --split")
    return papers


def graph_links(G: nx.MultiDiGraph) -> dict[str, list[PaperLink]]:
    """Per paper ID, the entity links of the graph (one per target node)."""
    out: dict[str, list[PaperLink]] = {}
    for node, data in G.nodes(data=True):
        if data.get("type") != "Paper":
            continue
        forms: dict[str, list[str]] = {}
        scores: dict[str, float] = {}
        for _, target, key, edge in G.out_edges(node, keys=True, data=True):
            if key not in LINK_PREDICATES:
                continue
            t = G.nodes[target]
            forms.setdefault(target, [str(t.get("name") or t.get("label", "")), *t.get("aliases", ())])
            forms[target].append(str(edge.get("text", "")))
            scores[target] = max(scores.get(target, 0.0), float(edge.get("score", 1.0)))
        pid = str(node).split(":", 1)[1]
        out[pid] = [PaperLink(str(G.nodes[t]["type"]), t, tuple(f), scores[t]) for t, f in sorted(forms.items())]
    return out


def match_links(gold: Sequence[GoldEntity], links: Sequence[PaperLink]) -> tuple[list[PaperLink], list[GoldEntity]]:
    """One-to-one matching of one paper's links with its gold entities: (spurious, missed)."""
    free = list(gold)
    spurious = []
    for link in links:
        keys = link.keys()
        hit = next((g for g in free if g.label == link.label and g.keys() & keys), None)
        if hit is None:
            spurious.append(link)
        else:
            free.remove(hit)
    return spurious, free


def score_links(
    gold: Sequence[GoldPaper], links: Mapping[str, Sequence[PaperLink]], labels: Iterable[str] = LABELS
) -> dict[str, Any]:
    """Link precision / recall / F1 per label and micro-averaged over `labels`."""
    wanted = list(labels)
    counts = {lab: [0, 0, 0] for lab in wanted}
    for paper in gold:
        ents = [e for e in paper.entities if e.label in counts]
        found = [lk for lk in links.get(paper.id, ()) if lk.label in counts]
        spurious, missed = match_links(ents, found)
        for lk in found:
            counts[lk.label][1 if lk in spurious else 0] += 1
        for e in missed:
            counts[e.label][2] += 1
    out: dict[str, Any] = {lab: prf(*c) for lab, c in counts.items()}
    out["micro"] = prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    out["n_papers"] = len(gold)
    return out


def link_errors(
    gold: Sequence[GoldPaper], links: Mapping[str, Sequence[PaperLink]], labels: Iterable[str] = LABELS
) -> list[dict[str, Any]]:
    """Per paper with an error: the spurious links (type, node, forms) and the missed gold entities."""
    wanted = set(labels)
    rows = []
    for paper in gold:
        spurious, missed = match_links([e for e in paper.entities if e.label in wanted],
                                  [lk for lk in links.get(paper.id, ()) if lk.label in wanted])
        if spurious or missed:
            rows.append({
                "id": paper.id,
                "spurious": [[lk.label, lk.node, sorted(set(lk.forms))] for lk in spurious],
                "missed": [[e.label, e.name] for e in missed],
            })
    return rows


def reliability(
    gold: Sequence[GoldPaper], links: Mapping[str, Sequence[PaperLink]], bins: int = 5
) -> list[dict[str, Any]]:
    """Stated confidence (a link's score) against the measured share of right links, per score bin."""
    stated: list[list[float]] = [[] for _ in range(bins)]
    right = [0] * bins
    for paper in gold:
        found = list(links.get(paper.id, ()))
        spurious, _ = match_links(paper.entities, found)
        for lk in found:
            b = min(int(lk.score * bins), bins - 1)
            stated[b].append(lk.score)
            right[b] += lk not in spurious
    return [
        {"bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}", "links": len(s),
         "stated": round(sum(s) / len(s), 3) if s else None, "measured": round(right[b] / len(s), 3) if s else None}
        for b, s in enumerate(stated)
    ]


def format_link_table(scores: Mapping[str, Any]) -> str:
    """A plain-text table of link scores per label."""
    rows = [f"{'link':<8} | {'P':>6} {'R':>6} {'F1':>6} | {'tp':>4} {'fp':>4} {'fn':>4}"]
    for lab in [k for k in scores if k not in ("micro", "n_papers", "reliability")] + ["micro"]:
        s = scores[lab]
        rows.append(f"{lab:<8} | {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f} | {s['tp']:4d} {s['fp']:4d} {s['fn']:4d}")
    rows.append(f"({scores['n_papers']} papers)")
    return "\n".join(rows)
