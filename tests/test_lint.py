"""Style and types are part of the test suite, so CI checks them with everything else."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "kg", "tests", "bench", "examples", "scripts"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean():
    result = subprocess.run([sys.executable, "-m", "mypy", "kg"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
