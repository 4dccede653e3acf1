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

import itertools
import re

from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = [
    "LIST_MARKER",
    "best_long_form",
    "doc_text",
    "find_abbreviations",
    "joins_word",
    "remember_text",
    "strict_long_form",
]

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


_DIGIT_WORDS = {"2": "to", "4": "for"}  # T2I: text-to-image, P4E: prompting for explanations


def _spells(candidate: str, i: int, ch: str, first: bool) -> bool:
    """True when `candidate` at `i` matches `ch` of a short form: the same letter or digit (at
    a word's start for the first one), or a whole word a digit stands for ("to" for 2)."""
    if candidate[i].lower() == ch:
        return not (first and i > 0 and candidate[i - 1].isalnum())
    word = _DIGIT_WORDS.get(ch)
    end = i + len(word) if word else 0
    return bool(
        word
        and candidate[i:end].lower() == word
        and (i == 0 or not candidate[i - 1].isalnum())
        and (end == len(candidate) or not candidate[end].isalnum())
    )


def _align(short: str, candidate: str) -> list[int] | None:
    """Where in `candidate` each letter or digit of `short` is matched, searching from the end
    (Schwartz–Hearst); the first one must start a word. None when a letter is not found.

    >>> _align("T2I", "text-to-image")
    [0, 5, 8]
    """
    found = []
    s_idx = len(short) - 1
    l_idx = len(candidate) - 1
    while s_idx >= 0:
        ch = short[s_idx].lower()
        if not ch.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and not _spells(candidate, l_idx, ch, s_idx == 0):
            l_idx -= 1
        if l_idx < 0:
            return None
        found.append(l_idx)
        l_idx -= 1
        s_idx -= 1
    return found[::-1]


def best_long_form(short: str, candidate: str) -> str | None:
    """The shortest end of `candidate` whose letters spell `short` (Schwartz–Hearst).

    >>> best_long_form("GNN", "we use graph neural networks")
    'graph neural networks'
    """
    found = _align(short, candidate)
    if found is None:
        return None
    start = candidate.rfind(" ", 0, found[0] + 1) + 1
    long_form = candidate[start:].strip()
    if len(long_form) <= len(short) or short.lower() in long_form.lower().split():
        return None
    return long_form


def _capitals_matched(short: str, long_form: str) -> bool:
    """True when every capital of `short` is matched by a capital or a word's first letter of
    `long_form` ("UniFormer" in "Unified transFormer", not in "Unified transformer")."""
    found = _align(short, long_form)
    if found is None:
        return False
    letters = [c for c in short if c.isalnum()]
    return all(
        not ch.isupper() or long_form[i].isupper() or i == 0 or not long_form[i - 1].isalnum()
        for ch, i in zip(letters, found, strict=True)
    )


def strict_long_form(short: str, long_form: str) -> bool:
    """True when `long_form`, all of it, spells the acronym `short` (two capitals or more) with
    each of its capitals at a capital or a word's start.

    >>> strict_long_form("MoDeST", "Mostly-Consistent Decentralized Sampling Training")
    True
    >>> strict_long_form("LR", "learning rate"), strict_long_form("LR", "the learning rate")
    (True, False)
    """
    return (
        sum(c.isupper() for c in short) >= 2
        and best_long_form(short, long_form) == long_form.strip()
        and _capitals_matched(short, long_form)
    )


