import json
import re
import shutil

import pytest

from tests.conftest import ROOT
from tests.conftest import run_kg as run


def test_help_shows_examples(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "--help")
    assert code == 0 and "kg build seeds/ -o outputs/" in out
    for command in ("build", "extract"):
        code, out, _ = run(monkeypatch, capsys, command, "--help")
        assert code == 0 and "Example: kg " in out


def test_extract_keeps_ids_and_order(monkeypatch, capsys, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": "z9", "title": "UniFormer: Unified Transformer", "abstract": "Code: github.com/a/b."}\n'
        '{"id": "a1", "title": "", "abstract": "We test on CIFAR-10."}\n'
        '{"id": "z9", "title": "UniFormer: Unified Transformer", "abstract": "Code: github.com/a/b."}\n'
    )
    out_file = tmp_path / "x.jsonl"
    code, _, err = run(monkeypatch, capsys, "extract", src, "-o", out_file, "--no-model")
    assert code in (0, None), err
    rows = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["z9", "a1", "z9"]
    first = rows[0]
    assert {"id", "title", "entities", "repos", "relations"} <= first.keys()
    assert first["repos"][0] == first["repos"][0] | {"url": "https://github.com/a/b", "kind": "code"}
    ent = first["entities"][0]
    assert {"text", "label", "start", "end", "field", "name", "id", "score", "source"} <= ent.keys()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("", "no papers found"),
        ('{"title": "x"}\n{oops}\n', "in.jsonl:2: malformed JSON"),
    ],
)
def test_bad_input_exits_1_with_one_line(monkeypatch, capsys, tmp_path, content, message):
    src = tmp_path / "in.jsonl"
    if content is not None:
        src.write_text(content)
    code, _, err = run(monkeypatch, capsys, "extract", src, "--no-model")
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_usage_error_exits_1(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "build", "--no-such-option")
    assert code == 1
    assert "No such option" in err and "internal error" not in err and "Traceback" not in err


BUILD_FILES = ("kg.ttl", "kg.html", "kg.graphml", "graph.json", "extractions.jsonl", "build.json")


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory):
    from kg.build import build

    out = tmp_path_factory.mktemp("out")
    report = build([ROOT / "seeds"], out, show_progress=False)
    return out, report


def test_build_seeds_writes_all_outputs(seeds_build):
    out, report = seeds_build
    for name in BUILD_FILES:
        assert (out / name).stat().st_size > 0, name
    assert report["records"] == 276 and report["papers"] == 260
    assert report["nodes_by_type"]["Paper"] == 260
    assert report["nodes_by_type"]["Repository"] >= 80
    lines = (out / "extractions.jsonl").read_text().splitlines()
    assert len(lines) == 260
    assert sum(len(json.loads(x)["sources"]) for x in lines) == 276
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".kg-cache"]  # no staging left


def test_build_output_roundtrips(seeds_build):
    import networkx as nx
    import rdflib

    out, report = seeds_build
    G = nx.read_graphml(out / "kg.graphml")
    assert G.number_of_nodes() == report["nodes"]
    g = rdflib.Graph().parse(out / "kg.ttl")
    assert len(g) > report["edges"]
    html = (out / "kg.html").read_text()
    assert "<script src=\"http" not in html and "cdn" not in html.lower()


def test_failed_build_keeps_previous_outputs(monkeypatch, capsys, seeds_build, tmp_path):
    out, _ = seeds_build
    before = {n: (out / n).read_bytes() for n in BUILD_FILES}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "ok"}\n{"title": 5.5, "abstract": ["no"]}\n')
    code, _, err = run(monkeypatch, capsys, "build", bad, "-o", out, "--no-model")
    assert code == 1 and "bad.jsonl:2" in err
    assert {n: (out / n).read_bytes() for n in BUILD_FILES} == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".kg-cache"]  # no staging left


def test_build_into_a_file_path_is_a_clear_error(monkeypatch, capsys, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    code, _, err = run(monkeypatch, capsys, "build", ROOT / "seeds", "-o", target, "--no-model")
    assert code == 1 and "not a directory" in err


def test_eval_prints_both_measures(monkeypatch, capsys):
    from tests.conftest import FIXTURES

    gold = next(p for p in (FIXTURES / "gold").iterdir() if p.suffix == ".json" or p.name.endswith("scierc.jsonl"))
    code, out, err = run(monkeypatch, capsys, "eval", "--gold", gold, "--no-model", "--json")
    assert code == 0, err
    scores = json.loads(out)
    assert {"span", "mention"} <= scores.keys() and "micro" in scores["mention"]
    code, _, err = run(monkeypatch, capsys, "eval", "--gold", FIXTURES / "nope.json", "--no-model")
    assert code == 1 and "no such gold file" in err


def test_eval_takes_labels_in_any_case_and_refuses_unknown_labels_and_scores(monkeypatch, capsys, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d1", "title": "", "abstract": "We train on CIFAR-10.",
                                "entities": [{"text": "CIFAR-10", "label": "Dataset"}]}) + "\n")
    code, out, err = run(monkeypatch, capsys, "eval", "--gold", gold, "--no-model", "--json",
                         "--labels", "dataset,Task")
    assert code == 0, err
    assert json.loads(out)["labels"] == ["Dataset", "Task"] and json.loads(out)["mention"]["micro"]["tp"] == 1
    code, out, err = run(monkeypatch, capsys, "eval", "--gold", gold, "--no-model", "--labels", "Datasets,Task")
    assert code == 1 and out == ""
    assert err.strip() == "kg: error: --labels: unknown label Datasets; use some of Method,Dataset,Metric,Task"
    code, _, err = run(monkeypatch, capsys, "eval", "--gold", gold, "--no-model", "--min-score", "2")
    assert code == 1 and err.strip() == "kg: error: --min-score is a confidence between 0 and 1, not 2"


