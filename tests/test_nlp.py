from kg.nlp.abbrev import best_long_form
from kg.nlp.extract import extract_papers
from kg.nlp.hygiene import is_name_like
from kg.nlp.merge import _trim, is_descriptive
from kg.records import Paper


def run(nlp, title="", abstract=""):
    return next(extract_papers([Paper(id="p", title=title, abstract=abstract)], nlp))


def names(rec, label=None):
    return {(m.name, m.label) for m in rec.entities if label is None or m.label == label}


def stated(rec):
    """(metric, value, dataset) of each result, in order."""
    return [(r.metric, r.value, r.dataset) for r in rec.results]


def test_abbreviation_long_and_short_forms_are_one_entity(tiny_nlp):
    rec = run(tiny_nlp, abstract="In this paper we propose Multi-Objective GFlowNets (MOGFNs). MOGFNs win.")
    ids = {m.id for m in rec.entities}
    assert ids == {"method:multiobjectivegflownet"}
    assert {m.text for m in rec.entities} == {"Multi-Objective GFlowNets", "MOGFNs"}
    assert ("method:multiobjectivegflownet", "MOGFNs") in rec.aliases
    assert all(m.role == "proposed" for m in rec.entities)


def test_schwartz_hearst():
    assert best_long_form("GNN", "we study graph neural networks") == "graph neural networks"
    assert best_long_form("XYZ", "completely unrelated words") is None


def test_gazetteer_variants_merge_but_different_things_do_not(tiny_nlp):
    rec = run(tiny_nlp, abstract="We test on CIFAR10, Cifar-10, CIFAR-100 and CIFAR-10-C.")
    ids = [m.id for m in rec.entities if m.source == "gazetteer"]
    assert ids == ["dataset:cifar10", "dataset:cifar10", "dataset:cifar100"]
    assert {m.name for m in rec.entities if m.source == "gazetteer"} == {"CIFAR-10", "CIFAR-100"}


def test_gazetteer_case_sensitive_entries(tiny_nlp):
    assert ("FID", "Metric") in names(run(tiny_nlp, abstract="We report FID scores."))
    assert names(run(tiny_nlp, abstract="The fid was set."), "Metric") == set()
    # an acronym alias matches its plural too, and names its entry
    found = names(run(tiny_nlp, abstract="We compare PEFTs."), "Method")
    assert found == {("parameter-efficient fine-tuning", "Method")}


def test_title_colon_rule_and_propose_rule(tiny_nlp):
    rec = run(tiny_nlp, title="UniFormer: Unified Transformer for Video", abstract="We introduce EF21, a method.")
    proposed = {m.name for m in rec.entities if m.role == "proposed"}
    assert proposed == {"UniFormer", "EF21"}
    assert {r.predicate for r in rec.relations if r.object == "method:uniformer"} == {"proposes"}
    assert ("Transformer", "Method") in names(rec)
    rec = run(tiny_nlp, title="QuantNAS for super resolution: searching for architectures", abstract="Text.")
    assert {m.name for m in rec.entities if m.role == "proposed"} == {"QuantNAS"}


def test_a_title_case_name_before_a_subtitle_is_proposed(tiny_nlp):
    for title, name, label in [
        ("Flag Aggregator: Scalable Distributed Training under Failures", "Flag Aggregator", "Method"),
        ("The Monge Gap: A Regularizer to Learn All Transport Maps", "Monge Gap", "Method"),
        ("Long Range Arena: A Benchmark for Efficient Transformers", "Long Range Arena", "Dataset"),
    ]:
        rec = run(tiny_nlp, title=title, abstract="Text.")
        assert {(m.name, m.label) for m in rec.entities if m.role == "proposed"} == {(name, label)}, title
    for title in [
        "Diffusion Models: A Comprehensive Survey of Methods",  # a survey
        "Graph Neural Networks: An Empirical Study",  # a study
        "Pre-Trained Models: Past, Present and Future",  # a survey by another name
        "Layer-wise Importance Matters: Less Memory for Better Performance",  # a sentence
        "Batch Normalization Revisited: What Changes",  # a revisit
        "Revisiting Dropout: Lessons",  # a starter word
        "Neural networks: learning fast",  # not a Title Case name
    ]:
        rec = run(tiny_nlp, title=title, abstract="Text.")
        assert not [m for m in rec.entities if m.role == "proposed"], title


def test_a_title_that_opens_with_a_name_the_abstract_defines_is_proposed(tiny_nlp):
    rec = run(tiny_nlp, title="Model-tuning Via Prompts Makes NLP Models Robust",
              abstract="We study Model-tuning Via Prompts (MVP), which adapts models.")
    assert {m.name for m in rec.entities if m.role == "proposed"} == {"Model-tuning Via Prompts"}
    for title in ["Model-tuning Via Prompts for Robust NLP", "Understanding Model-tuning Via Prompts Helps"]:
        rec = run(tiny_nlp, title=title, abstract="We study Model-tuning Via Prompts (MVP), which adapts models.")
        assert not [m for m in rec.entities if m.role == "proposed"], title


def test_title_rule_skips_ordinary_words(tiny_nlp):
    rec = run(tiny_nlp, title="Beyond Accuracy: What Data Quality Means", abstract="Text.")
    assert not [m for m in rec.entities if m.role == "proposed"]
    rec = run(tiny_nlp, title="RAG vs Fine-tuning: Pipelines and Tradeoffs", abstract="Text.")
    assert not [m for m in rec.entities if m.role == "proposed"]


def test_dataset_and_metric_rules(tiny_nlp):
    rec = run(
        tiny_nlp,
        abstract="Experiments on the Kinetics-400 and SSv2 datasets show gains in terms of mAP and NDCG.",
    )
    assert {("Kinetics-400", "Dataset"), ("SSv2", "Dataset"), ("mAP", "Metric"), ("NDCG", "Metric")} <= names(rec)


