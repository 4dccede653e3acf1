#!/usr/bin/env python3
"""Build ``kg/data/termhood.json``: how often words and phrases name entities in the training corpora.

Usage::

    .venv/bin/python scripts/termhood.py                 # reads ../shared/data, writes kg/data/termhood.json
    .venv/bin/python scripts/termhood.py --shared DIR --out FILE

The graph's admission step (`kg.admission`) reads it to tell a named method or task
("optimal transport", "catastrophic forgetting") from a descriptive phrase the model
found ("image patches", "explicit bound"). Inputs, training splits only (no dev,
held-out or test text): SciREX train full text (every annotated mention and its salient
entity names), SciERC train, TDMSci train minus the held-out split `kg eval --heldout`
scores, CS-NER (Papers with Code) train titles.

Output (sorted, byte-identical between runs)::

    {"head": {word: [n_entity_heads, n_tokens]},        # last word of a Method/Task span
     "head_labels": {word: {label: n}},                 # last word of a span, by label
     "first": {word: [n_entity_starts, n_tokens]},      # first word of any span
     "known": {entity_key: [n_docs, n_salient_docs]},   # spans seen in >= 2 documents
     "sources": [...]}
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.eval.gold import read_conll, read_scierc  # noqa: E402
from kg.eval.train import split_heldout  # noqa: E402
from kg.resolve import entity_key  # noqa: E402

HEAD_LABELS = {"Method", "Task"}
MIN_HEADS = 3  # a word kept in "head" ends at least this many spans
MIN_DOCS = 2  # a phrase kept in "known" is annotated in at least this many documents


def _docs(shared: Path) -> Iterator[tuple[str, list[str], list[tuple[int, int, str]], set[str]]]:
    """(doc id, lower-case tokens, spans (start, end exclusive, label), salient entity keys)."""
    for f in sorted((shared / "scirex" / "train_docs").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        label = {"Material": "Dataset"}
        spans = [(s, e, label.get(lab, lab)) for s, e, lab in d["ner"]]
        salient = {entity_key(name.replace("_", " ")) for name in d["coref"]}
        yield "scirex:" + d["doc_id"], [w.lower() for w in d["words"]], spans, salient
    corpora = [("scierc", read_scierc(shared / "scierc" / "train.json")),
               ("tdmsci", split_heldout(read_conll(shared / "tdmsci" / "train_1500_v2.conll"))[0]),
               ("csner", read_conll(shared / "csner-pwc" / "train.data"))]
    for name, docs in corpora:
        for doc in docs:
            yield from _char_doc(f"{name}:{doc.id}", doc.text, doc.spans)


def _char_doc(doc_id: str, text: str, spans: tuple[tuple[int, int, str], ...]) -> Iterator[
        tuple[str, list[str], list[tuple[int, int, str]], set[str]]]:
    """A character-offset gold doc as whitespace tokens and token spans."""
    starts, tokens, pos = [], [], 0
    for word in text.split():
        pos = text.index(word, pos)
        starts.append(pos)
        tokens.append(word.lower())
        pos += len(word)
    tok_spans = []
    for s, e, lab in spans:
        first = max((i for i, st in enumerate(starts) if st <= s), default=0)
        last = max((i for i, st in enumerate(starts) if st < e), default=first)
        tok_spans.append((first, last + 1, lab))
    yield doc_id, tokens, tok_spans, set()


def _word(token: str) -> str:
    return token.strip(".,;:()[]{}\"'").lower()


def build(shared: Path) -> dict[str, object]:
    heads: Counter[str] = Counter()
    head_labels: dict[str, Counter[str]] = defaultdict(Counter)
    firsts: Counter[str] = Counter()
    tokens: Counter[str] = Counter()
    docs_of: dict[str, set[str]] = defaultdict(set)
    salient_of: dict[str, set[str]] = defaultdict(set)
    for doc_id, words, spans, salient in _docs(shared):
        tokens.update(_word(w) for w in words)
        for s, e, lab in spans:
            if e <= s:
                continue
            firsts[_word(words[s])] += 1
            head_labels[_word(words[e - 1])][lab] += 1
            if lab in HEAD_LABELS:
                heads[_word(words[e - 1])] += 1
            key = entity_key(" ".join(words[s:e]))
            if key:
                docs_of[key].add(doc_id)
        for key in salient:
            salient_of[key].add(doc_id)
    return {
        "head": {w: [n, tokens[w]] for w, n in sorted(heads.items()) if n >= MIN_HEADS and w},
        "head_labels": {w: dict(sorted(c.items())) for w, c in sorted(head_labels.items())
                        if sum(c.values()) >= MIN_HEADS and w},
        "first": {w: [n, tokens[w]] for w, n in sorted(firsts.items()) if n >= MIN_HEADS and w},
        "known": {k: [len(docs_of[k] | salient_of[k]), len(salient_of[k])]
                  for k in sorted(set(docs_of) | set(salient_of))
                  if len(docs_of[k] | salient_of[k]) >= MIN_DOCS or salient_of[k]},
        "sources": ["SciREX train (Apache-2.0)", "SciERC train", "TDMSci train minus held-out (Apache-2.0)",
                    "CS-NER PwC train titles (CC BY-SA 4.0)"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "termhood.json")
    args = ap.parse_args()
    shared = args.shared / "data" if (args.shared / "data").is_dir() else args.shared
    data = build(shared)
    args.out.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{args.out}: {len(data['head'])} heads, {len(data['first'])} first words, "  # type: ignore[arg-type]
          f"{len(data['known'])} known phrases")


if __name__ == "__main__":
    main()
