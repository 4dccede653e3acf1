"""Span hygiene: a mention is whole words that name one thing.

A mention starts and ends at word boundaries (never inside "two-step" or "800M"), does not
start with punctuation or a list marker ("(iii)"), does not end in a finite verb ("GBLM-Pruner
leverages"), does not overlap a web link, and is not a coordination of descriptions ("a
pseudo corrector and sample-aware compilation"): such a span is split into the conjuncts that
are names, or dropped.

>>> import spacy
>>> doc = spacy.blank("en")("Through two-step sampling, X-Net leverages the data.")
>>> whole_words(doc[3:5]).text, ends_in_verb(doc[6:10])
('two-step sampling', True)
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from kg.nlp.abbrev import LIST_MARKER, doc_text, joins_word
from kg.nlp.urls import find_links

__all__ = [
    "VERBS_PATH",
    "before_verb",
    "conjuncts",
    "ends_in_verb",
    "inflections",
    "is_name_like",
    "link_ranges",
    "overlaps",
    "verb_forms",
    "whole_words",
]

VERBS_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "verbs.txt"
# after a noun that ends a name ("TV shows are ..."), never after a finite verb
_AUXILIARIES = frozenset({
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "can", "could", "will", "would",
    "may", "might", "should", "must", "do", "does", "did",
})
_DETERMINERS = frozenset({
    "a", "an", "the", "this", "these", "those", "our", "their", "its", "each", "both", "either", "such",
})
_CONJUNCTIONS = frozenset({"and", "or"})
_OPENING = frozenset({"(", "["})
_ADVERB = re.compile(r"[a-z]{3,}ly")
_NOT_NAMES = {
    "we", "our", "this", "that", "these", "it", "its", "they", "method", "model", "approach",
    "framework", "algorithm", "dataset", "benchmark", "i", "ii", "iii", "iv", "ai", "ml", "nlp",
}
_LATEX = re.compile(r"(?:rightarrow|leftarrow|times|mathrm|mathbf|textbf|textit|cdot)", re.I)


def is_name_like(text: str) -> bool:
    """A name rather than a word: inner capitals, digits, or an acronym.

    >>> [is_name_like(t) for t in ["UniFormer", "EF21", "GNN", "Transformer", "our", "X"]]
    [True, True, True, False, False, False]
    """
    words = text.split()
    if not words or len(words) > 6 or text.lower() in _NOT_NAMES or len(text) < 2 or _LATEX.search(text):
        return False
    for word in words:
        core = word.strip("-")
        if any(c.isupper() for c in core[1:]) or (
            any(c.isdigit() for c in core) and any(c.isalpha() for c in core)
        ):
            return True
    return False


def inflections(base: str) -> tuple[str, str]:
    """The third-person singular and the regular past of `base`.

    >>> [inflections(v) for v in ("leverage", "employ", "apply", "address", "show")]
    [('leverages', 'leveraged'), ('employs', 'employed'), ('applies', 'applied'), \
('addresses', 'addressed'), ('shows', 'showed')]
    """
    if base.endswith("y") and base[-2:-1] not in tuple("aeiou"):
        return base[:-1] + "ies", base[:-1] + "ied"
    third = base + "es" if base.endswith(("s", "x", "z", "ch", "sh")) else base + "s"
    return third, base + "d" if base.endswith("e") else base + "ed"


@functools.cache
def verb_forms(path: Path = VERBS_PATH) -> frozenset[str]:
    """The -s and past forms of the verbs listed in `path` (a base form, then an irregular past)."""
    forms: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            third, past = inflections(words[0])
            forms.update((third, words[1] if len(words) > 1 else past))
    return frozenset(forms)


def whole_words(span: Span) -> Span | None:
    """`span` grown to the whole words it cuts ("-step sampling" -> "two-step sampling", "GPT" ->
    "GPT-4"), without leading punctuation other than a bracket it closes, nor a list marker
    ("(iii)"); None when nothing is left, or when the word it ends in goes on in lower case: a
    name glued to a modifier is no mention of its own ("BERT" in "BERT-based", as the gazetteer
    has it)."""
    doc = span.doc
    start, end = span.start, span.end
    while start > 0 and not doc[start - 1].whitespace_ and _glued(doc[start - 1].text[-1], doc[start].text[0]):
        start -= 1
    while end < len(doc) and not doc[end - 1].whitespace_ and _glued(doc[end - 1].text[-1], doc[end].text[0]):
        if doc[end].is_lower and doc[end].is_alpha:
            return None
        end += 1
    start = _after_leading_punctuation(doc, start, end)
    if start >= end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=span.label, kb_id=span.kb_id)


def _glued(left: str, right: str) -> bool:
    """Two adjacent characters of one word ("two" + "-step", "800" + "M")."""
    return joins_word(left) and joins_word(right)


def _after_leading_punctuation(doc: Doc, start: int, end: int) -> int:
    """The first token of doc[start:end] that is not punctuation, a list marker or an opening
    bracket the span leaves open."""
    while start < end:
        tok = doc[start]
        if tok.text in _OPENING and _closes(doc, start, end):
            marker = doc[start : min(end, start + 3)].text
            if not LIST_MARKER.fullmatch(marker):
                return start
            start += 3
        elif tok.is_punct or tok.is_quote:
            start += 1
        else:
            return start
    return start


def _closes(doc: Doc, start: int, end: int) -> bool:
    """True when the bracket at `start` is closed before `end`."""
    closing = ")" if doc[start].text == "(" else "]"
    return any(doc[i].text == closing for i in range(start + 1, end))


def ends_in_verb(span: Span) -> bool:
    """True when `span` ends in a finite verb after a name: a lower-case -s or past form of a
    listed verb, a word of its own, that is not followed by an auxiliary, punctuation or the
    end ("TV shows are" ends in a noun)."""
    if len(span) < 2:
        return False
    doc, last = span.doc, span[-1]
    if last.text not in verb_forms() or not span[-2].whitespace_:
        return False
    after = doc[span.end] if span.end < len(doc) else None
    if after is None or (after.is_punct and after.text not in _OPENING):
        return False
    return after.lower_ not in _AUXILIARIES


def before_verb(span: Span) -> Span:
    """`span` without a trailing finite verb (`ends_in_verb`) and the adverbs before it
    ("ROD-TV simultaneously delivers the" -> "ROD-TV")."""
    if not ends_in_verb(span):
        return span
    end = span.end - 1
    while end > span.start + 1 and _ADVERB.fullmatch(span.doc[end - 1].text):
        end -= 1
    return span.doc[span.start : end]


def link_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the web links in the doc's text (kg.nlp.urls)."""
    return [(link.start, link.end) for link in find_links(doc_text(doc))]


