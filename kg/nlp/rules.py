"""Contextual rules: what a paper proposes, which datasets it uses, which metrics it reports.

Rules fire on cues in the text and only accept name-like spans (an acronym, a word
with inner capitals or digits such as ``UniFormer``, ``EF21``, ``DiT-MoE``), so that
descriptive phrases ("our framework") never become entities. Matches go to
``doc.spans["kg_rules"]``; the proposed method carries ``kb_id_ == "proposed"``.

>>> import spacy
>>> nlp = spacy.blank("en"); _ = nlp.add_pipe("kg_rules_v1")
>>> doc = nlp.make_doc("UniFormer: Unified Transformer\\n\\nWe test on the Kinetics-400 dataset.")
>>> doc._.kg_title_len = 30
>>> doc = nlp(doc)
>>> [(s.text, s.label_, s.kb_id_) for s in doc.spans["kg_rules"]]
[('UniFormer', 'Method', 'proposed'), ('Kinetics-400', 'Dataset', '')]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.abbrev import best_long_form, doc_text, joins_word  # also registers doc._.kg_abbreviations
from kg.nlp.hygiene import is_name_like
from kg.nlp.merge import is_descriptive

__all__ = ["rule_spans"]

if not Doc.has_extension("kg_title_len"):
    Doc.set_extension("kg_title_len", default=0)

_NAME = r"[A-Za-z0-9][\w.+]*(?:-[\w.+]+)*"
_TITLE_STARTERS = {
    "beyond", "towards", "toward", "rethinking", "on", "when", "why", "how", "what",
    "revisiting", "understanding", "learning", "from", "less", "more", "is", "are", "do",
    "does", "can", "the", "a", "an", "into", "through", "not", "all", "one", "make", "making",
}
# capitalized function words make a title a sentence or a phrase, not a name
_TITLE_FUNCTION_WORDS = {
    "is", "are", "all", "you", "we", "and", "or", "of", "for", "with", "to", "in", "on", "at", "by",
    "via", "from", "as", "the", "a", "an", "do", "does", "can", "not", "be", "your", "our",
}
_COMPARISON = re.compile(r"\b(?:vs\.?|versus|or)\s", re.I)  # "RAG vs Fine-tuning: ..." compares, names nothing
_PROPOSE = re.compile(
    r"\b(?:we|this (?:paper|work)|here we|in this (?:paper|work),? we)\s+"
    r"(?:first\s+|also\s+|further\s+|then\s+)?"
    r"(?:propose|introduce|present|develop|design|devise|put forward|contribute|release)[sd]?\b",
    re.I,
)
# "we enable ... by developing X", "we study X and propose Y", "this work addresses ... by proposing X":
# a proposal later in a sentence about us
_PLAN = re.compile(r"\s+to\s")  # "we propose to apply ...": a plan, not a thing
_PROPOSE_LATER = re.compile(r"\b(?:by|and)\s+(?:propos|introduc|develop|design|devis)(?:e|ing)\b", re.I)
_WE_BEFORE = re.compile(r"\b(?:we|this (?:paper|work|study|article))\b[^.]*$", re.I)
_NAMED = re.compile(
    r"\b(?:(?-i:called|named|dubbed|termed(?:\s+as)?|coined|entitled|referred\s+to\s+as)"  # not "Named Entity"
    r"|we\s+(?:(?:call|dub|name|term|coin)(?:\s+(?:this\s+\w+|these\s+\w+|our\s+\w+|it|this|them))?"
    r"|refer\s+to\s+(?:this\s+\w+|these\s+\w+|our\s+\w+|it|this|them))"
    r"(?:\s+as)?(?:\s+(?:an?|the))?)\s+",
    re.I,
)
# "we propose (a novel) Conditional Cross-Attention Network that ...": a Title Case name
_CAPITALIZED = re.compile(
    r"\s+(?:(?:a|an|the)\s+)?(?:(?:novel|new)\s+)?((?:[A-Z][\w\-]*\s){0,3}[A-Z][\w\-]*)"
    r"(?=,|\s\(|\s(?:to|that|which|for|as|with)\s|\.|$)"
)
# "a novel GAN model, i.e., AU-GAN": the name in apposition after a proposal cue
_APPOSITION = re.compile(r",?\s*(?:i\.e\.|namely|that is|viz\.|--|—|–)\s*,?\s*(" + _NAME + r"(?:\s+[A-Z][\w\-]*){0,3})")
# "StableMax, a new activation function": a name introduced as new
_INTRODUCED_AS_NEW = re.compile(r"(?<![\w-])(" + _NAME + r"),\s+(?:an?|the\s+first)\s+(?:new|novel)\b")
# "our proposed approach, Loki, gains ...", "Our approach, Warm-start RL (WSRL), ...", "Our method
# (TESLA) achieves ...", "our proposed method 'robust mean teacher' (RMT)", "Our proposed two-stage
# method, known as 'Adapt-then-Unlearn,' ...": the name in apposition to "our method" (group 2 a
# capitalized name, group 3 a quoted one)
_OUR_NAMED = re.compile(
    r"\b[Oo]ur\s+(?:proposed\s+|new\s+|novel\s+)?(?:[\w]+-[\w\-]+\s+)?((?:method|approach|model|framework|"
    r"algorithm|architecture|system|technique|network|pipeline|dataset|benchmark|corpus|metric|measure)s?)"
    r"(?:,\s+(?:(?:known\s+as|called|named|dubbed|termed)\s+)?|\s+\((?=[^()]+\))|\s+(?=['\"‘“]))"
    r"(?:([A-Z][\w\-]*(?:\s[A-Z][\w\-]*){0,3})(?=,|\s\(|\))"
    r"|['\"‘“]([A-Za-z][\w\-]*(?:\s[\w\-]+){0,4}?),?['\"’”])"
)
# the end of a benchmark's name: "AgentBench", "MT-Bench", "SWE-bench-Lite" (see _benchmark_names)
_BENCH_END = re.compile(r"[Bb]ench(?:-[A-Za-z0-9]+)?(?![\w-])")
# "a generic framework W2PGNN", "a new method in this paper, Stable Diffusion Reference Only,":
# the name right after the kind of thing proposed (group 2: a comma closes a Title Case name)
_KINDS = (r"(?:method|approach|framework|model|algorithm|architecture|network|system|technique|pipeline|module|"
          r"benchmark|dataset|corpus|metric|loss|strategy|scheme)")
_KIND_THEN_NAME = re.compile(
    r"\s+(?:a|an|the)\s+(?:[\w\-]+\s+){0,4}?" + _KINDS +
    r"(?:\s+in\s+this\s+(?:paper|work))?(?:,\s+|\s+)"
    r"((?:[A-Z][\w\-]*\s){0,4}[A-Z0-9][\w\-]*\+*)(?=\s(?:to|that|which|for|with)\s|\s\(|(,)|\.)"
)
# "a novel conditional GAN with an auxiliary discriminative classifier (ADC-GAN)", "..., or LOOK
# for short": the name a proposal gives itself where no long form spells it
_NAME_GIVEN = re.compile(r"(?<=\s)\(((?=[A-Za-z])" + _NAME + r")\)|,?\s+or\s+(" + _NAME + r")\s+for\s+short\b")
# "Pointer Networks", "Multi-Objective GFlowNets": a short title of capitalized words only
_TITLE_CASE_NAME = re.compile(r"\s*((?:[A-Z0-9][\w\-]*\s+){0,4}[A-Z0-9][\w\-]*)\s*\.?\s*")
# "Neural Production Systems", "The Monge Gap" (group 1 leaves "The" out): capitalized words only
_TITLE_CASE_PREFIX = re.compile(r"(?:The\s+)?((?:[A-Z0-9][\w\-&]*\s+){0,3}[A-Z0-9][\w\-&]*)")
# a title's last word that makes it a sentence or a revisit, not a name ("Layer-wise Importance Matters")
_NOT_INTRODUCED = re.compile(
    r"\b(?:matters?|revisited|reloaded|redux|returns?|back|helps?|works?|fails?|explained|demystified|"
    r"unleashed|rescued?|meets|is|are|does|do|can)$", re.I)
# a subtitle that announces a survey or a study, not a contribution ("Past, Present and Future")
_STUDY = re.compile(
    r"(?:an?\s+)?(?:[\w\-]+\s+){0,2}(?:survey|review|overview|tutorial|study|studies|primer|perspective|"
    r"position|analysis|comparison|retrospective|critique|introduction|investigation|evaluation|lessons|"
    r"past|present|future|challenges|opportunities|trends|advances|progress|directions|prospects|frontiers)\b",
    re.I)
_PHRASE_END = re.compile(r"\s(?:for|to|that|which|whose|where|who|of|on|in|with|via|from|by|using|based)\s")
_TITLE_VERB = re.compile(r"\s+[A-Z][a-z]+s\s")  # "... Prevents Memorization": a verb in -s after the subject
_DATA_WORD = re.compile(r"\b(?:datasets?|benchmarks?|corpus|corpora|test ?beds?|suites?)\b", re.I)
_TERMS_OF = re.compile(r"\b(?:in terms of|measured by|metrics? such as)\s+", re.I)
_METRIC_VALUE = re.compile(
    r"\b(?:an?\s+)?(" + _NAME + r")\s+(?:score\s+)?of\s+[<>~≈]?\s*\d+(?:\.\d+)?\s*%?", re.I
)
_EXAMPLES = re.compile(r"\s*(?:,\s*)?(?:such as|including|like|e\.g\.,?|\(|:)\s*")
_LIST_ITEM = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)")


_METRIC_WORD = re.compile(r"\b(?:metrics?|measures?|criterion|criteria)\b", re.I)
# "a dataset Diversity-Aware prompting strategy": a method noun heads the phrase, whatever
# other kind word it holds
_METHOD_NOUN = (r"(?:strateg(?:y|ies)|methods?|frameworks?|approach(?:es)?|models?|algorithms?|architectures?|"
                r"networks?|techniques?|mechanisms?|modules?|schemes?|procedures?)")
_METHOD_HEAD_BEFORE = re.compile(r"\b" + _METHOD_NOUN + r"\W*$", re.I)
_ACRONYM_AFTER = r"\s*(?:\([^()]{1,20}\)\s*)?"  # the name's acronym may come first: "(ISTD) metric"
_METHOD_HEAD_AFTER = re.compile(_ACRONYM_AFTER + r"(?:[\w\-]+\s+){0,2}" + _METHOD_NOUN + r"\b", re.I)
_METRIC_HEAD_AFTER = re.compile(_ACRONYM_AFTER + r"(?:metrics?|measures?|scores?)\b", re.I)


def _proposed_label(before: str, after: str, next_words: str | None = None) -> str:
    """What a newly introduced name is: a metric, a dataset or (by default) a method. `before`
    and `after` are the text around it; `next_words` what follows it directly (default
    `after`), where a kind noun heads it: "(ISTD) metric", "prompting strategy"."""
    head = after if next_words is None else next_words
    if _METRIC_WORD.search(before) or _METRIC_HEAD_AFTER.match(head):
        return "Metric"
    if _METHOD_HEAD_BEFORE.search(before) or _METHOD_HEAD_AFTER.match(head):
        return "Method"
    if _DATA_WORD.search(before) or _DATA_WORD.search(after):
        return "Dataset"
    return "Method"


def _used_as_name(words: str, abstract: str) -> bool:
    """A title word is a name when the abstract uses it capitalized mid-sentence ("we propose Aioli")."""
    if len(words.split()) != 1 or not words[0].isupper() or len(words) < 3:
        return False
    return re.search(r"[a-z,]\s+" + re.escape(words) + r"\b", abstract) is not None


def _span(doc: Doc, start: int, end: int, label: str, tag: str = "") -> Span | None:
    span = doc.char_span(start, end, label=label, kb_id=tag, alignment_mode="expand")
    if span is None or not span.text.strip():
        return None
    end_token = span.end
    while end_token > span.start and doc[end_token - 1].is_punct and doc[end_token - 1].text != ")":
        end_token -= 1
    if end_token == span.start:
        return None
    # slicing a Span drops its label: make a new one
    return span if end_token == span.end else Span(doc, span.start, end_token, label=label, kb_id=tag)


def _names_at(text: str, pos: int, limit: int = 5) -> Iterator[tuple[int, int]]:
    """Name-like items of a list starting at `pos` ("X, Y and Z")."""
    for _ in range(limit):
        m = re.compile(_NAME).match(text, pos)
        if not m or not m.group(0)[0].isalpha() or not is_name_like(m.group(0).rstrip(".")):
            return
        end = m.end() - (1 if m.group(0).endswith(".") else 0)
        yield m.start(), end
        sep = _LIST_ITEM.match(text, end)
        if not sep:
            return
        pos = sep.end()


def _names_before(text: str, end: int, limit: int = 5, window: int = 600) -> list[tuple[int, int]]:
    """Name-like items of a list that ends at `end` ("X, Y and Z datasets").

    Only the `window` characters before `end` are searched (linear time on long texts).
    """
    found: list[tuple[int, int]] = []
    base = max(0, end - window)
    head = text[base:end].rstrip()
    for _ in range(limit):
        m = re.search(_NAME + r"$", head)
        if not m or not m.group(0)[0].isalpha() or not is_name_like(m.group(0)):
            break
        if m.start() == 0 and base > 0:  # may be the tail of a longer word cut by the window
            break
        found.append((base + m.start(), base + m.end()))
        head = head[: m.start()]
        sep = re.search(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)$", head)
        if not sep:
            break
        head = head[: sep.start()]
    return found[::-1]


def rule_spans(doc: Doc) -> list[Span]:
    """All spans the contextual rules find in `doc`."""
    text = doc_text(doc)
    title_len = doc._.kg_title_len
    spans: list[Span | None] = []
    title_name = None  # "Regularized Mask Tuning: ..." -> the name, if the title starts with one
    if title_len:
        m = re.match(r"\s*(\S[^:]{1,59}?)\s*:\s", text[:title_len])
        subtitle = text[m.end() : title_len] if m else ""
        if m and len(m.group(1).split()) <= 4 and not _COMPARISON.search(m.group(1)) and not _STUDY.match(subtitle):
            first = m.group(1).split()[0]
            if first.lower() not in _TITLE_STARTERS:
                title_name = m
            if title_name and (is_name_like(m.group(1)) or _used_as_name(m.group(1), text[title_len:])):
                # "QuantNAS for super resolution: ..." names QuantNAS
                head = re.match(r"(.+?)\s+(?:for|with|via|in|on|of)\s", m.group(1))
                end = m.start(1) + head.end(1) if head and is_name_like(head.group(1)) else m.end(1)
                spans.append(_span(doc, m.start(1), end, "Method", "proposed"))
            elif (title_name or first == "The") and (prefix := _TITLE_CASE_PREFIX.fullmatch(m.group(1))) \
                    and not _NOT_INTRODUCED.search(prefix.group(1)):
                # "Flag Aggregator: Scalable Distributed Training ...", "The Monge Gap: A Regularizer ..."
                label = _proposed_label("", _head_phrase(subtitle))
                spans.append(_span(doc, m.start(1) + prefix.start(1), m.start(1) + prefix.end(1), label, "proposed"))
    if title_len and title_name is None:
        spans.append(_title_as_name(doc, text, title_len) or _title_subject(doc, text, title_len))
    pairs = sorted(doc._.kg_abbreviations or (), key=lambda pair: pair[1].start_char)
    pair_starts = [lf.start_char for _, lf in pairs]  # the pairs near a cue are found by bisection
    cues = _proposal_cues(text)
    for cue in cues:
        clause = _clause_after(text, cue)
        clause_end = cue.end() + len(clause)
        to_clause = _PLAN.match(clause)  # "we propose to ...": a plan, named only by an acronym
        # "we propose a semi-autoregressive (semi-AR) framework, called Next-Block Prediction": the
        # naming cue gives the name (below), not an acronym of the description
        naming = _NAMED.search(clause)
        named_later = naming is not None and clause[naming.end() : naming.end() + 1].isupper()
        m = None if to_clause else _name_after_cue(clause)  # a name right after the cue wins
        # an acronym defined right after the cue, unless a name comes first ("we propose G3, a
        # framework based on Retrieval-Augmented Generation (RAG)")
        window = pairs[bisect.bisect_left(pair_starts, cue.end()) : bisect.bisect_left(
            pair_starts, min(clause_end, cue.end() + 40))]
        near = [] if to_clause or named_later else [
            (s, lf) for s, lf in window if m is None or lf.start_char <= cue.end() + m.start(1)
        ]
        m = None if near else m
        coined = [] if near or m or named_later else [
            (s, lf) for s, lf in pairs
            if cue.end() <= lf.start_char and s.end_char <= clause_end and _coined(doc, s, lf)
        ]
        given = None if near or m or coined or named_later else _NAME_GIVEN.search(clause)
        if near or coined:
            short, long = (near or coined)[0]
            tail = text[short.end_char : short.end_char + 40]
            label = _proposed_label(text[cue.end() : long.start_char], long.text + tail, tail.lstrip(")"))
            spans.append(_span(doc, long.start_char, long.end_char, label, "proposed"))
            spans.append(_span(doc, short.start_char, short.end_char, label, "proposed"))
        elif m:
            label = _proposed_label(clause[: m.start(1)], clause[m.end(1) : m.end(1) + 60])
            start = cue.end() + m.start(1)
            spans.append(_span(doc, start, start + len(m.group(1).rstrip(".")), label, "proposed"))
        elif given and _gives_name(given, clause):
            group = 1 if given.group(1) else 2
            start = cue.end() + given.start(group)
            label = _proposed_label(_head_phrase(clause[: given.start()]), "")
            spans.append(_span(doc, start, start + len(given.group(group)), label, "proposed"))
    for cue in _NAMED.finditer(text):
        defined = [(s, lf) for s, lf in pairs if cue.end() <= lf.start_char <= cue.end() + 1]
        kind = text[max(0, cue.start() - 40) : cue.start()]  # "a novel variance-based metric called ..."
        if defined:
            short, long = defined[0]
            label = _proposed_label(kind, "")
            spans.append(_span(doc, long.start_char, long.end_char, label, "proposed"))
            spans.append(_span(doc, short.start_char, short.end_char, label, "proposed"))
            continue
        if title_name and text[cue.end() : cue.end() + len(title_name.group(1))].lower() == title_name.group(1).lower():
            # "..., termed as regularized mask tuning" in a paper titled "Regularized Mask Tuning: ..."
            end = cue.end() + len(title_name.group(1))
            spans.append(_span(doc, cue.end(), end, "Method", "proposed"))
            spans.append(_span(doc, title_name.start(1), title_name.end(1), "Method", "proposed"))
            continue
        named = list(_names_at(text, cue.end(), limit=1))
        titled = _CAPITALIZED.match(text, cue.end() - 1)
        if titled and len(titled.group(1)) > len(text[named[0][0]:named[0][1]] if named else ""):
            named = [(titled.start(1), titled.end(1))]
        for s, e in named:
            label = _proposed_label(kind, text[e : e + 40])
            spans.append(_span(doc, s, e, label, "proposed"))
    if title_len and title_name is None and not any(s is not None and s.kb_id_ == "proposed" for s in spans):
        spans.extend(_title_echo(doc, text, title_len, cues))
    for m in _OUR_NAMED.finditer(text):
        group = 2 if m.group(2) else 3
        if group == 3 and " " not in m.group(3) and m.group(3).islower():
            continue  # scare quotes: "our method 'works'"
        spans.append(_span(doc, m.start(group), m.end(group), _proposed_label(m.group(1), ""), "proposed"))
    for m in _INTRODUCED_AS_NEW.finditer(text):
        name = m.group(1).rstrip(".")
        if is_name_like(name):
            label = _proposed_label(text[m.end() : m.end() + 40], "")
            spans.append(_span(doc, m.start(1), m.start(1) + len(name), label, "proposed"))
    for word in _DATA_WORD.finditer(text):
        for s, e in _names_before(text, word.start()):
            spans.append(_span(doc, s, e, "Dataset"))
        after = _EXAMPLES.match(text, word.end())
        if after:
            for s, e in _names_at(text, after.end()):
                spans.append(_span(doc, s, e, "Dataset"))
    for start, end in _benchmark_names(text):
        spans.append(_span(doc, start, end, "Dataset"))
    for cue in _TERMS_OF.finditer(text):
        for s, e in _names_at(text, cue.end()):
            spans.append(_span(doc, s, e, "Metric"))
    for m in _METRIC_VALUE.finditer(text):
        if (is_name_like(m.group(1)) and m.group(1).isupper()) or m.group(1).lower() in (
            "accuracy", "perplexity", "mIoU".lower(), "map"
        ):
            spans.append(_span(doc, m.start(1), m.end(1), "Metric"))
    return [s for s in spans if s is not None]


def _benchmark_names(text: str) -> Iterator[tuple[int, int]]:
    """Names ending in Bench, which name benchmarks: "AgentBench", "MT-bench", not "Workbench".
    (A search for the literal end first: a pattern for the whole word costs 0.7% of extraction.)"""
    for m in _BENCH_END.finditer(text):
        start = m.start()
        while start > 0 and joins_word(text[start - 1]):
            start -= 1
        if start < m.start() and text[start].isalpha() and is_name_like(text[start : m.end()]):
            yield start, m.end()


def _proposal_cues(text: str) -> list[re.Match[str]]:
    """The proposal cues of `text` in order: "we propose", and "by developing" / "and
    propose" in a sentence whose subject is "we" or "this work"."""
    later = [m for m in _PROPOSE_LATER.finditer(text) if _WE_BEFORE.search(text, max(0, m.start() - 150), m.start())]
    return sorted([*_PROPOSE.finditer(text), *later], key=lambda m: m.start())


