"""Which outputs a build writes: ``--formats ttl,store,graphml,json,html`` (default: all).

A build of more than `LARGE_BUILD` papers skips, unless asked for by name, the formats made
to be loaded whole into memory by other tools (GraphML, node-link JSON); build.json says so.

>>> parse_formats("ttl, html")
('ttl', 'html')
>>> choose_formats(None, papers=10)
(('ttl', 'store', 'graphml', 'json', 'html'), {})
>>> choose_formats(None, papers=LARGE_BUILD + 1)[0]
('ttl', 'store', 'html')
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.errors import KGError

__all__ = ["FILES", "LARGE_BUILD", "choose_formats", "parse_formats"]

#: format -> the output it writes, in the order a build writes them
FILES = {"ttl": "kg.ttl", "store": "store", "graphml": "kg.graphml", "json": "graph.json", "html": "kg.html"}
#: papers past which GraphML and graph.json are written only when asked for
LARGE_BUILD = 250_000
_WHOLE_GRAPH_FILES = ("graphml", "json")


def parse_formats(formats: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """The formats of ``--formats`` ("ttl,html" or a list), in build order; None for the default."""
    if formats is None:
        return None
    given = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    unknown = [f for f in given if f not in FILES]
    if unknown or not given:
        what = f"unknown format {', '.join(unknown)}" if unknown else "no format given"
        raise KGError(f"--formats: {what}; choose some of {','.join(FILES)}")
    return tuple(f for f in FILES if f in given)


def choose_formats(requested: tuple[str, ...] | None, papers: int) -> tuple[tuple[str, ...], dict[str, str]]:
    """The formats to write for a build of `papers`, and why any default one is skipped."""
    if requested is not None:
        return requested, {}
    if papers <= LARGE_BUILD:
        return tuple(FILES), {}
    reason = (f"more than {LARGE_BUILD:,} papers: a file other tools load whole into memory; "
              "ask for it with --formats")
    return tuple(f for f in FILES if f not in _WHOLE_GRAPH_FILES), dict.fromkeys(_WHOLE_GRAPH_FILES, reason)
