import re

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2, "README must open with two quick-start commands"
    build_cmd, test_cmd = blocks[0].strip(), blocks[1].strip()
    assert "kg build seeds/ -o outputs/" in build_cmd
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_cmd in ci.splitlines()
