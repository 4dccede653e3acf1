"""Graph admission: which paper → entity links the graph keeps, and how sure it is of each.

A mention that the statistical model alone proposes is a candidate, not a link. It is
admitted when its *nameness* — the probability, from a logistic model fitted on
hand-annotated abstracts (``kg/data/admission.json``, see ``scripts/fit_admission.py``),
that it names a linkable entity of its type — reaches the model's threshold. The
features are what a reader uses: the shape of a name (capitals inside a word, digits, an
acronym), capitals in mid-sentence, how often the phrase is annotated as an entity in
the training corpora and how often its head word ends one (``kg/data/termhood.json``),
a generic head noun, and whether every member of the model's vote found it.
Links that another component corroborates (a gazetteer entry, the paper's own
definition, a proposal rule, a reported value) are admitted as they are.

Every kept link's ``score`` becomes a calibrated confidence: for a model-only link its
nameness, for the others the precision measured on the annotated abstracts for its
component and type. What is not admitted stays in ``extractions.jsonl``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.model import LABELS, LINK_PREDICATES
from kg.resolve import entity_key, singular

if TYPE_CHECKING:
    from kg.details import DetailTable

__all__ = [
    "FEATURES",
    "AdmissionModel",
    "admit",
    "drop_non_evaluation",
    "link_features",
    "load_model",
    "model_only",
    "termhood",
]

DATA = Path(__file__).resolve().parent / "data"
FEATURES = (
    "bias", "name_shape", "head_shape", "acronym", "capitalized", "words", "known", "salient", "head_rate",
    "first_rate", "head_label", "generic_head", "one_lower_word", "unanimous", "task", "dataset_or_metric",
    "gazetteer", "abbrev", "rules", "proposed_rule", "result",
)
_WORD = re.compile(r"[\w'+#.-]+")
# heads that name no method or task: parts of a model, quantities, manners, qualities, work
_GENERIC_HEADS = frozenset({
    "method", "approach", "framework", "model", "technique", "system", "algorithm", "scheme",
    "strategy", "version", "variant", "module", "component", "architecture", "procedure",
    "process", "solution", "mechanism", "paradigm", "pipeline", "setting", "problem", "task",
    "work", "result", "performance", "data", "benchmark", "metric", "baseline",
    "idea", "design", "tool", "way", "extension", "formulation", "objective", "function",
    "experiment", "analysis", "study", "layer", "block", "unit", "head", "stage", "step", "phase",
    "capability", "capacity", "ability", "property", "behavior", "behaviour", "quality", "bound",
    "update", "patch", "feature", "representation", "parameter", "hyperparameter", "variable", "space",
    "domain", "field", "area", "application", "scenario", "regime", "setup", "motivation", "insight",
    "basis", "failure", "risk", "cost", "criterion", "solver", "engine", "library", "program",
    "device", "classifier", "encoder", "decoder", "generator", "discriminator", "predictor", "estimator",
    "episode", "transcription", "sample", "signal", "image", "token", "input", "output", "label",
})


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=1)
def termhood() -> dict[str, Any]:
    """The corpus statistics of ``kg/data/termhood.json`` (built by ``scripts/termhood.py``)."""
    return json.loads((DATA / "termhood.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _rate(table: Mapping[str, list[int]], word: str) -> float:
    """Smoothed log-odds that `word` ends (or starts) an entity span, 0 for unseen words."""
    n, total = table.get(word.lower(), (0, 0))
    return math.log((n + 0.5) / (max(total, n) - n + 2.0))


def _label_rate(table: Mapping[str, Mapping[str, int]], word: str, label: str) -> float:
    """Smoothed log-odds that a span ending in `word` has `label` rather than another, 0 if unseen."""
    counts = table.get(word.lower())
    if not counts:
        return 0.0
    n = counts.get(label, 0)
    return math.log((n + 0.5) / (sum(counts.values()) - n + 0.5))


def link_features(name: str, text: str, sentence: str, label: str, score: float, component: str = "ner") -> list[float]:
    """The admission features of one link: the node's `name`, the mention `text`, its
    `sentence`, the node `label`, the mention's `score` (for the model alone: unanimous vote
    or majority) and the `component` that found it ("ner", "gazetteer", "ner+abbrev", ...)."""
    th = termhood()
    words = _words(name) or [name]
    shaped = [any(c.isupper() for c in w[1:]) or any(c.isdigit() for c in w) for w in words]
    letters = [c for c in text if c.isalpha()]
    acronym = " " not in text.strip() and len(letters) >= 2 and sum(c.isupper() for c in letters) * 2 > len(letters)
    initial = sentence.lstrip().startswith(text)
    capitalized = not initial and any(w[:1].isupper() for w in _words(text))
    known = th["known"].get(entity_key(name), (0, 0))
    head = words[-1]
    return [
        1.0,
        float(any(shaped)),
        float(shaped[-1] or head.isupper()),
        float(acronym),
        float(capitalized),
        math.log(len(words)),
        math.log1p(known[0]),
        float(known[1] > 0),
        _rate(th["head"], head),
        _rate(th["first"], words[0]),
        _label_rate(th["head_labels"], head, label),
        float(singular(head.lower()) in _GENERIC_HEADS and head.islower()),
        float(len(words) == 1 and name.islower()),
        float(score >= 0.7 and model_only(component)),
        float(label == "Task"),
        float(label in ("Dataset", "Metric")),
        float("gazetteer" in component),
        float("abbrev" in component),
        float("rules" in component and "proposed" not in component),
        float("rules-proposed" in component),
        float("result" in component),
    ]


@dataclass(frozen=True)
class AdmissionModel:
    """A fitted logistic nameness model, its threshold and the calibration table."""

    weights: tuple[float, ...]
    threshold: float = 0.5
    #: model-only mentions scored from here on are candidates (the pipeline's own floor is higher)
    floor: float = 0.5
    #: which links the model decides: "model-only" ones (the others keep a measured precision) or "all"
    scope: str = "model-only"
    #: (component, label) -> measured precision of links found so
    precision: Mapping[tuple[str, str], float] = field(default_factory=dict)

    def decides(self, component: str) -> bool:
        """True when this model admits or drops links found by `component`."""
        return self.scope == "all" or model_only(component)

    def nameness(self, features: Iterable[float]) -> float:
        z = sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES), "weights": [round(w, 6) for w in self.weights],
            "threshold": self.threshold, "floor": self.floor, "scope": self.scope,
            "precision": {f"{c}|{lab}": round(p, 4) for (c, lab), p in sorted(self.precision.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AdmissionModel:
        if list(data["features"]) != list(FEATURES):
            raise ValueError("admission model was fitted on other features; refit with scripts/fit_admission.py")
        precision = {tuple(k.split("|", 1)): float(v) for k, v in data.get("precision", {}).items()}
        return cls(tuple(float(w) for w in data["weights"]), float(data["threshold"]),  # type: ignore[arg-type]
                   float(data.get("floor", 0.5)), str(data.get("scope", "model-only")), precision)


@lru_cache(maxsize=1)
def load_model() -> AdmissionModel | None:
    """The shipped admission model, or None when none is shipped (every link is then kept)."""
    path = DATA / "admission.json"
    if not path.is_file():
        return None
    return AdmissionModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def model_only(component: str) -> bool:
    """True for a link that only the statistical model found."""
    return component == "ner"


def admit(
    G: nx.MultiDiGraph, model: AdmissionModel | None = None, details: DetailTable | None = None,
    drop_unlinked: bool = True,
) -> nx.MultiDiGraph:
    """Drop the model-only links `model` does not admit (and, with `drop_unlinked`, entities
    left unlinked), and set each kept link's calibrated ``score``; link evidence from `details`
    when given. In place; returns `G`."""
    model = model if model is not None else load_model()
    if model is None:
        return G
    drop = []
    for u, v, key, data in G.edges(keys=True, data=True):
        if key not in LINK_PREDICATES:
            continue
        node = G.nodes[v]
        full = details.link(u, data) if details is not None else data
        component = str(full.get("component", ""))
        if model.decides(component):
            feats = link_features(str(node.get("name") or node.get("label", "")), str(full.get("text", "")),
                                  str(full.get("sentence", "")), str(node["type"]), float(data.get("score", 0.0)),
                                  component)
            p = model.nameness(feats)
            if p < model.threshold:
                drop.append((u, v, key))
                continue
            data["score"] = round(p, 4)
        else:
            measured = model.precision.get((component, str(node["type"])))
            if measured is not None:
                data["score"] = measured
    G.remove_edges_from(drop)
    if drop_unlinked:
        _drop_unlinked(G)
    return G


# a sentence that evaluates with a quantity: a number, a comparison, a measuring phrase
_EVALUATES = re.compile(
    r"\d|\b(?:in terms of|measured|evaluat\w*|outperform\w*|achiev\w*|report\w*|compar\w*|reduc\w*|"
    r"improv\w*|lower|higher|better|worse|fewer|less|faster|slower|score\w*|state-of-the-art)\b", re.I)
# ... and one that uses it to train: "cross-entropy as a surrogate loss", "a log-likelihood objective"
_TRAINS_WITH = re.compile(r"\b(?:loss(?:es)?|objectives?|regulari[sz]\w*|minimi[sz]\w*|maximi[sz]\w*|trained)\b", re.I)


@lru_cache(maxsize=1)
def _quantities() -> frozenset[str]:
    """Keys of the metric names that also name an objective or a model property."""
    lines = (DATA / "lexicon" / "quantities.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(entity_key(line) for line in lines if line.strip() and not line.startswith("#"))


def drop_non_evaluation(
    G: nx.MultiDiGraph, details: DetailTable | None = None, drop_unlinked: bool = True
) -> nx.MultiDiGraph:
    """Drop `measuredBy` links to a quantity the paper does not evaluate with: "the number of
    parameters in large language models", "binary cross-entropy as a regularization". A link
    stays when the paper reports a value of it, or its sentence (link evidence from `details`
    when given) evaluates and does not train with it; with `drop_unlinked`, entities left
    unlinked go too. In place; returns `G`."""
    quantities = _quantities()
    drop = []
    for u, v, key, data in G.edges(keys=True, data=True):
        name = str(G.nodes[v].get("name", ""))
        if key != "measuredBy" or not {entity_key(name), entity_key(name.split()[-1] if name else "")} & quantities:
            continue
        valued = any(G.nodes[r].get("metric") == v for _, r, k in G.out_edges(u, keys=True) if k == "reports")
        full = details.link(u, data) if details is not None else data
        sentence = str(full.get("sentence", ""))
        text = str(full.get("text", ""))
        rest = sentence.replace(text, " ", 1)
        if not valued and (not _EVALUATES.search(rest) or _TRAINS_WITH.search(rest)):
            drop.append((u, v, key))
    G.remove_edges_from(drop)
    if drop_unlinked:
        _drop_unlinked(G)
    return G


def _drop_unlinked(G: nx.MultiDiGraph) -> None:
    """Remove entities no paper links any more, and results whose metric went with them."""
    gone = {n for n, t in G.nodes(data="type") if t in LABELS
            and not any(k in LINK_PREDICATES for _, _, k in G.in_edges(n, keys=True))}
    if not gone:
        return
    for n, data in list(G.nodes(data=True)):
        if data.get("type") != "Result":
            continue
        if data.get("metric") in gone:
            G.remove_node(n)
            continue
        for attr in ("method", "dataset"):
            if data.get(attr) in gone:
                data[attr] = ""
    G.remove_nodes_from(gone)
