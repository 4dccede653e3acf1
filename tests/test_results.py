"""Result statements: whose value it is, errors that stay errors, ranges, and whole method names."""

from __future__ import annotations

from kg.nlp.extract import doc_to_extraction
from kg.nlp.results import find_results
from kg.records import Mention, Paper

IDS = {"FID": "metric:fid", "top-1 accuracy": "metric:top1accuracy", "accuracy": "metric:accuracy",
       "ImageNet": "dataset:imagenet", "CIFAR-100": "dataset:cifar100"}


def mentions(text: str, methods: dict[str, dict] | None = None) -> list[Mention]:
    """Mentions of the metrics and datasets of `IDS` and of `methods` (text -> Mention fields) in `text`
    (a proposed method the text does not name is named in the title)."""
    found = []
    for sub, eid in IDS.items():
        start = text.find(sub)
        while start >= 0:
            if not any(s <= start < e for s, e in [(m.start, m.end) for m in found]):
                label = "Metric" if eid.startswith("metric:") else "Dataset"
                found.append(Mention(sub, label, start, start + len(sub), "abstract", name=sub, id=eid, score=0.9))
            start = text.find(sub, start + 1)
    for sub, extra in (methods or {}).items():
        start = text.find(sub)
        fields = {"name": sub.strip("-"), "id": "method:" + sub.strip("-").lower().replace(" ", ""), "score": 0.9,
                  **extra}
        if start >= 0:
            found.append(Mention(sub, "Method", start, start + len(sub), "abstract", **fields))
        elif extra.get("role") == "proposed":  # named in the title
            found.append(Mention(sub, "Method", 0, len(sub), "title", **fields))
    return sorted(found, key=lambda m: m.start)


def stated(text: str, methods: dict[str, dict] | None = None) -> list[tuple]:
    return [(r.metric, r.value, r.value_max, r.method) for r in find_results(text, mentions(text, methods))]


OURS = {"Quokka": {"role": "proposed"}}


def test_a_value_stated_for_another_method_stays_with_it_or_is_dropped():
    # a possessive: the other method's value
    text = "Quokka reaches 3.05 FID on ImageNet, ahead of the earlier adversarial baseline Wombat's 6.44 FID."
    assert stated(text, OURS) == [("metric:fid", 3.05, None, "method:quokka")]
    assert stated(text, {**OURS, "Wombat": {}}) == [
        ("metric:fid", 3.05, None, "method:quokka"), ("metric:fid", 6.44, None, "method:wombat")]
    # "X achieves / obtains / reaches ..."
    text = "On CIFAR-100, Wombat obtains 55.0% accuracy, whereas Quokka obtains 61.5% accuracy."
    assert stated(text, {**OURS, "Wombat": {}}) == [
        ("metric:accuracy", 55.0, None, "method:wombat"), ("metric:accuracy", 61.5, None, "method:quokka")]
    text = "On CIFAR-100, Numbat obtains 55.0% accuracy, whereas Quokka obtains 61.5% accuracy."
    assert stated(text, OURS) == [("metric:accuracy", 61.5, None, "method:quokka")]
    text = "Quokka obtains 61.5% accuracy on CIFAR-100, where Wombat has 55.0% accuracy."
    assert stated(text, {**OURS, "Wombat": {}})[1] == ("metric:accuracy", 55.0, None, "method:wombat")
    # a value in brackets after the other method, or after a comparison
    text = "Quokka scores 61.5% accuracy on CIFAR-100, well above Wombat (55.0% accuracy)."
    assert stated(text, {**OURS, "Wombat": {}})[1] == ("metric:accuracy", 55.0, None, "method:wombat")
    text = "Quokka scores 61.5% accuracy on CIFAR-100, higher than Numbat (55.0% accuracy)."
    assert stated(text, OURS) == [("metric:accuracy", 61.5, None, "method:quokka")]
    # a reference value, and a baseline's
    for text in ["Quokka scores 61.5% accuracy on CIFAR-100 compared to 55.0% accuracy before.",
                 "Quokka scores 61.5% accuracy on CIFAR-100; the prior best accuracy of 55.0% came from pretraining.",
                 "Our baseline reaches 55.0% accuracy on CIFAR-100, while Quokka scores 61.5% accuracy."]:
        assert stated(text, OURS) == [("metric:accuracy", 61.5, None, "method:quokka")], text


