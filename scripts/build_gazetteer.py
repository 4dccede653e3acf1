#!/usr/bin/env python3
"""Build the gazetteer files in ``kg/data/gazetteer/`` from the shared reference data.

Usage::

    .venv/bin/python scripts/build_gazetteer.py            # writes kg/data/gazetteer/
    .venv/bin/python scripts/build_gazetteer.py --out /tmp/gz --shared ../shared

Inputs (no network):

* ``SHARED/data/gazetteers/pwc-datasets/pwc_datasets_with_variants.jsonl``
  (Papers with Code datasets via DataFinder; CC BY-SA 4.0 content)
* ``SHARED/data/gazetteers/nlp-tdms/{datasetKB,taskKB,evaMatrixKB}.tsv`` (Apache-2.0, IBM)
* ``SHARED/data/gazetteers/axcell/manual_dicts.json`` (Apache-2.0, Papers with Code)
* ``scripts/curated_gazetteer.json`` (the team's hand-written list)
* ``SHARED/data/csner-pwc/train.data`` (CS-NER, Papers with Code part: METHOD and
  RESEARCH_PROBLEM spans of paper titles; CC BY-SA 4.0 content). Only the train split:
  ``dev.data`` and ``dev-abs.data`` are evaluation data and are never read.
* ``SHARED/data/scirex/train_docs/*.json`` (SciREX train, Apache-2.0, AllenAI): the
  Method, Task, Material (= Dataset) and Metric names of each paper's result tuples, and
  the papers' words (to check that a name is spelled in its paper, and which words the
  field writes in lower case)
* ``scripts/english_words.txt`` (common everyday English words; ``scripts/english_words.py``)

Output: one JSONL file per source, one JSON object per line::

    {"name": ..., "label": "Method"|"Dataset"|"Metric"|"Task", "aliases": [...],
     "source": "curated"|"axcell"|"nlp-tdms"|"pwc-datasets"|"csner-pwc"|"scirex",
     "case_sensitive": bool}

Semantics for consumers: ``name`` is the canonical name (the entity key; the same
(label, name) may appear in several files, which then describe one entity) and is
itself a pattern; ``aliases`` are further patterns. When ``case_sensitive`` is true
every string of the line must be matched exactly (PhraseMatcher ``attr="ORTH"``);
lowercase, Sentence-case and Title-case spellings of the long forms are then listed
explicitly. When false, all strings may be matched on their lowercase form.

Quality rules applied (see the module constants): strings that are stop words,
pure numbers, too short, descriptive phrases or generic words are dropped; short
acronyms and common English words become case-sensitive (or are dropped when they
come from a non-curated source and are not written in capitals); an alias never maps
to two canonical entries of one label, and cross-label collisions are resolved by
source priority (curated > axcell > nlp-tdms > pwc-datasets > csner-pwc > scirex).

The two name lists (CS-NER, SciREX) hold Papers with Code's method and task taxonomy and
leaderboard entries; they rank below the dataset list, so a name that both carry stays a
dataset ("CARLA", "ARCH"), and below the hand-made lists. Their own rules (`name_reason`,
`scirex_reason`, `one_word_rule`, `filter_names`): a task's head noun must name an activity
("Time Series", "EEG", "Minecraft" are dropped) and a one-word task heading three or more
task names is a genus ("Classification"); a method is no quality ("Interpretability"); a
name of more than five words is a title; configured variants, citations, two- and
three-letter acronyms, leaderboard runs not spelled in their paper and names whose
punctuation was lost are dropped; a plain one-word method that is a word of everyday English
or of the field's prose ("convolution", "softmax") is dropped, a coined one ("Linformer")
matches as written, and a coined name spelled like an English word ("ComplEx") too; an
everyday English word alone is no task. Each name takes the label the source gives it most
often. Spellings a more authoritative file already gives the same entity are left out.
The output is sorted
and byte-identical between runs.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_CURATED = Path(__file__).resolve().parent / "curated_gazetteer.json"
DEFAULT_OUT = REPO / "kg" / "data" / "gazetteer"

LABELS = ("Method", "Dataset", "Metric", "Task")
SOURCES = ("curated", "axcell", "nlp-tdms", "pwc-datasets", "csner-pwc", "scirex")  # priority order
PRIORITY = {s: i for i, s in enumerate(SOURCES)}
FILES = {
    "curated": "curated.jsonl",
    "axcell": "axcell.jsonl",
    "nlp-tdms": "nlp_tdms.jsonl",
    "pwc-datasets": "pwc_datasets.jsonl",
    "csner-pwc": "csner_pwc.jsonl",
    "scirex": "scirex.jsonl",
}
NAME_LIST_SOURCES = frozenset({"csner-pwc", "scirex"})  # name lists, filtered by `name_reason`
# Sources whose one-word names that are everyday English words match only capitalized.
EVERYDAY_SOURCES = NAME_LIST_SOURCES
ENGLISH_WORDS = Path(__file__).resolve().parent / "english_words.txt"

# Words that never make a name on their own (besides spaCy's stop words).
GENERIC = frozenset(
    """
    method methods model models approach approaches algorithm algorithms framework
    frameworks system systems technique techniques dataset datasets data corpus corpora
    benchmark benchmarks task tasks metric metrics score scores measure baseline baselines
    network networks architecture module modules test tests testing train training dev
    val valid validation eval evaluation set sets split subset full real clean noisy other
    simu simulated sum avg average mean error result results performance challenge
    shared english
    """.split()
)
# Leading words that mark a descriptive phrase ("our method", "the dataset").
DESCRIPTIVE_HEADS = frozenset(
    "our the a an this these those that their its his her my we your such each every "
    "proposed novel new existing previous standard several various some any".split()
)
# Heads of countable method families: "graph neural network" <-> "graph neural networks".
PLURAL_HEADS = {
    "network": "networks",
    "model": "models",
    "machine": "machines",
    "autoencoder": "autoencoders",
    "auto-encoder": "auto-encoders",
    "encoder": "encoders",
    "transformer": "transformers",
    "field": "fields",
    "process": "processes",
    "tree": "trees",
    "forest": "forests",
    "embedding": "embeddings",
    "flow": "flows",
    "operator": "operators",
    "net": "nets",
    "classifier": "classifiers",
    "optimizer": "optimizers",
    "layer": "layers",
    "mechanism": "mechanisms",
    "kernel": "kernels",
    "policy": "policies",
    "agent": "agents",
    "estimator": "estimators",
    "sampler": "samplers",
    "filter": "filters",
    "function": "functions",
    "unit": "units",
}
SINGULAR_HEADS = {v: k for k, v in PLURAL_HEADS.items()}
# Words that stay lowercase in Title Case spellings ("Common Objects in Context").
SMALL_WORDS = frozenset("a an and as at by for from in of on or the to via with".split())


# --------------------------------------------------------------------------- text utils


def clean(text: str) -> str:
    """NFC-normalize, unescape HTML entities, collapse whitespace, strip."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = text.replace("\u00a0", " ").replace("\u2010", "-").replace("\u2011", "-")
    return re.sub(r"\s+", " ", text).strip()


