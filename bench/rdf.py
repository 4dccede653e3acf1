"""Benchmark: RDF export and a SPARQL GROUP BY, Oxigraph path vs plain rdflib, same data.

Builds a graph of about one million triples from synthetic, deterministic extraction
records, then times

- export to Turtle: ours (`kg.export.rdf.write_turtle`, pyoxigraph serializer) vs
  rdflib (`to_rdf(G)` + `Graph.serialize(format="turtle")`);
- a GROUP BY query (most used datasets): ours (pyoxigraph `Store`) vs rdflib SPARQL on
  the same triples (load times reported apart),

and prints the ratios. Usage: ``python bench/rdf.py [--papers N] [--skip-rdflib]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

# run as a script: put the repo (not bench/, whose html.py would shadow the stdlib) first
sys.path[0] = str(Path(__file__).resolve().parents[1])

from kg.export.rdf import to_rdf, write_turtle  # noqa: E402
from kg.graph import build_graph  # noqa: E402
from kg.records import Extraction, Mention, Paper, Repo, Result  # noqa: E402

QUERY = """
PREFIX kg:   <https://w3id.org/kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?dataset ?name (COUNT(DISTINCT ?paper) AS ?papers)
WHERE { ?paper kg:evaluatedOn ?dataset . ?dataset skos:prefLabel ?name . }
GROUP BY ?dataset ?name
ORDER BY DESC(?papers) ?name
LIMIT 20
"""

LABELS = {"Method": 3000, "Dataset": 800, "Metric": 200, "Task": 400}


def synthetic_records(n_papers: int, seed: int = 42) -> list[Extraction]:
    """Deterministic records: Zipf-like entity popularity, 4-9 mentions, some code and results."""
    rng = random.Random(seed)
    names = {lab: [f"{lab}-{i:04d} Net" for i in range(n)] for lab, n in LABELS.items()}
    weights = {lab: [1.0 / (i + 1) for i in range(n)] for lab, n in LABELS.items()}
    records = []
    for i in range(n_papers):
        picks = []
        for lab, k in (("Method", rng.randint(2, 4)), ("Dataset", rng.randint(1, 2)),
                       ("Metric", rng.randint(0, 2)), ("Task", rng.randint(1, 2))):
            picks += [(lab, n) for n in rng.choices(names[lab], weights[lab], k=k)]
        sentences, mentions = [], []
        offset = 0
        for j, (lab, name) in enumerate(picks):
            sentence = f"We study {name} in setting {rng.randint(0, 999)}."
            start = offset + len("We study ")
            mentions.append(Mention(
                text=name, label=lab, start=start, end=start + len(name), field="abstract",
                name=name, id=f"{lab.lower()}:{name.lower().replace(' ', '')}",
                score=round(rng.uniform(0.5, 1.0), 3), source=rng.choice(("gazetteer", "ner")),
                role="proposed" if lab == "Method" and j == 0 else "",
            ))
            sentences.append(sentence)
            offset += len(sentence) + 1
        abstract = " ".join(sentences)
        repos = ()
        if rng.random() < 0.4:
            url = f"https://github.com/org{i % 97}/repo{i}"
            abstract += f" Code: {url}"
            start = abstract.index(url)
            repos = (Repo(url=url, kind="code", raw=url, field="abstract", start=start,
                          end=start + len(url), host="github.com"),)
        results = ()
        metrics = [m for m in mentions if m.label == "Metric"]
        datasets = [m for m in mentions if m.label == "Dataset"]
        if metrics and datasets:
            results = (Result(metric=metrics[0].id, value=round(rng.uniform(10, 99), 1), unit="%",
                              method=mentions[0].id, dataset=datasets[0].id, text="x",
                              field="abstract", start=0, end=1),)
        paper = Paper(id=f"2301.{i:05d}", title=f"Paper {i} on {picks[0][1]}", abstract=abstract,
                      date=f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}",
                      authors=(f"Author {i % 500}", f"Author {(i * 7) % 500}"),
                      sources=(f"synthetic/{i % 10}.jsonl:{i}",))
        records.append(Extraction(paper=paper, entities=tuple(mentions), repos=repos,
                                  results=results))
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=6000, help="number of synthetic papers")
    ap.add_argument("--skip-rdflib", action="store_true", help="time our path only")
    args = ap.parse_args(argv)

    import pyoxigraph

    t = time.perf_counter()
    G = build_graph(synthetic_records(args.papers))
    G.graph.update(build_date="2024-01-01", version="bench")
    print(f"graph: {args.papers} papers, {G.number_of_nodes()} nodes, "
          f"{G.number_of_edges()} edges (built in {time.perf_counter() - t:.1f} s)")
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))

    t = time.perf_counter()
    write_turtle(G, tmp / "ours.ttl")
    ours_export = time.perf_counter() - t
    size = Path(tmp / "ours.ttl").stat().st_size

    t = time.perf_counter()
    store = pyoxigraph.Store()
    store.bulk_load(path=str(tmp / "ours.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    ours_load = time.perf_counter() - t
    n_triples = len(store)
    ours_query = min(_time(lambda: list(store.query(QUERY))) for _ in range(3))
    ours_rows = [(s["name"].value, int(s["papers"].value)) for s in store.query(QUERY)]
    print(f"triples: {n_triples:,}  turtle: {size / 1e6:.1f} MB")
    print(f"ours   (pyoxigraph): export {ours_export:7.2f} s   load {ours_load:6.2f} s   "
          f"GROUP BY query {ours_query:7.3f} s")
    if args.skip_rdflib:
        return 0

    t = time.perf_counter()
    g = to_rdf(G)
    g.serialize(destination=str(tmp / "rdflib.ttl"), format="turtle")
    rdflib_export = time.perf_counter() - t
    t = time.perf_counter()
    rows = list(g.query(QUERY))
    rdflib_query = time.perf_counter() - t
    rdflib_rows = [(str(r[1]), int(r[2])) for r in rows]
    assert rdflib_rows == ours_rows, "the two engines disagree"
    print(f"rdflib (pure Python): export {rdflib_export:7.2f} s   GROUP BY query "
          f"{rdflib_query:7.3f} s")
    print(f"speed-up: export {rdflib_export / ours_export:5.1f}x   "
          f"query {rdflib_query / ours_query:5.1f}x   (same {len(ours_rows)} result rows)")
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
    return 0


def _time(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
