"""Merge the components' spans into the final mentions, with precedence and confidence.

Precedence, highest first: a proposed name found by the rules; a gazetteer name or an
abbreviation defined in the paper whose pair is typed (the longer wins); a rule match;
the statistical NER. A paper's own definition of an acronym beats the gazetteer's, and
the definition "long form (SF)" is one mention, as the corpora annotate it. An NER span
that contains names keeps the model's boundary (it learned the annotation conventions):
a name of its type with only generic words around it is absorbed ("the ImageNet
dataset": source ``ner+gazetteer``, the name's confidence and canonical name), other
names stay as *nested* mentions ("speech synthesis" in "HMM-based speech synthesis
system") that the graph keeps and flat scoring skips. Descriptive phrases from the NER
("our framework", "distributed training methods") are scored 0.3: they stay in the
records but out of the graph (`kg.records.MIN_SCORE`). The result is
``doc._.kg_mentions``: a list of `Candidate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span

import kg.nlp.vote  # noqa: F401 - registers doc._.kg_ner_votes
from kg.nlp.abbrev import doc_text
from kg.nlp.hygiene import before_verb, conjuncts, link_ranges, overlaps, whole_words
from kg.resolve import entity_key

__all__ = [
    "NER_MAJORITY_SCORES",
    "NER_SCORES",
    "SCORES",
    "Candidate",
    "consistent_labels",
    "is_descriptive",
    "merge_candidates",
]

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)

SCORES = {
    "rules-proposed": 0.9, "gazetteer": 0.9, "abbrev": 0.85, "rules": 0.75,
    "ner": 0.6, "descriptive": 0.3,
}
# The model alone, by label and by whether all members of the vote (kg.nlp.vote) found the
# span or only a majority. Precision of the shipped three-member vote's spans on SciERC dev +
# the TDMSci held-out split, pooled: unanimous Method 0.81 (124 spans), Task 0.71 (113),
# Metric 0.80 (46), Dataset 0.67 (12); two of three: Method 0.44 (66), Task 0.40 (75),
# Metric 0.47 (17), Dataset 0.43 (14). On our users' abstracts (the seeds, by hand) two-of-
# three methods were right 15 times in 30 (DiffuseKronA, RETRO, but also "convex function"),
# and unanimous metrics and datasets are another matter: "computational cost",
# "convergence", "generalization ability" are quantities named in passing, and 2 of 7
# datasets were datasets ("P100 GPU", "JPEG"). So the model's metrics and datasets enter
# the graph only when a gazetteer, rule, abbreviation or reported value agrees, and its
# tasks only when every member found them (of the two-of-three tasks the seeds lose, about
# a quarter are tasks). A single model counts as unanimous.
NER_SCORES = {"Method": 0.75, "Task": 0.7, "Metric": 0.45, "Dataset": 0.45}
NER_MAJORITY_SCORES = {"Method": 0.5, "Task": 0.4, "Metric": 0.4, "Dataset": 0.35}
# On our users' abstracts (a hand check of 29 NER-only tasks of the seeds) only about a fifth of
# the model's tasks are tasks; a third of them are one common word ("inference",
# "optimization", "generalization", "learning"). A one-word, lower-case NER-only task that is
# not a task head noun ("segmentation" is) scores NER_UNHEADED_TASK: kept in the records, out
# of the graph unless another component agrees. The heads: last words of multi-word gold Task
# spans in SciERC, TDMSci and SciREX train, seen at least 5 times and at least 3 times as
# often as in spans of other labels. (Applied to every NER-only task without such a head, the
# graph view of kg eval lost 0.04 on TDMSci; applied to one-word tasks it gains 0.004.)
TASK_HEADS = frozenset({
    "classification", "detection", "recognition", "translation", "tasks", "task", "segmentation",
    "problem", "parsing", "extraction", "estimation", "prediction", "generation", "alignment",
    "tagging", "modeling", "problems", "identification", "answering", "summarization",
    "understanding", "retrieval", "resolution", "applications", "reconstruction", "mining",
    "super-resolution", "re-identification", "vision", "verification", "scenes", "annotation",
    "correction", "acquisition", "disambiguation", "labeling", "comprehension", "objects", "mode",
    "synthesis", "relations", "questions", "completion", "localization", "boundaries",
    "categorization", "similarity", "denoising", "unification",
})
# What the model takes for a method or dataset on our users' abstracts but names none: hardware,
# software to run things on, and boasts ("GPUs", "PyTorch", "SOTA"); lower-case words, punctuation
# left out ("state-of-the-art")
_NO_ENTITY = frozenset(tuple(name.split()) for name in (
    "gpu", "gpus", "cpu", "cpus", "tpu", "tpus", "npu", "npus", "hardware", "accelerator", "accelerators",
    "pytorch", "tensorflow", "jax", "numpy", "cuda",
    "sota", "state of the art", "state of the art method", "state of the art methods",
))
_NO_ENTITY_FIRST = frozenset(words[0] for words in _NO_ENTITY)  # a cheap test before the whole one
# accelerators by model name: "P100", "A100 GPUs", "RTX 3090", "TPU v3" (not "K400", Kinetics-400)
_HARDWARE = re.compile(
    r"(?:(?:nvidia|tesla|geforce|quadro)\s+)?(?:[PVAH]\d{2,3}|[PA]\d{4}|[RG]TX\s?\d{3,4}(?:\s?ti)?|"
    r"titan\s?(?:xp?|v|rtx)|tpus?\s?v\d)(?:\s?gpus?)?", re.I)
NER_UNHEADED_TASK = 0.45  # below kg.records.MIN_SCORE
_PRIORITY = {"rules-proposed": 0, "gazetteer": 1, "abbrev": 1, "rules": 3, "ner": 4}
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
    nested: bool = False  # inside a longer mention that the flat layer keeps


def _trim(span: Span) -> Span:
    """`span` without leading determiners and the like (a word of their own: "two-step" stays),
    and without trailing function words, finite verbs (and their adverbs) or punctuation other
    than a closing bracket ("fine-tuning the" -> "fine-tuning", "DAM-VP demonstrates the" -> "DAM-VP")."""
    doc, start, end = span.doc, span.start, span.end
    while start < end and doc[start].lower_ in _LEADING and doc[start].whitespace_:
        start += 1
    while end > start:
        if (doc[end - 1].is_stop or doc[end - 1].is_punct) and doc[end - 1].text not in {")", "]"}:
            end -= 1
        elif (kept := before_verb(doc[start:end])).end < end:
            end = kept.end
        else:
            break
    return doc[start:end]


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


def _greedy(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping selection by precedence, then length, then position."""
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
    return taken


