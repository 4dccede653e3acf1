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


def test_no_source_file_is_git_ignored():
    """A module the ignore rules hide would be missing from every clone and from CI."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(
        ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "kg", "tests", "scripts", "bench"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    hidden = [f for f in result.stdout.splitlines() if "__pycache__" not in f and not f.endswith(".pyc")]
    assert not hidden, f"ignored by .gitignore but part of the project: {hidden[:10]}"
