"""kg.eval.train helpers that need no training: held-out split, unlabelled text, pretraining config."""

from __future__ import annotations

import json
from pathlib import Path

from thinc.api import Config

from kg.eval.gold import GoldDoc
from kg.eval.train import DEFAULT_CONFIG, split_heldout, unlabelled_lines

ROOT = Path(__file__).resolve().parents[1]


def test_split_heldout_is_seeded_and_disjoint() -> None:
    docs = [GoldDoc(str(i), f"text {i}") for i in range(200)]
    train, held = split_heldout(docs)
    assert len(held) == 20 and len(train) == 180
    assert {d.id for d in train}.isdisjoint({d.id for d in held})
    assert split_heldout(docs)[1] == held


def test_unlabelled_lines_scirex_sentences_then_tokenized_texts(tmp_path: Path) -> None:
    docs = tmp_path / "data" / "scirex" / "train_docs"
    docs.mkdir(parents=True)
    doc = {"words": ["We", "use", "BERT", ".", "It", "works", "."], "sentences": [[0, 4], [4, 7]]}
    (docs / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    lines = list(unlabelled_lines(tmp_path, ["F1 (macro) on SQuAD.", "  "]))
    assert lines == ["We use BERT .", "It works .", "F1 ( macro ) on SQuAD ."]


def test_pretrain_block_describes_the_trained_tok2vec() -> None:
    """scripts/pretrain_encoder.cfg only adds the pretraining block; the tok2vec stays ner.cfg's."""
    base = Config().from_disk(DEFAULT_CONFIG, interpolate=False)
    block = Config().from_disk(ROOT / "scripts" / "pretrain_encoder.cfg", interpolate=False)
    assert "components" not in block and "tok2vec" not in json.dumps(block.get("corpora", {}))
    merged = base.merge(block)
    assert merged["components"] == base["components"]
    assert merged["pretraining"]["component"] == "tok2vec" and merged["pretraining"]["layer"] == ""
    assert merged["pretraining"]["objective"]["@architectures"] == "spacy.PretrainCharacters.v1"