def _inside(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _can_contain(span: Span, label: str, names: list[Candidate]) -> bool:
    """True when an NER span is a larger name around `names`, not a list of them
    ("CIFAR-10, ImageNet") or a mislabelled proposed name ("named ProRec" as a task)."""
    if any(c.source == "rules-proposed" and c.label != label for c in names):
        return False
    if any(t.text in {",", ";"} for t in span):
        return False
    rest = [t for t in span if not any(c.span.start <= t.i < c.span.end for c in names)]
    return not names or any(t.is_alpha and not t.is_stop and len(t) > 1 for t in rest)


class _Flat:
    """The flat mentions chosen so far, indexed by token, so that finding the ones an NER span
    overlaps costs its length, not the number of mentions (a 165 kB abstract of 20,000 dataset
    names took 153 s when every NER span scanned every mention; 2.8 s now). Keeps the order
    mentions entered in, which breaks ties as the list it replaces did."""

    def __init__(self, chosen: list[Candidate]) -> None:
        self.entries: dict[int, tuple[int, Candidate]] = {}  # id(candidate) -> (when it entered, it)
        self.entered = 0
        self.by_token: dict[int, list[Candidate]] = {}
        for cand in chosen:
            self.add(cand)

    def add(self, cand: Candidate, order: int | None = None) -> None:
        if order is None:
            order, self.entered = self.entered, self.entered + 1
        self.entries[id(cand)] = (order, cand)
        for i in range(cand.span.start, cand.span.end):
            self.by_token.setdefault(i, []).append(cand)

    def remove(self, cand: Candidate) -> int:
        for i in range(cand.span.start, cand.span.end):
            self.by_token[i] = [c for c in self.by_token[i] if c is not cand]
        return self.entries.pop(id(cand))[0]

    def nest(self, cand: Candidate) -> None:
        """Mark `cand` nested in a longer mention; it keeps its place in the order."""
        if not cand.nested:
            self.add(replace(cand, nested=True), self.remove(cand))

    def overlapping(self, span: Span) -> list[Candidate]:
        found = {id(c): c for i in range(span.start, span.end) for c in self.by_token.get(i, ())}
        return sorted(found.values(), key=lambda c: self.entries[id(c)][0])

    def sorted(self) -> list[Candidate]:
        ordered = sorted(self.entries.values(), key=lambda e: (e[1].span.start, -len(e[1].span), e[0]))
        return [cand for _, cand in ordered]


def merge_candidates(candidates: list[Candidate]) -> list[Candidate]:
    """Flat mentions by precedence, plus the names nested in a longer NER mention.

    Gazetteer, rule and abbreviation spans are chosen first (greedy by precedence).
    An NER span then takes the flat slot when it overlaps only spans it contains: the
    model learned where the corpora put mention boundaries ("HMM-based speech synthesis
    system", "BioInfer corpus"). A contained name of its label with only generic words
    around it ("the ImageNet dataset") is absorbed: the NER boundary, the name's
    confidence, canonical name and role. Other contained names stay as *nested*
    mentions, so the graph keeps "speech synthesis" while flat scoring sees what the
    corpora annotate; a span that is only such a name plus generic words ("CL methods")
    is scored as descriptive. An NER span that crosses or equals a chosen span loses to it.
    """
    flat = _Flat(_greedy([c for c in candidates if c.source != "ner"]))
    ner = sorted((c for c in candidates if c.source == "ner"), key=lambda c: -len(c.span))
    for cand in ner:
        span = cand.span
        hits = flat.overlapping(span)
        if any(not _inside(f.span, span) for f in hits):
            continue
        same = [f for f in hits if f.label == cand.label]
        head = max(same, key=lambda f: len(f.span)) if same else None
        if head is not None and (len(head.span) == len(span) or _only_generic_besides(span, head.span)):
            flat.remove(head)
            for f in hits:
                if f is not head:
                    flat.nest(f)
            flat.add(Candidate(
                span, cand.label, f"ner+{head.source}", max(head.score, cand.score),
                head.canonical or head.span.text, head.role or cand.role,
            ))
            continue
        if any(len(f.span) == len(span) for f in hits) or not _can_contain(span, cand.label, hits):
            continue
        if hits and _only_generic_besides(span, max(hits, key=lambda f: len(f.span)).span):
            # "CL methods", "DG benchmarks": a phrase about a name of another type, not an entity
            cand = replace(cand, score=SCORES["descriptive"])
        for f in hits:
            flat.nest(f)
        flat.add(cand)
    return flat.sorted()


def _collect(doc: Doc) -> list[Candidate]:
    pairs = doc._.kg_abbreviations or ()
    gazetteer = list(doc.spans.get("kg_gazetteer", []))
    # a known acronym the paper defines otherwise, also in the plural ("FCNs" defined, "FCN" used)
    by_key: dict[str, set[str]] = {}
    by_span: dict[tuple[int, int], set[str]] = {}
    for g in gazetteer:
        by_key.setdefault(entity_key(g.text), set()).add(g.kb_id_)
        by_span.setdefault((g.start, g.end), set()).add(g.kb_id_)
    redefined = {entity_key(short.text) for short, long in pairs if _redefines(short, long, by_key, by_span)}
    known = [g for g in gazetteer if entity_key(g.text) not in redefined]
    established = _established_names(doc, known)
    cands: list[Candidate] = []
    for span in doc.spans.get("kg_rules", []):
        proposed = span.kb_id_ == "proposed" and (span.start, span.end) not in established
        source = "rules-proposed" if proposed else "rules"
        cands.append(Candidate(span, span.label_, source, SCORES[source], role="proposed" if proposed else ""))
    for ent in doc.ents:
        span = _trim(ent)
        if not len(span):
            continue
        own = ((ent.start > 0 and doc[ent.start - 1].lower_ == "our") or ent[0].lower_ == "our") \
            and (span.start, span.end) not in established
        role = "proposed" if own and ent.label_ == "Method" else ""
        share = (doc._.kg_ner_votes or {}).get((ent.start, ent.end), 1.0)
        cands.append(Candidate(span, ent.label_, "ner", _ner_score(span, ent.label_, share), role=role))
    cands.extend(Candidate(span, span.label_, "gazetteer", SCORES["gazetteer"], span.kb_id_) for span in known)
    cands = [c for c in map(_metric_sense, cands) if c is not None]
    typed = sorted((c for c in cands if c.score >= 0.5), key=lambda c: _PRIORITY[c.source])
    typed_by_end: dict[int, list[tuple[int, Candidate]]] = {}  # one lookup per pair, not a scan
    for rank, c in enumerate(typed):
        typed_by_end.setdefault(c.span.end, []).append((rank, c))
    known_at = {(g.start, g.end): g.kb_id_ for g in reversed(known)}  # the first of equal spans wins
    labels: dict[str, str] = {}
    for short, long in pairs:
        sharing = [(rank, c) for form in (long, short) for rank, c in typed_by_end.get(form.end, ())
                   if _shares_head(c.span, form)]
        if not sharing:
            continue
        label = min(sharing, key=lambda rc: rc[0])[1].label
        labels[short.text] = label
        canonical = known_at.get((long.start, long.end), long.text)
        cands.append(Candidate(_with_definition(long, short), label, "abbrev", SCORES["abbrev"], canonical))
    for span in doc.spans.get("kg_abbrev", []):
        if span.text in labels:
            cands.append(Candidate(span, labels[span.text], "abbrev", SCORES["abbrev"]))
    links = link_ranges(doc)
    return [tidy for c in cands for tidy in _tidy(_with_head(c), links)]


def _tidy(cand: Candidate, links: list[tuple[int, int]]) -> list[Candidate]:
    """`cand` as whole words with balanced brackets (`kg.nlp.hygiene`), none if it overlaps a web
    link, and a coordination of descriptions split into its names ("a CNN and an RNN")."""
    span = _balanced(cand.span)
    span = whole_words(span) if span is not None else None
    if span is None or overlaps(span, links):
        return []
    parts = conjuncts(span) if cand.source != "gazetteer" else None
    if parts is not None:
        return [replace(cand, span=part, canonical="") for part in parts]
    return [cand if span is cand.span else replace(cand, span=span)]


def _ner_score(span: Span, label: str, share: float = 1.0) -> float:
    """The confidence of a mention only the NER found, `share` of the vote's members agreeing
    (NER_SCORES, NER_MAJORITY_SCORES, NER_UNHEADED_TASK)."""
    if is_descriptive(span) or _names_nothing(span):
        return SCORES["descriptive"]
    if label == "Task" and len(span) == 1 and span[0].is_lower and span[0].lower_ not in TASK_HEADS:
        return NER_UNHEADED_TASK
    return (NER_SCORES if share >= 1.0 else NER_MAJORITY_SCORES).get(label, SCORES["ner"])


def _names_nothing(span: Span) -> bool:
    """True for hardware, software and boasts (`_NO_ENTITY`, `_HARDWARE`)."""
    if span[0].lower_ in _NO_ENTITY_FIRST and tuple(t.lower_ for t in span if not t.is_punct) in _NO_ENTITY:
        return True
    return len(span) <= 4 and _HARDWARE.fullmatch(span.text) is not None


def _established_names(doc: Doc, known: list[Span]) -> set[tuple[int, int]]:
    """Token ranges of known method families a paper cannot be proposing: "we propose a
    convolutional neural network (CNN)", "our CNN" describe the paper's instance of one.
    A family is a gazetteer method with a common-noun (lower-case) canonical name; named
    methods (AlphaZero, ResNeXt) stay proposable, and so does a family that opens the
    title ("Pointer Networks", "Graph Attention Networks"): that paper introduced it."""
    title_len = doc._.kg_title_len
    methods = [g for g in known if g.label_ == "Method" and g.kb_id_ == g.kb_id_.lower()]
    opening = {g.kb_id_ for g in methods if g.start == 0 and g.end_char <= title_len}
    return {(g.start, g.end) for g in methods if g.kb_id_ not in opening}


def _balanced(span: Span) -> Span | None:
    """`span` without an unmatched bracket and what it cuts off: "FRUGAL (Full-Rank Updates"
    -> "FRUGAL", "(CE" -> "CE", "DR-Tune)" -> "DR-Tune"; None if nothing is left but a
    common word ("AGNN) framework")."""
    start, end, depth, cut = span.start, span.end, 0, None
    for tok in span:
        if tok.text == "(":
            depth += 1
            cut = tok.i if depth == 1 else cut
        elif tok.text == ")":
            if depth > 0:
                depth -= 1
            elif tok.i == span.end - 1:
                end = tok.i  # a stray closing bracket at the end
            else:
                start = tok.i + 1  # the span began inside brackets
    if depth > 0 and cut is not None:
        # an unmatched "(": keep what comes before it, or what follows it when it comes first
        start, end = (cut + 1, end) if cut == start else (start, cut)
    if (start, end) == (span.start, span.end):
        return span
    kept = span.doc[start:end]
    if not kept or is_descriptive(kept) or (len(kept) == 1 and kept.text.islower()):
        return None  # nothing left, or only a common word ("AGNN) framework", "training (TS")
    return Span(span.doc, start, end, label=span.label, kb_id=span.kb_id)


# Head nouns the gold corpora put inside a mention ("BioInfer corpus", "BERT model"): in
# SciERC, SciREX and TDMSci train a name followed by one of its type's heads has it inside
# the span 80-100% of the time (TDMSci tasks and metrics: about half). The model's own
# spans take them too: mixed conventions taught it to stop before the head now and then
# (SciERC dev "ATIS CSR" for "ATIS CSR task"; mention F1 +0.006 there, TDMSci held-out level).
_HEADS = {
    "Dataset": {"dataset", "datasets", "corpus", "corpora", "treebank", "benchmark", "benchmarks", "data", "set",
                "sets", "database", "challenge"},
    "Method": {"model", "models", "method", "methods", "approach", "approaches", "algorithm", "algorithms",
               "network", "networks", "net", "nets", "framework", "architecture", "technique", "techniques",
               "system", "systems", "parser", "tagger", "classifier", "classifiers", "module", "modules",
               "strategy", "strategies", "procedure", "scheme", "mechanism", "layer", "layers", "loss",
               "representation", "representations", "embeddings", "features", "kernel", "kernels"},
    "Task": {"task", "tasks", "problem", "problems"},
    "Metric": {"score", "scores", "metric", "measure"},
}


def _with_head(cand: Candidate) -> Candidate:
    """`cand` with its type's head noun when one follows ("BioInfer" + "corpus"); the entity's
    name stays the bare name."""
    doc, span = cand.span.doc, cand.span
    if span.end >= len(doc) or doc[span.end].lower_ not in _HEADS.get(cand.label, ()):
        return cand
    return replace(cand, span=doc[span.start : span.end + 1], canonical=cand.canonical or span.text)


def _with_definition(long: Span, short: Span) -> Span:
    """"long form (SF)" as one span when the short form follows in brackets, as the
    corpora annotate a definition; else the long form alone."""
    doc = long.doc
    if long.end < len(doc) and doc[long.end].text == "(" and short.start == long.end + 1 \
            and short.end < len(doc) and doc[short.end].text == ")":
        return doc[long.start : short.end + 1]
    return long


_LOSS_WORDS = {"loss", "losses", "objective", "objectives", "regularizer", "regularization", "penalty"}
_MAXIMIZED = {"accuracy", "acc"}  # a "loss" after it is a drop in it
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
    if span[-1].lower_ in _MAXIMIZED and after[:1] in (["loss"], ["drop"], ["degradation"]):
        return cand  # "no top-1 accuracy loss": less accuracy, not a loss function
    if (after and after[0] in _LOSS_WORDS) or (after[:2] and after[1:2] == ["loss"] and len(after[0]) <= 5) or (
        "is" in clause[:1] and _LOSS_WORDS & set(clause)
    ):
        return Candidate(span, "Method", cand.source, cand.score, "", cand.role)
    if span.root.lower_ == "precision" and len(span) == 1:
        before = doc[span.start - 1].lower_ if span.start else ""
        if before in _NUMERIC_PRECISION or (after and after[0] in ("and", "or") and "complexity" in after):
            return None
    return cand


def _redefines(
    short: Span, long: Span, by_key: dict[str, set[str]], by_span: dict[tuple[int, int], set[str]]
) -> bool:
    """True when the paper defines a known acronym as something else (DSC = Discrete Sparse Coding);
    `by_key` holds the gazetteer's names of the matched texts by key, `by_span` by token range."""
    known = by_key.get(entity_key(short.text), set())
    if not known:
        return False
    on_long = by_span.get((long.start, long.end), set())
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


def consistent_labels(candidates: list[Candidate]) -> list[Candidate]:
    """One name, one type per paper: a mention only the NER found takes the type (and the
    confidence, canonical name and role) of the paper's most confident mention of the same
    name when that one is more confident and typed otherwise. "SORSA" is the proposed
    Method wherever it appears, not once a Dataset."""
    text = doc_text(candidates[0].span.doc) if candidates else ""
    keys = [entity_key(text[cand.span.start_char : cand.span.end_char]) for cand in candidates]
    best: dict[str, Candidate] = {}
    for key, cand in zip(keys, candidates, strict=True):
        if key not in best or cand.score > best[key].score:
            best[key] = cand
    out = []
    for key, cand in zip(keys, candidates, strict=True):
        top = best[key]
        if cand.source == "ner" and top.label != cand.label and top.score > cand.score:
            source = top.source if top.source.startswith("ner") else f"ner+{top.source}"
            cand = replace(cand, label=top.label, source=source, score=top.score, canonical=top.canonical,
                           role=top.role)
        out.append(cand)
    return out


@Language.component("kg_merge_v1")
def merge_component(doc: Doc) -> Doc:
    """Combine the gazetteer, rules, abbreviations and NER into ``doc._.kg_mentions``."""
    doc._.kg_mentions = consistent_labels(merge_candidates(_collect(doc)))
    return doc
