"""The `kg` command line: a thin typer layer over the library.

Exit codes: 0 ok, 1 bad input or usage (one-line message), 2 internal error.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click as click  # the click typer runs on (its own copy since typer 0.2x)
from typer.core import TyperCommand

from kg.errors import KGError
from kg.ingest.limits import Limits

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
    context_settings={"terminal_width": 100, "max_content_width": 100},
)



_TYPE_NAME = re.compile(r"<([\w\[\]]+)>")  # typer's Python type placeholders: <str>, <int>, <path>
_TYPE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH"}


def _is_argument(param: click.Parameter) -> bool:
    return param.param_type_name == "argument"


def _argument_name(param: click.Parameter) -> str:
    """How help shows an argument: INPUT..., [OUTDIR]: no braces, no Python types."""
    name = param.metavar or (param.name or "").upper()
    name = name if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


class _Command(TyperCommand):
    """A typer command whose usage line and Arguments section name arguments as users write them."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_argument_name(p) for p in self.get_params(ctx) if _is_argument(p)]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        params = self.get_params(ctx)
        arguments = [(_argument_name(p), getattr(p, "help", None) or "") for p in params if _is_argument(p)]
        options = [
            (_TYPE_NAME.sub(lambda m: _TYPE_NAMES.get(m[1], m[1].upper()), r[0]), r[1])
            for p in params
            if not _is_argument(p) and (r := p.get_help_record(ctx)) is not None
        ]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _command(name: str | None = None) -> Any:
    """`app.command` with kg's help layout."""
    return app.command(name=name, cls=_Command)


Inputs = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT", help="Files, directories or - (stdin): .txt listings, JSON/JSONL, CSV/TSV, Atom XML"
    ),
]
LimitsOption = Annotated[
    str | None,
    typer.Option(
        "--limits",
        help=(
            "Input bounds to change, key=N,... (0: none; N may end in k, M, G): title, abstract, authors, "
            "categories, url, id, line, record (characters), expanded, ratio (of a .gz file). "
            "See docs/reliability.md"
        ),
    ),
]
ColumnsOption = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help=(
            "Which column (CSV/TSV) or JSON field holds which field, field=COLUMN,...: id, title, abstract, "
            "url, doi, date, authors, categories. Example: --columns title=paper_title,abstract=summary"
        ),
    ),
]

TypesOption = Annotated[
    str | None,
    typer.Option(
        "--types",
        help="Load only nodes of these types and the edges among them, comma-separated "
        "(Paper, Method, Dataset, Metric, Task, Repository, Result)",
    ),
]
MinSupportOption = Annotated[
    int | None,
    typer.Option(
        "--min-support",
        metavar="N",
        help="Load only the methods, datasets, metrics, tasks and repositories at least N papers link to",
    ),
]


@_command()
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
    jobs: Annotated[
        int, typer.Option("-j", "--jobs", help="Extraction processes on this machine (0: one per core)")
    ] = 1,
    cache: Annotated[
        Path | None, typer.Option("--cache", help="Extraction cache directory (default: OUTPUT/.kg-cache)")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Extract every paper again and keep no cache")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Extract on Dask: local, local:N (workers) or tcp://HOST:8786"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even when inputs and options are unchanged")
    ] = False,
    limits: LimitsOption = None,
    columns: ColumnsOption = None,
    formats: Annotated[
        str | None,
        typer.Option(
            "--formats",
            help="Outputs to write, some of ttl,store,graphml,json,html (default: all; past 250,000 papers, "
            "graphml and json only when named)",
        ),
    ] = None,
) -> None:
    """Build the graph: kg.ttl, kg.html, kg.graphml, graph.json, extractions.jsonl, build.json.

    Unchanged papers are taken from the cache; a build with nothing changed is skipped.
    Records past --limits are skipped or cut, with a warning, and counted in build.json.

    Example: kg build seeds/ -o outputs/ --jobs 2
    """
    import os

    from kg.build import build as run_build
    from kg.ingest.columns import parse_columns

    bounds = Limits.parse(limits)
    mapping = parse_columns(columns)
    report = run_build(
        inputs, output, use_model=not no_model, show_progress=progress, base_iri=base_iri,
        jobs=jobs or (os.cpu_count() or 1), scheduler=scheduler, force=force,
        cache=False if no_cache else (cache or True), limits=bounds, columns=mapping, formats=formats,
    )
    if report["up_to_date"]:
        typer.echo(f"up to date: {report['papers']} papers, nothing changed -> {output}/")
        return
    ex = report["extraction"]
    typer.echo(
        f"built {report['papers']} papers ({report['records']} records): "
        f"{report['nodes']} nodes, {report['edges']} edges -> {output}/"
    )
    typer.echo(f"  extracted {ex['extracted']}, reused {ex['reused']} from the cache ({ex['executor']})")
    added = report.get("incremental")
    if added:
        typer.echo(
            f"  added {added['papers_added']} papers to the last build's {added['papers_kept']}: "
            f"{added['stars_written_again']} stars written again"
        )
    diff = report["diff"]
    if diff and diff["previous_build"]:
        typer.echo(
            f"  since the last build: +{diff.get('nodes_added', 0)} -{diff.get('nodes_removed', 0)} nodes, "
            f"+{diff.get('edges_added', 0)} -{diff.get('edges_removed', 0)} edges"
        )
    for kind, n in report["nodes_by_type"].items():
        typer.echo(f"  {kind:<11} {n}")
    for fmt, why in report["formats_skipped"].items():
        typer.echo(f"  not written: {fmt} ({why})")


