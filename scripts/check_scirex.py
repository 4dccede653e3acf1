"""Check proposed methods and result records against SciREX train annotations.

SciREX (Jain et al. 2020, Apache-2.0) annotates each paper's result tuples (method,
dataset, metric, score). This script runs the full pipeline on the title and first
section of the 306 train papers and prints two agreement figures:

- papers with a proposed method (score >= 0.5), and how many of those name a method of
  the paper's result tuples (any spelling of its coreference cluster; strict, since
  clusters are often variants such as "ResNeXt-101" for "ResNeXt");
- result records, and how many have a value that is one of the paper's annotated scores
  (SciREX annotates only the main results, so this is a lower bound on precision).

Usage: ``python scripts/check_scirex.py [--shared ../shared] [--list]``
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from kg.eval.gold import detokenize, normalize_mention
from kg.nlp.extract import extract_papers
from kg.nlp.pipeline import load_pipeline
from kg.records import Paper


def read_papers(folder: Path) -> tuple[list[Paper], dict[str, set[str]], dict[str, set[float]]]:
    """Papers (title = first sentence, abstract = rest of the first section), the spellings
    of their result-tuple methods, and their annotated score values."""
    papers, methods, scores = [], {}, {}
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        words, sections = doc["words"], doc["sections"]
        t0, t1 = doc["sentences"][0]
        end = sections[0][1] if sections[0][1] - sections[0][0] >= 30 or len(sections) < 2 else sections[1][1]
        title = words[t0:t1][2:] if words[t0:t1][:2] == ["document", ":"] else words[t0:t1]
        body = words[t1:end]
        if body[:2] == ["section", ":"]:
            body = body[2:]
        if body[:1] and body[0].lower() == "abstract":
            body = body[1:]
        papers.append(Paper(id=doc["doc_id"], title=detokenize(title, glue_hyphens=True)[0],
                            abstract=detokenize(body, glue_hyphens=True)[0]))
        names, values = set(), set()
        for rel in doc["n_ary_relations"]:
            names.add(normalize_mention(rel["Method"].replace("_", " ")))
            names.update(normalize_mention(" ".join(words[s:e])) for s, e in doc["coref"].get(rel["Method"], []))
            values.update(round(float(v), 3) for v in re.findall(r"\d+(?:\.\d+)?", str(rel.get("score", ""))))
        methods[doc["doc_id"]], scores[doc["doc_id"]] = names, values
    return papers, methods, scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default="../shared", help="folder holding data/ (default ../shared)")
    ap.add_argument("--list", action="store_true", help="print every proposed method and result")
    args = ap.parse_args()
    papers, methods, scores = read_papers(Path(args.shared) / "data" / "scirex" / "train_docs")
    with_proposed = named_right = n_results = results_right = 0
    for rec in extract_papers(papers, load_pipeline(True)):
        pid = rec.paper.id
        proposed = {m.text for m in rec.entities if m.role == "proposed" and m.label == "Method" and m.score >= 0.5}
        if proposed:
            with_proposed += 1
            right = any(normalize_mention(re.sub(r"\s*\(.*\)$", "", p)) in methods[pid] for p in proposed)
            named_right += right
            if args.list:
                print("proposed", right, pid[:8], sorted(proposed))
        for res in rec.results:
            n_results += 1
            right = round(res.value, 3) in scores[pid]
            results_right += right
            if args.list:
                print("result", right, pid[:8], res.text, res.metric, res.method, res.dataset)
    print(f"papers {len(papers)}: a proposed method for {with_proposed}, "
          f"{named_right} of them a method of the paper's result tuples")
    print(f"result records {n_results}: {results_right} with a value among the paper's annotated scores")


if __name__ == "__main__":
    main()
