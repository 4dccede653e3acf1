"""`kg leaderboard`: results ranked per dataset and metric by direction, with code link and
evidence, giving the same best rows as queries/08-best-result-per-dataset-metric.rq."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdf_fixture import fixture_graph
from typer.testing import CliRunner

from kg.analytics import leaderboard
from kg.cli import app
from kg.errors import KGError
from kg.export import export
from kg.export.rdf import write_turtle
from kg.samples import results_graph
from kg.sparql.query import query
from tests.test_cli import run

QUERY_08 = Path(__file__).resolve().parents[1] / "queries" / "08-best-result-per-dataset-metric.rq"


def _build_dir(G, directory: Path) -> Path:
    """What `kg build` writes that the leaderboard and the query read: kg.graphml, graph.json, kg.ttl."""
    directory.mkdir(parents=True, exist_ok=True)
    export(G, "graphml", directory / "kg.graphml")
    export(G, "json", directory / "graph.json")
    write_turtle(G, directory / "kg.ttl")
    return directory


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory) -> Path:
    return _build_dir(results_graph(), tmp_path_factory.mktemp("results"))


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory) -> Path:
    return _build_dir(fixture_graph(), tmp_path_factory.mktemp("fixture"))


def _query_08(directory: Path) -> set[tuple]:
    out = json.loads(query(directory, file=QUERY_08, fmt="json"))
    return {(b["dataset"]["value"], b["metric"]["value"], float(b["best"]["value"]), b.get("unit", {}).get("value", ""),
             b["direction"]["value"], b.get("method", {}).get("value", ""), b["paper"]["value"])
            for b in out["results"]["bindings"]}


def _best_rows(directory: Path) -> set[tuple]:
    from kg.load import load_graph

    board = leaderboard(load_graph(directory))
    best = board[board["rank"] == 1]
    return {(r.dataset, r.metric, r.value if r.direction == "lower" or r.value_max != r.value_max else r.value_max,
             r.unit, r.direction, r.method, r.paper.removeprefix("paper:")) for r in best.itertuples()}


@pytest.mark.parametrize("which", ["results_dir", "fixture_dir"])
def test_best_rows_equal_query_08(request, which):
    directory = request.getfixturevalue(which)
    expected = _query_08(directory)
    assert expected  # both fixtures have ranked results, one of them a range
    assert _best_rows(directory) == expected


def test_code_link_and_evidence_come_from_the_paper_and_its_reports_edge(fixture_dir):
    from kg.load import load_graph

    board = leaderboard(load_graph(fixture_dir), dataset="ImageNet", metric="FID")
    assert board[["rank", "method", "value", "code"]].values.tolist() == [
        [1, "Transformer", 2.9, "https://github.com/example/vit-study"],  # a project page: no code host
        [2, "SuperNet", 4.2, "https://github.com/example/supernet"]]
    assert board.loc[0, "value_max"] == 3.6 and board["value_max"].isna().tolist() == [False, True]
    assert board.loc[1, "evidence"] == "SN has an FID of 4.2 on ImageNet."
    assert board.loc[0, "title"] == "Comparing architectures"


def test_cli_table(results_dir):
    result = CliRunner().invoke(app, ["leaderboard", str(results_dir)])
    assert result.exit_code == 0, result.output
    blocks = result.output.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [
        "CIFAR-10 — accuracy (higher is better)", "ImageNet — FID (lower is better)"]
    fid = blocks[1].splitlines()
    assert fid[1].split() == ["rank", "method", "value", "paper", "code", "evidence"]
    assert fid[3].split()[:4] == ["1", "Numbat", "2.2", "q3"]
    assert fid[4].split()[:5] == ["2", "Quokka", "2.7", "q1", "https://github.com/q/quokka"]
    assert fid[5].split()[:4] == ["3", "Wombat", "3.1–3.4", "q2"]
    assert fid[5].endswith("Wombat has an FID of 3.1 to 3.4 on ImageNet and 97.0% accuracy on CIFAR-10.")


def test_cli_csv(results_dir):
    result = CliRunner().invoke(app, ["leaderboard", str(results_dir), "--dataset", "imagenet", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["rank"], r["method"], r["value"], r["value_max"], r["paper"], r["code"]) for r in rows] == [
        ("1", "Numbat", "2.2", "", "q3", ""), ("2", "Quokka", "2.7", "", "q1", "https://github.com/q/quokka"),
        ("3", "Wombat", "3.1", "3.4", "q2", "")]
    assert {r["dataset"] for r in rows} == {"ImageNet"} and {r["direction"] for r in rows} == {"lower"}
    assert rows[0]["evidence"] == "Numbat gets an FID of 2.2 on ImageNet and a sharpness of 0.8."
    assert rows[0]["title"] == "Numbat: a model"


def test_cli_markdown(results_dir):
    result = CliRunner().invoke(app, ["leaderboard", str(results_dir / "graph.json"), "--metric", "accuracy",
                                      "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:6] == [
        "### CIFAR-10 — accuracy (higher is better)", "",
        "| rank | method | value | paper | code | evidence |", "|---:|---|---:|---|---|---|",
        "| 1 | Wombat | 97% | q2 |  | Wombat has an FID of 3.1 to 3.4 on ImageNet and 97.0% accuracy on CIFAR-10. |",
        "| 2 | Quokka | 96.1% | q1 | https://github.com/q/quokka | Quokka reaches an FID of 2.7 on ImageNet and "
        "96.1% accuracy on CIFAR-10. |"]


def test_cli_help_has_an_example():
    result = CliRunner().invoke(app, ["leaderboard", "--help"])
    assert result.exit_code == 0
    assert "Example: kg leaderboard outputs/ --dataset ImageNet --metric FID --format md" in result.output


def test_unknown_names_are_one_line_with_close_matches(monkeypatch, capsys, results_dir):
    code, _, err = run(monkeypatch, capsys, "leaderboard", results_dir, "--dataset", "imagenett")
    assert code == 1 and err.strip() == "kg: error: no dataset named 'imagenett' in the graph; close matches: ImageNet"
    code, _, err = run(monkeypatch, capsys, "leaderboard", results_dir, "--metric", "top-1 acc")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "close matches: accuracy" in err
    code, _, err = run(monkeypatch, capsys, "leaderboard", results_dir, "--metric", "zzz")
    assert code == 1 and err.strip() == "kg: error: no metric named 'zzz' in the graph; metrics with ranked " \
        "results: FID, accuracy"
    code, _, err = run(monkeypatch, capsys, "leaderboard", results_dir, "--format", "xlsx")
    assert code == 1 and "choose one of: table, csv, md" in err
    with pytest.raises(KGError, match="close matches: CIFAR-10"):
        leaderboard(results_graph(), dataset="cifar 10")


def test_nothing_to_rank(tmp_path):
    from kg.samples import example_graph

    directory = _build_dir(example_graph(), tmp_path / "plain")
    result = CliRunner().invoke(app, ["leaderboard", str(directory)])
    assert result.exit_code == 0 and result.output.startswith("no ranked results")
    result = CliRunner().invoke(app, ["leaderboard", str(directory), "--format", "csv"])
    assert result.output.strip() == ",".join(
        ["dataset", "metric", "direction", "rank", "method", "value", "value_max", "unit", "paper", "title", "code",
         "evidence"])
