"""kg eval --graph: link precision / recall per paper against hand-annotated abstracts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KGError
from kg.eval.links import GoldEntity, GoldPaper, PaperLink, graph_links, read_link_gold, score_links
from kg.graph import build_graph
from kg.records import Extraction, Mention, Paper


def test_acronym_and_long_form_match_one_gold_entity_once():
    gold = [GoldPaper("a", "", "x", (GoldEntity("Method", "graph neural network", ("GNN", "graph neural networks")),))]
    links = {"a": [PaperLink("Method", "method:graphneuralnetwork", ("graph neural networks",)),
                   PaperLink("Method", "method:gnn", ("GNN",))]}
    s = score_links(gold, links)
    assert (s["Method"]["tp"], s["Method"]["fp"], s["Method"]["fn"]) == (1, 1, 0)


def test_type_must_agree():
    gold = [GoldPaper("a", "", "x", (GoldEntity("Metric", "accuracy", ("accuracy",)),))]
    s = score_links(gold, {"a": [PaperLink("Method", "method:accuracy", ("accuracy",))]})
    assert s["micro"]["tp"] == 0 and s["Method"]["fp"] == 1 and s["Metric"]["fn"] == 1


def test_graph_links_read_names_aliases_and_evidence():
    p = Paper(id="a", abstract="We use GNNs.")
    m = Mention("GNNs", "Method", 7, 11, "abstract", name="graph neural network", id="method:graphneuralnetwork",
                score=0.9, source="gazetteer")
    links = graph_links(build_graph([Extraction(paper=p, entities=(m,))], admission=False))
    assert links["a"][0].node == "method:graphneuralnetwork" and "GNNs" in links["a"][0].forms


def _gold_file(tmp_path, records):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_reader_checks_labels_and_splits(tmp_path):
    rec = {"id": "a", "abstract": "We use BERT.", "split": "dev",
           "entities": [{"label": "Method", "name": "BERT", "mentions": ["BERT"]}]}
    assert read_link_gold(_gold_file(tmp_path, [rec]), "dev")[0].entities[0].name == "BERT"
    with pytest.raises(KGError, match="no gold records in split 'check'"):
        read_link_gold(_gold_file(tmp_path, [rec]), "check")
    bad = {**rec, "entities": [{"label": "Model", "name": "BERT"}]}
    with pytest.raises(KGError, match="unknown label 'Model'"):
        read_link_gold(_gold_file(tmp_path, [bad]))


def test_cli_scores_a_build_of_the_gold_papers(tmp_path):
    rec = {"id": "a", "abstract": "We fine-tune BERT on SQuAD and report the F1 score.",
           "entities": [{"label": "Method", "name": "BERT", "mentions": ["BERT"]},
                        {"label": "Dataset", "name": "SQuAD", "mentions": ["SQuAD"]},
                        {"label": "Metric", "name": "F1", "mentions": ["F1"]}]}
    result = CliRunner().invoke(app, ["eval", "--graph", "--gold", str(_gold_file(tmp_path, [rec])), "--json",
                                      "--no-model", "--errors", "5"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["Dataset"]["tp"] == 1 and scores["n_papers"] == 1
