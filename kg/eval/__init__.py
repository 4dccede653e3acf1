"""Evaluation: score extraction against gold mentions, and a graph's links against gold links.

`evaluate` and `evaluate_graph` are what ``kg eval`` runs; both return the scores as a dict
(the ``--json`` output) and leave printing to the caller. Gold readers are in `kg.eval.gold`
and `kg.eval.links`, scoring in `kg.eval.scoring`, NER training in `kg.eval.train`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.model import LABELS

__all__ = ["evaluate", "evaluate_graph", "labels_named"]


def labels_named(labels: str | Sequence[str] | None) -> list[str] | None:
    """`labels` ("Method,task" or a list) spelled as kg spells them; a one-line error for any other."""
    if not labels:
        return None
    known = {label.lower(): label for label in LABELS}
    given = [x.strip() for x in (labels.split(",") if isinstance(labels, str) else labels) if x.strip()]
    unknown = [x for x in given if x.lower() not in known]
    if unknown:
        raise KGError(f"--labels: unknown label {', '.join(unknown)}; use some of {','.join(LABELS)}")
    return [known[x.lower()] for x in given] or None


def evaluate(
    gold: str | Path,
    fmt: str | None = None,
    *,
    labels: str | Sequence[str] | None = None,
    heldout: bool = False,
    min_score: float = 0.0,
    use_model: bool = True,
    model: str | Path | None = None,
    errors: int = 0,
) -> dict[str, Any]:
    """Mention P/R/F1 per label of the pipeline (or of NER `model`) on a gold file.

    `fmt` is scierc, conll or jsonl (default: detected); `heldout` scores only the split
    training never sees; `errors` > 0 adds the missed and spurious mentions of the first
    `errors` documents that have any, under ``"errors"``.
    """
    from kg.eval.gold import read_gold
    from kg.eval.scoring import mention_errors, score
    from kg.eval.train import split_heldout
    from kg.nlp.extract import predict_mentions
    from kg.nlp.pipeline import build_pipeline, load_pipeline
    from kg.nlp.vote import member_paths

    wanted = labels_named(labels)
    if not 0.0 <= min_score <= 1.0:
        raise KGError(f"--min-score is a confidence between 0 and 1, not {min_score:g}")
    gold = Path(gold)
    if not gold.exists():
        raise KGError(f"{gold}: no such gold file; check the --gold path")
    try:
        docs = read_gold(gold, fmt)
    except (ValueError, KeyError, OSError) as exc:
        raise KGError(f"{gold}: cannot read gold data ({exc}); check --format") from None
    if heldout:
        docs = split_heldout(docs)[1]
    if model is not None and not member_paths(Path(model)):
        raise KGError(f"{model}: not a spaCy pipeline or a directory of member* pipelines; check --model")
    nlp = build_pipeline(model_path=Path(model)) if model is not None and use_model else load_pipeline(use_model)
    predicted = predict_mentions(nlp, [d.text for d in docs], min_score=min_score)
    scores = score(docs, predicted, wanted)
    if errors > 0:
        scores["errors"] = mention_errors(docs, predicted, wanted)[:errors]
    return scores


def evaluate_graph(
    gold: str | Path,
    split: str | None = None,
    *,
    build: str | Path | None = None,
    labels: str | Sequence[str] | None = None,
    use_model: bool = True,
    errors: int = 0,
) -> dict[str, Any]:
    """Link P/R per label of a graph against a link gold file, with a reliability table.

    The graph is the kg build output `build`, or else a graph built now from the gold
    papers (of `split` only, when given). `errors` > 0 adds the spurious and missed links
    of the first `errors` papers that have any, under ``"errors"``.
    """
    from kg.eval.links import graph_links, link_errors, read_link_gold, reliability, score_links

    wanted = labels_named(labels) or list(LABELS)
    gold = Path(gold)
    if not gold.exists():
        raise KGError(f"{gold}: no such gold file; check the --gold path")
    papers = read_link_gold(gold, split)
    if build is not None:
        from kg.load import load_graph

        G = load_graph(build)
    else:
        from kg.graph import build_graph
        from kg.nlp.extract import extract_papers
        from kg.nlp.pipeline import load_pipeline

        G = build_graph(extract_papers([p.paper() for p in papers], load_pipeline(use_model)))
    links = graph_links(G)
    scores = {**score_links(papers, links, wanted), "reliability": reliability(papers, links)}
    if errors > 0:
        scores["errors"] = link_errors(papers, links, wanted)[:errors]
    return scores