def test_results_are_extracted(tiny_nlp):
    rec = run(
        tiny_nlp,
        title="FooNet: a thing",
        abstract="FooNet achieves 85.3% top-1 accuracy on ImageNet. It reaches an FID of 2.1 on CIFAR-10.",
    )
    got = {(r.metric, r.value, r.unit, r.dataset, r.method) for r in rec.results}
    assert got == {
        ("metric:top1accuracy", 85.3, "%", "dataset:imagenet", "method:foonet"),
        ("metric:fid", 2.1, "", "dataset:cifar10", "method:foonet"),
    }


def test_a_change_is_not_a_result_and_one_number_is_one_result(tiny_nlp):
    rec = run(
        tiny_nlp,
        title="FooNet: a thing",
        abstract="FooNet beats GNN models by 2.5 FID on ImageNet. It gives a 3% top-1 accuracy boost. "
                 "It improves 2% top-1 accuracy. "
                 "Unlike GNN models, our method reaches an FID of 2.1 on CIFAR-10.",
    )
    assert {(r.metric, r.value, r.method) for r in rec.results} == {("metric:fid", 2.1, "method:foonet")}


def test_offsets_point_into_the_right_field(tiny_nlp):
    paper = Paper(id="p", title="GNN: graphs", abstract="We use a Transformer on CIFAR-10.")
    rec = next(extract_papers([paper], tiny_nlp))
    for m in rec.entities:
        assert paper.text(m.field)[m.start : m.end] == m.text


def test_name_like_and_descriptive(tiny_nlp):
    assert is_name_like("DiT-MoE") and is_name_like("LoRA") and not is_name_like("framework")
    doc = tiny_nlp.make_doc("a weighted version distributed training methods LightGCN model")
    assert is_descriptive(doc[1:3]) and is_descriptive(doc[3:6]) and not is_descriptive(doc[6:8])


def test_trim_drops_determiners_function_words_and_result_verbs(tiny_nlp):
    doc = tiny_nlp.make_doc("the DAM-VP demonstrates fine-tuning the TV shows")
    assert _trim(doc[0:5]).text == "DAM-VP"
    assert _trim(doc[5:9]).text == "fine-tuning"
    assert _trim(doc[9:11]).text == "TV shows"  # a noun, not a verb after a name


def test_mentions_never_keep_an_unmatched_bracket(tiny_nlp):
    from kg.nlp.merge import _balanced

    def balanced(text):
        span = _balanced(tiny_nlp.make_doc(text)[:])
        return None if span is None else span.text

    assert balanced("FRUGAL (Full-Rank Updates") == "FRUGAL"
    assert balanced("Consistency Models (CM) (Song et al") == "Consistency Models (CM)"
    assert balanced("cross-entropy (CE) loss") == "cross-entropy (CE) loss"
    assert balanced("(CE") == "CE" and balanced("DR-Tune )") == "DR-Tune"
    assert balanced("AGNN) framework") is None and balanced("training (TS") is None and balanced(")") is None


def test_any_text_never_raises(tiny_nlp):
    for text in ["", " ", "((((", "(A) (B)", "we propose", "\u202e\U0001f600 x (X)", "a" * 5000, "in terms of"]:
        run(tiny_nlp, title=text or "t", abstract=text)


def test_title_word_used_as_a_name_in_the_abstract(tiny_nlp):
    rec = run(tiny_nlp, title="Aioli: A Unified Optimization Framework", abstract="Here we propose Aioli, a method.")
    assert {m.name for m in rec.entities if m.role == "proposed"} == {"Aioli"}
    rec = run(tiny_nlp, title="Transformers: A Survey", abstract="Transformers are everywhere.")
    assert not [m for m in rec.entities if m.role == "proposed"]


def test_proposed_names_get_their_type_from_context(tiny_nlp):
    rec = run(tiny_nlp, abstract="We propose a novel metric, interpolation standard deviation (ISTD), to measure it.")
    expected = {("interpolation standard deviation", "Metric"), ("ISTD", "Metric")}
    assert {(m.text, m.label) for m in rec.entities} == expected
    rec = run(tiny_nlp, abstract="We introduce FooBench, a benchmark for x.")
    assert {(m.text, m.label) for m in rec.entities} == {("FooBench", "Dataset")}


def test_own_definition_of_a_known_acronym_wins(tiny_nlp):
    rec = run(tiny_nlp, abstract="Graph Neural Nets (GNN) and FID. We define Feature Isolation Distance (FID) here.")
    fid = [m for m in rec.entities if m.text == "FID"]
    assert not [m for m in fid if m.source == "gazetteer"]


def test_metric_names_in_other_senses(tiny_nlp):
    nlp = tiny_nlp
    doc = nlp("We train with the FID loss and report FID.")
    # the loss is a method; its mention takes in the head noun, as SciREX annotates it
    assert [(c.span.text, c.label) for c in doc._.kg_mentions] == [("FID loss", "Method"), ("FID", "Metric")]
    rec = run(nlp, abstract="We train with the FID loss and report FID.")
    assert {(m.text, m.name) for m in rec.entities} == {("FID loss", "FID"), ("FID", "FID")}
    assert is_name_like("EnglishrightarrowEnglish") is False


def ruler_pipeline(patterns):
    """The real components behind a rule-based stand-in for the statistical NER (doc.ents)."""
    import spacy

    from kg.nlp.pipeline import COMPONENTS
    from tests.conftest import FIXTURES

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    nlp.get_pipe("kg_gazetteer_v1").initialize(path=FIXTURES / "gazetteer")
    return nlp