def _name_after_cue(clause: str) -> re.Match[str] | None:
    """The name a proposal clause starts with: "(a novel GAN model, i.e.,) AU-GAN", "EF21",
    "(a novel) Conditional Cross-Attention Network that ...", "a generic framework W2PGNN"."""
    apposed = _APPOSITION.search(clause)
    if apposed and is_name_like(apposed.group(1).rstrip(".")):
        return apposed
    capitalized = _CAPITALIZED.match(clause)
    if capitalized and capitalized.group(1).split()[0].lower() not in _TITLE_STARTERS:
        return capitalized
    first = re.match(r"\s+(?:(?:a|an|the)\s+)?(" + _NAME + r")", clause)
    if first and is_name_like(first.group(1)):
        return first
    kind = _KIND_THEN_NAME.match(clause)
    if kind and (is_name_like(kind.group(1)) or (" " in kind.group(1) and kind.group(2))):
        return kind
    return None


def _head_phrase(text: str) -> str:
    """What is proposed or named: `text` up to its first preposition or relative pronoun
    ("a novel pretraining pipeline" of "a novel pretraining pipeline that ... on datasets")."""
    return _PHRASE_END.split(text, maxsplit=1)[0]


def _gives_name(given: re.Match[str], clause: str) -> bool:
    """True when a `_NAME_GIVEN` match in a proposal clause names the proposal: "for short"
    always does; a bracketed name must look coined and be a name ("ADC-GAN") or spell the
    words before it ("Mixture of weak and strong experts (Mowst)")."""
    if given.group(2):
        return True
    name = given.group(1)
    return _is_coined(name) and (is_name_like(name) or best_long_form(name, clause[: given.start()]) is not None)


