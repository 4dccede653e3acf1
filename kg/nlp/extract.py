"""From papers to extraction records: run the pipeline and resolve mentions to entities.

>>> from kg.records import Paper
>>> from kg.nlp.pipeline import load_pipeline
>>> rec = next(extract_papers([Paper(id="p", title="UniFormer: Unified Transformer",
...     abstract="Code: https://github.com/Sense-X/UniFormer.")], load_pipeline(False)))
>>> [(m.text, m.label, m.role) for m in rec.entities][:1], rec.repos[0].url
([('UniFormer', 'Method', 'proposed')], 'https://github.com/Sense-X/UniFormer')
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.model import paper_node, predicate
from kg.nlp.abbrev import remember_text, strict_long_form
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.merge import SCORES, Candidate
from kg.nlp.results import find_results, rank_metric_name
from kg.nlp.urls import find_links
from kg.records import Extraction, Mention, Paper, Relation, Result
from kg.resolve import entity_id, entity_key, without_type_word

__all__ = [
    "MAX_FIELD_CHARS",
    "SEPARATOR",
    "doc_to_extraction",
    "extract_papers",
    "paper_doc",
    "predict_mentions",
]

SEPARATOR = "\n\n"
# Extraction reads at most this many characters of a title or abstract (a full paper is
# ~60k); the record keeps the whole text. Bounds time and memory on hostile input.
MAX_FIELD_CHARS = 200_000


def _bounded(paper: Paper) -> Paper:
    """`paper` with title and abstract cut to `MAX_FIELD_CHARS` for extraction."""
    if len(paper.title) <= MAX_FIELD_CHARS and len(paper.abstract) <= MAX_FIELD_CHARS:
        return paper
    where = paper.sources[0] if paper.sources else paper.id
    print(
        f"warning: {where}: {max(len(paper.title), len(paper.abstract))} characters in one field; "
        f"entities and links are extracted from the first {MAX_FIELD_CHARS}",
        file=sys.stderr,
    )
    return replace(paper, title=paper.title[:MAX_FIELD_CHARS], abstract=paper.abstract[:MAX_FIELD_CHARS])


def paper_doc(nlp: Language, paper: Paper) -> Doc:
    """One Doc for title and abstract, the title's length recorded for the rules."""
    text = paper.title + SEPARATOR + paper.abstract if paper.title and paper.abstract else paper.title or paper.abstract
    doc = nlp.make_doc(text)
    remember_text(doc, text)
    doc._.kg_title_len = len(paper.title)
    return doc


def _locate(paper: Paper, start: int, end: int) -> tuple[str, int, int] | None:
    """(field, start, end) of a doc span, or None when it crosses from title to abstract."""
    title_len = len(paper.title)
    if not paper.abstract or (paper.title and end <= title_len):
        return ("title", start, end) if paper.title else ("abstract", start, end)
    if not paper.title:
        return "abstract", start, end
    offset = title_len + len(SEPARATOR)
    if start >= offset:
        return "abstract", start - offset, end - offset
    return None


_BRACKETED = re.compile(r" \(([^()]*)\)")
_DEFINITION = re.compile(r"(.*?)\s*\(([^()]*)\)\s*", re.S)


def _without_short_forms(text: str, long_of: dict[str, str]) -> str:
    """`text` without the bracketed acronyms the paper defines: "cross-entropy (CE) loss"
    names the same thing as "cross-entropy loss"."""
    if "(" not in text:
        return text
    return _BRACKETED.sub(lambda m: "" if m.group(1) in long_of else m.group(0), text)


def _with_long_forms(text: str, long_of: dict[str, str], names: Mapping[str, str] | None = None) -> str:
    """`text` with each acronym the paper defines spelled out where it is a word of a longer
    mention: "T2I generation" names "text-to-image generation" in a paper that defines T2I.
    A mention with other capitalised words is a name and stays as written ("Partially-Connected
    DARTS"), unless spelling it out gives a name the paper also writes (`names`: entity key to
    the paper's spelling): "Reward Guided LCD" is "Reward Guided Latent Consistency
    Distillation" in the paper of that title.

    >>> _with_long_forms("T2I generation", {"T2I": "text-to-image"})
    'text-to-image generation'
    >>> _with_long_forms("Low Precision Graph NAS", {"NAS": "neural architecture search"})
    'Low Precision Graph NAS'
    >>> long_of = {"LCD": "Latent Consistency Distillation"}
    >>> written = {"rewardguidedlatentconsistencydistillation": "Reward Guided Latent Consistency Distillation"}
    >>> _with_long_forms("Reward Guided LCD", long_of, written)
    'Reward Guided Latent Consistency Distillation'
    """
    words = text.split()
    shorts = [w in long_of and any(c.isupper() for c in w) for w in words]
    if len(words) < 2 or not any(shorts):
        return text
    expanded = " ".join(long_of[w] if s else w for w, s in zip(words, shorts, strict=True))
    spelled = (names or {}).get(entity_key(expanded))
    if spelled:
        return spelled
    return expanded if all(w == w.lower() for w, s in zip(words, shorts, strict=True) if not s) else text


