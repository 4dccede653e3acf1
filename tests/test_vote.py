"""The NER vote: majority of member models, the shipped ensemble, and installing one."""

from __future__ import annotations

import json
from pathlib import Path

import spacy

from kg.eval.train import MEMBER_SEEDS, ship
from kg.nlp.pipeline import MODEL_PATH, load_ner
from kg.nlp.vote import majority, member_paths

LABELS = {"Method", "Dataset", "Metric", "Task"}
TEXTS = [
    "We propose a graph neural network for machine translation and report BLEU on the WMT14 dataset.",
    "Our ResNet-50 reaches 76.1% top-1 accuracy on ImageNet for image classification.",
    "We evaluate named entity recognition with a BiLSTM-CRF on CoNLL-2003 and report F1.",
]


def test_majority_needs_more_than_half() -> None:
    a, b, c = (0, 1, "Method"), (2, 4, "Dataset"), (2, 4, "Task")
    assert majority([[a, b], [a, c], [b]]) == [(0, 1, "Method", 2 / 3), (2, 4, "Dataset", 2 / 3)]
    assert majority([[a], [b]]) == []  # 1 of 2 is no majority
    assert majority([[a, b]]) == [(0, 1, "Method", 1.0), (2, 4, "Dataset", 1.0)]  # one member: its spans
    assert majority([[a, a], [], []]) == []  # a member votes once per span


def test_member_paths(tmp_path: Path) -> None:
    for name in ("member1", "member0", "notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "meta.json").write_text("{}")
    assert [p.name for p in member_paths(tmp_path)] == ["member0", "member1"]
    assert member_paths(tmp_path / "member0") == [tmp_path / "member0"]
    assert member_paths(tmp_path / "missing") == []


def test_shipped_ensemble_is_the_majority_of_its_members() -> None:
    members = member_paths(MODEL_PATH)
    assert len(members) == len(MEMBER_SEEDS)
    alone = [spacy.load(p) for p in members]
    for nlp in alone:
        assert set(nlp.get_pipe("ner").labels) == LABELS
    voted = list(load_ner().pipe(TEXTS))
    for i, text in enumerate(TEXTS):
        expected = majority([[(e.start, e.end, e.label_) for e in nlp(text).ents] for nlp in alone])
        assert [(e.start, e.end, e.label_) for e in voted[i].ents] == [s[:3] for s in expected]
        assert voted[i]._.kg_ner_votes == {(s, e): share for s, e, _, share in expected}
    assert any(doc.ents for doc in voted), "the ensemble tags nothing"


def test_members_do_not_see_each_others_entities() -> None:
    """A member must not keep the previous member's entities (spaCy's NER keeps preset ones)."""
    nlp = load_ner()
    vote = nlp.get_pipe("kg_ner_vote_v1")
    doc = nlp.make_doc(TEXTS[1])
    first = vote._member_spans(vote.members[0], [doc])
    doc.ents = [doc.char_span(0, 3, "Task")]  # "Our": set as if an earlier member tagged it
    assert vote._member_spans(vote.members[0], [doc]) == first


def test_ship_installs_members_and_keeps_the_notes(tmp_path: Path) -> None:
    dest = tmp_path / "ner_model"
    dest.mkdir()
    (dest / "MODEL.md").write_text("notes")
    (dest / "stale.bin").write_text("old model")
    ship(member_paths(MODEL_PATH)[:2], dest)
    assert sorted(p.name for p in dest.iterdir()) == ["MODEL.md", "member0", "member1"]
    assert (dest / "MODEL.md").read_text() == "notes"
    meta = json.loads((dest / "member1" / "meta.json").read_text())
    assert meta["name"] == "kg_ner_member1"
    assert "/tmp" not in (dest / "member0" / "config.cfg").read_text()
    assert [e.text for e in load_ner(dest)(TEXTS[1]).ents] == [
        e.text for e in majority_of(dest, TEXTS[1])
    ]
    assert not list(tmp_path.glob(".ner_model.*")), "no staging directory left behind"


def majority_of(model_dir: Path, text: str) -> list[spacy.tokens.Span]:
    """The majority vote of `model_dir`'s members, each loaded on its own."""
    docs = [spacy.load(p)(text) for p in member_paths(model_dir)]
    voted = majority([[(e.start, e.end, e.label_) for e in d.ents] for d in docs])
    return [docs[0][s:e] for s, e, _, _ in voted]


def test_inference_maxout_equals_thincs() -> None:
    import numpy
    from thinc.api import NumpyOps

    from kg.nlp.pipeline import InferenceOps

    rng = numpy.random.default_rng(0)
    for pieces in (2, 3, 4):
        X = rng.standard_normal((50, 16, pieces)).astype("f")
        assert numpy.array_equal(InferenceOps().maxout(X)[0], NumpyOps().maxout(X)[0])
