"""Score extracted mentions against gold documents (precision / recall / F1).

Two measures, both per label and micro-averaged over the scored labels:

``span``
    exact match of ``(start, end, label)`` character spans; only documents whose
    gold has offsets (:attr:`kg.eval.gold.GoldDoc.has_offsets`) count.
``mention``
    per-document unique mentions: each document contributes the *set* of
    ``(label, normalized text)`` it contains (normalization = lower-case and all
    whitespace removed), so a mention repeated in an abstract counts once. This is
    the measure that matters for the graph (a paper either links to an entity or not).

>>> from kg.eval.gold import GoldDoc
>>> gold = [GoldDoc("d1", "BERT on SQuAD", ((0, 4, "Method"), (8, 13, "Dataset")))]
>>> pred = [[(0, 4, "Method", "BERT"), (7, 13, "Dataset", " SQuAD"), (0, 4, "Task", "BERT")]]
>>> s = score(gold, pred)
>>> s["labels"], s["span"]["micro"]["p"], s["span"]["micro"]["r"], s["mention"]["micro"]["f1"]
(['Dataset', 'Method'], 0.5, 0.5, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kg.eval.gold import GoldDoc, normalize_mention, read_gold

__all__ = ["MEASURES", "Prediction", "evaluate", "format_errors", "format_table", "mention_errors", "prf", "score"]

#: one predicted mention: (start, end, label, text), character offsets into the doc text
Prediction = tuple[int, int, str, str]
MEASURES = ("span", "mention")


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 from counts (0.0 where undefined).

    >>> prf(1, 1, 2)
    {'p': 0.5, 'r': 0.3333333333333333, 'f1': 0.4, 'tp': 1, 'fp': 1, 'fn': 2}
    """
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _count(
    pairs: Iterable[tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]],
    labels: Sequence[str],
    label_of: Callable[[tuple[Any, ...]], str],
) -> dict[str, dict[str, float | int]]:
    counts = {lab: [0, 0, 0] for lab in labels}
    for gold, pred in pairs:
        for item in pred:
            c = counts[label_of(item)]
            c[0 if item in gold else 1] += 1
        for item in gold - pred:
            counts[label_of(item)][2] += 1
    out = {lab: prf(*c) for lab, c in counts.items()}
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    out["micro"] = prf(*total)
    return out