@_command()
def extract(
    inputs: Inputs,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="JSONL file (default: stdout)")
    ] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Skip the statistical NER (rules + gazetteer only)")
    ] = False,
    limits: LimitsOption = None,
    columns: ColumnsOption = None,
) -> None:
    """Write one JSON object per input record (in input order) with its entities and links.

    Records past --limits are skipped or cut, with a warning.

    Example: kg extract seeds/ -o extractions.jsonl
    """
    from kg.atomic import atomic_write
    from kg.ingest import read_papers
    from kg.ingest.columns import parse_columns
    from kg.nlp.extract import extract_papers
    from kg.nlp.pipeline import load_pipeline

    bounds = Limits.parse(limits)
    mapping = parse_columns(columns)
    records = extract_papers(read_papers(inputs, bounds, columns=mapping), load_pipeline(not no_model))
    lines = (json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)
    if output is None:
        for line in lines:
            sys.stdout.write(line)
    else:
        with atomic_write(output) as fh:
            fh.writelines(lines)


@_command()
def view(
    source: Annotated[
        Path,
        typer.Argument(metavar="GRAPH", help="Output directory of kg build, graph.json, extractions.jsonl or .graphml"),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write")] = Path(
        "view.html"
    ),
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", help="Show at most N nodes, best-connected first; 0: all")
    ] = 5000,
    types: Annotated[
        str | None, typer.Option("--types", help="Node types to show, comma-separated: Paper,Method")
    ] = None,
    focus: Annotated[
        str | None, typer.Option("--focus", help="Show the neighbourhood of this name, alias or title")
    ] = None,
    hops: Annotated[int, typer.Option("--hops", help="Radius of the --focus neighbourhood")] = 1,
    title: Annotated[str | None, typer.Option("--title", help="Page title")] = None,
) -> None:
    """Write a custom interactive HTML view of a built graph (one offline file).

    Example: kg view outputs/ --focus LoRA --hops 2 -o lora.html
    """
    from kg.export.html import view as write_view

    summary = write_view(
        source, output, max_nodes=max_nodes or None, types=types, focus=focus, hops=hops,
        title=title,
    )
    typer.echo(f"{summary['note']} -> {output}")