def _spellings(texts: Iterable[str]) -> dict[str, str]:
    """Entity key to how the paper writes it; of several spellings, the most capitalised (a
    title's "Gradient Boosting Reinforcement Learning" over "gradient boosting ...")."""
    out: dict[str, str] = {}
    for text in texts:
        key = entity_key(text)
        if key and sum(c.isupper() for c in text) > sum(c.isupper() for c in out.get(key, "")):
            out[key] = text
        out.setdefault(key, text)
    return out


def _defined_shorts(text: str, long_of: dict[str, str], shorts_of: dict[str, list[str]]) -> list[str]:
    """The acronyms a mention's text defines or spells out: "long form (SF)" or "long form".

    >>> _defined_shorts("graph neural network (GNN)", {"GNN": "graph neural network"}, {})
    ['GNN']
    """
    found = list(shorts_of.get(text, ()))
    definition = _DEFINITION.fullmatch(text) if text.rstrip().endswith(")") else None
    if definition and long_of.get(definition.group(2)) == definition.group(1):
        found.append(definition.group(2))
    return found


def doc_to_extraction(doc: Doc, paper: Paper, gazetteer: Gazetteer) -> Extraction:
    """Resolve the Doc's mentions to entities and build the paper's record.

    A short form the paper defines names the paper's long form wherever it appears (also
    in the plural or before a type word: "GNN architectures"), whatever the gazetteer
    expands it to; an acronym and a mention the paper spells it out with are paired too
    (`_spelled_out`)."""
    cands: list[Candidate] = doc._.kg_mentions or []
    long_of = {short.text: long.text for short, long in doc._.kg_abbreviations or ()}
    long_of.update(_spelled_out(cands, long_of, gazetteer))
    long_by_key = {entity_key(short): long for short, long in long_of.items()}
    written = _spellings([c.span.text for c in cands] + list(long_of.values()))

    def canonical(label: str, text: str, given: str) -> str:
        text = _without_short_forms(text, long_of)
        own = long_of.get(text) or long_by_key.get(entity_key(text))
        if own:
            own = _with_long_forms(own, long_of, written)  # LRM: "latent proxy RM", which is RM's too
            return gazetteer.lookup(label, own) or own
        given = long_of.get(given, given)  # "CE loss" named "CE", which the paper defines
        for name in (text, without_type_word(text), given):
            known = gazetteer.lookup(label, name) if name else None
            if known:
                return known
        expanded = _with_long_forms(text, long_of, written) if given in ("", text) else text
        if expanded != text:
            return gazetteer.lookup(label, expanded) or expanded
        return given or text

    shorts_of: dict[str, list[str]] = {}
    for short, long in long_of.items():
        shorts_of.setdefault(long, []).append(short)
    mentions = []
    for cand in cands:
        where = _locate(paper, cand.span.start_char, cand.span.end_char)
        if where is None:
            continue
        field, start, end = where
        label = cand.label if entity_key(cand.span.text) in long_by_key else _gazetteer_label(cand, gazetteer)
        name = canonical(label, cand.span.text, cand.canonical)
        mentions.append(
            Mention(
                text=cand.span.text, label=label, start=start, end=end, field=field,
                name=name, id=entity_id(label, name), score=cand.score, source=cand.source, role=cand.role,
                nested=cand.nested,
            )
        )
    mentions = _one_label_per_name(mentions, lambda m: bool(_defined_shorts(m.text, long_of, shorts_of)))
    proposed_ids = {m.id for m in mentions if m.role == "proposed"}
    mentions = [
        m if m.id not in proposed_ids or m.role else Mention(**{**m.to_dict(), "role": "proposed"})
        for m in mentions
    ]
    mentions = _name_ranks(paper, mentions, gazetteer)
    aliases = tuple(
        sorted({(entity_id(m.label, m.name), s) for m in mentions for s in _defined_shorts(m.text, long_of, shorts_of)})
    )
    repos = tuple(r for f in ("title", "abstract") for r in find_links(paper.text(f), f))
    results = tuple(r for f in ("title", "abstract") for r in find_results(paper.text(f), mentions, f))
    mentions = _confirm_valued_metrics(mentions, results)
    subject = paper_node(paper.id)
    relations = tuple(
        Relation(
            subject=subject,
            predicate=predicate(m.label, m.role),
            object=m.id,
            evidence=m,
            score=m.score,
        )
        for m in mentions
    )
    return Extraction(
        paper=paper, entities=tuple(mentions), repos=repos, relations=relations,
        results=results, aliases=aliases,
    )