def test_ner_boundary_with_gazetteer_name_and_descriptive_phrases():
    from kg.graph import build_graph

    nlp = ruler_pipeline([
        {"label": "Dataset", "pattern": "ImageNet dataset"},
        {"label": "Method", "pattern": "a weighted version"},
    ])
    rec = run(nlp, abstract="We train a weighted version on the ImageNet dataset.")
    by_text = {m.text: m for m in rec.entities}
    assert by_text["ImageNet dataset"].name == "ImageNet" and by_text["ImageNet dataset"].score == 0.9
    assert by_text["weighted version"].score < 0.5
    G = build_graph([rec])
    assert "dataset:imagenet" in G and not [n for n in G if "weighted" in n]


def test_loss_sentence_is_not_a_metric(tiny_nlp):
    doc = tiny_nlp("FID is a widely used loss function. We report FID.")
    assert [(c.span.text, c.label) for c in doc._.kg_mentions] == [("FID", "Method"), ("FID", "Metric")]


def _doc_with_ents(nlp, text, ents, shares=None):
    """`text` through the no-model pipeline with `ents` ((substring, label)) set as NER output,
    found by `shares` (substring → share) of the vote's members (default: all)."""
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(text.index(sub), text.index(sub) + len(sub), label=lab) for sub, lab in ents]
    doc._.kg_ner_votes = {(e.start, e.end): (shares or {}).get(e.text, 1.0) for e in doc.ents}
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    return doc


def _mentions(doc):
    return {(c.span.text, c.label, c.source, c.nested) for c in doc._.kg_mentions}


def test_ner_span_containing_a_name_of_another_type_keeps_it_nested(tiny_nlp):
    doc = _doc_with_ents(tiny_nlp, "An ImageNet classification model.", [("ImageNet classification model", "Method")])
    assert _mentions(doc) == {
        ("ImageNet classification model", "Method", "ner", False),
        ("ImageNet", "Dataset", "gazetteer", True),
    }


def test_ner_span_of_a_name_plus_generic_words_is_absorbed(tiny_nlp):
    doc = _doc_with_ents(tiny_nlp, "We use the ImageNet dataset.", [("the ImageNet dataset", "Dataset")])
    [cand] = doc._.kg_mentions
    assert (cand.span.text, cand.source, cand.score, cand.canonical, cand.nested) == (
        "ImageNet dataset", "ner+gazetteer", 0.9, "ImageNet", False)


def test_ner_span_crossing_a_name_loses_to_it(tiny_nlp):
    doc = _doc_with_ents(tiny_nlp, "Good image classification results.", [("Good image", "Method")])
    assert {(m[0], m[1]) for m in _mentions(doc)} == {("image classification", "Task")}


def test_acronym_definition_is_one_flat_mention_named_by_its_long_form(tiny_nlp):
    from kg.nlp.extract import predict_mentions

    text = "We study Fréchet Inception Distance (FID) and report FID."
    rec = run(tiny_nlp, abstract=text)
    assert [(m.text, m.name) for m in rec.entities] == [
        ("Fréchet Inception Distance (FID)", "FID"), ("FID", "FID")]
    assert {m.id for m in rec.entities} == {"metric:fid"}
    assert [t for *_, t in predict_mentions(tiny_nlp, [text])[0]] == ["Fréchet Inception Distance (FID)", "FID"]


def test_nested_mentions_reach_the_graph_but_not_flat_scoring(tiny_nlp):
    from kg.graph import build_graph
    from kg.records import Extraction

    doc = _doc_with_ents(tiny_nlp, "An ImageNet classification model.", [("ImageNet classification model", "Method")])
    from kg.nlp.extract import doc_to_extraction

    paper = Paper(id="p", abstract=doc.text)
    rec = doc_to_extraction(doc, paper, tiny_nlp.get_pipe("kg_gazetteer_v1"))
    assert isinstance(rec, Extraction)
    assert {(m.name, m.nested) for m in rec.entities} == {("ImageNet classification model", False), ("ImageNet", True)}
    assert "dataset:imagenet" in build_graph([rec])


def test_naming_cues_mark_the_proposed_name(tiny_nlp):
    cases = {
        "The second loss, which we dub ICNN loss, scores neighbours.": "ICNN",
        "We call this architecture a Pointer Net (Ptr-Net).": "Pointer Net",
        "We propose a novel GAN model, i.e., AU-GAN, which is asymmetric.": "AU-GAN",
        "We present a novel approach, namely, Partially-Connected DARTS, by sampling.": "Partially-Connected DARTS",
        "Our contributions: StableMax, a new activation function.": "StableMax",
        "We propose a novel framework, referred to as FedAMD, for partial participation.": "FedAMD",
        "We propose a novel method called Learngene Pool. It scales.": "Learngene Pool",
        "We propose an adaptively weighted algorithm -- AdaWAC -- to regularize.": "AdaWAC",
        "To fix it, we propose a Conditional Cross-Attention Network that disentangles.":
            "Conditional Cross-Attention Network",
    }
    for text, name in cases.items():
        rec = run(tiny_nlp, abstract=text)
        assert name in {m.name for m in rec.entities if m.role == "proposed"}, text


def test_a_title_name_the_abstract_introduces_in_lower_case(tiny_nlp):
    rec = run(tiny_nlp, title="Regularized Mask Tuning: Hidden Knowledge in Models",
              abstract="We design a tuning method, termed as regularized mask tuning, which masks weights.")
    assert {m.id for m in rec.entities if m.role == "proposed"} == {"method:regularizedmasktuning"}


