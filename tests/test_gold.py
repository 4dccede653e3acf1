"""Gold readers: formats, detokenization, offsets and label mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.eval.gold import GoldDoc, detect_format, detokenize, map_label, read_conll_lines, read_gold

FIX = Path(__file__).parent / "fixtures" / "gold"


def _surface(doc: GoldDoc) -> list[tuple[str, str]]:
    return [(doc.text[s:e], lab) for s, e, lab in doc.spans]


def test_detect_format() -> None:
    assert detect_format(FIX / "scierc.json") == "scierc"
    assert detect_format(FIX / "tdmsci.conll") == "conll"
    assert detect_format(FIX / "csner.data") == "conll"
    assert detect_format(FIX / "gold.jsonl") == "jsonl"


def test_scierc_detokenized_offsets_and_labels() -> None:
    docs = read_gold(FIX / "scierc.json")
    assert [d.id for d in docs] == ["X01", "X02"]
    d = docs[0]
    assert d.text == (
        "We propose a Graph-LSTM (GL) for relation extraction. It doesn't hurt \"accuracy\", the model's metric."
    )
    assert d.spans == (
        (13, 23, "Method"),
        (25, 27, "Method"),
        (33, 52, "Task"),
        (71, 79, "Metric"),
    )  # Generic dropped
    assert docs[1].text == "Results on the Penn Treebank show gains."
    assert docs[1].spans == ((15, 28, "Dataset"),)  # Material -> Dataset, OST dropped


def test_tdmsci_offsets_relative_to_paragraph() -> None:
    docs = read_gold(FIX / "tdmsci.conll")
    assert len(docs) == 2
    assert docs[0].text == "We use SQuAD-v2 for question answering."
    assert _surface(docs[0]) == [("SQuAD", "Dataset"), ("question answering", "Task")]
    assert docs[0].spans[1] == (20, 38, "Task")
    assert docs[1].text == "F1 score improves."
    assert docs[1].spans == ((0, 8, "Metric"),)


def test_csner_bioes_and_bad_bytes() -> None:
    docs = read_gold(FIX / "csner.data")
    assert docs[0].text == "Graph Convolutional Networks for Node Classification"
    assert docs[0].spans == ((0, 28, "Method"), (33, 52, "Task"))
    assert docs[1].spans == ((12, 16, "Method"),)
    assert "\ufffd" in docs[1].text  # the stray cp1252 byte is replaced, not fatal


def test_jsonl_with_and_without_offsets() -> None:
    p1, p2 = read_gold(FIX / "gold.jsonl")
    assert p1.text == "LoRA for GLUE\nWe adapt LoRA and report accuracy."
    assert not p1.has_offsets
    assert p1.mention_set() == {("Method", "lora"), ("Dataset", "glue"), ("Metric", "accuracy")}
    assert p2.has_offsets and p2.spans == ((0, 21, "Task"),)


def test_decoder_stray_inside_tags() -> None:
    (d,) = read_conll_lines(["a\tB-TASK", "b\tE-TASK", "c\tE-TASK", "d\tI-METHOD"])
    assert _surface(d) == [("a b", "Task"), ("c", "Task"), ("d", "Method")]


def test_map_label_and_detokenize() -> None:
    assert map_label("research_problem") == "Task"
    assert map_label("OtherScientificTerm") is None
    text, offs = detokenize(["-LSB-", "1", "-RSB-", "100", "%", ";", "x"])
    assert text == "[1] 100%; x"
    assert [text[s:e] for s, e in offs] == ["[", "1", "]", "100", "%", ";", "x"]


def test_errors() -> None:
    with pytest.raises(InputError):
        read_gold(FIX / "missing.json", "jsonl")
    with pytest.raises(InputError):
        read_gold(FIX / "gold.jsonl", "xml")


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.skipif(not (SHARED / "scierc").exists(), reason="needs ../shared/data (gold corpora)")
def test_real_scierc_spans_match_tokens() -> None:
    docs = read_gold(SHARED / "scierc" / "dev.json")
    assert len(docs) == 50
    for d in docs:
        for s, e, _ in d.spans:
            assert d.text[s:e] == d.text[s:e].strip()