@_command(name="eval")
def eval_(
    gold: Annotated[Path, typer.Option("--gold", help="Gold file: SciERC JSON, CoNLL or JSONL")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="scierc | conll | jsonl (default: detected)")
    ] = None,
    labels: Annotated[
        str | None, typer.Option("--labels", help="Comma-separated labels to score, e.g. Method,Task")
    ] = None,
    heldout: Annotated[
        bool, typer.Option("--heldout", help="Score only the held-out 10% split kg train never sees")
    ] = False,
    min_score: Annotated[
        float, typer.Option("--min-score", help="Score only mentions at or above this confidence")
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON")] = False,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Score rules + gazetteer only")
    ] = False,
    errors: Annotated[
        int, typer.Option("--errors", help="Also list missed and spurious mentions of the first N documents with any")
    ] = 0,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Score this NER model (a spaCy pipeline or a directory of member* ones)"),
    ] = None,
    graph: Annotated[
        bool, typer.Option("--graph", help="Score the graph's paper links against a link gold file (JSONL)")
    ] = False,
    split: Annotated[
        str | None, typer.Option("--split", help="With --graph: score only gold records of this split, e.g. dev")
    ] = None,
    build_dir: Annotated[
        Path | None,
        typer.Option("--build", help="With --graph: score this kg build output instead of building the gold papers"),
    ] = None,
) -> None:
    """Score extraction against gold data: P/R/F1 per label, exact spans and unique mentions;
    with --graph, the links each paper has in the graph.

    Example: kg eval --gold ../shared/data/tdmsci/train_1500_v2.conll --heldout --labels Task,Dataset,Metric

    Example: kg eval --graph --gold kg/data/gold/graph_dev.jsonl --split dev --errors 10
    """
    from kg.eval import evaluate, evaluate_graph

    if graph:
        scores = evaluate_graph(gold, split, build=build_dir, labels=labels, use_model=not no_model, errors=errors)
    else:
        scores = evaluate(
            gold, fmt, labels=labels, heldout=heldout, min_score=min_score, use_model=not no_model, model=model,
            errors=errors,
        )
    if as_json:
        typer.echo(json.dumps(scores, indent=2))
    elif graph:
        _print_link_scores(scores)
    else:
        from kg.eval.scoring import format_errors, format_table

        wrong = scores.pop("errors", [])
        typer.echo(format_table(scores) + (f"\n\n{format_errors(wrong)}" if wrong else ""))


def _print_link_scores(scores: dict[str, Any]) -> None:
    """`kg eval --graph`'s table: link P/R per label, reliability, then the errors asked for."""
    from kg.eval.links import format_link_table

    wrong = scores.pop("errors", [])
    typer.echo(format_link_table(scores))
    typer.echo("\nconfidence | links  stated measured")
    for row in scores["reliability"]:
        if row["links"]:
            typer.echo(f"{row['bin']:<10} | {row['links']:5d}  {row['stated']:6.3f} {row['measured']:8.3f}")
    for row in wrong:
        typer.echo(f"\n{row['id']}")
        for label, node, forms in row["spurious"]:
            typer.echo(f"  + {label:<7} {node}  {' | '.join(forms)}")
        for label, name in row["missed"]:
            typer.echo(f"  - {label:<7} {name}")


@_command()
def train(
    output: Annotated[
        Path | None, typer.Argument(metavar="OUTDIR", help="Where training writes its corpora and models")
    ] = None,
    shared: Annotated[Path, typer.Option("--shared", help="Folder holding data/")] = Path("../shared"),
    ship: Annotated[
        bool, typer.Option("--ship", help="Install the trained model(s) as kg/data/ner_model")
    ] = False,
    corpora: Annotated[
        str | None,
        typer.Option("--corpora", help="Train one model on these corpora (scierc,scirex,tdmsci; NAME*K repeats one)"),
    ] = None,
    silver: Annotated[
        Path | None, typer.Option("--silver", help="With --corpora: model whose predictions mark missing labels")
    ] = None,
    no_vectors: Annotated[
        bool, typer.Option("--no-vectors", help="With --corpora: train without floret vectors")
    ] = False,
    vectors: Annotated[
        Path | None, typer.Option("--vectors", help="With --corpora: use this spaCy vectors dir instead of training")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="With --corpora: spaCy config (default kg/data/ner.cfg)")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="With --corpora: training seed")] = 0,
    max_steps: Annotated[int, typer.Option("--max-steps", help="With --corpora: training steps")] = 3000,
    overrides: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="KEY=JSON", help="With --corpora: a spaCy config override (repeatable)"),
    ] = None,
    evaluate: Annotated[
        Path | None,
        typer.Option("--evaluate", metavar="MODEL", help="Only score MODEL alone on the dev sets, and time it"),
    ] = None,
) -> None:
    """Train the NER ensemble on the gold corpora in SHARED/data, the shipped recipe.

    See kg/data/ner_model/MODEL.md: a silver model on SciERC + SciREX (which also trains
    the floret vectors), then one member per training seed (width-48 tok2vec) on SciERC +
    SciREX + TDMSci with labels a corpus does not annotate marked missing where the silver
    model finds them. The pipeline keeps the spans most members agree on. With --corpora,
    one model only; with --evaluate, no training.

    Example: kg train /tmp/kg-train --shared ../shared --ship
    """
    import os

    from kg.eval import train as T
    from kg.eval.scoring import format_table
    from kg.nlp.pipeline import MODEL_PATH

    if not (shared / "data").is_dir() and shared.name != "data":
        raise KGError(f"{shared}: no data/ folder inside; pass --shared pointing at the shared folder")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if evaluate is not None:
        scores = T.evaluate_model(evaluate, shared, seed)
        speed = scores.pop("throughput_scierc_dev")
        for name, table in scores.items():
            typer.echo(f"== {name}\n{format_table(table)}\n")
        typer.echo(json.dumps({"throughput_scierc_dev": speed}, indent=1))
        return
    if output is None:
        raise KGError("OUTDIR is required unless --evaluate MODEL is given")
    if corpora is None:
        members = T.train_ensemble(output, shared, MODEL_PATH if ship else None)
        typer.echo(f"trained {len(members)} members in {output}" + (f"; shipped to {MODEL_PATH}" if ship else ""))
        return
    best = T.train(
        output, shared, config=config or T.DEFAULT_CONFIG, corpora_used=[c for c in corpora.split(",") if c],
        vectors=vectors or not no_vectors, silver_model=silver, max_steps=max_steps, seed=seed,
        overrides=_config_overrides(overrides or []),
    )
    if ship:
        T.ship([best], MODEL_PATH)
    typer.echo(f"trained {best}" + (f"; shipped to {MODEL_PATH}" if ship else ""))


