"""Run the example commands README.md and docs/ show on a fresh seeds build; check or rewrite their outputs.

    python scripts/readme_examples.py --check                  # exit 1 with a diff if an output drifted
    python scripts/readme_examples.py --write                  # rewrite the example outputs in place
    python scripts/readme_examples.py --write --screenshot     # ... and docs/screenshot.png
    python scripts/readme_examples.py --check --build outputs/ # reuse a build of seeds/
    python scripts/readme_examples.py --check README.md        # only these files

The files are README.md and every docs/*.md with an example. An example is a fenced block
on the line after ``<!-- example -->``. In it, a line starting with ``$ `` is a ``kg``
command; the lines up to the next command (or the fence) are its output.

- ``seeds/`` is built with ``kg build`` into a temporary folder that the commands call
  ``outputs/`` (``--build DIR``: DIR, which must be a build of ``seeds/``).
- Each command runs through the real CLI (the ``kg`` script, with ``COLUMNS=100`` and
  ``NO_COLOR=1``) in a scratch folder; other relative paths, those with a ``/``
  (``queries/...``, ``kg/data/...``, ``../shared/data/...``), are the repository's;
  ``-o``/``--output`` write in the scratch folder.
- A command may end in ``| head -n N`` (first N lines) and ``| cut -c -N`` (first N
  characters of each line), applied in the order written: this is how long outputs are trimmed.
- A command that exits 1 (bad input, shown on purpose) shows its one-line message
  (stderr); any other failure stops the script.
- Trailing whitespace is stripped and absolute paths of the scratch folder and the
  repository are printed relative; nothing else is normalised, so examples must be
  deterministic (no times, versions or absolute paths).
- An example reading a file outside the repository (``../shared/data/...``: the gold corpora,
  see README "Gold data") is skipped when that file is missing, and its block left as it is.

Exit status, as diff's: 0 the outputs match (or were written), 1 an example drifted, 2 an
example is malformed or its command failed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.atomic import atomic_write  # noqa: E402

MARKER = "<!-- example -->"
OUTPUT_OPTIONS = ("-o", "--output")  # their values are written in the scratch folder
FILTERS = {
    re.compile(r"head -n (\d+)"): lambda lines, n: lines[:n],
    re.compile(r"cut -c (?:1)?-(\d+)"): lambda lines, n: [line[:n].rstrip() for line in lines],
}


class ExampleError(Exception):
    """An example block is malformed or its command failed."""


@dataclass(frozen=True)
class Example:
    """One marked block: its content lines are ``lines[start:end]``."""

    start: int
    end: int
    commands: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"line {self.start + 1}: `{' ; '.join(self.commands)}`"


def find_examples(lines: list[str]) -> list[Example]:
    """The marked example blocks of a README, given as lines."""
    examples = []
    for i, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            raise ExampleError(f"line {i + 1}: {MARKER} must be followed by a fenced block")
        end = next((j for j in range(i + 2, len(lines)) if lines[j].startswith("```")), None)
        if end is None:
            raise ExampleError(f"line {i + 2}: the example block is not closed")
        commands = tuple(x[2:] for x in lines[i + 2 : end] if x.startswith("$ "))
        if not commands:
            raise ExampleError(f"line {i + 2}: an example block needs a `$ kg ...` line")
        examples.append(Example(i + 2, end, commands))
    return examples


def _argument(arg: str, scratch: Path) -> str | None:
    """An argument with a repository path (one with a ``/``) made absolute; None: a file outside is missing."""
    if "/" not in arg or arg.startswith("-") or (scratch / arg).exists():
        return arg
    if (ROOT / arg).exists():
        return str(ROOT / arg)
    return None if arg.startswith("../") else arg


def parse_command(command: str) -> tuple[list[str], list[str]]:
    """The kg argv of a command and its filters (``head -n N``, ``cut -c -N``)."""
    parts: list[list[str]] = [[]]
    for token in shlex.split(command):  # a quoted "|" (a SPARQL property path) stays an argument
        if token == "|":
            parts.append([])
        else:
            parts[-1].append(token)
    argv, filters = parts[0], [" ".join(f) for f in parts[1:]]
    if argv[:1] != ["kg"]:
        raise ExampleError(f"`{command}`: an example command must start with `kg`")
    for f in filters:
        if not any(p.fullmatch(f) for p in FILTERS):
            raise ExampleError(f"`{command}`: only `| head -n N` and `| cut -c -N` may follow the command")
    return argv[1:], filters


def _kg() -> str:
    """The installed ``kg`` script of this Python (what readers run; it names itself ``kg``)."""
    script = shutil.which("kg", path=str(Path(sys.executable).parent))
    if script is None:
        raise ExampleError(f"no kg script beside {sys.executable}: pip install -e . first")
    return script


def run(command: str, scratch: Path) -> list[str] | None:
    """The output lines of one example command, or None when it reads a missing file."""
    argv, filters = parse_command(command)
    after = ["", *argv[:-1]]
    args = [a if prev in OUTPUT_OPTIONS else _argument(a, scratch) for prev, a in zip(after, argv, strict=True)]
    if None in args:
        return None
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    proc = subprocess.run(
        [_kg(), *args],
        cwd=scratch, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, check=False,
    )
    if proc.returncode not in (0, 1):
        raise ExampleError(f"`{command}` exited {proc.returncode}: {proc.stderr.strip()}")
    text = (proc.stderr if proc.returncode else proc.stdout).replace(f"{scratch}/", "").replace(f"{ROOT}/", "")
    lines = [line.rstrip() for line in text.rstrip().splitlines()]
    for f in filters:
        pattern, apply = next((p, a) for p, a in FILTERS.items() if p.fullmatch(f))
        lines = apply(lines, int(pattern.fullmatch(f).group(1)))
    return lines


def run_all(examples: list[Example], scratch: Path) -> dict[str, list[str] | None]:
    """Each distinct command's output lines (None: skipped, an input file is missing), one per core at a time."""
    commands = list(dict.fromkeys(c for ex in examples for c in ex.commands))
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        return dict(zip(commands, pool.map(lambda c: run(c, scratch), commands), strict=True))