def _is_coined(name: str) -> bool:
    """A name that looks coined (inner lower case, a hyphen or a digit: "GraphDiT", "LS-GAN"),
    not a plain acronym of a known term ("NER", "CNNs")."""
    core = name.rstrip("s")
    return "-" in core or any(c.isdigit() for c in core) or any(c.islower() for c in core[1:])


def _coined(doc: Doc, short: Span, long: Span) -> bool:
    """An acronym defined in a proposal that looks coined for it, whose long form nothing
    calls a task, dataset or metric."""
    if not _is_coined(short.text):
        return False
    typed = [*doc.ents, *doc.spans.get("kg_gazetteer", [])]
    return all(t.label_ == "Method" for t in typed if t.start < long.end and long.start < t.end)


def _clause_after(text: str, cue: re.Match[str]) -> str:
    """What follows a proposal cue up to the end of its clause (160 characters at most)."""
    return re.split(r"[.;:]\s", text[cue.end() : cue.end() + 160], maxsplit=1)[0]


def _title_subject(doc: Doc, text: str, title_len: int) -> Span | None:
    """The name a title opens with as the subject of a verb ("Early-Learning Regularization
    Prevents Memorization ...", "Model-tuning Via Prompts Makes ..."), when the abstract
    gives that very name an acronym: the paper's own method."""
    for _, long in doc._.kg_abbreviations or ():
        end = len(long.text)
        if long.start_char >= title_len and text[:end].lower() == long.text.lower() \
                and _TITLE_VERB.match(text, end, title_len) and long.text.split()[0].lower() not in _TITLE_STARTERS:
            return _span(doc, 0, end, "Method", "proposed")
    return None


