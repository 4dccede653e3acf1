"""Gazetteer: known names of methods, datasets, metrics and tasks, matched as phrases.

Entries are data (``kg/data/gazetteer/*.jsonl``), one object per line:
``{"name", "label", "aliases", "source", "case_sensitive"}``. Spelling variants
(hyphen/space, plural) are added automatically. Matches go to
``doc.spans["kg_gazetteer"]`` with the canonical name in ``span.kb_id_``.
"""

import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.errors import KGError
from kg.records import LABELS
from kg.resolve import entity_id, entity_key

__all__ = ["DEFAULT_PATH", "Gazetteer", "GazetteerEntry", "known_acronyms", "load_entries", "variants"]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
_SOURCE_RANK = {"curated": 0, "axcell": 1, "nlp-tdms": 2, "pwc-datasets": 3, "csner-pwc": 4, "scirex": 5}


@dataclass(frozen=True)
class GazetteerEntry:
    """One known entity: canonical name, label, aliases and where the entry came from."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    source: str = "curated"
    case_sensitive: bool = False


def load_entries(path: str | Path = DEFAULT_PATH) -> Iterator[GazetteerEntry]:
    """Read every ``*.jsonl`` under `path` (or the one file `path`)."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not files[0].exists():
        raise KGError(f"{path}: no gazetteer files (*.jsonl) found; reinstall kg or fix the path")
    for file in files:
        with Path(file).open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    label = obj["label"]
                    if label not in LABELS:
                        raise ValueError(f"unknown label {label!r}")
                    yield GazetteerEntry(
                        name=obj["name"],
                        label=label,
                        aliases=tuple(obj.get("aliases", ())),
                        source=obj.get("source", file.stem),
                        case_sensitive=bool(obj.get("case_sensitive", False)),
                    )
                except (ValueError, KeyError, TypeError) as exc:
                    raise KGError(f"{file}:{number}: bad gazetteer entry ({exc})") from None


@functools.lru_cache(maxsize=4)
def known_acronyms(path: str | Path = DEFAULT_PATH) -> dict[str, frozenset[str]]:
    """Node ID of each acronym an entry lists (a word of mostly capitals) -> node IDs of the
    entries it abbreviates.

    >>> known_acronyms()["method:gnn"]
    frozenset({'method:graphneuralnetwork'})
    """
    found: dict[str, set[str]] = {}
    for entry in load_entries(path):
        for alias in entry.aliases:
            letters = [c for c in alias if c.isalpha()]
            if " " not in alias and sum(c.isupper() for c in letters) * 2 > len(letters) >= 2 \
                    and entity_key(alias) != entity_key(entry.name):
                found.setdefault(entity_id(entry.label, alias), set()).add(entity_id(entry.label, entry.name))
    return {short: frozenset(longs) for short, longs in found.items()}


def variants(name: str) -> set[str]:
    """Spellings of `name` that should match too: hyphen/space swaps and the plural.

    >>> sorted(variants("graph neural network"))
    ['graph neural network', 'graph neural networks', 'graph-neural-network']
    """
    out = {name}
    if "-" in name:
        out.add(name.replace("-", " "))
    if " " in name and len(name.split()) <= 3:
        out.add(name.replace(" ", "-"))
    last = name.split(" ")[-1]
    if last.isalpha() and last.islower() and len(last) > 3 and not last.endswith("s"):
        out.add(name + "s")
    return out