def test_a_title_that_is_a_name_is_the_proposed_method(tiny_nlp):
    rec = run(tiny_nlp, title="Pointer Networks", abstract="We introduce a new neural architecture. It works.")
    assert {m.name for m in rec.entities if m.role == "proposed"} == {"Pointer Networks"}
    rec = run(tiny_nlp, title="Long Range Arena", abstract="We propose a new benchmark suite for models.")
    assert {(m.name, m.label) for m in rec.entities if m.role == "proposed"} == {("Long Range Arena", "Dataset")}
    rec = run(tiny_nlp, title="Policy Gradient-Driven Noise Mask",
              abstract="We propose a novel pretraining pipeline that improves performance on multi-organ datasets.")
    assert {(m.name, m.label) for m in rec.entities if m.role == "proposed"} == {
        ("Policy Gradient-Driven Noise Mask", "Method")}
    for title, abstract in [
        ("Pointer Networks", "We present results of prior models."),  # proposes nothing new
        ("Understanding Contrastive Learning", "We propose a new view."),  # a starter word
        ("Symbolic Discovery of Optimization Algorithms", "We propose a method."),  # not only names
        ("Transformers", "We propose a method."),  # one ordinary word
        ("Attention Is All You Need", "We propose a new architecture."),  # a sentence
        ("Identifying Well-formed Questions", "We propose a new method."),  # an action
    ]:
        rec = run(tiny_nlp, title=title, abstract=abstract)
        assert not [m for m in rec.entities if m.role == "proposed"], title


def test_node_names_leave_out_defined_acronyms_and_head_nouns():
    from kg.graph import build_graph

    nlp = ruler_pipeline([{"label": "Method", "pattern": "cross-entropy"}, {"label": "Method", "pattern": "CE"}])
    rec = run(nlp, abstract="We study the cross-entropy (CE) loss. The CE loss is common. We use the BioInfer corpus.")
    G = build_graph([rec])
    assert G.nodes["method:crossentropy"]["label"] == "cross-entropy"
    assert "cross-entropy (CE) loss" in G.nodes["method:crossentropy"]["aliases"]
    assert "method:ce" not in G
    assert G.nodes["dataset:bioinfer"]["label"] == "BioInfer"


def test_a_name_in_apposition_to_our_method_is_proposed(tiny_nlp):
    rec = run(tiny_nlp, abstract="Empirically, our proposed approach, Loki, gains 29.7% over SimCLR on ImageNet.")
    assert {m.name for m in rec.entities if m.role == "proposed"} == {"Loki"}
    rec = run(tiny_nlp, abstract="Our new benchmark, Long Range Arena (LRA), is hard.")
    assert ("Long Range Arena", "Dataset") in {(m.name, m.label) for m in rec.entities if m.role == "proposed"}
    rec = run(tiny_nlp, abstract="Our method, which is simple, beats BERT.")
    assert not [m for m in rec.entities if m.role == "proposed"]


def test_a_quoted_name_of_our_method_is_proposed(tiny_nlp):
    rec = run(tiny_nlp, abstract="We show our proposed method 'robust mean teacher' (RMT) on X. RMT wins.")
    assert {(m.text, m.id) for m in rec.entities if m.role == "proposed"} >= {
        ("robust mean teacher", "method:robustmeanteacher"), ("RMT", "method:robustmeanteacher")}
    rec = run(tiny_nlp, abstract="Our proposed two-stage method, known as 'Adapt-then-Unlearn,' excels at it.")
    assert {m.name for m in rec.entities if m.role == "proposed"} == {"Adapt-then-Unlearn"}
    rec = run(tiny_nlp, abstract="We find that our method 'works' on graphs.")
    assert not [m for m in rec.entities if m.role == "proposed"]


def test_a_title_phrase_the_proposal_repeats_is_proposed(tiny_nlp):
    rec = run(tiny_nlp, title="Local Augmentation for Graph Neural Networks",
              abstract="We propose a simple data augmentation strategy, local augmentation, to learn features.")
    assert {m.text for m in rec.entities if m.role == "proposed"} == {"Local Augmentation", "local augmentation"}
    for title, abstract in [("Flow Matching in Latent Space", "We propose to apply flow matching in latent space."),
                            ("Matrix Completion on Graphs", "We introduce a novel matrix completion model."),
                            ("Improved Techniques for Training", "We present improved techniques for training.")]:
        rec = run(tiny_nlp, title=title, abstract=abstract)
        assert not [m for m in rec.entities if m.role == "proposed"], title


def test_a_phenomenon_we_refer_to_is_not_a_proposed_method(tiny_nlp):
    rec = run(tiny_nlp, abstract="Errors grow, which we refer to as Softmax Collapse. BERT, a popular model, is used. "
                                 "It follows a chain, namely the Self-Repellent Random Walk (SRRW).")
    assert not [m for m in rec.entities if m.role == "proposed"]


def test_a_following_head_noun_joins_the_mention_not_the_name(tiny_nlp):
    rec = run(tiny_nlp, abstract="We train on the CIFAR-10 dataset and report top-1 accuracy scores.")
    got = {(m.text, m.name, m.id) for m in rec.entities}
    assert ("CIFAR-10 dataset", "CIFAR-10", "dataset:cifar10") in got
    assert ("top-1 accuracy scores", "top-1 accuracy", "metric:top1accuracy") in got


def test_a_known_method_family_is_not_what_a_paper_proposes(tiny_nlp):
    """"We propose a graph neural network (GNN)" or "our GNN" is the paper's instance of a family."""
    for abstract in ["We propose a graph neural network (GNN) for routing. It is fast.",
                     "Our GNN is fast. We introduce GNN layers."]:
        rec = run(tiny_nlp, title="Fast Routing with Message Passing", abstract=abstract)
        assert ("graph neural network", "Method") in names(rec)
        assert not [m for m in rec.entities if m.role == "proposed"], abstract
    rec = run(tiny_nlp, title="Graph Neural Networks: A New Model", abstract="We propose a GNN for graphs.")
    assert {m.id for m in rec.entities if m.role == "proposed"} == {"method:graphneuralnetwork"}


