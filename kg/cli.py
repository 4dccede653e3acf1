"""The `kg` command line: a thin typer layer over the library.

Exit codes: 0 ok, 1 bad input or usage (one-line message), 2 internal error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.errors import KGError

__all__ = ["app", "main"]

app = typer.Typer(
    name="kg",
    help=(
        "Build a knowledge graph of methods, datasets, metrics, tasks and code from papers.\n\n"
        "Example: kg build seeds/ -o outputs/"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Inputs = Annotated[
    list[str], typer.Argument(help="Files, directories or - (stdin): .txt listings, JSON/JSONL, CSV")
]


@app.command()
def build(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="Output directory")] = Path(
        "outputs"
    ),
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Skip the statistical NER (rules + gazetteer only)")
    ] = False,
    base_iri: Annotated[
        str | None, typer.Option("--base-iri", help="Base IRI of minted resources")
    ] = None,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal)")
    ] = None,
) -> None:
    """Build the graph: kg.ttl, kg.html, kg.graphml, graph.json, extractions.jsonl, build.json.

    Example: kg build seeds/ -o outputs/
    """
    from kg.build import build as run_build

    report = run_build(
        inputs, output, use_model=not no_model, show_progress=progress, base_iri=base_iri
    )
    typer.echo(
        f"built {report['papers']} papers ({report['records']} records): "
        f"{report['nodes']} nodes, {report['edges']} edges -> {output}/"
    )
    for kind, n in report["nodes_by_type"].items():
        typer.echo(f"  {kind:<11} {n}")


@app.command()
def extract(
    inputs: Inputs,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="JSONL file (default: stdout)")
    ] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Skip the statistical NER (rules + gazetteer only)")
    ] = False,
) -> None:
    """Write one JSON object per input record (in input order) with its entities and links.

    Example: kg extract seeds/ -o extractions.jsonl
    """
    from kg.atomic import atomic_write
    from kg.extract import extract_papers
    from kg.ingest import read_papers
    from kg.nlp.pipeline import load_pipeline

    records = extract_papers(read_papers(inputs), load_pipeline(not no_model))
    lines = (json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)
    if output is None:
        for line in lines:
            sys.stdout.write(line)
    else:
        with atomic_write(output) as fh:
            fh.writelines(lines)


def main() -> None:
    """Console entry point: user errors become one line and exit 1, bugs exit 2."""
    try:
        app(standalone_mode=False)
    except KGError as exc:
        typer.echo(f"kg: error: {exc}", err=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("kg: interrupted", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(1)
        typer.echo(f"kg: internal error: {type(exc).__name__}: {exc} (please report it)", err=True)
        sys.exit(2)
    except BrokenPipeError:  # pragma: no cover
        sys.exit(0)
