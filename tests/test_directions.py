"""The metric-direction table: well-formed, covering the gazetteer's metrics, and looked up by name or ID."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from kg.directions import DIRECTIONS_PATH, metric_direction
from kg.resolve import entity_key

GAZETTEER = Path(__file__).resolve().parents[1] / "kg" / "data" / "gazetteer"


def _rows() -> list[tuple[str, str]]:
    lines = [line for line in DIRECTIONS_PATH.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    assert lines[0] == "name\tdirection"
    return [tuple(line.split("\t")) for line in lines[1:]]  # type: ignore[misc]


def test_rows_are_well_formed_and_agree():
    by_key: dict[str, set[str]] = defaultdict(set)
    for name, direction in _rows():
        assert direction in {"higher", "lower", "none"}, name
        by_key[entity_key(name)].add(direction)
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {}


def test_every_gazetteer_metric_is_covered():
    """A new Metric in the gazetteer needs a line in kg/data/metric_directions.tsv (``none`` if it has no direction)."""
    known = {entity_key(name) for name, _ in _rows()}
    names = {json.loads(line)["name"] for path in GAZETTEER.glob("*.jsonl")
             for line in path.read_text("utf-8").splitlines() if '"Metric"' in line}
    missing = sorted(n for n in names if entity_key(n) not in known)
    assert missing == [], f"add these to {DIRECTIONS_PATH.name}"


@pytest.mark.parametrize(("name", "expected"), [
    ("FID", "lower"), ("Fréchet Inception Distance", "lower"), ("metric:fvd", "lower"), ("KID", "lower"),
    ("top-1 error", "lower"), ("Top-5 Error Rate", "lower"), ("word error rate", "lower"), ("WER", "lower"),
    ("perplexity", "lower"), ("bits per dimension", "lower"), ("NLL", "lower"), ("Chamfer distance", "lower"),
    ("inference time", "lower"), ("EER", "lower"), ("validation losses", "lower"),
    ("accuracy", "higher"), ("Top-1 Accuracy", "higher"), ("metric:f1", "higher"), ("BLEU", "higher"),
    ("ROUGE-L", "higher"), ("mAP", "higher"), ("mIoU", "higher"), ("PSNR", "higher"), ("SSIM", "higher"),
    ("AUC", "higher"), ("Inception Score", "higher"), ("recall", "higher"), ("testing accuracy", "higher"),
    ("FLOPs", None), ("number of parameters", None), ("top-1", None), ("acceleration ratio", None), ("", None),
])
def test_metric_direction(name, expected):
    assert metric_direction(name) == expected


def test_an_alias_decides_when_the_name_does_not():
    assert metric_direction("Frobnication Score", "FID") == "lower"
    assert metric_direction("FLOPs", "model error") is None  # a "none" row is an answer