_KEY_DROP = re.compile(r"[\s\-_/\u2013\u2014'\u2019]+")


def key(text: str) -> str:
    """Matching key: casefold, drop spaces, hyphens, dashes, underscores, slashes.

    ``"CIFAR-10" == "cifar10" == "CIFAR 10"`` but ``"CIFAR-10-C"``, ``"COCO+"`` and
    ``"GPT-3.5"`` keep their own keys.
    """
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z\u00c0-\u024f]+(?:'[a-z]+)?|\d+(?:\.\d+)?", text)


def load_english(path: Path = ENGLISH_WORDS) -> frozenset[str]:
    """The common everyday English words (``scripts/english_words.txt``)."""
    text = path.read_text(encoding="utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


def load_stop_words() -> frozenset[str]:
    try:
        from spacy.lang.en.stop_words import STOP_WORDS
    except ImportError:  # pragma: no cover - spaCy is a runtime dependency
        STOP_WORDS = set()
    return frozenset(w.lower() for w in STOP_WORDS)


# --------------------------------------------------------------------------- model


@dataclass
class Entry:
    name: str
    label: str
    source: str
    strings: list[str] = field(default_factory=list)  # name first, then aliases
    force_cs: set[str] = field(default_factory=set)  # strings marked case-sensitive
    allow: set[str] = field(default_factory=set)  # curated strings exempt from filters

    def add(self, text: str) -> None:
        text = clean(text)
        if text and text not in self.strings:
            self.strings.append(text)


@dataclass
class Report:
    dropped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    collisions: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    removed_entries: list[str] = field(default_factory=list)


class Rules:
    """The string filters and case-sensitivity rules, parameterized by word lists."""

    def __init__(
        self, stop_words: Iterable[str], common_words: Iterable[str], english: Iterable[str] = ()
    ) -> None:
        self.stop = frozenset(stop_words)
        self.common = frozenset(w.lower() for w in common_words)
        self.english = frozenset(w.lower() for w in english)
        self.domain: frozenset[str] = frozenset()  # lower-case words of the field's prose

    def everyday_word(self, text: str) -> bool:
        """True for one common English word with no capital inside and no digit: "Attention",
        "Gravity", "jigsaw" - but not "Dropout" or "Softmax" (below the list's frequency),
        "FairNAS", "ReLU" (capitals inside) or "Self-Attention" (not one word)."""
        return text.isalpha() and text[1:] == text[1:].lower() and text.lower() in self.english

    def is_common_phrase(self, text: str) -> bool:
        """True if every token is a common or generic word (or a bare number)."""
        toks = [t.strip(".,:;!?()[]'\"").lower() for t in re.split(r"[\s\-/]+", text)]
        toks = [t for t in toks if t]
        if not toks:
            return False
        for t in toks:
            if t.isdigit():
                continue
            if any(c.isdigit() for c in t) or not t.isalpha():
                return False
            if t not in self.common and t not in self.stop and t not in GENERIC:
                return False
        return not all(t.isdigit() for t in toks)

    def drop_reason(self, text: str, *, curated: bool) -> str | None:
        """Why ``text`` must not be a pattern, or None if it may be one."""
        low = text.lower()
        letters = sum(c.isalpha() for c in text)
        if letters == 0:
            return "no letters"
        if len(text) < 2:
            return "too short"
        if low in self.stop and (not curated or not text.isupper()):
            return "stop word"  # curated "IS" (Inception Score) survives, "is" never does
        if curated:
            return None
        if low in GENERIC:
            return "generic word"
        first = low.split(" ", 1)[0]
        if " " in low and first in DESCRIPTIVE_HEADS and text[1:] == low[1:]:
            return "descriptive phrase"
        if len(text) <= 3 and text == low:
            return "short lowercase"
        if self.is_common_phrase(text):
            if text.isupper() and letters >= 3:
                return None  # "RACE", "SWAG": acronyms spelled like words (case-sensitive)
            ws = text.split()
            if all(w[:1].isupper() for w in ws if not w.isdigit()) and not (
                len(ws) > 1 and all(w.isdigit() for w in ws[1:])
            ):
                return None  # "Natural Questions", "Spider": capitalized names (case-sensitive)
            return "common words"
        return None

    def case_sensitive(self, text: str) -> bool:
        low = text.lower()
        if len(text) <= 2:
            return True
        if (text != low or any(c.isdigit() for c in text)) and len(text) <= 6:
            return True
        if not any(c.islower() for c in text) and sum(c.isalpha() for c in text) >= 2:
            return True  # written in capitals: "REINFORCE", "MS MARCO", "CIFAR-100"
        if re.fullmatch(r"[\W\d_]*[A-Za-z]{1,2}[\W\d_]*", text):
            return True  # "F1", "R@1": letters too few to be safe lowercase
        return bool(self.is_common_phrase(text))


# --------------------------------------------------------------------------- variants


def surface_variants(text: str) -> list[str]:
    """Hyphen/space spellings: "ResNet-50" -> "ResNet 50", "ResNet50"."""
    out: list[str] = []
    if "-" in text and not text.startswith("-") and not text.endswith("-"):
        parts = re.split(r"(?<=\w)-(?=\w)", text)
        if len(parts) > 1:
            if all(len(p) > 1 for p in parts):
                out.append(" ".join(parts))
            pieces = text.split(" ")
            joined = []
            for piece in pieces:
                sub = re.split(r"(?<=\w)-(?=\w)", piece)
                if len(sub) > 1 and any(any(c.isdigit() for c in s) or len(s) == 1 for s in sub):
                    joined.append("".join(sub))
                else:
                    joined.append(piece)
            j = " ".join(joined)
            if j != text:
                out.append(j)
    return out


def number_variants(text: str) -> list[str]:
    """Capitalized letters+digits names get a hyphenated spelling: "CIFAR10" -> "CIFAR-10"."""
    m = re.fullmatch(r"([A-Z][A-Za-z]*[A-Za-z])(\d+[A-Za-z]?)", text)
    if m and len(m.group(1)) >= 3:
        return [f"{m.group(1)}-{m.group(2)}"]
    return []


def plural_variants(text: str) -> list[str]:
    """Singular <-> plural of a method family's head noun (lowercase long forms only)."""
    if text != text.lower():
        return []  # only lowercase common-noun phrases: "graph neural network(s)"
    ws = text.split(" ")
    last = ws[-1]
    low = last.lower()
    repl = PLURAL_HEADS.get(low) or SINGULAR_HEADS.get(low)
    if not repl:
        return []
    if last.istitle():
        repl = repl[:1].upper() + repl[1:]
    return [" ".join([*ws[:-1], repl])]


def case_variants(text: str) -> list[str]:
    """Explicit spellings of a case-insensitive string for a case-sensitive line."""
    if text != text.lower() and not text.istitle() and not _is_sentence_or_title(text):
        return [text]  # internal capitals ("Vision Transformer (ViT)") - keep as written
    low = text.lower()
    sent = low[:1].upper() + low[1:]
    title = " ".join(w if (i and w in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(low.split(" ")))
    out = []
    for v in (text, low, sent, title):
        if v not in out:
            out.append(v)
    return out


def _is_sentence_or_title(text: str) -> bool:
    ws = text.split(" ")
    return all(w[1:] == w[1:].lower() for w in ws)


# --------------------------------------------------------------------------- sources


def pwc_entries(path: Path, report: Report) -> list[Entry]:
    """Papers with Code datasets: keep only variants that spell the dataset itself.

    The upstream ``variants`` mix true spellings ("CIFAR - 10", "Tiny-ImageNet") with
    leaderboard names ("CIFAR-10, 250 Labels") and member datasets ("MRPC" under GLUE,
    "ImageNet-A" under ImageNet); a variant is kept when, stripped of split/config
    qualifiers, its key equals the id's key (or is an acronym/long form of it).
    """
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    all_ids = {key(clean(r["id"])) for r in rows}
    by_name: dict[str, Entry] = {}
    for row in rows:
        name = clean(row["id"])
        if not name:
            continue
        entry = by_name.get(key(name))
        if entry is None:
            entry = by_name[key(name)] = Entry(name, "Dataset", "pwc-datasets", [name])
        idk = key(name)
        for variant in row.get("variants", []):
            variant = clean(variant)
            core = strip_qualifiers(variant)
            ck = key(core)
            if not core or ck == idk:
                if core and core != name:
                    entry.add(core)
                continue
            if ck in all_ids:
                continue  # another dataset in its own right
            if re.fullmatch(r"(?:19|20)\d\d|v?\d+\.\d+|v\d+", ck[len(idk) :]) and ck.startswith(idk):
                entry.add(core)  # "COCO 2017", "SQuAD 2.0", "KITTI 2015": versions of it
                continue
            if core == name.split(" ")[0] and core.isupper() and len(core) >= 3:
                entry.add(core)  # "MPQA" for "MPQA Opinion Corpus"
                continue
            bare = key(re.sub(r"\b(?:dataset|corpus|benchmark|data set|database)\b", "", core, flags=re.I))
            if bare == idk or (bare and is_abbreviation(name, core)) or is_abbreviation(core, name):
                entry.add(core)
            else:
                report.dropped["pwc variant (other dataset or config)"].append(f"{name}: {variant}")
        for long_form in long_forms(row.get("contents", ""), entry.strings):
            entry.add(long_form)
    return list(by_name.values())


_QUALIFIER = re.compile(
    r"""(?ix)
    (?:\s*\([^()]*\)$)                                  # trailing "(...)"
    |(?:\s*,.*$)                                         # ", 250 Labels"
    |(?:\s+-\s+.*$)                                      # " - 1-Shot Learning"
    |(?:\s+\d+-way.*$)                                   # " 5-way (1-shot)"
    |(?:\s+\d+\s*x\s*\d+$)                               # " 64x64"
    |(?:\s+(?:test|dev|val|valid|validation|train|minival|test-dev|test-std|
           test-challenge|full|count-test|panoptic|val2017|test2017)$)
    """
)


def strip_qualifiers(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = _QUALIFIER.sub("", text).strip()
    return text


def is_abbreviation(short: str, long: str) -> bool:
    """Schwartz-Hearst style check: ``short`` is an acronym of ``long``.

    The characters of ``short`` must appear in order in ``long``, the first one at the
    start of the first word, and they must come from at least two words of ``long``
    ("babel" is not an acronym of "Babel Cebuano", "AFLW" is one of "Annotated Facial
    Landmarks in the Wild").
    """
    s = re.sub(r"[^A-Za-z0-9]", "", short).lower()
    lw = long.split()
    if not s or len(s) < 2 or len(lw) < 2 or len(s) > 10 or " " in short.strip():
        return False
    if s in {re.sub(r"[^a-z0-9]", "", w.lower()) for w in lw}:
        return False
    if s in re.sub(r"[^a-z0-9]", "", long.lower()):
        return False  # "CIFAR-10" inside "CIFAR-100 WRN-28-10" is an extension, not an acronym
    low = long.lower()
    if s[0] != low[0]:
        return False
    word_of = []
    for i, w in enumerate(lw):
        word_of.extend([i] * len(w))
        word_of.append(-1)
    low = " ".join(lw).lower()
    li = len(low) - 1
    used = set()
    for n, ch in enumerate(reversed(s)):
        last = n == len(s) - 1
        while li >= 0 and (low[li] != ch or (last and li != 0)):
            li -= 1
        if li < 0:
            return False
        used.add(word_of[li])
        li -= 1
    return len(used) >= 2


_BOLD = re.compile(r"\s*(?:The\s+)?\*\*([^*]{2,80})\*\*\s*\(\*{0,2}([^*()]{2,80})\*{0,2}\)")


def long_forms(contents: str, names: list[str]) -> list[str]:
    """Long forms in the description's first sentence: "**Long Name** (**LN**)"."""
    m = _BOLD.match(contents[:400])
    if not m:
        return []
    a, b = clean(m.group(1)), clean(m.group(2))
    keys = {key(n) for n in names}
    if key(a) in keys:
        short, long = a, b
    elif key(b) in keys:
        short, long = b, a
    else:
        return []
    ws = long.split()
    caps = sum(1 for w in ws if w[:1].isupper() or w[:1].isdigit())
    if (
        len(ws) < 3
        or not long[:1].isupper()
        or caps < (len(ws) + 1) // 2
        or re.search(r"[\"“”:;]", long)
        or not is_abbreviation(short, long)
    ):
        return []
    return [long]


def read_tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


# Hand decisions for NLP-TDMS evaluation-metric names: raw -> canonical (None = drop).
TDMS_METRICS: dict[str, str | None] = {
    "Average Cross-Entropy on Dev": "cross-entropy",
    "Average Cross-Entropy on Test": "cross-entropy",
    "Sentiment (acc)": "accuracy",
    "Laptop (acc)": "accuracy",
    "Restaurant (acc)": "accuracy",
    "Aspect (F1)": "F1",
    "Validation perplexity": "perplexity",
    "Test perplexity": "perplexity",
    "R_2@1": "R_2@1",
    "R_10@1": "R_10@1",
    "F1 on Full": "F1",
    "F1 on Newswire": "F1",
    "F1 (surface form)": "F1",
    "F1 (Quasar-T)": "F1",
    "EM (Quasar-T)": "EM",
    "Avg Accuracy": "accuracy",
    "Avg F1": "F1",
    "Unigram Acc": None,
    "POS": None,
    "Number of params": None,
    "Question Split": None,
    "Query Split": None,
    "CR": None,
    "Acc ex": None,
    "Temporal awareness": "temporal awareness",
    "Accuracy on Average": "accuracy",
    "Matched Accuracy": "matched accuracy",
    "Mismatched Accuracy": "mismatched accuracy",
    "Weighted Accuracy (WAA)": "weighted accuracy",
    "Bit per Character (BPC)": "bits per character",
}


def tdms_metric_name(raw: str) -> tuple[str | None, list[str]]:
    """Canonical metric name and extra aliases for an NLP-TDMS metric."""
    raw = clean(raw)
    if raw in TDMS_METRICS:
        name = TDMS_METRICS[raw]
        extra = re.findall(r"\(([A-Z]{2,6})\)$", raw)
        return name, extra
    m = re.fullmatch(r"(.+?) on .+", raw)
    if m:
        return m.group(1), []
    return raw, []


def tdms_entries(folder: Path, report: Report) -> list[Entry]:
    out: list[Entry] = []
    for row in read_tsv(folder / "taskKB.tsv"):
        name = clean(row[1].replace("_", " "))
        name = name.replace("amr", "AMR").replace("ccg", "CCG").replace("sql", "SQL")
        if name == "common sense":
            name = "commonsense reasoning"
        if name == "timex normalisation":
            name = "temporal expression normalization"
        out.append(Entry(name, "Task", "nlp-tdms", [name]))
    for row in read_tsv(folder / "datasetKB.tsv"):
        raw = clean(row[1])
        e = Entry(raw, "Dataset", "nlp-tdms", [raw])
        # "1B Words / Google Billion Word benchmark" -> two spellings of one dataset
        if " / " in raw and not raw.startswith("CNN"):
            e.strings = [clean(p) for p in raw.split(" / ")]
            e.name = e.strings[0]
        m = re.fullmatch(r"(.+?) \(([^()]+)\)", raw)
        if m and m.group(2).isupper():  # "... (MRDA) corpus"-style acronyms
            e.add(m.group(2))
        m = re.fullmatch(r"(.+?) \(([A-Z]{2,})\) (corpus|dataset)", raw, flags=re.I)
        if m:
            e.strings = [clean(f"{m.group(1)} {m.group(3)}"), m.group(2)]
            e.name = m.group(2)
        out.append(e)
    for row in read_tsv(folder / "evaMatrixKB.tsv"):
        name, extra = tdms_metric_name(row[1])
        if name is None:
            report.dropped["nlp-tdms metric (junk)"].append(row[1])
            continue
        e = Entry(name, "Metric", "nlp-tdms", [name])
        for x in extra:
            e.add(x)
        out.append(e)
    return out


def axcell_entries(path: Path, report: Report) -> list[Entry]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[Entry] = []
    for label, section in (("Metric", "metrics"), ("Dataset", "datasets")):
        for name, aliases in data[section].items():
            base = strip_qualifiers(clean(name)) if label == "Dataset" else clean(name)
            e = Entry(base, label, "axcell", [base])
            for alias in aliases:
                alias = clean(alias)
                # AxCell lists bag-of-words fragments ("pascal", "test", "voc 11"): keep an
                # alias only if it is the whole name, an acronym of it, or starts like it.
                if (
                    key(alias) == key(base)
                    or is_abbreviation(alias, base)
                    or (is_abbreviation(base, alias) and len(alias.split()) >= 2)
                ):
                    e.add(alias)
                else:
                    report.dropped["axcell fragment alias"].append(f"{name}: {alias}")
            out.append(e)
    return out


def curated_entries(data: dict, report: Report) -> list[Entry]:
    out: list[Entry] = []
    for label in LABELS:
        for item in data.get(label, []):
            cs: set[str] = set()
            if isinstance(item, dict):
                strings = [item["name"], *item.get("aliases", [])]
                cs = {clean(s) for s in item.get("case_sensitive", [])}
            else:
                strings = list(item)
            e = Entry(clean(strings[0]), label, "curated")
            for s in strings:
                e.add(s)
            e.force_cs = cs
            e.allow = set(e.strings)
            out.append(e)
    return out


# Named methods and tasks from the Papers with Code taxonomy (CS-NER) and SciREX's salient
# entities. Both lists hold things that are not names of the label (PwC files "Time Series",
# "EEG" and "Minecraft" under tasks, "Interpretability" under methods; SciREX's result tuples
# name leaderboard configurations: "BiDAF (ensemble)", "Transformer-XL - 12 layers",
# "BSD68 sigma15"). The rules below keep the names.

# A task is an activity: its head noun (the last word before a preposition, the last part of a
# hyphenated word) is a nominalization ("parsing", "detection", "analysis", "alignment") or one
# of these.
TASK_HEAD_SUFFIX = re.compile(r"(?:tion|sion|ing|sis|ment|ance|ence|ery)$")
TASK_HEAD_WORDS = frozenset(
    """
    retrieval removal transfer search control inference design resolution similarity odometry
    dialog dialogue attack forensics vision ner
    """.split()
)
# ... but an attention or an augmentation is a method ("Graph Attention", "Image Augmentation"),
# and a plural names things ("Embeddings").
TASK_NON_HEADS = frozenset({"attention", "augmentation"})
# A method is not a quality: "Interpretability", "Fairness", "Sparsity" name properties.
QUALITY_NOUN = re.compile(r"(?:ity|ness)$")
# A name longer than this is a paper title or a description ("Improving neural networks by
# preventing co-adaptation of feature detectors"), not the name of a method or task.
MAX_NAME_WORDS = 5
PREPOSITIONS = frozenset("of for in from on with to via using under by over across through as at".split())
# Words that name a model's size, a run or a setting, not another method ("Transformer Big").
CONFIG_WORDS = frozenset("ensemble single base large big small medium standard tuned baseline best".split())
# A SciREX metric is kept when it names a measure ("Classification Error", "Mean IoU"), not a
# split or a column ("Books", "Kitchen", "Request", "Params").
METRIC_WORDS = frozenset(
    """
    accuracy error precision recall score f1 f-measure auc ap map miou iou psnr ssim bleu rouge
    meteor mrr pck pckh rmse mae fid em uas las mos gleu perplexity entropy overlap bpc nme loss
    ppl rate
    """.split()
)
LANGUAGES = frozenset(
    """
    english german french russian czech romanian thai chinese japanese spanish finnish turkish
    estonian latvian vietnamese italian portuguese dutch arabic korean hindi
    """.split()
)
_LANG_PAIR = re.compile(r"\s+([A-Z][a-z]+)-(?:to-)?([A-Z][a-z]+)$")
_DATASET_SETTING = re.compile(r"(?i)\s+(?:easy|moderate|medium|hard|sigma\s?\d+|labels?-to-photos?|photo-to-labels?)$")


def _strip_punct(name: str) -> str:
    """A CS-NER span without the punctuation its whitespace tokens carry: "(R2U-Net" -> "R2U-Net"."""
    name = name.strip(" ,;:!?\"'\u201c\u201d\u2018\u2019")
    if name.startswith("(") and ")" not in name:
        name = name[1:]
    if name.endswith(")") and "(" not in name:
        name = name[:-1]
    return name.strip()


def read_bioes(path: Path) -> Iterable[tuple[str, str]]:
    """(label, text) of every span of a CoNLL file with BIOES tags (first tag column)."""
    tokens: list[tuple[str, str]] = []
    with Path(path).open(encoding="utf-8", errors="replace") as fh:
        lines = [line.rstrip("\r\n") for line in fh] + [""]
    for line in lines:
        if line.strip():
            cols = line.split("\t") if "\t" in line else line.split()
            tokens.append((cols[0], cols[1] if len(cols) > 1 else "O"))
            continue
        cur: list[str] = []
        label = ""
        for tok, tag in tokens:
            prefix, _, lab = tag.partition("-")
            if prefix in ("B", "S"):
                cur, label = [tok], lab
            elif prefix in ("I", "E") and cur and lab == label:
                cur.append(tok)
            else:
                cur = []
            if prefix in ("E", "S") and cur:
                yield label, " ".join(cur)
                cur = []
        tokens = []


def _singular_key(name: str) -> str:
    """Key of `name` with a plural head made singular ("Normalizing Flows" ~ "Normalizing Flow")."""
    ws = name.split(" ")
    last = ws[-1].lower()
    if last in SINGULAR_HEADS:
        last = SINGULAR_HEADS[last]
    elif len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is", "ics")):
        last = last[:-1]
    return key(" ".join([*ws[:-1], last]))


def majority_entries(counts: Counter[tuple[str, str]], source: str, report: Report) -> list[Entry]:
    """One entry per name, singular and plural together, under the label the source gives it
    most often ("Gaussian Process": Method 166 times, "Gaussian Processes": Task 27 times ->
    Method); a tie between labels drops the name."""
    groups: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for (label, name), n in counts.items():
        groups[_singular_key(name)][(label, name)] += n
    out = []
    for _, group in sorted(groups.items()):
        by_label: Counter[str] = Counter()
        for (label, _), n in group.items():
            by_label[label] += n
        ranked = by_label.most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            report.dropped[f"{source} (label tie)"].append(", ".join(f"{lab}: {nm}" for lab, nm in sorted(group)))
            continue
        label = ranked[0][0]
        spellings = sorted(group.items(), key=lambda kv: (kv[0][0] != label, -kv[1], kv[0][1]))
        e = Entry(spellings[0][0][1], label, source)
        for (_, nm), _ in spellings:
            e.add(nm)
        out.append(e)
    return out


def csner_entries(path: Path, report: Report) -> list[Entry]:
    """Method and task names of CS-NER's Papers with Code part (train titles only)."""
    label_of = {"METHOD": "Method", "RESEARCH_PROBLEM": "Task"}
    counts: Counter[tuple[str, str]] = Counter()
    for tag, raw in read_bioes(path):
        label = label_of.get(tag)
        name = clean(_strip_punct(raw))
        if label is None or not name:
            continue
        if "\ufffd" in name or "$" in name:
            report.dropped["csner-pwc (garbled)"].append(name)
            continue
        counts[(label, name)] += 1
    return majority_entries(counts, "csner-pwc", report)


def scirex_name(raw: str, label: str) -> tuple[str, list[str]] | None:
    """A SciREX salient-entity name ("Named_Entity_Recognition__NER_") as text and aliases
    (("Named Entity Recognition", ["NER"])); None for composites ("BiDAF___Self_Attention")."""
    raw = raw.strip("_") if not re.search(r"__[^_]+_$", raw) else raw.lstrip("_")
    aliases: list[str] = []
    m = re.fullmatch(r"(.+?)__([^_].*?)_", raw)
    inner = ""
    if m:
        raw, inner = m.group(1), m.group(2).replace("_", " ")
    if "__" in raw or re.search(r"\d_\d\d", raw):
        return None  # "A + B", "A (B) C", "VOT2017_18": punctuation lost
    text = re.sub(r"(?<=\d)_(?=\d)", ".", raw).replace("_", " ")  # "Human3_6M", "MHP_v1_0"
    text = clean(re.sub(r"\s+-\s+.*$", "", text))  # "Transformer-XL - 12 layers"
    if inner and is_abbreviation(inner, text):
        aliases.append(inner)
    if label == "Dataset":
        text = strip_qualifiers(text)
        while (m2 := _DATASET_SETTING.search(text)) or (
            (m2 := _LANG_PAIR.search(text)) and {m2.group(1).lower(), m2.group(2).lower()} <= LANGUAGES
        ):
            text = text[: m2.start()].strip()
    return (text, aliases) if text else None


def prose_words(folder: Path) -> frozenset[str]:
    """The words SciREX train's papers write in lower case (their full text)."""
    out: set[str] = set()
    for f in sorted(folder.glob("*.json")):
        out.update(w for w in json.loads(f.read_text(encoding="utf-8")).get("words", []) if w.isalpha() and w.islower())
    return frozenset(out)


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s\-]+", text.lower()) if t]


def scirex_entries(folder: Path, report: Report) -> list[Entry]:
    """The Method, Task, Dataset (SciREX "Material") and Metric names of SciREX train's result
    tuples: each paper's salient entities. The names come from leaderboards; a method, dataset
    or metric is kept when its paper spells it (tasks are leaderboard names by design)."""
    label_of = {"Method": "Method", "Task": "Task", "Material": "Dataset", "Metric": "Metric"}
    counts: Counter[tuple[str, str]] = Counter()
    extra: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in sorted(folder.glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        spelled = f" {' '.join(_tokens(' '.join(doc.get('words', []))))} "
        seen: set[tuple[str, str]] = set()
        for rel in doc.get("n_ary_relations", []):
            for field_, label in label_of.items():
                raw = rel.get(field_)
                if not isinstance(raw, str) or not raw:
                    continue
                parsed = scirex_name(raw, label)
                if parsed is None:
                    report.dropped["scirex (composite or configuration)"].append(f"{label}: {raw}")
                    continue
                text, aliases = parsed
                if label != "Task" and f" {' '.join(_tokens(text))} " not in spelled:
                    # a leaderboard's name for a run ("DQN noop", "Recall 20"), not the paper's
                    report.dropped["scirex (not spelled in its paper)"].append(f"{label}: {text}")
                    continue
                seen.add((label, text))
                extra[(label, text)].update(aliases)
        counts.update(seen)  # documents, not tuples
    entries = majority_entries(counts, "scirex", report)
    for e in entries:
        for s in list(e.strings):
            for a in sorted(extra.get((e.label, s), ())):
                e.add(a)
    return entries


def _head(name: str) -> str:
    """The head word of a name: the last word before a preposition, its last hyphenated part
    ("Emotion Recognition in Conversation" -> "recognition", "Person Re-Identification" ->
    "identification")."""
    ws = name.split(" ")
    for i, w in enumerate(ws):
        if i and w.lower() in PREPOSITIONS:
            ws = ws[:i]
            break
    return ws[-1].lower().rsplit("-", 1)[-1] if ws[-1] else ""


def name_reason(e: Entry, text: str) -> str | None:
    """Why a CS-NER or SciREX string is not a name of its label (None when it is one)."""
    ws = text.split()
    n_words = len(ws)
    head = _head(text)
    low_words = [w.lower() for w in ws]
    if re.fullmatch(r"[A-Z]{2,3}s?", text):
        return "short acronym"  # SAN, CAM, PCB, ALS: each names several things
    if e.label in ("Method", "Task") and n_words > MAX_NAME_WORDS:
        return "title-like phrase"
    if e.source == "scirex":
        reason = scirex_reason(e.label, text, ws)
        if reason:
            return reason
    if e.label == "Method":
        if QUALITY_NOUN.search(head) and head.isalpha():
            return "quality noun"
        if "et al" in text.lower() or re.search(r"\b(?:19|20)\d\d[a-z]?$", text):
            return "citation"
        if (n_words > 1 and {low_words[0], low_words[-1]} & CONFIG_WORDS) or re.match(r"\d+[Dd]\b|\d+-layers?\b", text):
            return "configured variant"
    if e.label == "Task":
        if not (TASK_HEAD_SUFFIX.search(head) or head in TASK_HEAD_WORDS) or head in TASK_NON_HEADS:
            return "not an activity (task head)"
        if n_words == 1 and QUALITY_NOUN.search(head):
            return "quality noun"
        if n_words == 1:
            return "one word: names the technique as often as the task"  # "Quantization"
        if _method_head(head):
            return "head ends more methods than tasks"  # "Dynamic Time Warping", "Graph Embedding"
    if e.label == "Metric" and not ({text.lower(), *re.split(r"[\s\-]+", text.lower())} & METRIC_WORDS):
        return "not a measure"
    return None


@functools.lru_cache(maxsize=1)
def _head_labels() -> dict[str, dict[str, int]]:
    """Labels of the spans each word ends in the training corpora (`kg/data/termhood.json`)."""
    path = REPO / "kg" / "data" / "termhood.json"
    return json.loads(path.read_text(encoding="utf-8"))["head_labels"]  # type: ignore[no-any-return]


def _method_head(head: str) -> bool:
    """True when `head` ends more Method than Task spans, at least 10 of them, in the training corpora."""
    counts = _head_labels().get(head.lower(), {})
    methods, tasks = counts.get("Method", 0), counts.get("Task", 0)
    return methods + tasks >= 10 and methods > tasks


def scirex_reason(label: str, text: str, ws: list[str]) -> str | None:
    """SciREX's names are leaderboard entries: keep the coined names and the named entities,
    not the runs, settings and splits."""
    if re.search(r"(?:^| )[A-Za-z](?: |$)", text):
        return "punctuation lost"  # "Children s Book", "Masque Q A Style", "D D"
    if len(ws) == 1 and label in ("Method", "Dataset"):
        if not (re.search(r"[A-Z]", text[1:]) or re.search(r"\d", text)):
            return "not a coined name"  # "Classifier", "Piecewise", "Wikipedia", "Company"
    elif label in ("Method", "Dataset"):
        if any(w.isalpha() and w.islower() and w not in SMALL_WORDS for w in ws[1:]):
            return "configured variant"  # "DQN noop", "LSTM blind", "Yelp Binary classification"
        if label == "Method" and any(re.search(r"\d", w) for w in ws[1:]):
            return "configured variant"  # "ConvS2S BPE40k", "AWD-LSTM-DOC x5"
    if label == "Metric":
        if ws[0].lower() in {"test", "train", "validation", "val", "dev"}:
            return "split-specific"  # "Test perplexity", "Validation AP"
        if any(re.fullmatch(r"\d+(?:\.\d+)?", w) for w in ws):
            return "punctuation lost"  # "Recall 20" (Recall@20), "AP 0.5"
    return None


# A one-word task that heads this many longer task names of the lists is a genus
# ("Classification": Image Classification, Text Classification, ...), not one task.
GENUS_MIN_SPECIES = 3


def filter_names(entries: list[Entry], report: Report) -> None:
    heads: Counter[str] = Counter()
    for e in entries:
        if e.source in NAME_LIST_SOURCES and e.label == "Task":
            heads.update({_head(s) for s in e.strings if " " in s})
    for e in entries:
        if e.source not in NAME_LIST_SOURCES:
            continue
        kept = []
        for s in e.strings:
            reason = name_reason(e, s)
            if reason is None and e.label == "Task" and " " not in s and heads[s.lower()] >= GENUS_MIN_SPECIES:
                reason = "genus of tasks"
            if reason:
                report.dropped[f"{e.source} ({reason})"].append(f"{e.label}: {s}")
            else:
                kept.append(s)
        e.strings = kept


# --------------------------------------------------------------------------- pipeline


def expand(entry: Entry) -> None:
    for s in list(entry.strings):
        for v in surface_variants(s) + number_variants(s):
            entry.add(v)
    if entry.label in ("Method",) and entry.source == "curated":
        for s in list(entry.strings):
            for v in plural_variants(s):
                entry.add(v)


def filter_strings(entries: list[Entry], rules: Rules, blocklist: dict, report: Report) -> None:
    for e in entries:
        # any spelling of a blocked string except an all-capitals acronym: "Ethics",
        # "ethics" are blocked, "ETHICS" (a dataset written in capitals) is not
        blocked = {b.lower() for b in blocklist.get(e.label, [])}
        kept = []
        for s in e.strings:
            if s.lower() in blocked and (not s.isupper() or s in blocklist[e.label]) and s not in e.allow:
                report.dropped["blocklist"].append(f"{e.label}: {s}")
                continue
            reason = rules.drop_reason(s, curated=s in e.allow or e.source == "curated")
            if reason is None and e.source in EVERYDAY_SOURCES:
                reason = one_word_rule(e, s, rules)
            if reason:
                report.dropped[reason].append(f"{e.source}/{e.label}: {s}")
                continue
            kept.append(s)
        e.strings = kept


def one_word_rule(e: Entry, s: str, rules: Rules) -> str | None:
    """One-word names of the name lists.

    A plain word (no capital inside, no digit) that is a word of everyday English or of the
    field's prose (written lower-case in SciREX train's full text) is no method name:
    lower-case it is as often the operation or the object as a named method ("convolution",
    "softmax", "heatmap"), and capitalized it is any word of a Title-Cased paper title
    ("Energy-efficient Group Convolution", "Lookahead Planning"). Coined names carry a
    capital or a digit ("FairNAS", "ReLU", "YOLOv4"), are written in capitals ("SMOTE") or
    are words of neither ("Linformer", "Sparsemax": matched as written); the plain-word
    techniques a graph needs ("dropout", "Adam") are in the curated list. An everyday English word alone
    is no task either ("Translation"), and a coined name spelled like one ("ComplEx",
    "TuckER") matches only as written."""
    if not s.isalpha():
        return None
    plain = s[1:] == s[1:].lower()
    if plain and e.label == "Method":
        if s.lower() in rules.english or s.lower() in rules.domain:
            return "plain word"
        e.force_cs.add(s)  # a coined word ("Linformer", "Sparsemax"): as written
        return None
    if plain and rules.everyday_word(s) and (s == s.lower() or e.label == "Task"):
        return "everyday word"
    if s.lower() in rules.english:
        e.force_cs.add(s)
    return None


def drop_known(entries: list[Entry], report: Report) -> list[Entry]:
    """Strip the name lists' entries of the spellings a more authoritative source already
    gives the same entity; an entry left with none is removed (its file adds nothing)."""
    known: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in entries:
        if e.source not in NAME_LIST_SOURCES:
            known[(e.label, e.name)].update(key(s) for s in e.strings)
    out = []
    for e in sorted(entries, key=lambda e: PRIORITY[e.source]):
        if e.source in NAME_LIST_SOURCES:
            have = known[(e.label, e.name)]
            e.strings = [s for s in e.strings if key(s) not in have]
            if not e.strings:
                report.dropped[f"{e.source} (already known)"].append(f"{e.label}: {e.name}")
                continue
            if e.name not in e.strings:
                e.strings.insert(0, e.name)  # the canonical name of the entity it extends
            have.update(key(s) for s in e.strings)
        out.append(e)
    return out


def unify_names(entries: list[Entry], report: Report) -> None:
    """Give one entity the same canonical name in every file.

    Datasets take the PwC name (then curated, then the rest); other labels the curated
    name. An entry is renamed when its name's key is a name or alias key of an entry of
    the same label from a more authoritative source.
    """
    authority = {
        "Dataset": ("pwc-datasets", "curated", "axcell", "nlp-tdms", "scirex"),
        "Method": ("curated", "csner-pwc", "scirex"),
        "Metric": ("curated", "axcell", "nlp-tdms", "scirex"),
        "Task": ("curated", "nlp-tdms", "csner-pwc", "scirex"),
    }
    for label, order in authority.items():
        index: dict[str, str] = {}  # keys claimed by more authoritative sources
        name_index: dict[str, str] = {}
        for src in order:
            local: dict[str, str] = {}
            local_names: dict[str, str] = {}
            for e in entries:
                if e.label != label or e.source != src:
                    continue
                target = name_index.get(key(e.name)) or index.get(key(e.name))
                if target is None:
                    hits = {index[key(s)] for s in e.strings if key(s) in index}
                    target = hits.pop() if len(hits) == 1 else None
                if target is not None and target != e.name:
                    report.renamed.append(f"{label}: {e.source} {e.name!r} -> {target!r}")
                    if e.name not in e.strings:
                        e.strings.insert(0, e.name)
                    e.name = target
                local_names.setdefault(key(e.name), e.name)
                for s in e.strings:
                    local.setdefault(key(s), e.name)
            for k, v in local_names.items():
                name_index.setdefault(k, v)
            for k, v in local.items():
                index.setdefault(k, v)


def merge_same(entries: list[Entry]) -> list[Entry]:
    merged: dict[tuple[str, str, str], Entry] = {}
    for e in entries:
        k = (e.source, e.label, e.name)
        if k in merged:
            m = merged[k]
            for s in e.strings:
                m.add(s)
            m.force_cs |= e.force_cs
            m.allow |= e.allow
        else:
            merged[k] = e
    return list(merged.values())


def resolve_collisions(entries: list[Entry], report: Report) -> list[Entry]:
    """Make every string key belong to one entity per label, and to one label when possible.

    Winner for a contested key: the entity whose canonical name has that key; otherwise
    the most authoritative source; a tie between different entities drops the string
    from all of them. Across labels the most authoritative source wins; a canonical name
    only loses to a curated entry.
    """
    claims: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        for s in e.strings:
            claims[key(s)].append(e)
    losers: dict[int, set[str]] = defaultdict(set)
    for k in sorted(claims):
        es = claims[k]
        ents = {(e.label, e.name) for e in es}
        if len(ents) < 2:
            continue
        # --- within a label
        by_label: dict[str, list[Entry]] = defaultdict(list)
        for e in es:
            by_label[e.label].append(e)
        label_winner: dict[str, tuple[str, str] | None] = {}
        for label, les in by_label.items():
            names = {e.name for e in les}
            if len(names) == 1:
                label_winner[label] = (label, les[0].name)
                continue
            named = {e.name for e in les if key(e.name) == k}
            if len(named) == 1:
                win = named.pop()
            else:
                best = min(PRIORITY[e.source] for e in les)
                top = {e.name for e in les if PRIORITY[e.source] == best}
                win = top.pop() if len(top) == 1 else None
            label_winner[label] = (label, win) if win else None
            report.collisions.append(f"same-label {label} {k!r}: {sorted(names)} -> {win or 'dropped from all'}")
        # --- across labels
        alive = [w for w in label_winner.values() if w]
        final: set[tuple[str, str]] = set(alive)
        if len({lab for lab, _ in alive}) > 1:
            cands = [e for e in es if (e.label, e.name) in final]
            best = min(PRIORITY[e.source] for e in cands)
            top = {(e.label, e.name) for e in cands if PRIORITY[e.source] == best}
            if len(top) == 1:
                final = top
            else:
                named = {(e.label, e.name) for e in cands if key(e.name) == k}
                final = named if len({lab for lab, _ in named}) == 1 else set()
            report.collisions.append(f"cross-label {k!r}: {sorted(alive)} -> {sorted(final) or 'dropped from all'}")
        for e in es:
            if (e.label, e.name) not in final:
                losers[id(e)].add(k)
    out = []
    for e in entries:
        lost = losers.get(id(e), set())
        if lost:
            e.strings = [s for s in e.strings if key(s) not in lost]
        if not e.strings:
            report.removed_entries.append(f"{e.source}/{e.label}: {e.name}")
            continue
        if key(e.name) in lost:
            report.renamed.append(f"{e.label}: {e.source} {e.name!r} lost its name -> {e.strings[0]!r}")
            e.name = e.strings[0]
        out.append(e)
    return out


def finalize(e: Entry, rules: Rules) -> dict:
    strings = list(e.strings)
    if e.name not in strings:
        strings.insert(0, e.name)
    # Multi-word dataset names ("Natural Questions", "3D Hand Pose") and multi-word names
    # from the upstream lists are proper names: written capitalized, generic phrases when
    # lowercased, so they match only as written.
    # The name lists' methods and tasks are Title-Cased by Papers with Code's convention
    # ("Constituency Parsing", "Experience Replay"): common-noun phrases, any case.
    proper = e.label == "Dataset" or e.source not in ("curated", *NAME_LIST_SOURCES)
    cs_flags = {
        s: (s in e.force_cs or rules.case_sensitive(s) or (proper and " " in s and s != s.lower())) for s in strings
    }
    case_sensitive = any(cs_flags.values())
    pats: list[str] = []
    for s in strings:
        if case_sensitive and not cs_flags[s]:
            pats.extend(case_variants(s))
        else:
            pats.append(s)
    seen = {e.name}
    aliases = []
    for p in pats:
        if p in seen:
            continue
        if not case_sensitive and p.lower() in {x.lower() for x in seen}:
            continue
        seen.add(p)
        aliases.append(p)
    return {
        "name": e.name,
        "label": e.label,
        "aliases": sorted(aliases, key=lambda s: (s.lower(), s)),
        "source": e.source,
        "case_sensitive": case_sensitive,
    }


def build(shared: Path, curated_path: Path) -> tuple[dict[str, list[dict]], Report]:
    report = Report()
    gz = shared / "data" / "gazetteers"
    curated = json.loads(curated_path.read_text(encoding="utf-8"))
    rules = Rules(
        load_stop_words() | set(json.loads((gz / "axcell" / "manual_dicts.json").read_text())["stop_words"]),
        curated.get("common_words", []),
        load_english(),
    )
    data = shared / "data"
    entries: list[Entry] = []
    entries += curated_entries(curated, report)
    entries += axcell_entries(gz / "axcell" / "manual_dicts.json", report)
    entries += tdms_entries(gz / "nlp-tdms", report)
    entries += csner_entries(data / "csner-pwc" / "train.data", report)
    entries += pwc_entries(gz / "pwc-datasets" / "pwc_datasets_with_variants.jsonl", report)
    entries += scirex_entries(data / "scirex" / "train_docs", report)
    rules.domain = prose_words(data / "scirex" / "train_docs")
    filter_names(entries, report)
    for e in entries:
        expand(e)
    filter_strings(entries, rules, curated.get("blocklist", {}), report)
    for e in entries:
        if not e.strings:
            report.removed_entries.append(f"{e.source}/{e.label}: {e.name} (no usable string)")
    entries = [e for e in entries if e.strings]
    for e in entries:
        if e.name not in e.strings:  # name itself was filtered: promote the first alias
            report.renamed.append(f"{e.label}: {e.source} {e.name!r} filtered -> {e.strings[0]!r}")
            e.name = e.strings[0]
    unify_names(entries, report)
    entries = merge_same(entries)
    entries = resolve_collisions(entries, report)
    entries = merge_same(entries)
    entries = drop_known(entries, report)
    files: dict[str, list[dict]] = {s: [] for s in SOURCES}
    for e in entries:
        files[e.source].append(finalize(e, rules))
    for rows in files.values():
        rows.sort(key=lambda r: (r["label"], r["name"].lower(), r["name"], r["case_sensitive"]))
    return files, report


def write(files: dict[str, list[dict]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for source, rows in files.items():
        text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in rows)
        (out / FILES[source]).write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder")
    ap.add_argument("--curated", type=Path, default=DEFAULT_CURATED, help="curated JSON list")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    ap.add_argument("-v", "--verbose", action="store_true", help="print dropped strings too")
    args = ap.parse_args(argv)
    if not (args.shared / "data" / "gazetteers").is_dir():
        print(f"error: {args.shared}/data/gazetteers not found; pass --shared PATH", file=sys.stderr)
        return 1
    files, report = build(args.shared, args.curated)
    write(files, args.out)
    print(f"wrote {args.out}")
    print(f"{'source':<14}" + "".join(f"{lab:>9}" for lab in LABELS) + f"{'total':>9}")
    totals = dict.fromkeys(LABELS, 0)
    for source in SOURCES:
        counts = {lab: sum(r["label"] == lab for r in files[source]) for lab in LABELS}
        for lab in LABELS:
            totals[lab] += counts[lab]
        print(f"{source:<14}" + "".join(f"{counts[lab]:>9}" for lab in LABELS) + f"{sum(counts.values()):>9}")
    print(f"{'all':<14}" + "".join(f"{totals[lab]:>9}" for lab in LABELS) + f"{sum(totals.values()):>9}")
    print(f"collisions resolved: {len(report.collisions)}")
    for c in report.collisions:
        print("  " + c)
    print(f"renamed: {len(report.renamed)}; entries removed: {len(report.removed_entries)}")
    if args.verbose:
        for r in report.renamed:
            print("  renamed " + r)
        for r in report.removed_entries:
            print("  removed " + r)
    print("dropped strings: " + ", ".join(f"{k}={len(v)}" for k, v in sorted(report.dropped.items())))
    if args.verbose:
        for k, v in sorted(report.dropped.items()):
            for s in v:
                print(f"  drop[{k}] {s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