def test_more_proposal_cues_name_the_proposed_method(tiny_nlp):
    cases = {
        "This paper introduces a generic framework W2PGNN to answer when to pre-train.": "W2PGNN",
        "We present a new method in this paper, Stable Diffusion Reference Only, a model for painting.":
            "Stable Diffusion Reference Only",
        "We propose to decouple the two modalities by a Mixture of weak and strong experts (MoWSE), where "
        "the weak expert is an MLP.": "Mixture of weak and strong experts",
        "We propose a generative model for molecules that runs a Graph Diffusion Transformer (GraphDiT) on "
        "atoms.": "Graph Diffusion Transformer",
        # a coined name no long form spells, a name that spells the words before it, "for short"
        "We propose a novel conditional GAN with an auxiliary discriminative classifier (ADC-GAN) to fix it.":
            "ADC-GAN",
        "We propose to decouple them by Mixture of weak and strong experts (Mowst), where one is an MLP.": "Mowst",
        "We propose a new pre-training method based on Leave-One-Out K-Nearest-Neighbor, or LOOK for short.":
            "Leave-One-Out K-Nearest-Neighbor",
        "We introduce a simple variant of the model, RETRO++, which improves QA.": "RETRO++",
        # the cue later in a sentence whose subject is "we"
        "We enable this analysis by developing an efficient Graphlet Orbit Counter (GOC), which is fast.":
            "Graphlet Orbit Counter",
        "We study replay and propose Gradient-Aligned Replay (GAR) for pre-training.": "Gradient-Aligned Replay",
        "This work addresses both factors by proposing an Improved Test-Time Adaptation (ITTA) method.":
            "Improved Test-Time Adaptation",
    }
    for text, name in cases.items():
        rec = run(tiny_nlp, abstract=text)
        assert name in {m.name for m in rec.entities if m.role == "proposed"}, text
    rec = run(tiny_nlp, title="Multi-Objective GFlowNets",
              abstract="In this paper we consider Multi-Objective GFlowNets (MOGFNs) for drug design.")
    assert {m.id for m in rec.entities if m.role == "proposed"} == {"method:multiobjectivegflownet"}
    for text in ["We propose to study question answering (QA) with retrieval.",
                 "We propose a new view of the training dynamics of large networks (LNs).",
                 "We propose a dataset of questions in a low-resource language (Swahili) for readers.",
                 "We propose a bound of O(1-lambda) (NER) on the error.",
                 "Prior work gained accuracy by developing Graphlet Orbit Counters (GOCs)."]:
        rec = run(tiny_nlp, abstract=text)
        assert not [m for m in rec.entities if m.role == "proposed"], text


def test_a_metric_with_a_reported_value_enters_the_graph(tiny_nlp):
    from kg.nlp.extract import doc_to_extraction

    text = "FooNet reaches 88.7% recognition accuracy. Recall errors matter."
    doc = _doc_with_ents(tiny_nlp, text, [("recognition accuracy", "Metric"), ("Recall errors", "Metric")])
    rec = doc_to_extraction(doc, Paper(id="p", abstract=text), tiny_nlp.get_pipe("kg_gazetteer_v1"))
    scores = {m.text: (m.score, m.source) for m in rec.entities}
    assert scores["recognition accuracy"] == (0.75, "ner+result")
    assert scores["Recall errors"][0] < 0.5
    assert [(r.metric, r.value) for r in rec.results] == [("metric:recognitionaccuracy", 88.7)]


def test_a_one_word_model_task_needs_a_task_head_to_enter_the_graph(tiny_nlp):
    doc = _doc_with_ents(tiny_nlp, "Fast inference for segmentation and scene parsing.",
                         [("inference", "Task"), ("segmentation", "Task"), ("scene parsing", "Task")])
    scores = {c.span.text: c.score for c in doc._.kg_mentions}
    assert scores["inference"] < 0.5 <= scores["segmentation"] and scores["scene parsing"] >= 0.5


def test_model_confidence_follows_the_vote(tiny_nlp):
    """A task every member of the vote found enters the graph, one only a majority found does
    not; a metric only the model found never does."""
    from kg.records import MIN_SCORE

    text = "We apply scene parsing and object tracking with DeepLab, measured by parsing quality."
    ents = [("scene parsing", "Task"), ("object tracking", "Task"), ("DeepLab", "Method"),
            ("parsing quality", "Metric")]
    doc = _doc_with_ents(tiny_nlp, text, ents, {"object tracking": 2 / 3, "parsing quality": 2 / 3})
    scores = {c.span.text: c.score for c in doc._.kg_mentions}
    assert scores["scene parsing"] >= MIN_SCORE > scores["object tracking"]
    assert scores["DeepLab"] > scores["parsing quality"] and scores["parsing quality"] < MIN_SCORE


def test_one_name_has_one_type_per_paper(tiny_nlp):
    """A name the paper proposes as a method is not a dataset where the model alone says so;
    of two model-only types the more confident one wins."""
    text = "On COCO, FooNet reaches 41.2 mAP. Scene parsing helps. We propose FooNet for scene parsing."
    ents = [("FooNet", "Dataset"), ("Scene parsing", "Method"), ("scene parsing", "Task")]
    doc = _doc_with_ents(tiny_nlp, text, ents, {"Scene parsing": 2 / 3})
    found = {(c.span.start_char, c.span.text): (c.label, c.role, c.score) for c in doc._.kg_mentions}
    assert found[(text.index("FooNet"), "FooNet")] == ("Method", "proposed", 0.9)
    assert found[(text.index("Scene"), "Scene parsing")] == ("Task", "", 0.7)


