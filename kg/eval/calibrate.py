"""Fit the graph's admission model and confidence table on hand-annotated abstracts.

Builds the graph of the gold papers *without* admission, labels every paper → entity
link right or wrong against the gold (`kg.eval.links`), fits a logistic model of
nameness on the model-only links (L2-regularized, scipy), picks the threshold that
maximizes F-beta (beta 0.5: precision weighs more, as a wrong node misleads every query
that reads it) on those links, and measures each other component's precision per type.
``scripts/fit_admission.py`` writes the result to ``kg/data/admission.json``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from kg.admission import AdmissionModel, link_features, model_only
from kg.eval.links import GoldPaper, graph_links, match_links
from kg.model import LINK_PREDICATES

__all__ = ["LinkRow", "choose_threshold", "fit_model", "fit_weights", "link_rows", "precision_table"]

MIN_LINKS = 5  # a (component, type) precision is measured on at least this many links


@dataclass(frozen=True)
class LinkRow:
    """One paper → entity link of a graph, its features and whether the gold agrees."""

    paper: str
    node: str
    label: str
    component: str
    features: tuple[float, ...]
    correct: bool


def link_rows(papers: Sequence[GoldPaper], G: nx.MultiDiGraph) -> list[LinkRow]:
    """Every entity link of the gold papers in `G` (`kg.eval.links.graph_links`), labelled
    against the gold; a link's features are read from its first edge."""
    links_of = graph_links(G)
    rows = []
    for paper in papers:
        links = links_of.get(paper.id)
        if links is None:
            continue
        spurious, _ = match_links(paper.entities, links)
        wrong = {lk.node for lk in spurious}
        for lk in links:
            data = next(d for k, d in G[f"paper:{paper.id}"][lk.node].items() if k in LINK_PREDICATES)
            component = str(data.get("component", ""))
            feats = link_features(str(G.nodes[lk.node].get("name", "")), str(data.get("text", "")),
                                  str(data.get("sentence", "")), lk.label, float(data.get("score", 0.0)), component)
            rows.append(LinkRow(paper.id, lk.node, lk.label, component, tuple(feats), lk.node not in wrong))
    return rows


def fit_weights(rows: Sequence[LinkRow], l2: float = 1.0) -> tuple[float, ...]:
    """L2-regularized logistic regression of `correct` on the features (bias not penalized)."""
    from scipy.optimize import minimize

    X = np.array([r.features for r in rows], dtype=float)
    y = np.array([r.correct for r in rows], dtype=float)
    penalty = np.full(X.shape[1], l2)
    penalty[0] = 0.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = X @ w
        p = 1.0 / (1.0 + np.exp(-z))
        nll = float(np.sum(np.logaddexp(0.0, z) - y * z)) + 0.5 * float(np.sum(penalty * w * w))
        return nll, X.T @ (p - y) + penalty * w

    res = minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B")
    return tuple(float(w) for w in res.x)


def choose_threshold(
    rows: Sequence[LinkRow], weights: Sequence[float], beta: float = 0.5, fixed: Sequence[LinkRow] = (),
    target: float | None = None,
) -> float:
    """The nameness threshold for the links `rows` the model decides, with `fixed` the links it
    keeps anyway: the lowest one whose kept links (decided and fixed) reach precision `target`
    when given and reachable, else the one that maximizes their F-beta."""
    model = AdmissionModel(tuple(weights))
    scored = sorted(((model.nameness(r.features), r.correct) for r in rows), reverse=True)
    fixed_right = sum(r.correct for r in fixed)
    positives = sum(c for _, c in scored) + fixed_right
    best, best_t, tp, reached = -1.0, 0.5, fixed_right, None
    for i, (p, correct) in enumerate(scored, 1):
        tp += correct
        prec, rec = tp / (i + len(fixed)), tp / positives if positives else 0.0
        f = (1 + beta**2) * prec * rec / (beta**2 * prec + rec) if prec + rec else 0.0
        if f > best:
            best, best_t = f, p
        if target is not None and prec >= target:
            reached = p
    return round(reached if reached is not None else best_t, 4)


def precision_table(rows: Sequence[LinkRow], strength: float = 5.0) -> dict[tuple[str, str], float]:
    """Measured precision per (component, type), shrunk towards the component's precision over
    all types (itself shrunk towards that of every corroborated link) by `strength` links."""
    overall = (sum(r.correct for r in rows) + 1) / (len(rows) + 2)
    by_component: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        for c in (by_component[r.component], counts[r.component, r.label]):
            c[0] += r.correct
            c[1] += 1
    prior = {k: (right + strength * overall) / (n + strength) for k, (right, n) in by_component.items()}
    return {
        (comp, lab): round((right + strength * prior[comp]) / (n + strength), 4)
        for (comp, lab), (right, n) in sorted(counts.items()) if n >= MIN_LINKS
    }


def fit_model(
    rows: Sequence[LinkRow], l2: float = 1.0, beta: float = 0.5, floor: float = 0.5, scope: str = "model-only",
    target: float | None = None,
) -> AdmissionModel:
    """The admission model of `rows` (links of a graph assembled with candidates from `floor` on),
    deciding the links of `scope` ("model-only" or "all"), its threshold set for precision
    `target` of all kept links (or the best F-beta)."""
    candidates = [r for r in rows if scope == "all" or model_only(r.component)]
    if not candidates:
        raise ValueError("no model-only links to fit on")
    weights = fit_weights(candidates, l2)
    corroborated = [r for r in rows if not model_only(r.component)]
    fixed = [] if scope == "all" else corroborated
    return AdmissionModel(weights, choose_threshold(candidates, weights, beta, fixed, target), floor, scope,
                          precision_table(corroborated))