def test_eval_lists_the_errors_of_each_document(monkeypatch, capsys, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d1", "title": "", "abstract": "We train on CIFAR-10 and the Foo corpus.",
                                "entities": [{"text": "Foo corpus", "label": "Dataset"},
                                             {"text": "CIFAR-10", "label": "Dataset"}]}) + "\n")
    code, out, err = run(monkeypatch, capsys, "eval", "--gold", gold, "--no-model", "--errors", "5")
    assert code == 0, err
    assert "== d1\n  missed    Dataset  Foo corpus" in out and "CIFAR-10" not in out.split("== d1")[1]
    code, out, _ = run(monkeypatch, capsys, "eval", "--gold", gold, "--no-model", "--errors", "5", "--json")
    assert json.loads(out)["errors"] == [{"id": "d1", "missed": [["Dataset", "Foo corpus"]], "spurious": []}]


def test_eval_scores_another_model_and_refuses_a_non_model(monkeypatch, capsys, tmp_path):
    from kg.nlp.pipeline import MODEL_PATH
    from kg.nlp.vote import member_paths

    gold = tmp_path / "gold.jsonl"
    text = "We evaluate BERT on SQuAD for question answering."
    gold.write_text(json.dumps({"id": "d1", "title": "", "abstract": text,
                                "entities": [{"text": "question answering", "label": "Task"}]}) + "\n")
    one = member_paths(MODEL_PATH)[0]
    code, out, err = run(monkeypatch, capsys, "eval", "--gold", gold, "--model", one, "--json")
    assert code == 0, err
    assert json.loads(out)["mention"]["Task"]["tp"] == 1
    (tmp_path / "empty").mkdir()
    code, _, err = run(monkeypatch, capsys, "eval", "--gold", gold, "--model", tmp_path / "empty")
    assert code == 1 and "not a spaCy pipeline or a directory of member* pipelines" in err
    broken = tmp_path / "broken" / "member0"
    shutil.copytree(one, broken)
    (broken / "ner" / "model").write_bytes(b"not a model")
    code, _, err = run(monkeypatch, capsys, "eval", "--gold", gold, "--model", broken.parent)
    assert code == 1 and "cannot load NER model" in err and "Traceback" not in err


@pytest.mark.slow
def test_seeds_build_is_shacl_valid(seeds_build):
    from kg.sparql.validate import validate

    out, _ = seeds_build
    conforms, report = validate(out)
    assert conforms, report[:2000]


@pytest.mark.parametrize(
    "command, usage",
    [("build", "kg build [OPTIONS] INPUT..."), ("query", "kg query [OPTIONS] GRAPH [QUERY]"),
     ("train", "kg train [OPTIONS] [OUTDIR]"), ("stats", "kg stats [OPTIONS] DIR")],
)
def test_help_names_arguments_as_users_write_them(monkeypatch, capsys, command, usage):
    code, out, _ = run(monkeypatch, capsys, command, "--help")
    assert code == 0 and f"Usage: {usage}\n" in out


def test_every_command_help_is_free_of_python_placeholders(monkeypatch, capsys):
    from kg.cli import app

    for cmd in app.registered_commands:
        name = cmd.name or cmd.callback.__name__
        code, out, _ = run(monkeypatch, capsys, name, "--help")
        assert code == 0, name
        assert not re.search(r"<(str|int|float|path|bool)>|list\[|\{[A-Z]+\}", out), (name, out)


def test_build_formats_option(monkeypatch, capsys, tmp_path):
    papers = ROOT / "tests" / "fixtures" / "analytics" / "papers.jsonl"
    code, _, err = run(monkeypatch, capsys, "build", papers, "-o", tmp_path / "o", "--no-model", "--formats", "ttl,pdf")
    assert code == 1
    assert err.strip() == "kg: error: --formats: unknown format pdf; choose some of ttl,store,graphml,json,html"
    code, _, err = run(monkeypatch, capsys, "build", papers, "-o", tmp_path / "o", "--no-model", "--formats", "html")
    assert code == 0, err
    written = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert written == [".kg-cache", "build.json", "extractions.jsonl", "kg.html"]