def test_a_result_links_the_dataset_the_graph_keeps(tiny_nlp):
    """Of two datasets in the sentence, a confident one beats a nearer model-only guess."""
    from kg.nlp.extract import doc_to_extraction

    text = "On the CIFAR-10 benchmark, a Transformer with FooBar reaches 99.1% top-1 accuracy."
    doc = _doc_with_ents(tiny_nlp, text, [("FooBar", "Dataset")], {"FooBar": 2 / 3})
    rec = doc_to_extraction(doc, Paper(id="p", abstract=text), tiny_nlp.get_pipe("kg_gazetteer_v1"))
    assert [(r.dataset, r.value) for r in rec.results] == [("dataset:cifar10", 99.1)]


def test_hardware_and_boasts_are_no_methods(tiny_nlp):
    from kg.records import MIN_SCORE

    text = "We train DeepLab on 8 GPUs with PyTorch and beat SOTA."
    doc = _doc_with_ents(tiny_nlp, text, [("DeepLab", "Method"), ("GPUs", "Method"), ("PyTorch", "Method"),
                                          ("SOTA", "Method")])
    scores = {c.span.text: c.score for c in doc._.kg_mentions}
    assert scores["DeepLab"] >= MIN_SCORE > max(scores["GPUs"], scores["PyTorch"], scores["SOTA"])


def test_a_result_takes_the_dataset_it_names_and_a_setting_is_no_result(tiny_nlp):
    from kg.nlp.extract import doc_to_extraction

    text = ("FooNet has 1.9% top-1 accuracy on CIFAR-10 and 5.5% top-1 accuracy (5.8+/-0.3) on the new CIFAR-100 "
            "test set. A net on CIFAR-10 (4.6% top-1 accuracy) and on CIFAR-100. It keeps 80.1% top-1 accuracy at 70% "
            "weight sparsity and scores at 17.3% top-1 accuracy.")
    doc = _doc_with_ents(tiny_nlp, text, [("weight sparsity", "Metric")])
    rec = doc_to_extraction(doc, Paper(id="p", abstract=text), tiny_nlp.get_pipe("kg_gazetteer_v1"))
    assert [(r.value, r.dataset) for r in rec.results] == [
        (1.9, "dataset:cifar10"), (5.5, "dataset:cifar100"), (4.6, "dataset:cifar10"), (80.1, ""), (17.3, "")]


def test_a_statement_with_values_on_several_datasets_gives_one_result_each(tiny_nlp):
    rec = run(tiny_nlp, title="FooNet: a thing",
              abstract="FooNet reaches an FID of 2.1 on CIFAR-10 and 3.4 on ImageNet. It has 85.3% top-1 accuracy "
                       "on ImageNet, 91.2% on CIFAR-10, and 70.5% on CIFAR-100. Its FID of 4.0 on CIFAR-100 and 2x "
                       "on ImageNet.")
    assert stated(rec) == [
        ("metric:fid", 2.1, "dataset:cifar10"), ("metric:fid", 3.4, "dataset:imagenet"),
        ("metric:top1accuracy", 85.3, "dataset:imagenet"), ("metric:top1accuracy", 91.2, "dataset:cifar10"),
        ("metric:top1accuracy", 70.5, "dataset:cifar100"), ("metric:fid", 4.0, "dataset:cifar100")]
    assert {r.method for r in rec.results} == {"method:foonet"}
    rec = run(tiny_nlp, title="FooNet: a thing",
              abstract="FooNet reaches FID scores of 2.51 and 3.25 on CIFAR-10 and ImageNet, respectively. On "
                       "CIFAR-10, CIFAR-100 and ImageNet, it gets 91.2%, 70.5% and 80.1% top-1 accuracy, "
                       "respectively. It improves top-1 accuracy by 2% and 3% on CIFAR-10 and ImageNet, respectively.")
    assert stated(rec) == [
        ("metric:fid", 2.51, "dataset:cifar10"), ("metric:fid", 3.25, "dataset:imagenet"),
        ("metric:top1accuracy", 91.2, "dataset:cifar10"), ("metric:top1accuracy", 70.5, "dataset:cifar100"),
        ("metric:top1accuracy", 80.1, "dataset:imagenet")]
    assert rec.results[0].text == "FID scores of 2.51 and 3.25"


def test_a_names_final_period_is_a_token_and_case_does_not_change_a_gazetteer_match(tiny_nlp):
    """spaCy keeps the period of "ImageNet-1K." (a digit, then a capital) inside the name, and
    splits "ImageNet-1K" but not "ImageNet-1k" (the tiny gazetteer's alias) in two."""
    assert [t.text for t in tiny_nlp.make_doc("We use T5-3B. It is in 3D. U.S. law")] == [
        "We", "use", "T5", "-", "3B", ".", "It", "is", "in", "3D", ".", "U.S.", "law"]
    for text in ["We train on ImageNet-1K. Then we test.", "We train on ImageNet-1K, then test."]:
        assert ("ImageNet", "Dataset") in names(run(tiny_nlp, abstract=text)), text


def test_a_slash_list_of_numbers_names_each_dataset(tiny_nlp):
    rec = run(tiny_nlp, abstract="We test on CIFAR-10/100, on CIFAR10/CIFAR-100 and on ImageNet/CIFAR-10-LT.")
    assert {(m.text, m.id) for m in rec.entities} == {
        ("CIFAR-10", "dataset:cifar10"), ("100", "dataset:cifar100"), ("CIFAR10", "dataset:cifar10"),
        ("CIFAR-100", "dataset:cifar100"), ("ImageNet", "dataset:imagenet")}
    assert [t.text for t in tiny_nlp.make_doc("a 1/2 split")] == ["a", "1", "/", "2", "split"]
    rec = run(tiny_nlp, abstract="We test on CIFAR-10/100-LT, the long-tailed versions.")
    assert not rec.entities  # neither CIFAR-10 nor CIFAR-100
    rec = run(tiny_nlp, abstract="We train CIFAR-10 and 100 epochs on Something-Something V1&V2 and on "
                                 "Something-Something V1 and V2.")
    assert {(m.text, m.id) for m in rec.entities} == {
        ("CIFAR-10", "dataset:cifar10"), ("Something-Something V1", "dataset:somethingsomethingv1"),
        ("V2", "dataset:somethingsomethingv2")}