class Gazetteer:
    """spaCy component: phrase matching over the gazetteer (case-insensitive unless marked)."""

    def __init__(self, nlp: Language, name: str = "kg_gazetteer_v1") -> None:
        self.nlp = nlp
        self.name = name
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.ambiguous = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.size = 0
        self.trusted: set[str] = set()
        self.names: dict[tuple[str, str], str] = {}
        self.spelled: dict[tuple[str, bool], set[str]] = {}  # (form, case-sensitive) -> labels

    def initialize(
        self,
        get_examples: object = None,
        nlp: Language | None = None,
        entries: Iterable[GazetteerEntry] | None = None,
        path: str | Path = DEFAULT_PATH,
    ) -> None:
        """Load the entries (from `entries`, or the JSONL files under `path`)."""
        chosen: dict[tuple[str, str, bool], tuple[int, str]] = {}
        all_entries = list(entries if entries is not None else load_entries(path))
        self.trusted = {e.name for e in all_entries if e.source == "curated"}
        for entry in all_entries:
            rank = _SOURCE_RANK.get(entry.source, 4)
            for alias in {entry.name, *entry.aliases}:
                if len(alias) <= 2 and entry.label != "Metric":
                    continue
                sensitive = entry.case_sensitive or len(alias) <= 2 or _is_ambiguous(entry, alias)
                for form in variants(alias) if not sensitive else {alias, *_acronym_plural(alias)}:
                    key = (entry.label, form if sensitive else form.lower(), sensitive)
                    if key not in chosen or rank < chosen[key][0]:
                        chosen[key] = (rank, entry.name)
        by_match: dict[tuple[str, bool], list[str]] = {}
        for (label, form, sensitive), (_, canonical) in sorted(chosen.items()):
            by_match.setdefault((f"{label}|{canonical}", sensitive), []).append(form)
        for (match_id, sensitive), forms in by_match.items():
            label, canonical = match_id.split("|", 1)
            plain = [f for f in forms if not (sensitive and _short_acronym(f) and label == "Dataset"
                                              and canonical not in self.trusted)]
            risky = [f for f in forms if f not in plain]
            for matcher, chosen_forms in ((self.exact if sensitive else self.lower, plain),
                                          (self.ambiguous, risky)):
                if chosen_forms:
                    matcher.add(match_id, [doc for f in chosen_forms for doc in self._patterns(f, sensitive)])
        self.size = len(chosen)
        self.names = {(label, form.lower()): name for (label, form, _), (_, name) in chosen.items()}
        self.spelled = {}
        for (label, form, sensitive), (_, name) in chosen.items():
            if not (sensitive and label == "Dataset" and _short_acronym(form) and name not in self.trusted):
                self.spelled.setdefault((form, sensitive), set()).add(label)

    def _patterns(self, form: str, sensitive: bool) -> list[Doc]:
        """`form` as token patterns. A case-insensitive form also gets its upper-case
        tokenization when that differs: spaCy splits a unit off a number in "ImageNet-1K"
        ("ImageNet-1", "K") but not in "ImageNet-1k"."""
        doc = self.nlp.make_doc(form)
        if sensitive or not _DIGIT_LETTER.search(form):  # only a digit's unit can split differently
            return [doc]  # (tokenizing every form twice would crowd the tokenizer's cache)
        upper = self.nlp.make_doc(form.upper())
        return [doc] if len(upper) == len(doc) else [doc, upper]

    def lookup(self, label: str, text: str) -> str | None:
        """Canonical name of `text` as an entity of type `label`, when the gazetteer knows it."""
        return self.names.get((label, text.lower()))

    def labels_of(self, text: str) -> set[str]:
        """The labels of the entries `text` spells as the matcher reads them (case-sensitive
        forms exactly; short dataset acronyms that need a dataset cue are left out)."""
        return self.spelled.get((text, True), set()) | self.spelled.get((text.lower(), False), set())

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.exact, self.lower, self.ambiguous):
            for match_id, start, end in matcher(doc):
                if _glued(doc, start, end):
                    continue
                if matcher is self.ambiguous and not _dataset_context(doc, start, end):
                    continue
                label, canonical = self.nlp.vocab.strings[match_id].split("|", 1)
                spans.append(Span(doc, start, end, label=label, kb_id=canonical))
        named = []
        for span in spans:
            siblings = self._siblings(doc, span)
            if siblings is not None:
                named += [span, *siblings]
        doc.spans["kg_gazetteer"] = filter_spans(named)
        return doc

    def _siblings(self, doc: Doc, span: Span) -> list[Span] | None:
        """The names a matched name's number or version shares its stem with, when the gazetteer
        knows them: "CIFAR-10/100" names CIFAR-100 too, "NAS-Bench-101/201" NAS-Bench-201,
        "VOT2017/18" VOT2018, "Something-Something V1 and V2" (or "V1&V2", "V1/V2") its V2. The
        mention is the number or version ("100", "V2"), the name its canonical one. A list glued
        to a suffix ("CIFAR-10/100-LT": the long-tailed versions) names none of them, nor `span`
        (None). Bare numbers need a slash: "CIFAR-10 and 100 epochs" names one dataset."""
        i = span.end
        if i + 1 >= len(doc) or doc[i].text not in _LIST_SEPARATORS:
            return []
        version = _TRAILING_VERSION.search(span.text)
        number = None if version else _TRAILING_NUMBER.search(span.text)
        found: list[Span] = []
        while i + 1 < len(doc) and doc[i].text in _LIST_SEPARATORS:
            sibling = doc[i + 1].text
            if version and _TRAILING_VERSION.fullmatch(sibling):
                name = span.text[: version.start()] + sibling
            elif number and doc[i].text == "/" and _TRAILING_NUMBER.fullmatch(sibling) \
                    and not doc[i - 1].whitespace_ and not doc[i].whitespace_:
                # "CIFAR-10/100": the whole number is replaced; "VOT2017/18": its last digits
                keep = number.start() if len(sibling) >= len(number.group()) else len(span.text) - len(sibling)
                name = span.text[:keep] + sibling
            else:
                break
            canonical = self.lookup(span.label_, name)
            if canonical is None:
                break
            found.append(Span(doc, i + 1, i + 2, label=span.label_, kb_id=canonical))
            i += 2
        return None if found and _glued(doc, i - 1, i) else found