def overlaps(span: Span, ranges: list[tuple[int, int]]) -> bool:
    """True when `span` shares a character with one of `ranges`."""
    return any(span.start_char < end and start < span.end_char for start, end in ranges)


def conjuncts(span: Span) -> list[Span] | None:
    """The names a coordination after a determiner joins ("a CNN and an RNN" -> CNN, RNN; "a
    pseudo corrector and sample-aware compilation" -> none), or None when `span` is no such
    coordination."""
    doc = span.doc
    if span.start == 0 or doc[span.start - 1].lower_ not in _DETERMINERS or any(t.text in "()[]" for t in span):
        return None
    cuts = [tok.i for tok in span if _separates(tok)]
    if not any(doc[i].lower_ in _CONJUNCTIONS for i in cuts):
        return None
    starts, ends = [span.start, *(i + 1 for i in cuts)], [*cuts, span.end]
    parts = [_without_determiner(doc[a:b]) for a, b in zip(starts, ends, strict=True)]
    return [Span(doc, p.start, p.end, label=span.label) for p in parts if len(p) and is_name_like(p.text)]


def _separates(tok: Token) -> bool:
    """True for "and", "or" or a comma that stands between words ("divide-and-conquer" is one)."""
    return (tok.text == "," or (tok.lower_ in _CONJUNCTIONS and tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_))) \
        and bool(tok.whitespace_)


def _without_determiner(span: Span) -> Span:
    return span[1:] if len(span) and span[0].lower_ in _DETERMINERS else span
