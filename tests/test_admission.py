"""Graph admission: model-only links need evidence of a name; corroborated links stay."""

from __future__ import annotations

from kg.admission import FEATURES, AdmissionModel, admit, link_features, load_model
from kg.graph import build_graph
from kg.records import Extraction, Mention, Paper, Result


def _m(paper: Paper, text: str, label: str, source: str, score: float, role: str = "") -> Mention:
    start = paper.abstract.index(text)
    key = text.lower().replace(" ", "")
    return Mention(text, label, start, start + len(text), "abstract", name=text, id=f"{label.lower()}:{key}",
                   score=score, source=source, role=role)


PAPER = Paper(id="p", title="T", abstract=(
    "We train WaveMix-Lite with stacked residual blocks on Tiny-Set and report its mean squared error. "
    "The remaining tokens are pooled."))


def _records() -> list[Extraction]:
    p = PAPER
    return [Extraction(paper=p, entities=(
        _m(p, "WaveMix-Lite", "Method", "ner", 0.75),
        _m(p, "stacked residual blocks", "Method", "ner", 0.5),
        _m(p, "remaining tokens", "Method", "ner", 0.5),
        _m(p, "Tiny-Set", "Dataset", "gazetteer", 0.9),
        _m(p, "mean squared error", "Metric", "ner", 0.75),
    ), results=(Result(metric="metric:meansquarederror", value=1.0, method="method:remainingtokens",
                       dataset="dataset:tiny-set", text="x", start=0, end=1),))]


def _shape_model() -> AdmissionModel:
    """Admits exactly the name-shaped model-only links (a model with known weights)."""
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("bias")] = -2.0
    weights[FEATURES.index("name_shape")] = 4.0
    return AdmissionModel(tuple(weights), 0.5, precision={("gazetteer", "Dataset"): 0.97})


def test_model_only_links_need_evidence_and_corroborated_links_stay():
    G = build_graph(_records(), admission=False)
    assert "method:remainingtokens" in G
    admit(G, _shape_model())
    assert G.has_edge("paper:p", "method:wavemix-lite", key="uses")
    assert "method:remainingtokens" not in G and "method:stackedresidualblocks" not in G
    assert "metric:meansquarederror" not in G  # model-only and not name-shaped under this model
    assert G.edges["paper:p", "dataset:tiny-set", "evaluatedOn"]["score"] == 0.97  # calibrated


def test_results_lose_dropped_entities():
    G = admit(build_graph(_records(), admission=False), _shape_model())
    assert not [n for n, t in G.nodes(data="type") if t == "Result"]  # its metric was not admitted


def test_admitted_score_is_the_nameness():
    G = admit(build_graph(_records(), admission=False), _shape_model())
    score = G.edges["paper:p", "method:wavemix-lite", "uses"]["score"]
    assert 0.5 <= score <= 1.0 and score != 0.75


def test_features_see_shape_capitals_and_generic_heads():
    f = dict(zip(FEATURES, link_features("WaveMix-Lite", "WaveMix-Lite", "We train WaveMix-Lite.", "Method", 0.75),
                 strict=True))
    assert f["name_shape"] == 1.0 and f["capitalized"] == 1.0 and f["generic_head"] == 0.0
    g = dict(zip(FEATURES, link_features("residual blocks", "residual blocks", "Residual blocks help.", "Method",
                                         0.5), strict=True))
    assert g["name_shape"] == 0.0 and g["capitalized"] == 0.0 and g["generic_head"] == 1.0 and g["unanimous"] == 0.0


def test_shipped_model_prefers_names_to_descriptions():
    model = load_model()
    assert model is not None
    name = model.nameness(link_features("WaveMix-Lite", "WaveMix-Lite", "We train WaveMix-Lite.", "Method", 0.75))
    phrase = model.nameness(link_features("remaining tokens", "remaining tokens", "The remaining tokens are pooled.",
                                          "Method", 0.5))
    assert name >= model.threshold > phrase


def test_model_round_trips_through_json():
    model = _shape_model()
    assert AdmissionModel.from_json(model.to_json()) == model


def _metric_record(sentence: str, name: str, result: bool = False) -> Extraction:
    p = Paper(id="m", abstract=sentence)
    start = sentence.index(name)
    m = Mention(name, "Metric", start, start + len(name), "abstract", name=name,
                id="metric:" + name.replace(" ", "").replace("-", ""), score=0.9, source="gazetteer")
    results = (Result(metric=m.id, value=3.0, text="3.0", start=0, end=3),) if result else ()
    return Extraction(paper=p, entities=(m,), results=results)


def test_a_quantity_is_a_metric_only_where_the_paper_evaluates_with_it():
    from kg.admission import drop_non_evaluation

    def linked(sentence: str, name: str, result: bool = False) -> bool:
        G = drop_non_evaluation(build_graph([_metric_record(sentence, name, result)], admission=False))
        return any(k == "measuredBy" for _, _, k in G.out_edges("paper:m", keys=True))

    assert not linked("As the number of parameters of wombat models grows, tuning gets harder.", "number of parameters")
    assert not linked("We add a binary cross-entropy term as a regularizer of the wombat.", "binary cross-entropy")
    assert not linked("Numbat keeps its inference latency low and compared to others uses a loss.", "inference latency")
    assert linked("Numbat halves the number of parameters compared to Wombat.", "number of parameters")
    assert linked("We compare the quokkas in terms of FLOPs.", "FLOPs")
    assert linked("Its log-likelihood on held-out quokkas.", "log-likelihood", result=True)
    assert linked("Wombat is evaluated by accuracy and nothing else.", "accuracy")  # not a quantity name