def block(example: Example, outputs: dict[str, list[str] | None]) -> list[str] | None:
    """The fresh content lines of one example block (None: skipped)."""
    if any(outputs[c] is None for c in example.commands):
        return None
    lines: list[str] = []
    for c in example.commands:
        lines += [*([""] if lines else []), f"$ {c}", *outputs[c]]
    return lines


def render(lines: list[str], examples: list[Example], outputs: dict[str, list[str] | None]) -> list[str]:
    """README lines with every example block's outputs replaced by fresh ones."""
    new = list(lines)
    for ex in reversed(examples):
        fresh = block(ex, outputs)
        if fresh is not None:
            new[ex.start : ex.end] = fresh
    return new


def drifted(lines: list[str], examples: list[Example], outputs: dict[str, list[str] | None]) -> list[str]:
    """Names of the examples whose block differs from the fresh outputs."""
    return [ex.name for ex in examples if (b := block(ex, outputs)) is not None and b != lines[ex.start : ex.end]]


def build_seeds(scratch: Path, build: Path | None) -> None:
    """Make ``scratch/outputs`` the seeds build: link `build`, or run ``kg build seeds/``."""
    if build is not None:
        (scratch / "outputs").symlink_to(build.resolve(), target_is_directory=True)
        return
    proc = subprocess.run(
        [_kg(), "build", str(ROOT / "seeds"), "-o", "outputs", "--no-progress"],
        cwd=scratch, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
    )
    if proc.returncode:
        raise ExampleError(f"kg build seeds/ exited {proc.returncode}: {proc.stderr.strip()}")


def screenshot(scratch: Path) -> None:
    """Render docs/screenshot.png from the seeds build (scripts/screenshot.py)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import screenshot as shot

    if shot.main([str(scratch / "outputs"), "-o", str(ROOT / "docs" / "screenshot.png")]):
        raise ExampleError("the screenshot failed (see above)")


def _report(path: Path, lines: list[str], fresh: list[str], names: list[str]) -> None:
    """Print which examples of `path` drifted and the unified diff of the file against fresh outputs."""
    print("\n".join(f"drifted: {path.name}: {name}" for name in names))
    sys.stdout.writelines(difflib.unified_diff(
        [x + "\n" for x in lines], [x + "\n" for x in fresh], str(path), f"{path} (fresh outputs)"))


def _examples(path: Path, lines: list[str]) -> list[Example]:
    """find_examples, with the file named in its errors."""
    try:
        return find_examples(lines)
    except ExampleError as exc:
        raise ExampleError(f"{path}: {exc}") from exc


def documents() -> list[Path]:
    """README.md and the docs/*.md files that hold an example."""
    docs = sorted(p for p in (ROOT / "docs").glob("*.md") if find_examples(p.read_text(encoding="utf-8").splitlines()))
    return [ROOT / "README.md", *docs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="exit 1 with a diff when a file differs")
    mode.add_argument("--write", action="store_true", help="rewrite the example outputs in place")
    ap.add_argument("files", nargs="*", type=Path, help="Markdown files (default: README.md, docs/*.md)")
    ap.add_argument("--build", type=Path, help="a kg build of seeds/ to use instead of a fresh one")
    ap.add_argument("--screenshot", action="store_true", help="with --write: also docs/screenshot.png")
    args = ap.parse_args(argv)
    if args.screenshot and not args.write:
        ap.error("--screenshot goes with --write")
    docs = {path: path.read_text(encoding="utf-8").splitlines() for path in args.files or documents()}
    try:
        examples = {path: _examples(path, lines) for path, lines in docs.items()}
        with tempfile.TemporaryDirectory(prefix="kg-readme-") as tmp:
            scratch = Path(tmp).resolve()
            build_seeds(scratch, args.build)
            outputs = run_all([ex for found in examples.values() for ex in found], scratch)
            if args.screenshot:
                screenshot(scratch)
    except ExampleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for command in (c for c, out in outputs.items() if out is None):
        print(f"skipped (an input file is missing): `{command}`")
    status = 0
    for path, lines in docs.items():
        fresh = render(lines, examples[path], outputs)
        if args.write:
            with atomic_write(path) as fh:
                fh.write("\n".join(fresh) + "\n")
            print(f"wrote {path}: {len(examples[path])} example block(s)")
        elif names := drifted(lines, examples[path], outputs):
            _report(path, lines, fresh, names)
            status = 1
        else:
            print(f"{path}: {len(examples[path])} example block(s) match")
    if status:
        print("refresh with: python scripts/readme_examples.py --write")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