def _acronym_plural(form: str) -> set[str]:
    """The plural an acronym takes in text: "PEFT" -> "PEFTs" (none for other names).

    >>> _acronym_plural("PEFT"), _acronym_plural("BERT-base"), _acronym_plural("SQuAD")
    ({'PEFTs'}, set(), set())
    """
    return {form + "s"} if len(form) >= 3 and form.isalpha() and form.isupper() and not form.endswith("S") else set()


def _short_acronym(form: str) -> bool:
    return len(form) <= 5 and form.isupper() and form.isalpha()


def _is_ambiguous(entry: GazetteerEntry, alias: str) -> bool:
    return entry.label == "Dataset" and _short_acronym(alias)


_DIGIT_LETTER = re.compile(r"\d[^\W\d_]")
_TRAILING_NUMBER = re.compile(r"\d+[A-Za-z]?$")  # "10" of CIFAR-10, "1k" of ImageNet-1k
_TRAILING_VERSION = re.compile(r"(?<![^\W\d_])[Vv]\d+(?:\.\d+)?$")  # "V1" of Something-Something V1
_LIST_SEPARATORS = ("/", "&", "and")
_DATA_CUES = {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "corpora", "data", "split",
              "test", "set", "sets", "suite", "challenge", "leaderboard"}


def _dataset_context(doc: Doc, start: int, end: int) -> bool:
    """A short all-caps dataset name counts only near a dataset cue ("the FIRE dataset")."""
    window = doc[max(0, start - 6) : min(len(doc), end + 6)]
    return any(t.lower_ in _DATA_CUES for t in window)


def _glued(doc: Doc, start: int, end: int) -> bool:
    """True when the match is part of a longer hyphenated word (CIFAR-10 in CIFAR-10-C). A slash
    after a name separates it from the next ("CIFAR-10/100", "COCO/LVIS")."""
    glued_after = end < len(doc) and not doc[end - 1].whitespace_ and doc[end].text == "-"
    return glued_after or (start > 0 and not doc[start - 1].whitespace_ and doc[start - 1].text == "-")


@Language.factory("kg_gazetteer_v1")
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    """Factory of the gazetteer component (load it with ``.initialize()``)."""
    return Gazetteer(nlp, name)