def _plausible_short(short: str) -> bool:
    core = short.rstrip("s") or short
    return (
        short[0].isalnum()
        and any(c.isalpha() for c in short)
        and sum(c.isupper() for c in core) >= max(1, (len(core) + 1) // 3)
    )


def _camel_short(short: str) -> bool:
    """A short form of mixed case with two capitals or more ("UniFormer"); it needs its capitals
    matched (`_capitals_matched`)."""
    return short[0].isalpha() and sum(c.isupper() for c in short) >= 2


def find_abbreviations(doc: Doc) -> list[tuple[Span, Span]]:
    """(short form, long form) span pairs defined in `doc`: "long form (SF)", "long form, or
    SF for short", "we present SF: long form", and a hyphenated acronym spelled out elsewhere
    ("PQ-Net" and "partial quantile Net")."""
    text = doc_text(doc)
    pairs = []
    for match in _PAREN.finditer(text):
        pair = _pair_before(doc, text, match.start(1), match.end(1), match.start())
        if pair is not None and pair[1].end <= pair[0].start:
            pairs.append(pair)
    for match in _FOR_SHORT.finditer(text):
        pair = _pair_before(doc, text, match.start(1), match.end(1), match.start())
        if pair is not None:
            pairs.append(pair)
    for match in _PRESENT_COLON.finditer(text):
        pair = _pair_after(doc, text, match.start(1), match.end(1), match.end())
        if pair is not None:
            pairs.append(pair)
    return pairs + _hyphenated_pairs(doc, text)


_FOR_SHORT = re.compile(r"[,(]\s*(?:or\s+)?([^()\s;,]{2,12})\s+for\s+short\b")
# "we present MoDeST: Mostly-Consistent ...": a proposal verb, a short form and a colon
_PRESENT_COLON = re.compile(
    r"\b(?:propose|present|introduce|develop|design|devise)[sd]?\s+([^\s():;,]{2,12}):\s+", re.I
)


def _pair_before(doc: Doc, text: str, start: int, end: int, before_end: int) -> tuple[Span, Span] | None:
    """The pair of the short form at [start, end) and its long form in the words that end at
    `before_end`, or None."""
    short = text[start:end]
    camel = not _plausible_short(short)
    if camel and not _camel_short(short):
        return None
    line_start = text.rfind("\n", 0, before_end) + 1
    # the words just before the short form, searched within _REACH characters (all the text
    # before every bracket made a paper of 5,000 definitions take 80 s)
    base = max(line_start, before_end - _REACH)
    before = text[base:before_end].rstrip()
    words = list(_WORD.finditer(before))
    if base > line_start and words and words[0].start() == 0 and not text[base - 1].isspace():
        words = words[1:]  # a word cut by the window
    limit = min(len(short) + 5, len(short) * 2)
    window = words[-limit:]
    if not window:
        return None
    long_form = best_long_form(short, before[window[0].start() :])
    if not long_form or (camel and not _capitals_matched(short, long_form)):
        return None
    lstart = base + before.rfind(long_form)
    return _spans(doc, start, end, lstart, lstart + len(long_form))


def _pair_after(doc: Doc, text: str, start: int, end: int, after: int) -> tuple[Span, Span] | None:
    """The pair of the short form at [start, end) and the fewest words from `after` on that
    spell it (`strict_long_form`), or None."""
    short = text[start:end]
    stop = min(len(text), after + _REACH)
    line_end = text.find("\n", after, stop)
    words = _WORD.finditer(text, after, line_end if line_end >= 0 else stop)
    for word in itertools.islice(words, min(len(short) + 5, len(short) * 2)):
        long_form = text[after : word.end()].rstrip(".,;:!?")
        if strict_long_form(short, long_form):
            return _spans(doc, start, end, after, after + len(long_form))
    return None


_HYPHENATED = re.compile(r"(?<![\w-])([A-Z]{2,4})-([A-Za-z][\w]*)(?![\w-])")
_TEXT_WORD = re.compile(r"[^\W_]+")
_MAX_SPELLING_TESTS = 20_000  # places a hyphenated acronym's tail is tested at, per paper


def _hyphenated_pairs(doc: Doc, text: str) -> list[tuple[Span, Span]]:
    """A hyphenated acronym ("PQ-Net") and the words elsewhere that spell it out: one word per
    capital of its prefix, by initial, then its tail ("partial quantile Net")."""
    acronyms: dict[tuple[str, str], tuple[int, int]] = {}
    for match in _HYPHENATED.finditer(text):
        acronyms.setdefault((match.group(1), match.group(2)), match.span())
    if not acronyms:
        return []
    words = list(_TEXT_WORD.finditer(text))
    tails = {tail for _, tail in acronyms}
    at_word: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        if word.group() in tails:
            at_word.setdefault(word.group(), []).append(i)
    pairs: list[tuple[Span, Span]] = []
    budget = _MAX_SPELLING_TESTS
    for (prefix, tail), (start, end) in acronyms.items():
        for i in at_word.get(tail, ()):
            budget -= 1
            if budget < 0:
                return pairs
            first = i - len(prefix)
            if first < 0 or words[first].group().lower() in _STOP_WORDS_BEFORE:
                continue
            run = words[first : i + 1]
            if all(w.group()[0].upper() == c for w, c in zip(run, prefix, strict=False)) and all(
                text[a.end() : b.start()] in {" ", "-"} for a, b in itertools.pairwise(run)
            ) and not (first > 0 and text[words[first - 1].end() : run[0].start()] == "-"):
                pair = _spans(doc, start, end, run[0].start(), run[-1].end())
                if pair is not None:
                    pairs.append(pair)
                break
    return pairs


def _spans(doc: Doc, start: int, end: int, lstart: int, lend: int) -> tuple[Span, Span] | None:
    """(short, long) spans of a pair, the long form without edge punctuation, or None."""
    if doc_text(doc)[lstart:lend].split()[0].lower() in _STOP_WORDS_BEFORE:
        return None
    lspan = doc.char_span(lstart, lend, alignment_mode="expand")
    sspan = doc.char_span(start, end, alignment_mode="expand")
    if lspan is None or sspan is None or (lspan.start < sspan.end and sspan.start < lspan.end):
        return None
    while len(lspan) and (lspan[-1].is_punct or lspan[-1].is_quote):
        lspan = lspan[:-1]
    lspan = _after_enumeration(lspan)
    return (sspan, lspan) if len(lspan) else None


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
