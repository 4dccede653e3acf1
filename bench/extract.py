#!/usr/bin/env python3
"""Extraction speed on one core against the physical floor: bare spaCy tokenization.

Runs the full extraction (`kg.nlp.extract.extract_papers`: pipeline + resolution into
records) and `spacy.blank("en")` tokenization alone over the same texts (title +
abstract), each in this one process, and prints papers/s, tokens/s and their ratio.

Usage::

    .venv/bin/python bench/extract.py bench/work/corpus-10000.jsonl --limit 5000
    .venv/bin/python bench/extract.py seeds/ --gazetteer /tmp/gz --json
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/ holds scripts named like stdlib modules (html.py): never import from it
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def measure(inputs: list[str], limit: int | None, use_model: bool, gazetteer: str | None,
            repeat: int = 1, model: str | None = None) -> dict:
    import spacy

    from kg.build.executors import PipelineSpec
    from kg.ingest import read_papers
    from kg.nlp.extract import SEPARATOR, extract_papers
    from kg.nlp.gazetteer import DEFAULT_PATH as GAZETTEER_PATH
    from kg.nlp.pipeline import build_pipeline

    papers = list(itertools.islice(read_papers(inputs), limit))
    texts = [p.title + SEPARATOR + p.abstract if p.title and p.abstract else p.title or p.abstract
             for p in papers]
    t0 = time.perf_counter()
    if model is None:
        nlp = PipelineSpec(use_model=use_model, gazetteer_path=gazetteer).load()
    else:
        nlp = build_pipeline(model_path=Path(model), gazetteer_path=Path(gazetteer) if gazetteer else GAZETTEER_PATH)
    load_s = time.perf_counter() - t0
    best_tok = best_ext = float("inf")
    tokens = mentions = 0
    for _ in range(repeat):
        blank = spacy.blank("en")  # fresh each time: a warm tokenizer cache is ~10x faster
        t0 = time.perf_counter()
        tokens = sum(len(doc) for doc in blank.pipe(texts, batch_size=64))
        best_tok = min(best_tok, time.perf_counter() - t0)
        t0 = time.perf_counter()
        mentions = sum(len(r.entities) for r in extract_papers(papers, nlp))
        best_ext = min(best_ext, time.perf_counter() - t0)
    n = len(papers)
    return {
        "papers": n,
        "tokens": tokens,
        "mentions": mentions,
        "pipeline": nlp.pipe_names,
        "load_pipeline_s": round(load_s, 3),
        "tokenize_s": round(best_tok, 3),
        "extract_s": round(best_ext, 3),
        "tokenize_papers_per_s": round(n / best_tok, 1),
        "tokenize_tokens_per_s": round(tokens / best_tok),
        "extract_papers_per_s": round(n / best_ext, 1),
        "extract_tokens_per_s": round(tokens / best_ext),
        "extract_vs_tokenize": round(best_tok / best_ext, 4),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*", default=[str(ROOT / "seeds")])
    ap.add_argument("--limit", type=int, default=None, help="first N papers only")
    ap.add_argument("--no-model", action="store_true", help="rules + gazetteer only")
    ap.add_argument("--gazetteer", default=None, help="gazetteer directory (default: the shipped one)")
    ap.add_argument("--model", default=None, help="NER model: a spaCy pipeline or a directory of member* ones")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    res = measure(args.inputs, args.limit, not args.no_model, args.gazetteer, args.repeat, args.model)
    if args.json:
        print(json.dumps(res))
        return
    print(f"{res['papers']} papers, {res['tokens']} tokens, pipeline {res['pipeline']}")
    print(f"  tokenization only: {res['tokenize_papers_per_s']:>9.1f} papers/s "
          f"{res['tokenize_tokens_per_s']:>10} tokens/s")
    print(f"  full extraction:   {res['extract_papers_per_s']:>9.1f} papers/s "
          f"{res['extract_tokens_per_s']:>10} tokens/s")
    print(f"  extraction / tokenization: {100 * res['extract_vs_tokenize']:.1f}%")


if __name__ == "__main__":
    main()