def test_values_and_datasets_written_a_slash_b_pair_in_order(tiny_nlp):
    rec = run(tiny_nlp, title="FooNet: a thing",
              abstract="FooNet reaches 82.9%/84.8% top-1 accuracy on ImageNet/CIFAR-10. On CIFAR-10/100 it has FID "
                       "scores of 1.91/2.43 and 3x/4x speed. For Something-Something V1 and V2, FooNet achieves "
                       "60.9% and 71.2% top-1 accuracy respectively.")
    assert stated(rec) == [
        ("metric:top1accuracy", 82.9, "dataset:imagenet"), ("metric:top1accuracy", 84.8, "dataset:cifar10"),
        ("metric:fid", 1.91, "dataset:cifar10"), ("metric:fid", 2.43, "dataset:cifar100"),
        ("metric:top1accuracy", 60.9, "dataset:somethingsomethingv1"),
        ("metric:top1accuracy", 71.2, "dataset:somethingsomethingv2")]


def test_benchmark_names_are_datasets(tiny_nlp):
    rec = run(tiny_nlp, abstract="Results on AgentBench, MT-bench and SWE-bench hold. A Workbench is a tool.")
    assert names(rec, "Dataset") == {("AgentBench", "Dataset"), ("MT-bench", "Dataset"), ("SWE-bench", "Dataset")}


def test_a_naming_cue_in_a_proposal_names_it_and_our_method_in_brackets(tiny_nlp):
    rec = run(tiny_nlp, abstract="We propose a semi-autoregressive (semi-AR) framework, called Next-Block Prediction "
                                 "(NBP), for video generation.")
    assert {m.text for m in rec.entities if m.role == "proposed"} == {"Next-Block Prediction", "NBP"}
    rec = run(tiny_nlp, abstract="To measure it, we propose a novel variance-based metric called "
                                 "Operating-Point-Inconsistency-Score (OPIS) that quantifies variance.")
    assert {(m.text, m.label) for m in rec.entities if m.role == "proposed"} == {
        ("Operating-Point-Inconsistency-Score", "Metric"), ("OPIS", "Metric")}
    rec = run(tiny_nlp, abstract="Our method (TESLA) achieves 27.9% top-1 accuracy on ImageNet.")
    assert {m.text for m in rec.entities if m.role == "proposed"} == {"TESLA"}
    assert [r.method for r in rec.results] == ["method:tesla"]
    rec = run(tiny_nlp, abstract="Our model (see Fig. 2) is fast.")
    assert not [m for m in rec.entities if m.role == "proposed"]


def test_a_name_right_after_the_cue_beats_an_acronym_defined_later_in_the_clause(tiny_nlp):
    rec = run(tiny_nlp, abstract="We propose G3, a novel framework based on Retrieval-Augmented Generation (RAG).")
    assert {m.text for m in rec.entities if m.role == "proposed"} == {"G3"}
    rec = run(tiny_nlp, abstract="Second, we propose a Position-Aware Training Paradigm. It is fast.")
    assert {m.text for m in rec.entities if m.role == "proposed"} == {"Position-Aware Training Paradigm"}
    rec = run(tiny_nlp, abstract="We propose Multi-Objective GFlowNets (MOGFNs) for design.")
    assert {m.text for m in rec.entities if m.role == "proposed"} == {"Multi-Objective GFlowNets", "MOGFNs"}
    rec = run(tiny_nlp, abstract="We propose CollaboNet. Keywords: NER Deep Learning Named Entity Recognition "
                                 "Text Mining")
    assert {m.text for m in rec.entities if m.role == "proposed"} == {"CollaboNet"}


def test_a_short_form_the_paper_defines_names_its_long_form_not_the_gazetteers():
    nlp = ruler_pipeline([
        {"label": "Task", "pattern": "OFE"},
        {"label": "Method", "pattern": "progressive early-fusion transformers"},
        {"label": "Method", "pattern": "PEFT"},
    ])
    rec = run(nlp, abstract="We train with Online Feature Ensembling (OFE) throughout. Later, OFE keeps its gains.")
    assert {m.name for m in rec.entities} == {"Online Feature Ensembling"}
    rec = run(nlp, abstract="We stack progressive early-fusion transformers (PEFTs) deeply. Each PEFT has two PEFTs.")
    assert {m.id for m in rec.entities} == {"method:progressiveearlyfusiontransformer"}
    assert not [m for m in rec.entities if m.source == "gazetteer"]


def test_more_ways_to_define_an_acronym(tiny_nlp):
    cases = {
        "We propose a Lattice transDucer (LatDucer) for speech. LatDucer is fast.": ("LatDucer", "Lattice transDucer"),
        "We train a Rotary Unit Mixer, or RUM for short. RUM is fast.": ("RUM", "Rotary Unit Mixer"),
        "Here we present QuBiT: Quantized Bidirectional Transformer. QuBiT is small.":
            ("QuBiT", "Quantized Bidirectional Transformer"),
        "We introduce SR-Mixer. Our Sparse Routed Mixer is trained on text.": ("SR-Mixer", "Sparse Routed Mixer"),
    }
    for text, pair in cases.items():
        assert [(s.text, lf.text) for s, lf in tiny_nlp(text)._.kg_abbreviations] == [pair], text
    rec = run(tiny_nlp, abstract="We introduce SR-Mixer. Our Sparse Routed Mixer is trained on text.")
    assert {m.id for m in rec.entities} == {"method:sparseroutedmixer"}
    assert rec.aliases == (("method:sparseroutedmixer", "SR-Mixer"),)
    # a capital of the short form that no capital or word start of the long form matches
    assert not tiny_nlp("We propose a Lattice transducer (LatDucer) for speech.")._.kg_abbreviations
    assert not tiny_nlp("We introduce SR-Mixer. A sparse mixer, routed Mixer.")._.kg_abbreviations


