"""Merge the components' spans into the final mentions, with precedence and confidence.

Precedence, highest first: a proposed name found by the rules, a gazetteer name, an
abbreviation whose pair is typed, a rule match, the statistical NER. Overlaps are
resolved greedily by that order, then by length. Descriptive phrases from the NER
("our framework", "distributed training methods") are dropped. The result is
``doc._.kg_mentions``: a list of `Candidate`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["Candidate", "merge_candidates", "is_descriptive", "SCORES"]

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)

SCORES = {"rules-proposed": 0.9, "gazetteer": 0.9, "abbrev": 0.85, "rules": 0.75, "ner": 0.6}
_PRIORITY = {"rules-proposed": 0, "gazetteer": 1, "abbrev": 2, "rules": 3, "ner": 4}
_LEADING = {
    "the", "a", "an", "our", "their", "its", "this", "these", "those", "such", "each", "any",
    "all", "both", "his", "her", "my", "your", "several", "various", "many", "some", "two",
    "three", "other", "existing", "novel", "new", "proposed", "standard", "popular",
}
_GENERIC_HEADS = {
    "method", "approach", "framework", "model", "technique", "system", "algorithm", "scheme",
    "strategy", "version", "variant", "module", "component", "architecture", "procedure",
    "process", "solution", "mechanism", "paradigm", "pipeline", "setting", "problem", "task",
    "work", "result", "performance", "data", "dataset", "benchmark", "metric", "baseline",
    "idea", "design", "tool", "way", "extension", "formulation", "objective", "function",
    "strategies", "methods", "approaches", "frameworks", "models", "techniques", "systems",
    "algorithms", "schemes", "versions", "variants", "modules", "components", "problems",
    "tasks", "results", "baselines", "tools", "ones", "one", "experiments", "analysis",
}


@dataclass(frozen=True)
class Candidate:
    """A typed span with the component that found it, its confidence and canonical name."""

    span: Span
    label: str
    source: str
    score: float
    canonical: str = ""
    role: str = ""


def _strip_leading(span: Span) -> Span:
    start = span.start
    while start < span.end and span.doc[start].lower_ in _LEADING:
        start += 1
    return span.doc[start : span.end]


def is_descriptive(span: Span) -> bool:
    """True for a phrase that describes rather than names ("a weighted version").

    A span is a name when some token has inner capitals or digits; otherwise it is
    descriptive when its head (last word) is a generic noun or it has a pronoun.
    """
    words = [t.text for t in span]
    if not words:
        return True
    for w in words:
        if any(c.isupper() for c in w[1:]) or (any(c.isdigit() for c in w) and len(w) > 1):
            return False
    if words[-1].lower() in _GENERIC_HEADS:
        return True
    return any(w.lower() in ("we", "our", "it", "they", "this", "that") for w in words)


def merge_candidates(candidates: list[Candidate]) -> list[Candidate]:
    """Greedy non-overlapping selection by precedence, then length, then position."""
    ordered = sorted(
        candidates,
        key=lambda c: (_PRIORITY[c.source], -(c.span.end_char - c.span.start_char), c.span.start),
    )
    taken: list[Candidate] = []
    used: set[int] = set()
    for cand in ordered:
        tokens = set(range(cand.span.start, cand.span.end))
        if tokens & used:
            continue
        used |= tokens
        taken.append(cand)
    return sorted(taken, key=lambda c: c.span.start)


def _collect(doc: Doc) -> list[Candidate]:
    cands: list[Candidate] = []
    for span in doc.spans.get("kg_rules", []):
        source = "rules-proposed" if span.kb_id_ == "proposed" else "rules"
        cands.append(Candidate(span, span.label_, source, SCORES[source], role=span.kb_id_))
    for span in doc.spans.get("kg_gazetteer", []):
        cands.append(Candidate(span, span.label_, "gazetteer", SCORES["gazetteer"], span.kb_id_))
    for ent in doc.ents:
        span = _strip_leading(ent)
        own = ent.start > 0 and doc[ent.start - 1].lower_ == "our" or ent[0].lower_ == "our"
        if len(span) and not is_descriptive(span):
            role = "proposed" if own and ent.label_ == "Method" else ""
            cands.append(Candidate(span, ent.label_, "ner", SCORES["ner"], role=role))
    typed = list(cands)
    for short, long in doc._.kg_abbreviations or ():
        label = None
        for cand in typed:
            if _overlaps(cand.span, long) or _overlaps(cand.span, short):
                label = cand.label
                break
        if label is None:
            continue
        cands.append(Candidate(long, label, "abbrev", SCORES["abbrev"]))
        cands.append(Candidate(short, label, "abbrev", SCORES["abbrev"]))
    uses = {s.text for s, _ in doc._.kg_abbreviations or ()}
    labels = {c.span.text: c.label for c in cands if c.span.text in uses}
    for span in doc.spans.get("kg_abbrev", []):
        if span.text in labels:
            cands.append(Candidate(span, labels[span.text], "abbrev", SCORES["abbrev"]))
    return cands


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


@Language.component("kg_merge_v1")
def merge_component(doc: Doc) -> Doc:
    """Combine the gazetteer, rules, abbreviations and NER into ``doc._.kg_mentions``."""
    doc._.kg_mentions = merge_candidates(_collect(doc))
    return doc
