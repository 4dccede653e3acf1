#!/usr/bin/env python3
"""kg.ttl and the Oxigraph store updated in proportion to a change, against writing them in full.

From a `kg build` output folder (its ``extractions.jsonl``), builds graph A of all papers but
the last `--new` share and graph B of all of them, as `kg build` does, then times

- B's Turtle: the streaming writer, the block writer with its index (same bytes), and the
  incremental write from A's file and index, the dirty nodes being those whose block
  differs, padded with unchanged nodes up to `--dirty` of B's nodes;
- B's store: loaded in full from B's Turtle (`write_store`, as `kg build` does) against
  A's store updated with the changes (`update_store`),

checks that the outputs agree and prints the figures and ratios. The folder is only read.

Usage::

    .venv/bin/python bench/ttl_blocks.py OUT_DIR --work /tmp/ttl-bench [--new 0.01] [--dirty 0.01]
"""

from __future__ import annotations

import argparse
import filecmp
import json
import random
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# bench/ holds scripts named like stdlib modules (html.py): never import from it
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from kg.atomic import remove_path  # noqa: E402
from kg.build import STORE_PART_BYTES  # noqa: E402
from kg.details import DetailTable  # noqa: E402
from kg.export.rdf import write_turtle  # noqa: E402
from kg.export.rdf.blocks import BlockIndex, Previous, read_index  # noqa: E402
from kg.graph import graph_tables  # noqa: E402
from kg.records import Extraction  # noqa: E402
from kg.sparql.store import open_store, update_store, write_store  # noqa: E402


def records(path: Path, limit: int | None = None) -> Iterator[Extraction]:
    """The first `limit` records of an ``extractions.jsonl``."""
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            yield Extraction.from_dict(json.loads(line))


def graph(out: Path, work: Path, name: str, limit: int | None) -> Any:
    """The graph of the first `limit` records, as `kg build` makes it (tables on disk)."""
    details = DetailTable(work / f"{name}.papers.jsonl")
    G = graph_tables(records(out / "extractions.jsonl", limit), details)
    G.graph.update(name="kg", kg_version="bench", pipeline_version="bench", build_date="2026-01-01",
                   sources=["corpus.jsonl"])
    return G


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - t0


def changed_nodes(old_ttl: Path, old: BlockIndex, new_ttl: Path, new: BlockIndex) -> set[str]:
    """Nodes whose block bytes differ between two block-written files (added and dropped ones too)."""
    with old_ttl.open("rb") as fa, new_ttl.open("rb") as fb:
        a = dict(zip(old.nodes, zip(old.offsets(), old.lengths, strict=True), strict=True))
        out = set()
        for node, offset, length in zip(new.nodes, new.offsets(), new.lengths, strict=True):
            here = a.pop(node, None)
            if here is None or here[1] != length:
                out.add(node)
                continue
            fa.seek(here[0])
            fb.seek(offset)
            if fa.read(length) != fb.read(length):
                out.add(node)
    return out | a.keys()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="a `kg build` output folder (read only)")
    ap.add_argument("--work", type=Path, required=True, help="scratch folder (emptied)")
    ap.add_argument("--new", type=float, default=0.01, help="share of papers new in B")
    ap.add_argument("--dirty", type=float, default=0.01, help="dirty share of B's nodes (at least the changed)")
    ap.add_argument("--check-store", action="store_true", help="compare the stores' quads as sets (memory!)")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    w = args.work
    with (args.out / "extractions.jsonl").open("rb") as fh:
        total = sum(1 for _ in fh)
    n_a = total - max(1, round(total * args.new))
    print(f"papers: A {n_a:,}, B {total:,}")

    A, t = timed(graph, args.out, w, "a", n_a)
    print(f"graph A {t:.1f} s")
    write_turtle(A, w / "a.ttl", details=A.details, index=w / "a.json")
    A.details.close()
    B, t = timed(graph, args.out, w, "b", None)
    print(f"graph B {t:.1f} s")
    _, t_stream = timed(write_turtle, B, w / "stream.ttl", details=B.details)
    _, t_full = timed(write_turtle, B, w / "b.ttl", details=B.details, index=w / "b.json")
    assert filecmp.cmp(w / "stream.ttl", w / "b.ttl", shallow=False), "block writer differs"
    (w / "stream.ttl").unlink()
    _, t_read = timed(read_index, w / "b.json")
    old, new = read_index(w / "a.json"), read_index(w / "b.json")
    dirty = changed_nodes(w / "a.ttl", old, w / "b.ttl", new)
    exact = len(dirty)
    unchanged = sorted(set(new.nodes) - dirty)
    pad = max(0, round(len(new.nodes) * args.dirty) - exact)
    dirty |= set(random.Random(0).sample(unchanged, min(pad, len(unchanged))))
    changes, t_inc = timed(write_turtle, B, w / "inc.ttl", details=B.details, index=w / "inc.json",
                           previous=Previous(w / "a.ttl", w / "a.json", dirty))
    assert changes is not None and filecmp.cmp(w / "inc.ttl", w / "b.ttl", shallow=False), "incremental differs"
    size = (w / "b.ttl").stat().st_size
    print(f"kg.ttl {size / 1e6:,.0f} MB, {len(new.nodes):,} blocks, index {(w / 'b.json').stat().st_size / 1e6:.1f} MB "
          f"(read in {t_read:.2f} s)")
    print(f"dirty nodes {len(dirty):,} ({len(dirty) / len(new.nodes):.1%}; {exact:,} changed), "
          f"changes {len(changes):,}")
    print(f"turtle: streaming {t_stream:.1f} s, blocks + index {t_full:.1f} s ({t_full / t_stream:.2f}x), "
          f"incremental {t_inc:.2f} s ({t_inc / t_full:.1%} of the block write)")

    (w / "b.ttl").unlink()  # inc.ttl has its bytes
    B.details.close()  # and removes its file

    write_store(w / "a.ttl", w / "a-store", part_bytes=STORE_PART_BYTES)
    _, t_load = timed(write_store, w / "inc.ttl", w / "b-store", part_bytes=STORE_PART_BYTES)
    full = open_store(w / "b-store")
    expected = set(full) if args.check_store else len(full)
    del full
    remove_path(w / "b-store")
    print(f"store: full load {t_load:.1f} s")
    for optimize in (True, False):
        _, t_upd = timed(update_store, w / "a-store", w / "u-store", w / "a.ttl", w / "inc.ttl", changes,
                         optimize=optimize)
        upd = open_store(w / "u-store")
        assert (set(upd) if args.check_store else len(upd)) == expected, "the updated store differs"
        del upd
        remove_path(w / "u-store")
        print(f"store update (optimize={optimize}) {t_upd:.2f} s ({t_upd / t_load:.1%}); "
              f"turtle + store: incremental {t_inc + t_upd:.2f} s against {t_full + t_load:.1f} s "
              f"({(t_inc + t_upd) / (t_full + t_load):.1%})")


if __name__ == "__main__":
    main()
