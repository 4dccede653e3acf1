"""Code availability per task: how many papers of each task link a code repository.

Usage: python examples/code_per_task.py BUILD_DIR [CSV_OUT]

Prints the 15 tasks with most papers; CSV_OUT gets the whole table.
"""

import sys

import kg
from kg.analytics import code_availability, papers_without_code

build_dir = sys.argv[1] if len(sys.argv) > 1 else "outputs"

G = kg.load_graph(build_dir)
table = code_availability(G, "Task")  # columns: name, papers, with_code, without_code, share_with_code
print(table[["name", "papers", "with_code", "share_with_code"]].head(15).to_string(index=False))

missing = papers_without_code(G, "Task")
print(f"\n{len(missing)} (task, paper) pairs without code; first ones:")
print(missing[["name", "title"]].head(5).to_string(index=False))
if len(sys.argv) > 2:
    table.to_csv(sys.argv[2], index=False)
