"""Which datasets do diffusion-model papers use?

Usage: python examples/diffusion_datasets.py BUILD_DIR [WORD]

BUILD_DIR is the output directory of `kg build`; WORD (default "diffusion") picks every
method whose name or alias contains it.
"""

import sys
from collections import Counter

import kg

build_dir = sys.argv[1] if len(sys.argv) > 1 else "outputs"
word = (sys.argv[2] if len(sys.argv) > 2 else "diffusion").lower()

G = kg.load_graph(build_dir)

# methods whose name or an alias contains the word
methods = [
    n for n, d in G.nodes(data=True)
    if d["type"] == "Method" and any(word in s.lower() for s in [d["label"], *d.get("aliases", [])])
]
# papers that propose or use one of them
papers = {p for m in methods for p in G.predecessors(m) if G.nodes[p]["type"] == "Paper"}
# datasets those papers are evaluated on
datasets = Counter(
    G.nodes[d]["label"] for p in papers for d in G.successors(p) if G.nodes[d]["type"] == "Dataset"
)

print(f"{len(papers)} papers use {len(methods)} methods matching {word!r}")
for name, n in datasets.most_common(20):
    print(f"{n:5d}  {name}")