def score(
    gold_docs: Sequence[GoldDoc],
    predicted: Sequence[Sequence[Prediction]],
    labels: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Score `predicted` (aligned with `gold_docs`) against the gold.

    `labels` restricts scoring to those labels (gold and predicted mentions of other
    labels are ignored); by default the labels that occur in the gold are scored, so a
    Method prediction is not counted against a corpus that annotates no methods.

    Returns ``{"labels", "n_docs", "n_span_docs", "span": {label|"micro": prf},
    "mention": {...}}``; ``span`` is None when no gold document has offsets.
    """
    if len(gold_docs) != len(predicted):
        raise ValueError(
            f"{len(predicted)} predictions for {len(gold_docs)} gold documents; "
            "pass one list of mentions per gold document, in order"
        )
    labs = _scored_labels(gold_docs, labels)
    keep = set(labs)

    span_pairs = []
    mention_pairs = []
    for doc, preds in zip(gold_docs, predicted, strict=True):
        pred = [p for p in preds if p[2] in keep]
        if doc.has_offsets:
            g = {(s, e, lab) for s, e, lab in doc.spans if lab in keep}
            span_pairs.append((g, {(s, e, lab) for s, e, lab, _ in pred}))
        mention_pairs.append((doc.mention_set(keep), _predicted_mentions(pred, keep)))

    return {
        "labels": labs,
        "n_docs": len(gold_docs),
        "n_span_docs": len(span_pairs),
        "span": _count(span_pairs, labs, lambda x: x[2]) if span_pairs else None,
        "mention": _count(mention_pairs, labs, lambda x: x[0]),
    }


def _predicted_mentions(preds: Iterable[Prediction], keep: set[str]) -> set[tuple[str, str]]:
    """The ``(label, normalized text)`` set of predictions, as :meth:`GoldDoc.mention_set` for gold."""
    return {(lab, normalize_mention(t)) for _, _, lab, t in preds if lab in keep and normalize_mention(t)}


def _scored_labels(gold_docs: Sequence[GoldDoc], labels: Iterable[str] | None) -> list[str]:
    if labels is None:
        return sorted(set().union(*(d.labels() for d in gold_docs))) if gold_docs else []
    return list(dict.fromkeys(labels))


def mention_errors(
    gold_docs: Sequence[GoldDoc],
    predicted: Sequence[Sequence[Prediction]],
    labels: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Per document with errors, by the mention measure: the gold mentions the prediction
    missed and the predicted ones the gold lacks, as ``(label, text)`` in document order.

    >>> gold = [GoldDoc("d1", "BERT on SQuAD", ((0, 4, "Method"), (8, 13, "Dataset")))]
    >>> mention_errors(gold, [[(0, 4, "Method", "BERT"), (0, 13, "Dataset", "BERT on SQuAD")]])
    [{'id': 'd1', 'missed': [('Dataset', 'SQuAD')], 'spurious': [('Dataset', 'BERT on SQuAD')]}]
    """
    keep = set(_scored_labels(gold_docs, labels))
    out = []
    for doc, preds in zip(gold_docs, predicted, strict=True):
        gold, pred = doc.mention_set(keep), _predicted_mentions(preds, keep)
        gold_texts = [(lab, doc.text[s:e]) for s, e, lab in doc.spans] + list(doc.mentions)
        missed = [(lab, t) for lab, t in gold_texts if (lab, normalize_mention(t)) in gold - pred]
        spurious = [(lab, t) for _, _, lab, t in preds if (lab, normalize_mention(t)) in pred - gold]
        if missed or spurious:
            out.append({"id": doc.id, "missed": list(dict.fromkeys(missed)), "spurious": list(dict.fromkeys(spurious))})
    return out


def format_errors(errors: Sequence[dict[str, Any]]) -> str:
    """The missed and spurious mentions of each document, one per line."""
    lines = []
    for err in errors:
        lines.append(f"== {err['id']}")
        lines += [f"  missed    {lab:<8} {text}" for lab, text in err["missed"]]
        lines += [f"  spurious  {lab:<8} {text}" for lab, text in err["spurious"]]
    return "\n".join(lines)


def format_table(scores: dict[str, Any]) -> str:
    """A plain-text table: one row per label plus micro, P/R/F1 for both measures.

    >>> from kg.eval.gold import GoldDoc
    >>> print(format_table(score([GoldDoc("d", "x", ((0, 1, "Task"),))], [[(0, 1, "Task", "x")]])))
    label      | span P  span R  span F1 | ment P  ment R  ment F1 | gold
    Task       |  1.000   1.000   1.000  |  1.000   1.000   1.000  |    1
    micro      |  1.000   1.000   1.000  |  1.000   1.000   1.000  |    1
    """
    head = (
        f"{'label':<10} | {'span P':>6}  {'span R':>6}  {'span F1':>7} | "
        f"{'ment P':>6}  {'ment R':>6}  {'ment F1':>7} | {'gold':>4}"
    )
    lines = [head]
    for lab in [*scores["labels"], "micro"]:
        cells = []
        for measure in MEASURES:
            m = scores.get(measure)
            if m is None:
                cells.append(f"{'-':>6}  {'-':>6}  {'-':>7}")
            else:
                r = m[lab]
                cells.append(f"{r['p']:>6.3f}  {r['r']:>6.3f}  {r['f1']:>6.3f} ")
        ment = scores["mention"][lab]
        lines.append(f"{lab:<10} | {cells[0]} | {cells[1]} | {ment['tp'] + ment['fn']:>4}")
    return "\n".join(lines)


def evaluate(
    path: str | Path,
    predict: Callable[[list[str]], Sequence[Sequence[Prediction]]],
    fmt: str | None = None,
    labels: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Read gold from `path`, run `predict` on the document texts and score it.

    `predict` takes the list of texts and returns, per text, a list of
    ``(start, end, label, text)`` mentions — any extractor fits (an NER model, the
    full pipeline, a gazetteer).
    """
    docs = read_gold(path, fmt)
    preds = predict([d.text for d in docs])
    return score(docs, list(preds), labels)
