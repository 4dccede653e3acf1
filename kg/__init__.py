"""kg: a knowledge-graph builder for scientific papers.

Reads titles and abstracts, extracts methods, datasets, metrics, tasks and code links,
links them into a networkx graph and exports RDF, HTML, GraphML and JSON.
"""

__version__ = "0.1.0"
__all__ = ["__version__", "load_graph"]


def __getattr__(name: str):  # lazy: `import kg` stays light, `kg.load_graph(...)` works
    if name == "load_graph":
        from kg.load import load_graph

        return load_graph
    if name == "analytics":
        import importlib

        return importlib.import_module("kg.analytics")
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
