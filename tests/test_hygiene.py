import pytest

from kg.nlp.hygiene import ends_in_verb, inflections, verb_forms, whole_words
from kg.nlp.merge import _trim
from kg.nlp.pipeline import build_pipeline
from tests.test_nlp import _doc_with_ents, run


def _texts(doc):
    return {(c.span.text, c.label) for c in doc._.kg_mentions}


def test_no_mention_overlaps_a_web_link(tiny_nlp):
    text = ("Weights of OtterNet are at https://gitee.com/otterlab/otter-net, demos at "
            "huggingface.co/otterlab/otter-small and docs at https://otter.example.org/guide.")
    ents = [("https://gitee.com/otterlab/otter-net", "Method"), ("huggingface.co/otterlab/otter-small", "Method"),
            ("docs at https://otter.example.org/guide", "Method"), ("OtterNet", "Method")]
    doc = _doc_with_ents(tiny_nlp, text, ents)
    assert _texts(doc) == {("OtterNet", "Method")}


@pytest.mark.parametrize(("sentence", "ent", "kept"), [
    ("Then QuokkaNet leverages the sparse gates.", "QuokkaNet leverages", "QuokkaNet"),
    ("Then QuokkaNet employs sparse gates.", "QuokkaNet employs", "QuokkaNet"),
    ("Then QuokkaNet incorporates two gates.", "QuokkaNet incorporates two", "QuokkaNet"),
    ("Last year QuokkaNet utilized sparse gates.", "QuokkaNet utilized", "QuokkaNet"),
    ("Then QuokkaNet jointly exploits two gates.", "QuokkaNet jointly exploits", "QuokkaNet"),
    ("Stacked NeRFs fit the scene.", "Stacked NeRFs", "Stacked NeRFs"),
    ("Warped Gaussian Processes fit the data.", "Warped Gaussian Processes", "Warped Gaussian Processes"),
    ("Sparse Transformers and GANs are compared.", "Sparse Transformers", "Sparse Transformers"),
    ("Cable TV shows are long.", "Cable TV shows", "Cable TV shows"),
])
def test_a_mention_never_ends_in_a_finite_verb(tiny_nlp, sentence, ent, kept):
    doc = _doc_with_ents(tiny_nlp, sentence, [(ent, "Method")])
    assert kept in {c.span.text for c in doc._.kg_mentions}
    assert not any(c.span.text == ent for c in doc._.kg_mentions) or ent == kept


def test_the_verb_lexicon_is_generated_from_base_forms(tiny_nlp):
    assert [inflections(v) for v in ("utilize", "rely", "approach", "employ")] == [
        ("utilizes", "utilized"), ("relies", "relied"), ("approaches", "approached"), ("employs", "employed")]
    forms = verb_forms()
    assert {"leverages", "uses", "introduces", "enables", "shows", "adopts", "exploits", "led"} <= forms
    assert not {"models", "processes", "transformers", "samples", "features"} & forms
    doc = tiny_nlp.make_doc("a self-improved sampler")
    assert not ends_in_verb(doc[1:4])  # the verb is part of a compound word
    assert _trim(tiny_nlp.make_doc("PandaNet enables the")[:]).text == "PandaNet"


@pytest.mark.parametrize(("text", "start", "end", "grown"), [
    ("Through three-stage decoding we win.", 2, 5, "three-stage decoding"),  # "-stage decoding"
    ("Through three-stage decoding we win.", 3, 5, "three-stage decoding"),  # "stage decoding"
    ("A 350M parameter network.", 2, 5, "350M parameter network"),  # "M parameter network"
    ("Compared with Vicuna-13B today.", 2, 3, "Vicuna-13B"),
    ("It lists: (ii) Sparse Token Routing.", 2, 9, "Sparse Token Routing"),  # ": (ii) Sparse ..."
    ("We use (Sparse Token Routing) here.", 2, 7, "(Sparse Token Routing)"),  # a bracket it closes
])
def test_a_mention_is_whole_words_without_leading_punctuation(tiny_nlp, text, start, end, grown):
    assert whole_words(tiny_nlp.make_doc(text)[start:end]).text == grown


def test_a_name_glued_to_a_modifier_is_no_mention(tiny_nlp):
    doc = tiny_nlp.make_doc("The Llama-based agents win.")
    assert whole_words(doc[1:2]) is None
    doc = _doc_with_ents(tiny_nlp, "Through three-stage decoding we win.", [("three-stage decoding", "Method")])
    assert _texts(doc) == {("three-stage decoding", "Method")}


def test_a_coordination_of_descriptions_is_no_entity(tiny_nlp):
    text = "We add a dual scheduler and noise-aware batching to cut the cost."
    doc = _doc_with_ents(tiny_nlp, text, [("a dual scheduler and noise-aware batching", "Method")])
    assert _texts(doc) == set()
    text = "We compare the HydraNet and OctoGAN baselines."
    doc = _doc_with_ents(tiny_nlp, text, [("HydraNet and OctoGAN", "Method")])
    assert _texts(doc) == {("HydraNet", "Method"), ("OctoGAN", "Method")}
    doc = _doc_with_ents(tiny_nlp, "It has a divide-and-conquer design.", [("divide-and-conquer design", "Method")])
    assert _texts(doc) == {("divide-and-conquer design", "Method")}


def test_a_name_with_and_stays_one_when_the_gazetteer_knows_it(tmp_path):
    (tmp_path / "names.jsonl").write_text(
        '{"name": "Search and Rescue Transformer", "label": "Method", "aliases": [], "source": "curated", '
        '"case_sensitive": false}\n', encoding="utf-8")
    nlp = build_pipeline(use_model=False, gazetteer_path=tmp_path)
    rec = run(nlp, abstract="We train the Search and Rescue Transformer on maps.")
    assert [m.text for m in rec.entities] == ["Search and Rescue Transformer"]


def test_a_long_form_starts_after_a_list_marker_and_a_closed_bracket(tiny_nlp):
    doc = tiny_nlp("Two terms: (i) Harbor Toll Rate (HTR), (ii) Wait Penalty (HWP).")
    assert [(s.text, lf.text) for s, lf in doc._.kg_abbreviations] == [
        ("HTR", "Harbor Toll Rate"), ("HWP", "Wait Penalty")]
