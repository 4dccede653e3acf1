#!/usr/bin/env python3
"""Fit the graph's admission model on the annotated abstracts; write ``kg/data/admission.json``.

Usage::

    .venv/bin/python scripts/fit_admission.py                     # dev split of kg/data/gold/graph_dev.jsonl
    .venv/bin/python scripts/fit_admission.py --folds 5 --dry-run  # cross-validated figures only

Prints the fitted weights, the threshold, link precision / recall of the graph without
and with admission on the fitting papers, the same figures cross-validated by paper
(fitted on the other folds), and the reliability table (stated confidence against
measured precision).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.admission import FEATURES, admit  # noqa: E402
from kg.eval.calibrate import fit_model, link_rows  # noqa: E402
from kg.eval.links import format_link_table, graph_links, read_link_gold, reliability, score_links  # noqa: E402
from kg.graph import assemble_graph  # noqa: E402
from kg.nlp.extract import extract_papers  # noqa: E402
from kg.nlp.pipeline import load_pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "kg" / "data" / "gold" / "graph_dev.jsonl")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "admission.json")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--beta", type=float, default=0.5)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--floor", type=float, default=0.45, help="model-only mentions from this score on are candidates")
    ap.add_argument("--scope", choices=("model-only", "all"), default="model-only",
                    help="which links the model decides (the others keep their measured precision)")
    ap.add_argument("--target", type=float, default=0.87,
                    help="set the threshold for this precision of all kept links (else the best F-beta)")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = ap.parse_args()

    papers = read_link_gold(args.gold, args.split)
    records = list(extract_papers([p.paper() for p in papers], load_pipeline()))
    raw = assemble_graph(records, candidate_floor=args.floor)
    rows = link_rows(papers, raw)
    model = fit_model(rows, args.l2, args.beta, args.floor, args.scope, args.target)
    print("weights:", ", ".join(f"{f} {w:+.2f}" for f, w in zip(FEATURES, model.weights, strict=True)))
    print(f"threshold {model.threshold}; calibrated components: {len(model.precision)}")
    print("\nwithout admission:\n" + format_link_table(score_links(papers, graph_links(assemble_graph(records)))))
    admitted = graph_links(admit(raw.copy(), model))
    print("\nwith admission (fitted on these papers):\n" + format_link_table(score_links(papers, admitted)))
    if args.folds > 1:
        links: dict[str, list] = {}
        for k in range(args.folds):
            test = {p.id for i, p in enumerate(papers) if i % args.folds == k}
            fold = fit_model([r for r in rows if r.paper not in test], args.l2, args.beta, args.floor, args.scope,
                             args.target)
            G = admit(raw.copy(), fold)
            links.update({pid: lk for pid, lk in graph_links(G).items() if pid in test})
        print(f"\ncross-validated ({args.folds} folds by paper):\n" + format_link_table(score_links(papers, links)))
    print("\nreliability (stated confidence vs measured precision):")
    for row in reliability(papers, admitted):
        print(f"  {row['bin']}: {row['links']:4d} links, stated {row['stated']}, measured {row['measured']}")
    if not args.dry_run:
        args.out.write_text(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n")
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
