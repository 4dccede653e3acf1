"""Pretrain the NER's tok2vec with `spacy pretrain` (characters objective); see docs/experiments/ner.md.

    python scripts/pretrain_encoder.py OUT --shared ../shared --max-epochs 4

writes ``OUT/raw.jsonl`` (SciREX train full text + SciERC train + TDMSci train split +
CS-NER train titles, via :func:`kg.eval.train.unlabelled_lines`; no dev, held-out or test
text; chunks of whole sentences up to 200 words), ``OUT/pretrain.cfg`` (``kg/data/ner.cfg``
+ ``scripts/pretrain_encoder.cfg``, static vectors off as in the shipped recipe) and
``OUT/weights/model{E}.bin`` after each epoch E. A model is then trained from those weights
with that same config (it must keep the [pretraining] block, or spaCy ignores init_tok2vec):

    kg train OUT/pretrained --shared ../shared --corpora scierc,scirex,tdmsci --no-vectors \
        --silver SILVER/model-best --config OUT/pretrain.cfg --set paths.init_tok2vec=OUT/weights/model3.bin

Pretraining scored no better than the same recipe without it, so none of this is part of
``kg train``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from thinc.api import Config

from kg.eval.train import DEFAULT_CONFIG, UNLABELLED_CORPORA, load_corpora, unlabelled_lines

PRETRAIN_BLOCK = Path(__file__).with_suffix(".cfg")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--max-epochs", type=int, default=4, help="epochs over the text (measured: 4)")
    ap.add_argument("--chunk-words", type=int, default=200)
    ap.add_argument("--text-only", action="store_true", help="write raw.jsonl and the config, do not pretrain")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    corpora = load_corpora(args.shared)
    texts = [d.text for name in UNLABELLED_CORPORA for d in corpora[name]]
    n_words = n_docs = 0
    with (out / "raw.jsonl").open("w", encoding="utf-8") as fh:
        chunk: list[str] = []
        size = 0
        for line in unlabelled_lines(args.shared, texts):
            n = line.count(" ") + 1
            if chunk and size + n > args.chunk_words:
                fh.write(json.dumps({"text": " ".join(chunk)}) + "\n")
                n_docs += 1
                chunk, size = [], 0
            chunk.append(line)
            size += n
            n_words += n
        if chunk:
            fh.write(json.dumps({"text": " ".join(chunk)}) + "\n")
            n_docs += 1
    print(f"raw text: {n_words} words in {n_docs} chunks", file=sys.stderr)

    cfg = Config().from_disk(DEFAULT_CONFIG, interpolate=False)
    cfg = cfg.merge(Config().from_disk(PRETRAIN_BLOCK, interpolate=False))
    cfg["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = False  # as the shipped recipe
    cfg["paths"]["raw_text"] = str(out / "raw.jsonl")
    cfg["pretraining"]["max_epochs"] = args.max_epochs
    cfg.to_disk(out / "pretrain.cfg")
    if args.text_only:
        return 0

    from spacy.training.pretrain import pretrain
    from spacy.util import load_config

    weights = out / "weights"
    weights.mkdir(exist_ok=True)
    pretrain(load_config(out / "pretrain.cfg", interpolate=True), weights, silent=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