def _title_as_name(doc: Doc, text: str, title_len: int) -> Span | None:
    """The whole title as the proposed name: "Pointer Networks", when it is 2-5 capitalized
    words (or one name-like word), not a sentence, and the abstract proposes something new
    or defines an acronym for it.

    On SciREX train titles it fires for 25 papers; the title names the paper's own method
    (the method of its result tuples) in all 25.
    """
    m = _TITLE_CASE_NAME.fullmatch(text[:title_len])
    if not m:
        return None
    name = m.group(1)
    words = name.split()
    lower = [w.lower() for w in words]
    if (lower[0] in _TITLE_STARTERS or (len(lower[0]) > 5 and lower[0].endswith("ing"))  # "Identifying ..."
            or _TITLE_FUNCTION_WORDS.intersection(lower)  # "Attention Is All You Need"
            or (len(words) == 1 and not is_name_like(name))):
        return None
    for cue in _PROPOSE.finditer(text, title_len):
        clause = _clause_after(text, cue)
        if re.search(r"\b(?:new|novel)\b", clause) or not re.search(r"present|release|contribute", cue.group(), re.I):
            return _span(doc, m.start(1), m.end(1), _proposed_label(_head_phrase(clause), name), "proposed")
    # the abstract gives the title's name an acronym: "we consider Multi-Objective GFlowNets (MOGFNs)"
    if any(long.text.lower() == name.lower() for _, long in doc._.kg_abbreviations or ()):
        return _span(doc, m.start(1), m.end(1), "Method", "proposed")
    return None