def _name_ranks(paper: Paper, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """A bare rank names a whole metric: "top-1" in "25.1% top-1 (7.8% top-5) error" is a mention
    of top-1 error (a value of it is no top-1 accuracy), "top-5" in "96.2% top-5" of top-5 accuracy."""
    out = []
    for m in mentions:
        metric = rank_metric_name(paper.text(m.field), m) if m.label == "Metric" else None
        if metric is not None:
            name = gazetteer.lookup("Metric", metric) or metric
            m = replace(m, name=name, id=entity_id("Metric", name))
        out.append(m)
    return out


_MAX_PAIR_TESTS = 20_000  # acronym x long-form tests per paper (a hostile paper has thousands of each)


def _spelled_out(cands: list[Candidate], long_of: dict[str, str], gazetteer: Gazetteer) -> dict[str, str]:
    """Acronyms the paper uses undefined that one of its mentions of the same type spells
    out (`kg.nlp.abbrev.strict_long_form`): "LPQN" and "Low Precision Quantile Network" are
    one entity. An acronym that several long forms spell, or that the gazetteer knows as
    another thing, stays as it is."""
    defined = {entity_key(short) for short in long_of}
    shorts: dict[str, set[str]] = {}
    longs: dict[tuple[str, str], set[str]] = {}
    for cand in cands:
        text = cand.span.text
        if " " not in text and sum(c.isupper() for c in text) >= 2 and entity_key(text) not in defined:
            shorts.setdefault(text, set()).add(cand.label)
        elif (" " in text or "-" in text) and "(" not in text and text[:1].isalpha():
            longs.setdefault((cand.label, text[0].lower()), set()).add(text)
    found: dict[str, str] = {}
    budget = _MAX_PAIR_TESTS
    for short, labels in sorted(shorts.items()):
        for label in sorted(labels):
            options = sorted(longs.get((label, short[0].lower()), ()))
            budget -= len(options)
            if budget < 0:
                return found
            spelled = [long for long in options if strict_long_form(short, long)]
            if not spelled or len({entity_key(long) for long in spelled}) > 1:
                continue
            known = gazetteer.lookup(label, short)
            if known is None or known == gazetteer.lookup(label, spelled[0]):
                found[short] = spelled[0]
    return found


def _gazetteer_label(cand: Candidate, gazetteer: Gazetteer) -> str:
    """The label of a mention only the model found, or the gazetteer's when the gazetteer lists
    its text (or the text before a type word) under one other label only: "top-1 accuracy"
    is a metric whatever the model says."""
    if cand.source != "ner" or cand.role:
        return cand.label
    text = cand.span.text
    labels = gazetteer.labels_of(text) | gazetteer.labels_of(without_type_word(text))
    return labels.pop() if len(labels) == 1 and cand.label not in labels else cand.label


def _one_label_per_name(mentions: list[Mention], defines: Callable[[Mention], bool]) -> list[Mention]:
    """One type for a name the paper proposes or defines: its other mentions no more confident
    than the proposed or defining mention (a gazetteer's metric of the same name as the
    proposed method, a model's task for the defined acronym) take its type."""
    anchors: dict[str, Mention] = {}
    for m in mentions:
        if m.role == "proposed" or "abbrev" in m.source or defines(m):
            key = entity_key(m.name)
            best = anchors.get(key)
            if best is None or (m.role == "proposed", m.score) > (best.role == "proposed", best.score):
                anchors[key] = m
    if not anchors:
        return mentions
    out = []
    for m in mentions:
        anchor = anchors.get(entity_key(m.name))
        if anchor is not None and anchor.label != m.label and anchor.score >= m.score:
            m = replace(m, label=anchor.label, id=entity_id(anchor.label, m.name))
        out.append(m)
    return out


def _confirm_valued_metrics(mentions: list[Mention], results: tuple[Result, ...]) -> list[Mention]:
    """A metric the paper reports a value for ("88.7% recognition accuracy") is a metric:
    its mentions in that field reach the graph (the rules' confidence) even when only the
    NER found them, so the Result links to its metric node."""
    valued = {(r.field, r.metric) for r in results}
    floor = SCORES["rules"]
    return [
        replace(m, score=floor, source=f"{m.source}+result")
        if m.label == "Metric" and (m.field, m.id) in valued and SCORES["descriptive"] < m.score < floor
        else m
        for m in mentions
    ]


BATCH_SIZE = 32
"""Docs per model batch: as fast as 64 on this CPU, with half the working memory (the
model's activations; a worker's RSS 310 MB instead of 460 MB)."""


def extract_papers(
    papers: Iterable[Paper], nlp: Language, batch_size: int = BATCH_SIZE
) -> Iterator[Extraction]:
    """Stream one `Extraction` per paper, in input order."""
    gazetteer: Gazetteer = nlp.get_pipe("kg_gazetteer_v1")  # type: ignore[assignment]
    pairs = ((paper_doc(nlp, b), (p, b)) for p in papers for b in (_bounded(p),))
    for doc, (paper, bounded) in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        rec = doc_to_extraction(doc, bounded, gazetteer)
        yield rec if bounded is paper else replace(rec, paper=paper)


def predict_mentions(
    nlp: Language, texts: list[str], batch_size: int = BATCH_SIZE, min_score: float = 0.0
) -> list[list[tuple[int, int, str, str]]]:
    """``(start, end, label, text)`` flat mentions of each text scored at least `min_score`
    (nested ones are left out: the gold corpora annotate flat spans)."""
    papers = (Paper(id=str(i), abstract=t) for i, t in enumerate(texts))
    return [
        [(m.start, m.end, m.label, m.text) for m in rec.entities if m.score >= min_score and not m.nested]
        for rec in extract_papers(papers, nlp, batch_size)
    ]
