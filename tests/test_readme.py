"""README: the quick start is what CI runs; its example outputs are what the commands print."""

import re
import shutil
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import readme_examples as examples


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2, "README must open with two quick-start commands"
    build_cmd, test_cmd = blocks[0].strip(), blocks[1].strip()
    assert "kg build seeds/ -o outputs/" in build_cmd
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_cmd in ci.splitlines()


def test_readme_stays_short():
    assert len((ROOT / "README.md").read_text()) < 15_000, "move detail to docs/ and link it"


def test_readme_shows_examples_of_the_main_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    commands = {c.split()[1] for ex in examples.find_examples(lines) for c in ex.commands}
    assert {"stats", "query", "leaderboard", "analyze", "eval"} <= commands


def test_filters_trim_lines_and_columns(tmp_path):
    assert examples.run("kg --help | head -n 1", tmp_path) == ["Usage: kg [OPTIONS] COMMAND [ARGS]..."]
    assert examples.run("kg --help | head -n 1 | cut -c -9", tmp_path) == ["Usage: kg"]


def test_a_quoted_pipe_is_an_argument_not_a_filter():
    command = "kg query outputs/ 'SELECT ?b { ?a kg:uses | kg:proposes ?b }' | head -n 5 | cut -c -30"
    assert examples.parse_command(command) == (
        ["query", "outputs/", "SELECT ?b { ?a kg:uses | kg:proposes ?b }"],
        ["head -n 5", "cut -c -30"],
    )


def test_an_example_reading_a_missing_outside_file_is_skipped(tmp_path):
    assert examples.run("kg eval --gold ../no-such-corpus/dev.json", tmp_path) is None


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (["<!-- example -->", "text"], "must be followed by a fenced block"),
        (["<!-- example -->", "```console", "$ kg stats outputs/"], "not closed"),
        (["<!-- example -->", "```console", "output", "```"], "needs a `\\$ kg"),
    ],
)
def test_malformed_example_blocks_are_errors(block, message):
    with pytest.raises(examples.ExampleError, match=message):
        examples.find_examples(block)


@pytest.mark.parametrize("command", ["ls outputs/", "kg stats outputs/ | sort", "kg stats outputs/ | tail -n 3"])
def test_only_kg_commands_and_known_filters_run(command, tmp_path):
    with pytest.raises(examples.ExampleError, match=r"must start with `kg`|only `\| head"):
        examples.run(command, tmp_path)


def test_the_default_files_are_the_readme_and_the_docs_with_examples():
    files = examples.documents()
    assert files[0] == ROOT / "README.md"
    assert {ROOT / "docs" / n for n in ("quality.md", "analytics.md", "rdf.md")} <= set(files)
    assert ROOT / "docs" / "scale.md" not in files


def test_a_command_exiting_1_shows_its_error_message(tmp_path):
    (out,) = examples.run("kg stats no-such/", tmp_path)
    assert out.startswith("kg: error: ") and "no-such" in out


@pytest.fixture(scope="module")
def fresh(seeds_outputs, tmp_path_factory):
    """Every example command (README.md, docs/) run once on the session's seeds build."""
    scratch = tmp_path_factory.mktemp("readme-scratch")
    examples.build_seeds(scratch, seeds_outputs)
    found = [ex for path in examples.documents() for ex in examples.find_examples(path.read_text().splitlines())]
    return examples.run_all(found, scratch)


@pytest.mark.slow
def test_readme_and_docs_examples_match_a_fresh_seeds_build(fresh, seeds_outputs, monkeypatch, capsys):
    monkeypatch.setattr(examples, "run_all", lambda found, scratch: fresh)
    code = examples.main(["--check", "--build", str(seeds_outputs)])
    assert code == 0, capsys.readouterr().out


@pytest.mark.slow
def test_one_edited_output_line_fails_the_check_naming_its_example(fresh, seeds_outputs, monkeypatch, capsys,
                                                                     tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    lines = readme.read_text().splitlines()
    example = next(ex for ex in examples.find_examples(lines) if ex.commands[0].startswith("kg stats"))
    edited = example.start + 1  # the first output line, after the `$ kg stats ...` line
    assert lines[edited] and not lines[edited].startswith("$ ")
    lines[edited] = lines[edited].replace("2", "3", 1) if "2" in lines[edited] else lines[edited] + " x"
    readme.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(examples, "run_all", lambda found, scratch: fresh)

    code = examples.main(["--check", "--build", str(seeds_outputs), str(readme)])

    out = capsys.readouterr().out
    assert code == 1
    assert f"drifted: README.md: line {example.start + 1}: `{example.commands[0]}`" in out
    assert out.count("drifted:") == 1
    assert f"-{lines[edited]}" in out
