"""Abbreviation detection (Schwartz & Hearst, 2003): "long form (SF)" pairs in a Doc.

The component writes pairs to ``doc._.kg_abbreviations`` as ``(short Span, long Span)``
and every later occurrence of a defined short form to ``doc.spans["kg_abbrev"]``.

>>> import spacy
>>> nlp = spacy.blank("en"); _ = nlp.add_pipe("kg_abbreviations_v1")
>>> doc = nlp("We consider Multi-Objective GFlowNets (MOGFNs). MOGFNs work.")
>>> [(s.text, l.text) for s, l in doc._.kg_abbreviations]
[('MOGFNs', 'Multi-Objective GFlowNets')]
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["find_abbreviations", "best_long_form", "doc_text", "joins_word", "remember_text", "LIST_MARKER"]

if not Doc.has_extension("kg_abbreviations"):
    Doc.set_extension("kg_abbreviations", default=None)

_TEXT_KEY = "kg_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc (spaCy rebuilds it from the tokens on every call)."""
    text: str | None = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = remember_text(doc, doc.text)
    return text


def remember_text(doc: Doc, text: str) -> str:
    """Record `text` (which must equal ``doc.text``) as what :func:`doc_text` returns."""
    doc.user_data[_TEXT_KEY] = text
    return text


_PAREN = re.compile(r"\(([^()\s;,]{2,12}|[^()\s;,]{1,8}[- ][^()\s;,]{1,8})\)")
_WORD = re.compile(r"\S+")
LIST_MARKER = re.compile(r"\((?:[ivx]+|[a-z]|\d{1,2})\)", re.IGNORECASE)  # "(iii)", "(b)", "(2)"
_REACH = 1_000  # characters before a bracket that may hold its long form (at most 17 words)
_STOP_WORDS_BEFORE = {"the", "a", "an", "of", "and", "or", "in", "on", "for", "with", "to"}


def best_long_form(short: str, candidate: str) -> str | None:
    """The shortest end of `candidate` whose letters spell `short` (Schwartz–Hearst).

    >>> best_long_form("GNN", "we use graph neural networks")
    'graph neural networks'
    """
    s_idx = len(short) - 1
    l_idx = len(candidate) - 1
    while s_idx >= 0:
        ch = short[s_idx].lower()
        if not ch.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and (
            candidate[l_idx].lower() != ch
            or (s_idx == 0 and l_idx > 0 and candidate[l_idx - 1].isalnum())
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start = candidate.rfind(" ", 0, l_idx + 1) + 1
    long_form = candidate[start:].strip()
    if len(long_form) <= len(short) or short.lower() in long_form.lower().split():
        return None
    return long_form


def _plausible_short(short: str) -> bool:
    core = short.rstrip("s") or short
    return (
        short[0].isalnum()
        and any(c.isalpha() for c in short)
        and sum(c.isupper() for c in core) >= max(1, (len(core) + 1) // 3)
    )


def find_abbreviations(doc: Doc) -> list[tuple[Span, Span]]:
    """(short form, long form) span pairs defined in `doc` as "long form (SF)"."""
    pairs = []
    text = doc_text(doc)
    for match in _PAREN.finditer(text):
        short = match.group(1)
        if not _plausible_short(short):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        # the words just before the bracket, searched within _REACH characters (all the text
        # before every bracket made a paper of 5,000 definitions take 80 s)
        base = max(line_start, match.start() - _REACH)
        before = text[base : match.start()].rstrip()
        words = list(_WORD.finditer(before))
        if base > line_start and words and words[0].start() == 0 and not text[base - 1].isspace():
            words = words[1:]  # a word cut by the window
        limit = min(len(short) + 5, len(short) * 2)
        window = words[-limit:]
        if not window:
            continue
        offset = window[0].start()
        long_form = best_long_form(short, before[offset:])
        if not long_form:
            continue
        lstart = base + before.rfind(long_form)
        first_word = long_form.split()[0].lower()
        if first_word in _STOP_WORDS_BEFORE:
            continue
        lspan = doc.char_span(lstart, lstart + len(long_form), alignment_mode="expand")
        sspan = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        if lspan is None or sspan is None or lspan.end > sspan.start:
            continue
        while len(lspan) and (lspan[-1].is_punct or lspan[-1].is_quote):
            lspan = lspan[:-1]
        lspan = _after_enumeration(lspan)
        if not len(lspan):
            continue
        pairs.append((sspan, lspan))
    return pairs


def _after_enumeration(span: Span) -> Span:
    """`span` after leading punctuation, a list marker and a bracket it closes without opening:
    "(ColVA), (iii) Credit/Debit Valuation" -> "Credit/Debit Valuation"."""
    span = _lstrip(span)
    depth, start = 0, 0
    for i, tok in enumerate(span):
        depth += (tok.text == "(") - (tok.text == ")")
        if depth < 0:
            depth, start = 0, i + 1
    return _lstrip(span[start:])


def _lstrip(span: Span) -> Span:
    """`span` without leading punctuation and list markers ("(iii)")."""
    while len(span) and (span[0].is_punct or span[0].is_quote):
        span = span[3:] if LIST_MARKER.fullmatch(span[:3].text) else span[1:]
    return span


def _occurrences(text: str, word: str) -> list[int]:
    """Where `word` stands alone in `text` (no letter, digit or hyphen either side); found with
    ``str.find``, many times faster than a regex per word on a paper of many definitions.

    >>> _occurrences("GNN, GNNs, a-GNN and GNN.", "GNN")
    [0, 21]
    """
    found = []
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if not (start and joins_word(text[start - 1])) and not (end < len(text) and joins_word(text[end])):
            found.append(start)
        start = text.find(word, start + 1)
    return found


def joins_word(char: str) -> bool:
    """True for a character that continues a word or name: a letter, digit, "_" or "-"."""
    return char.isalnum() or char in "_-"


@Language.component("kg_abbreviations_v1")
def abbreviation_component(doc: Doc) -> Doc:
    """Find abbreviation definitions and later uses of each short form."""
    pairs = find_abbreviations(doc)
    doc._.kg_abbreviations = pairs
    uses = []
    text = doc_text(doc)
    for short in sorted({s.text for s, _ in pairs}):
        for start in _occurrences(text, short):
            span = doc.char_span(start, start + len(short), alignment_mode="expand")
            if span is not None:
                uses.append(span)
    doc.spans["kg_abbrev"] = uses
    return doc
