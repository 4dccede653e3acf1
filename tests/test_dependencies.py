"""Every third-party package that kg's code imports is declared in pyproject.toml.

A package that only arrives as someone else's dependency can vanish when that one
changes (typer stopped installing click), and then a fresh install cannot run kg.
"""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for deps in project["optional-dependencies"].values() for r in deps]
    names = set()
    for req in reqs:  # "dask[distributed]>=2024.1" declares dask and, through the extra, distributed
        m = re.match(r"([\w.\-]+)(?:\[([\w,\s\-]+)\])?", req)
        assert m, req
        names.add(_normalized(m.group(1)))
        names |= {_normalized(e) for e in (m.group(2) or "").split(",") if e.strip()}
    return names


def _imported() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "kg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"kg"}


def test_every_imported_package_is_declared():
    owners = packages_distributions()
    declared = _declared()
    missing = {
        name: sorted(owners.get(name, [name]))
        for name in _imported()  # a package not installed here is assumed to be named as imported
        if not {_normalized(d) for d in owners.get(name, [name])} & declared
    }
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
