"""Scoring: exact spans and per-document unique mentions, hand-computed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.eval.gold import GoldDoc
from kg.eval.scoring import evaluate, format_table, prf, score

FIX = Path(__file__).parent / "fixtures" / "gold"

TEXT = "BERT beats ELMo. BERT on SQuAD."
GOLD = [
    GoldDoc(
        "d1",
        TEXT,
        ((0, 4, "Method"), (11, 15, "Method"), (17, 21, "Method"), (25, 30, "Dataset")),
    ),
    GoldDoc("d2", "Image classification", ((0, 20, "Task"),)),
]


def test_prf_zero_division() -> None:
    assert prf(0, 0, 0) == {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}


def test_score_span_and_mention() -> None:
    pred = [
        [
            (0, 4, "Method", "BERT"),  # tp
            (17, 21, "Method", "BERT"),  # tp (span); same mention as above
            (25, 30, "Method", "SQuAD"),  # wrong label: fp Method, fn Dataset
        ],
        [(0, 5, "Task", "Image")],  # boundary error: fp + fn
    ]
    s = score(GOLD, pred)
    assert s["labels"] == ["Dataset", "Method", "Task"]
    span = s["span"]
    assert (span["Method"]["tp"], span["Method"]["fp"], span["Method"]["fn"]) == (2, 1, 1)
    assert span["Method"]["p"] == pytest.approx(2 / 3)
    assert span["Method"]["f1"] == pytest.approx(2 / 3)
    assert (span["Dataset"]["tp"], span["Dataset"]["fn"]) == (0, 1)
    # micro: tp 2, fp 2, fn 3 -> P .5, R .4, F1 4/9
    assert span["micro"]["p"] == pytest.approx(0.5)
    assert span["micro"]["r"] == pytest.approx(0.4)
    assert span["micro"]["f1"] == pytest.approx(4 / 9)
    ment = s["mention"]
    # d1 gold {bert, elmo, squad/Dataset}; pred {bert, squad/Method}
    assert (ment["Method"]["tp"], ment["Method"]["fp"], ment["Method"]["fn"]) == (1, 1, 1)
    # micro: tp 1, fp 2, fn 3 -> P 1/3, R 1/4, F1 2/7
    assert ment["micro"]["f1"] == pytest.approx(2 / 7)


def test_labels_filter_and_default() -> None:
    pred = [[(0, 4, "Metric", "BERT")], []]
    s = score(GOLD, pred)  # Metric not in gold: ignored
    assert s["mention"]["micro"]["fp"] == 0
    s = score(GOLD, pred, labels=["Metric", "Task"])
    assert s["labels"] == ["Metric", "Task"]
    assert s["mention"]["Metric"]["fp"] == 1
    assert s["mention"]["Task"]["fn"] == 1


def test_mention_normalization() -> None:
    gold = [GoldDoc("d", "Graph  Neural Networks", ((0, 22, "Method"),))]
    s = score(gold, [[(0, 21, "Method", "graph neural\nnetworks")]])
    assert s["mention"]["micro"]["f1"] == 1.0
    assert s["span"]["micro"]["f1"] == 0.0


def test_score_length_mismatch() -> None:
    with pytest.raises(ValueError):
        score(GOLD, [[]])


def test_evaluate_jsonl_without_offsets_and_table() -> None:
    def predict(texts: list[str]) -> list[list[tuple[int, int, str, str]]]:
        out = []
        for t in texts:
            i = t.find("LoRA")
            out.append([(i, i + 4, "Method", "LoRA")] if i >= 0 else [])
        return out

    s = evaluate(FIX / "gold.jsonl", predict)
    assert s["n_docs"] == 2 and s["n_span_docs"] == 1
    assert s["mention"]["Method"]["f1"] == 1.0
    assert s["mention"]["micro"]["r"] == pytest.approx(1 / 4)
    assert s["span"]["Task"]["fn"] == 1
    table = format_table(s)
    assert table.splitlines()[0].startswith("label")
    assert "micro" in table.splitlines()[-1]