def test_an_acronym_and_a_mention_that_spells_it_out_are_one_entity():
    nlp = ruler_pipeline([
        {"label": "Method", "pattern": "Lossless Patch Quantizer"}, {"label": "Method", "pattern": "LPQ"},
        {"label": "Method", "pattern": "Lossy Patch Query"}, {"label": "Task", "pattern": "Learned Patch Queue"},
    ])
    rec = run(nlp, abstract="The Lossless Patch Quantizer compresses images. With LPQ, images shrink.")
    assert {m.id for m in rec.entities} == {"method:losslesspatchquantizer"}
    assert rec.aliases == (("method:losslesspatchquantizer", "LPQ"),)
    # two long forms that both spell it, or one of another type: no pair
    rec = run(nlp, abstract="Lossy Patch Query and LPQ. The Lossless Patch Quantizer differs.")
    assert "method:lpq" in {m.id for m in rec.entities} and not rec.aliases
    rec = run(nlp, abstract="A Learned Patch Queue and LPQ.")
    assert "method:lpq" in {m.id for m in rec.entities} and not rec.aliases


def test_a_name_the_paper_proposes_has_one_type_in_it(tiny_nlp):
    rec = run(tiny_nlp, abstract="We present HALO, a framework for routing. HALO beats all baselines.")
    assert {(m.label, m.id, m.role) for m in rec.entities} == {("Method", "method:halo", "proposed")}
    rec = run(tiny_nlp, abstract="We report HALO on two datasets.")
    assert {m.id for m in rec.entities} == {"metric:halo"}


def test_a_type_word_after_a_known_name_keeps_the_name():
    nlp = ruler_pipeline([{"label": "Method", "pattern": "GNN architectures"}])
    rec = run(nlp, abstract="Deep GNN architectures oversmooth.")
    assert {m.id for m in rec.entities} == {"method:graphneuralnetwork"}


def test_a_model_mention_the_gazetteer_lists_under_another_type_takes_that_type():
    from kg.nlp.extract import _gazetteer_label
    from kg.nlp.merge import Candidate

    nlp = ruler_pipeline([])
    text = "A top-1 accuracy schedule and Halo."
    doc = nlp(text)
    gazetteer = nlp.get_pipe("kg_gazetteer_v1")

    def label(name):
        span = doc.char_span(text.index(name), text.index(name) + len(name))
        return _gazetteer_label(Candidate(span, "Method", "ner", 0.75), gazetteer)

    assert label("top-1 accuracy") == "Metric"
    assert label("Halo") == "Method"  # the gazetteer's HALO is case-sensitive


def test_a_drop_in_accuracy_is_no_loss_function(tiny_nlp):
    rec = run(tiny_nlp, abstract="Pruning costs no top-1 accuracy loss.")
    assert {(m.text, m.label) for m in rec.entities} == {("top-1 accuracy", "Metric")}


def test_an_acronym_with_a_digit_word_and_inside_a_phrase_names_its_long_form():
    from kg.nlp.pipeline import load_pipeline

    rec = run(load_pipeline(True), abstract=(
        "Diffusion models have made remarkable progress in text-to-image (T2I) generation. "
        "Our method improves T2I generation on two benchmarks."
    ))
    assert {m.name for m in rec.entities if m.label == "Task"} == {"text-to-image generation"}


def test_digits_spell_words_in_acronyms():
    assert best_long_form("T2I", "progress in text-to-image") == "text-to-image"
    assert best_long_form("Seq2Seq", "a sequence-to-sequence") == "sequence-to-sequence"
    assert best_long_form("B2B", "the business") is None


def test_a_defined_acronym_inside_a_name_joins_the_name_the_paper_writes():
    from kg.nlp.pipeline import load_pipeline

    rec = run(load_pipeline(True), title="Reward Guided Latent Consistency Distillation", abstract=(
        "We distill a latent consistency model with Latent Consistency Distillation (LCD). "
        "Our Reward Guided LCD (RG-LCD) integrates feedback from a reward model into training."
    ))
    ids = {m.id for m in rec.entities if m.text.startswith("Reward Guided")}
    assert ids == {"method:rewardguidedlatentconsistencydistillation"}
    assert ("method:rewardguidedlatentconsistencydistillation", "RG-LCD") in rec.aliases


def test_the_kind_noun_after_a_proposed_name_types_it(tiny_nlp):
    rec = run(tiny_nlp, abstract="We devise an interpolation standard deviation (ISTD) metric to assess smoothness.")
    assert ("interpolation standard deviation", "Metric") in names(rec)
    from kg.nlp.rules import _proposed_label

    assert _proposed_label(" a dataset Diversity-Aware prompting strategy", "") == "Method"
    assert _proposed_label(" a new dataset", " of 10k images") == "Dataset"


def test_accelerators_name_nothing():
    import spacy

    from kg.nlp.merge import _names_nothing

    doc = spacy.blank("en")("on two GPUs, P100 and NVIDIA A100, not K400 or T5")
    spans = {doc[i : i + n].text: _names_nothing(doc[i : i + n]) for i, n in ((4, 1), (6, 2), (10, 1), (12, 1))}
    assert spans == {"P100": True, "NVIDIA A100": True, "K400": False, "T5": False}
