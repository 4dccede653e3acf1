"""Merge the components' spans into the final mentions, with precedence and confidence.

Precedence, highest first: a proposed name found by the rules; a gazetteer name or an
abbreviation defined in the paper whose pair is typed (the longer wins); a rule match;
the statistical NER. A paper's own definition of an acronym beats the gazetteer's. An
NER span that contains a gazetteer name of its type keeps the model's boundary (it
learned the annotation conventions) with the gazetteer's confidence, and the
gazetteer's canonical name when the rest is generic ("the ImageNet dataset").
Descriptive phrases from the NER ("our framework", "distributed training methods")
are scored 0.3: they stay in the records but stay out of the graph
(`kg.graph.MIN_SCORE`). The result is ``doc._.kg_mentions``: a list of `Candidate`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.resolve import entity_key

__all__ = ["Candidate", "merge_candidates", "is_descriptive", "SCORES", "NER_SCORES"]

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)

SCORES = {
    "rules-proposed": 0.9, "gazetteer": 0.9, "ner+gazetteer": 0.9, "abbrev": 0.85, "rules": 0.75,
    "ner": 0.6, "descriptive": 0.3,
}
# The model alone, by label: its measured precision on SciERC dev + the TDMSci held-out
# split (unique mentions) was Method 0.56, Task 0.53, Metric 0.43, Dataset 0.38, so its
# datasets and metrics enter the graph only when a gazetteer, rule or abbreviation agrees.
NER_SCORES = {"Method": 0.6, "Task": 0.55, "Metric": 0.45, "Dataset": 0.4}
_PRIORITY = {"rules-proposed": 0, "gazetteer": 1, "ner+gazetteer": 1, "abbrev": 1, "rules": 3, "ner": 4}
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
    # heads that name no method or task: manners, people, places, qualities
    "manner", "fashion", "ways", "researchers", "practitioners", "users", "people",
    "community", "combination", "regime", "regimes", "scenario", "scenarios", "context",
    "field", "area", "practice", "perspective", "view", "insight", "insights", "property",
    "properties", "behavior", "behaviour", "phenomenon", "phenomena", "manners",
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
    pairs = doc._.kg_abbreviations or ()
    gazetteer = list(doc.spans.get("kg_gazetteer", []))
    redefined = {short.text for short, long in pairs if _redefines(short, long, gazetteer)}
    cands: list[Candidate] = []
    for span in doc.spans.get("kg_rules", []):
        source = "rules-proposed" if span.kb_id_ == "proposed" else "rules"
        cands.append(Candidate(span, span.label_, source, SCORES[source], role=span.kb_id_))
    known = [g for g in gazetteer if g.text not in redefined]
    absorbed: set[tuple[int, int]] = set()
    for ent in doc.ents:
        span = _strip_leading(ent)
        if not len(span):
            continue
        own = ent.start > 0 and doc[ent.start - 1].lower_ == "our" or ent[0].lower_ == "our"
        role = "proposed" if own and ent.label_ == "Method" else ""
        inner = [g for g in known if g.label_ == ent.label_ and span.start <= g.start and g.end <= span.end]
        if inner:
            # The model's boundary (it learned the annotation conventions), the gazetteer's
            # confidence, and its canonical name when the rest is only generic words.
            head = max(inner, key=len)
            absorbed.update((g.start, g.end) for g in inner)
            canonical = head.kb_id_ if _only_generic_besides(span, head) else ""
            cands.append(Candidate(span, ent.label_, "ner+gazetteer", SCORES["gazetteer"], canonical, role))
        elif is_descriptive(span):
            cands.append(Candidate(span, ent.label_, "ner", SCORES["descriptive"], role=role))
        else:
            score = NER_SCORES.get(ent.label_, SCORES["ner"])
            cands.append(Candidate(span, ent.label_, "ner", score, role=role))
    for span in known:
        if (span.start, span.end) not in absorbed:
            cands.append(Candidate(span, span.label_, "gazetteer", SCORES["gazetteer"], span.kb_id_))
    cands = [c for c in map(_metric_sense, cands) if c is not None]
    typed = sorted((c for c in cands if c.score >= 0.5), key=lambda c: _PRIORITY[c.source])
    labels: dict[str, str] = {}
    for short, long in pairs:
        label = next(
            (c.label for c in typed if _shares_head(c.span, long) or _shares_head(c.span, short)),
            None,
        )
        if label is None:
            continue
        labels[short.text] = label
        cands.append(Candidate(long, label, "abbrev", SCORES["abbrev"]))
    for span in doc.spans.get("kg_abbrev", []):
        if span.text in labels:
            cands.append(Candidate(span, labels[span.text], "abbrev", SCORES["abbrev"]))
    return cands


_LOSS_WORDS = {"loss", "losses", "objective", "objectives", "regularizer", "regularization", "penalty"}
_NUMERIC_PRECISION = {"low", "lower", "mixed", "half", "full", "single", "double", "numerical", "numeric",
                      "arbitrary", "reduced", "high", "higher", "machine", "floating", "bit", "4-bit", "8-bit"}


def _metric_sense(cand: Candidate) -> Candidate | None:
    """A metric name used in another sense: a loss ("cross-entropy (CE) loss" is a method)
    or numerical precision ("low precision")."""
    if cand.label != "Metric":
        return cand
    doc, span = cand.span.doc, cand.span
    after = [t.lower_ for t in doc[span.end : span.end + 4] if not t.is_punct]
    clause = [t.lower_ for t in doc[span.end : span.end + 6]]
    clause = clause[: next((i for i, w in enumerate(clause) if w in {",", ".", ";", "and", "or"}), len(clause))]
    if after and after[0] in _LOSS_WORDS or after[:2] and after[1:2] == ["loss"] and len(after[0]) <= 5 or (
        "is" in clause[:1] and _LOSS_WORDS & set(clause)
    ):
        return Candidate(span, "Method", cand.source, cand.score, "", cand.role)
    if span.root.lower_ == "precision" and len(span) == 1:
        before = doc[span.start - 1].lower_ if span.start else ""
        if before in _NUMERIC_PRECISION or (after and after[0] in ("and", "or") and "complexity" in after):
            return None
    return cand


def _redefines(short: Span, long: Span, gazetteer: list[Span]) -> bool:
    """True when the paper defines a known acronym as something else (DSC = Discrete Sparse Coding)."""
    known = {g.kb_id_ for g in gazetteer if g.text == short.text}
    if not known:
        return False
    on_long = {g.kb_id_ for g in gazetteer if g.start == long.start and g.end == long.end}
    return not (known & on_long) and all(entity_key(k) != entity_key(long.text) for k in known)


_GENERIC_AROUND = _GENERIC_HEADS | {"corpus", "corpora", "benchmarks", "datasets", "set", "sets", "score",
                                    "scores", "challenge", "shared", "data", "problems", "tasks"}


def _only_generic_besides(span: Span, inner: Span) -> bool:
    """True when `span` is `inner` plus generic words ("the ImageNet dataset", "WSD problems")."""
    rest = [t for t in span if not (inner.start <= t.i < inner.end)]
    return all(t.lower_ in _GENERIC_AROUND or t.lower_ in _LEADING or t.is_punct for t in rest)


def _shares_head(typed: Span, form: Span) -> bool:
    """A typed span names the same thing as `form` when it ends where `form` ends."""
    return typed.end == form.end and typed.start >= form.start


@Language.component("kg_merge_v1")
def merge_component(doc: Doc) -> Doc:
    """Combine the gazetteer, rules, abbreviations and NER into ``doc._.kg_mentions``."""
    doc._.kg_mentions = merge_candidates(_collect(doc))
    return doc
