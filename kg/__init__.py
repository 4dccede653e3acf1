"""kg: a knowledge-graph builder for scientific papers.

Reads titles and abstracts, extracts methods, datasets, metrics, tasks and code links,
links them into a networkx graph and exports RDF, HTML, GraphML and JSON.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
