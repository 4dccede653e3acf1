"""Shared fixtures: a pipeline over a tiny gazetteer (fast, no model) and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp.pipeline import build_pipeline

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def tiny_nlp():
    """Rules + tiny gazetteer, no statistical model: fast and predictable."""
    return build_pipeline(use_model=False, gazetteer_path=FIXTURES / "gazetteer")


@pytest.fixture(scope="session")
def seeds_outputs(tmp_path_factory):
    """`kg build seeds/` once per session (about 10 s): its output directory; do not modify it."""
    from kg.build import build

    out = tmp_path_factory.mktemp("seeds-outputs")
    build([ROOT / "seeds"], out, show_progress=False)
    return out
