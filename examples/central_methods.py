"""The most central methods: PageRank and betweenness in the paper–entity graph.

Usage: python examples/central_methods.py BUILD_DIR [N]
"""

import sys

import kg
from kg.analytics import centrality

build_dir = sys.argv[1] if len(sys.argv) > 1 else "outputs"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10

G = kg.load_graph(build_dir)
table = centrality(G, kinds=["Method"])  # seeded, sampled betweenness on big graphs
print(table[["name", "papers", "pagerank", "betweenness"]].head(n).to_string(index=False))