def _config_overrides(items: list[str]) -> dict[str, Any]:
    """``--set KEY=JSON`` items as a dict; a value that is not JSON stays a string."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise KGError(f"--set {item!r}: write KEY=VALUE, e.g. --set system.seed=1")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


@_command()
def stats(
    source: Annotated[
        Path, typer.Argument(metavar="DIR", help="Output directory of kg build, kg.graphml or graph.json")
    ],
    top: Annotated[int, typer.Option("--top", help="Length of the top lists")] = 10,
    types: TypesOption = None,
    min_support: MinSupportOption = None,
) -> None:
    """Print a summary of a built graph: counts per type, coverage, top entities.

    Example: kg stats outputs/ --types Paper,Method,Dataset --min-support 2
    """
    from kg.analytics.report import format_stats
    from kg.load import load_graph

    typer.echo(format_stats(load_graph(source, types=types, min_support=min_support), top=top))


@_command()
def analyze(
    source: Annotated[
        Path, typer.Argument(metavar="DIR", help="Output directory of kg build, kg.graphml or graph.json")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Report directory")] = Path(
        "report"
    ),
    top: Annotated[int, typer.Option("--top", help="Length of the top lists and charts")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Seed of Louvain and sampled betweenness")] = 0,
    types: TypesOption = None,
    min_support: MinSupportOption = None,
) -> None:
    """Write report.md with PNG charts and a CSV of every table (top entities, centrality,
    communities, co-usage, gaps, trends, code availability).

    Example: kg analyze outputs/ -o report/
    """
    from kg.analytics.report import write_report
    from kg.load import load_graph

    if output.exists() and not output.is_dir():
        raise KGError(f"{output}: exists and is not a directory; choose another -o")
    G = load_graph(source, types=types, min_support=min_support)
    written = write_report(G, output, top=top, seed=seed)
    typer.echo(
        f"wrote report.md, {len(written['charts'])} charts and {len(written['tables'])} tables -> {output}/"
    )


@_command()
def leaderboard(
    source: Annotated[
        Path, typer.Argument(metavar="DIR", help="Output directory of kg build, kg.graphml or graph.json")
    ],
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="Only this dataset (name, alias or ID)")
    ] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", help="Only this metric (name, alias or ID)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | csv | md")] = "table",
) -> None:
    """Print the results per dataset and metric, best first by the metric's direction (lowest
    FID, highest accuracy), with method, value (a range as low–high), paper, code link and the
    sentence that states the value.

    Example: kg leaderboard outputs/ --dataset ImageNet --metric FID --format md
    """
    from kg.analytics.results import LEADERBOARD_FORMATS, format_leaderboard
    from kg.analytics.results import leaderboard as rank
    from kg.load import load_graph

    if fmt not in LEADERBOARD_FORMATS:
        raise KGError(f"unknown --format {fmt!r}; choose one of: {', '.join(LEADERBOARD_FORMATS)}")
    typer.echo(format_leaderboard(rank(load_graph(source), dataset=dataset, metric=metric), fmt))


@_command()
def query(
    graph: Annotated[
        Path, typer.Argument(metavar="GRAPH", help="kg build output directory, .ttl/.nt/.nq/.trig file or store/")
    ],
    sparql: Annotated[
        str | None, typer.Argument(metavar="QUERY", help="SPARQL query (or use -f FILE.rq)")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("-f", "--file", help="Read the query from FILE.rq")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="table | csv | tsv | json")
    ] = "table",
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Stop the query after S seconds")
    ] = None,
) -> None:
    """Run a SPARQL 1.1 query (prefixes kg:, schema:, dcterms:, skos:, ... predeclared).

    Example: kg query outputs/ -f queries/01-most-used-datasets.rq --format csv
    """
    from kg.sparql.query import query as run

    typer.echo(run(graph, sparql, file=file, fmt=fmt, timeout=timeout))


@_command()
def serve(
    graph: Annotated[
        Path, typer.Argument(metavar="GRAPH", help="kg build output directory, .ttl/.nt file or store/")
    ],
    host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 7878,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Per-query time limit in seconds")
    ] = 30.0,
    workers: Annotated[int, typer.Option("--workers", help="Query worker processes")] = 2,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest result the server sends")
    ] = 50_000_000,
    max_memory_mb: Annotated[
        int, typer.Option("--max-memory", help="Memory cap of each query worker in MB (0: none)")
    ] = 4096,
    quiet: Annotated[bool, typer.Option("--quiet", help="Do not log requests")] = False,
) -> None:
    """Serve a read-only SPARQL 1.1 Protocol endpoint at http://HOST:PORT/sparql and a query
    page (editor, examples, results table, CSV/JSON download) at http://HOST:PORT/.

    Example: kg serve outputs/ --port 7878
    """
    from kg.sparql.serve import serve as run

    run(graph, host, port, timeout=timeout, workers=workers, max_bytes=max_bytes,
        max_memory=max_memory_mb << 20, quiet=quiet)


@_command()
def validate(
    graph: Annotated[
        Path, typer.Argument(metavar="GRAPH", help="kg build output directory or an RDF file (.ttl, .nt, ...)")
    ],
) -> None:
    """Check an exported graph against the SHACL shapes in ontology/shapes.ttl.

    Exits 0 when the graph conforms, 1 with the report when it does not.
    Example: kg validate outputs/
    """
    from kg.sparql.validate import validate as run

    conforms, report = run(graph)
    if conforms:
        typer.echo(f"{graph}: conforms to ontology/shapes.ttl")
        return
    typer.echo(report, err=True)
    raise KGError(f"{graph} does not conform to the SHACL shapes (report above)")


def main() -> None:
    """Console entry point: user errors become one line and exit 1, bugs exit 2."""
    try:
        result = app(standalone_mode=False, prog_name="kg")
        sys.exit(result if isinstance(result, int) else 0)
    except KGError as exc:
        typer.echo(f"kg: error: {exc}", err=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("kg: interrupted", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:
        import errno

        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM):
            typer.echo(f"kg: internal error: {type(exc).__name__}: {exc} (please report it)", err=True)
            sys.exit(2)
        where = f" ({exc.filename})" if exc.filename else ""
        typer.echo(f"kg: error: cannot write{where}: {exc.strerror}; check free disk space and permissions", err=True)
        sys.exit(1)
    except Exception as exc:  # the last line of defence
        import click

        # typer >= 0.2x raises its own vendored click's exceptions (TyperException subclasses)
        if isinstance(exc, (click.ClickException, typer.TyperException)) and hasattr(exc, "show"):
            exc.show()
            sys.exit(1)
        typer.echo(f"kg: internal error: {type(exc).__name__}: {exc} (please report it)", err=True)
        sys.exit(2)
    except BrokenPipeError:  # pragma: no cover
        sys.exit(0)