_KIND_NOUN = re.compile(r"\s+(?:" + _KINDS + r"|procedure|objective)s?\b")  # what a phrase before it modifies


def _title_echo(doc: Doc, text: str, title_len: int, cues: list[re.Match[str]]) -> list[Span | None]:
    """The title's opening phrase when a proposal clause of the abstract opens with it or sets
    it in apposition: "Local Augmentation for Graph Neural Networks" with "we propose a simple
    and efficient data augmentation strategy, local augmentation, to learn ...". Both mentions,
    as proposed. Not for a plan ("we propose to apply flow matching"), a descriptive phrase
    ("Improved Techniques for ...") or a modifier ("we introduce a novel matrix completion model"
    in "Matrix Completion on Graphs")."""
    head = _PHRASE_END.split(text[:title_len], maxsplit=1)[0].strip()
    words = head.lower().split()
    if not 2 <= len(words) <= 5 or words[0] in _TITLE_STARTERS or _TITLE_FUNCTION_WORDS.intersection(words):
        return []
    title = _span(doc, 0, len(head), "Method", "proposed")
    if title is None or is_descriptive(title):
        return []
    spelled = re.compile(r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", head))) + r"s?(?![\w-])",
                         re.I)
    for cue in cues:
        clause = _clause_after(text, cue)
        found = spelled.search(clause)
        if cue.start() < title_len or not found or _PLAN.match(clause):
            continue
        opening = re.match(r"\s+(?:(?:a|an|the)\s+)?(?:(?:novel|new)\s+)?", clause)
        apposed = clause[: found.start()].rstrip().endswith(",") and clause[found.end() :].lstrip()[:1] in (",", "(")
        modifier = _KIND_NOUN.match(clause, found.end())  # "a novel matrix completion model": a model for it
        if ((opening and opening.end() == found.start()) or apposed) and not modifier:
            start = cue.end() + found.start()
            label = _proposed_label(_head_phrase(text[cue.end() : start]), "")
            return [Span(doc, title.start, title.end, label=label, kb_id="proposed"),
                    _span(doc, start, cue.end() + found.end(), label, "proposed")]
    return []


@Language.component("kg_rules_v1")
def rules_component(doc: Doc) -> Doc:
    """Store the contextual rules' spans in ``doc.spans["kg_rules"]``."""
    doc.spans["kg_rules"] = rule_spans(doc)
    return doc