def test_our_own_statements_still_go_to_the_proposed_method():
    for text in ["Our Quokka model, built on Wombat features, achieves 3.05 FID on ImageNet.",
                 "Quokka with a Wombat encoder reaches 3.05 FID on ImageNet.",
                 "With Wombat features, our model's FID of 3.05 on ImageNet is the best.",
                 "Unlike previous work, Quokka-L obtains an FID of 3.05 on ImageNet."]:
        assert stated(text, {**OURS, "Wombat": {}}) == [("metric:fid", 3.05, None, "method:quokka")], text


def test_a_range_keeps_both_ends():
    for text in ["Quokka reaches 53.1%~58.3% top-1 accuracy on ImageNet.",
                 "Quokka reaches a top-1 accuracy of 53.1%sim58.3% on ImageNet.",
                 "Quokka reaches 53.1-58.3% top-1 accuracy on ImageNet.",
                 "Quokka reaches 53.1% to 58.3% top-1 accuracy on ImageNet.",
                 "Quokka reaches a top-1 accuracy of 58.3 – 53.1% on ImageNet.",
                 "Quokka reaches between 53.1% and 58.3% top-1 accuracy on ImageNet."]:
        [result] = find_results(text, mentions(text, OURS))
        assert (result.value, result.value_max, result.unit, result.dataset) == (53.1, 58.3, "%", "dataset:imagenet")
        assert "53.1" in result.text and "58.3" in result.text, text
    # a change from one value to another is no range; values listed with "and" are two values
    assert stated("Quokka lifts it from 53.1% to 58.3% top-1 accuracy on ImageNet.", OURS) == [
        ("metric:top1accuracy", 58.3, None, "method:quokka")]
    assert stated("Quokka reaches an FID of 2.1 on ImageNet and 2.4 on CIFAR-100.", OURS) == [
        ("metric:fid", 2.1, None, "method:quokka"), ("metric:fid", 2.4, None, "method:quokka")]
    assert stated("Quokka cuts it by a further 3% to 18.2% top-1 accuracy on ImageNet.", OURS) == [
        ("metric:top1accuracy", 18.2, None, "method:quokka")]
    assert stated("Quokka brings gains of 1.2-3.4 FID on ImageNet.", OURS) == []
    assert stated("Quokka keeps more than 70% top-1 accuracy on ImageNet.", OURS) == [
        ("metric:top1accuracy", 70.0, None, "method:quokka")]


def test_a_result_credits_only_whole_method_names_the_graph_keeps():
    text = "With three-stage decoding, we lower the FID to 2.4 on ImageNet."
    assert stated(text, {"-stage decoding": {"score": 0.75}}) == [("metric:fid", 2.4, None, "")]
    text = "With three-stage decoding, we lower the FID to 2.4 on ImageNet."
    assert stated(text, {"stage decoding": {"score": 0.75}}) == [("metric:fid", 2.4, None, "")]
    text = "With Wombat decoding, we lower the FID to 2.4 on ImageNet."
    assert stated(text, {"Wombat decoding": {"score": 0.45}}) == [("metric:fid", 2.4, None, "")]
    assert stated(text, {"Wombat decoding": {"score": 0.75}}) == [("metric:fid", 2.4, None, "method:wombatdecoding")]


def _doc(nlp, text: str, metrics: list[str]):
    """`text` through the no-model pipeline with every occurrence of `metrics` as NER Metric output."""
    doc = nlp.make_doc(text)
    starts = sorted((i, sub) for sub in metrics for i in range(len(text)) if text.startswith(sub, i))
    doc.ents = [doc.char_span(i, i + len(sub), label="Metric") for i, sub in starts]
    doc._.kg_ner_votes = {(e.start, e.end): 1.0 for e in doc.ents}
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    return doc


def test_an_error_stays_an_error_and_a_bare_rank_is_its_accuracy(tiny_nlp):
    text = ("Quokka has 21.4% top-1 (5.9% top-5) error on ImageNet. On CIFAR-100 it has 93.8% top-5. "
            "Its top-1 and top-5 error rates are low.")
    doc = _doc(tiny_nlp, text, ["top-1", "top-5"])
    rec = doc_to_extraction(doc, Paper(id="p", abstract=text), tiny_nlp.get_pipe("kg_gazetteer_v1"))
    assert [(r.metric, r.value) for r in rec.results] == [
        ("metric:top1error", 21.4), ("metric:top5error", 5.9), ("metric:top5accuracy", 93.8)]
    assert [(m.text, m.name) for m in rec.entities if m.label == "Metric"] == [
        ("top-1", "top-1 error"), ("top-5", "top-5 error"), ("top-5", "top-5 accuracy"),
        ("top-1", "top-1 error rate"), ("top-5", "top-5 error rate")]
