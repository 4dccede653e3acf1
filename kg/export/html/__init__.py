"""Self-contained, offline, interactive HTML browser of the knowledge graph.

`write_html(G, path)` writes ONE file: vis-network's JavaScript (read at run time from
the pyvis package, never from a CDN), the page's own script and style, and the graph
as JSON inside ``<script type="application/json">``. Nothing is fetched from any
network; the page opens from ``file://``.

- Layout is computed here (:func:`kg.export.html.layout.fast_layout`, numpy) and handed to
  vis-network with physics off, so thousands of nodes draw at once.
- Big graphs are summarized: the `max_nodes` best-connected nodes are kept and the
  page says how many (of which type) are hidden. `types`, `focus` + `hops` choose
  another view (the neighbourhood of one entity, found by name or alias).
- Node and edge data come from pyvis (`Network.add_node`, pyvis `Edge`); the page,
  its legend, search, filters and side panel are this module's own template.
- Every string from a paper is untrusted: the JSON is escaped so that ``</script>``
  cannot end the data block, the page builds its DOM with ``textContent`` only, shows
  its own plain-text tooltips (never vis-network's HTML ``title``) and turns only
  ``http``/``https`` URLs into links.

>>> from kg.samples import build_example_graph
>>> page = render_html(build_example_graph())
>>> page.startswith("<!DOCTYPE html>") and "<script src" not in page
True
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html as htmlmod
import json
import math
import re
from collections import Counter, deque
from collections.abc import Hashable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.atomic import atomic_write
from kg.errors import KGError
from kg.export.html import assets as _assets
from kg.export.html.caps import PAGE_TITLE, cap_abstract, cap_list, cap_text
from kg.model import EDGE_TYPES, NODE_STYLE, NODE_TYPES, OTHER_STYLE

if TYPE_CHECKING:
    from kg.details import DetailTable

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_MIN_SCORE",
    "escape_json_for_html",
    "render_html",
    "select_view",
    "view",
    "write_html",
]

DEFAULT_MAX_NODES = 5000

_LABEL_MAX = 48

_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def escape_json_for_html(text: str) -> str:
    """Make JSON text safe inside ``<script type="application/json">``.

    ``<``, ``>``, ``&`` and U+2028/U+2029 only occur inside JSON strings, where their
    ``\\uXXXX`` escapes mean the same, so the result is equal JSON that contains no
    ``</script>``, ``<!--`` or HTML entity.

    >>> escape_json_for_html(json.dumps({"t": "</script><b>&"}))
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    return text.translate(_JSON_ESCAPES)


# --------------------------------------------------------------------------- view


def _degree(G: nx.MultiDiGraph) -> dict[Hashable, int]:
    return dict(G.degree())


def _names(data: dict[str, Any], node: Hashable) -> list[str]:
    names = [str(data.get("name") or ""), str(data.get("label") or ""), str(node)]
    if data.get("type") == "Paper":
        names.append(str(data.get("title") or ""))
    if data.get("type") == "Repository":
        names.append(str(data.get("url") or ""))
    aliases = data.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    names.extend(str(a) for a in aliases)
    return [n for n in names if n]


def find_nodes(G: nx.MultiDiGraph, name: str) -> list[Hashable]:
    """Nodes whose ID, name, label, title or an alias equals `name`.

    Matching ignores case; failing that, spelling variants with the same entity key
    (``cifar10`` finds ``CIFAR-10``) match.
    """
    from kg.resolve import entity_key

    want = name.strip().casefold()
    hits = [n for n, d in G.nodes(data=True) if any(x.casefold() == want for x in _names(d, n))]
    if not hits:
        key = entity_key(name)
        if key:
            hits = [
                n
                for n, d in G.nodes(data=True)
                if d.get("type") != "Paper" and any(entity_key(x) == key for x in _names(d, n))
            ]
    return sorted(hits, key=str)


def _normalize_types(types: Iterable[str] | str | None) -> list[str] | None:
    if types is None:
        return None
    if isinstance(types, str):
        types = types.split(",")
    known = {t.casefold(): t for t in NODE_TYPES}
    out = []
    for t in types:
        t = t.strip()
        if not t:
            continue
        if t.casefold() not in known:
            raise KGError(
                f"unknown node type {t!r}; choose from: {', '.join(NODE_TYPES)} "
                "(comma-separated, e.g. --types Paper,Method)"
            )
        out.append(known[t.casefold()])
    return out or None


def select_view(
    G: nx.MultiDiGraph,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    types: Iterable[str] | str | None = None,
    focus: str | None = None,
    hops: int = 1,
    degree: dict[Hashable, int] | None = None,
) -> tuple[nx.MultiDiGraph, dict[str, Any]]:
    """The subgraph the page shows, and a summary of what was left out.

    `types` keeps only nodes of those types; `focus` keeps the nodes within `hops`
    steps (edge direction ignored) of the entity named `focus` (name, alias, title or
    ID); then, if more than `max_nodes` remain, the best-connected ones are kept
    (nearest to the focus first, then by degree in the whole graph, then by ID).
    `degree` is the whole graph's, when known. Node types are read in one pass over the
    nodes (a graph read from its tables, `kg.tablegraph`, finds a node by ID slowly).
    """
    if max_nodes is not None and max_nodes < 1:
        raise KGError(f"max_nodes must be at least 1, not {max_nodes}")
    if hops < 0:
        raise KGError(f"hops must be 0 or more, not {hops}")
    wanted = _normalize_types(types)
    degree = _degree(G) if degree is None else degree
    dist: dict[Hashable, int] = {}
    focus_nodes: list[Hashable] = []
    if focus:
        focus_nodes = find_nodes(G, focus)
        if not focus_nodes:
            names = sorted({x for n, d in G.nodes(data=True) for x in _names(d, n)})
            close = difflib.get_close_matches(focus, names, n=5, cutoff=0.6)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise KGError(
                f"no node named {focus!r} in the graph{hint} "
                "(--focus matches a name, an alias, a paper title or a node ID)"
            )
        queue: deque[Hashable] = deque()
        for n in focus_nodes:
            dist[n] = 0
            queue.append(n)
        while queue:
            n = queue.popleft()
            if dist[n] >= hops:
                continue
            for m in sorted(set(G.successors(n)) | set(G.predecessors(n)), key=str):
                if m not in dist:
                    dist[m] = dist[n] + 1
                    queue.append(m)
        candidates = list(dist)
        node_type = {n: G.nodes[n].get("type") for n in candidates}
    elif getattr(G, "stats", None) is not None:  # a graph read from its tables, counted: no pass over them
        node_type = {n: G.node_type(n) for n in degree}
        candidates = list(node_type)
    else:
        node_type = {n: d.get("type") for n, d in G.nodes(data=True)}
        candidates = list(node_type)
    if wanted is not None:
        keep_types = set(wanted)
        candidates = [n for n in candidates if node_type[n] in keep_types or n in focus_nodes]
    candidates.sort(key=lambda n: (dist.get(n, 0), -degree.get(n, 0), str(n)))
    kept = candidates if max_nodes is None else candidates[:max_nodes]
    # a copy: the page walks the subgraph several times, and a view filters on every walk
    whole = len(kept) == G.number_of_nodes() and isinstance(G, nx.MultiDiGraph)
    H = G if whole else G.subgraph(kept).copy()
    hidden = Counter(str(node_type[n] or "Other") for n in candidates[len(kept) :])
    shown_edges = H.number_of_edges()
    summary = {
        "totalNodes": G.number_of_nodes(),
        "totalEdges": G.number_of_edges(),
        "candidates": len(candidates),
        "shownNodes": len(kept),
        "shownEdges": shown_edges,
        "hiddenByLimit": dict(sorted(hidden.items())),
        "maxNodes": max_nodes,
        "types": wanted,
        "focus": focus or None,
        "focusNodes": [str(n) for n in focus_nodes],
        "hops": hops if focus else None,
    }
    summary["note"] = _summary_note(summary)
    return H, summary


def _summary_note(s: dict[str, Any]) -> str:
    parts = [f"Showing {s['shownNodes']:,} of {s['totalNodes']:,} nodes"]
    parts[0] += f" and {s['shownEdges']:,} of {s['totalEdges']:,} edges"
    s["scopeNote"] = s["limitNote"] = ""
    scope = []
    if s["focus"]:
        scope.append(f"within {s['hops']} hop(s) of \u201c{s['focus']}\u201d")
    if s["types"]:
        scope.append("types " + ", ".join(s["types"]))
    if scope:
        s["scopeNote"] = "view: " + "; ".join(scope)
        parts.append(s["scopeNote"])
    hidden = sum(s["hiddenByLimit"].values())
    if hidden:
        by_type = ", ".join(f"{v:,} {k}" for k, v in s["hiddenByLimit"].items())
        s["limitNote"] = (
            f"{hidden:,} more hidden by the {s['maxNodes']:,}-node limit ({by_type}); "
            "the best-connected are shown. For more: kg view --max-nodes N, "
            "--types TYPES or --focus NAME --hops K"
        )
        parts.append(s["limitNote"])
    return ". ".join(parts) + "."


# --------------------------------------------------------------------------- data


def _short(text: str, limit: int = _LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _u16(text: str, i: int) -> int:
    """Python (code point) offset -> JavaScript (UTF-16) offset."""
    return i + sum(1 for ch in text[:i] if ord(ch) > 0xFFFF)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _u16_map(text: str) -> Any:
    if text.isascii() or not _ASTRAL.search(text):
        return lambda i: i
    return lambda i: _u16(text, i)


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return [str(x) for x in parsed] if isinstance(parsed, list) else [value]
    if isinstance(value, (set, frozenset)):
        return sorted(str(x) for x in value)
    return [str(x) for x in value]


def _num(value: Any, default: float | None = None) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return default
    return f if math.isfinite(f) else default


def _node_info(node: Hashable, data: dict[str, Any], deg: int) -> dict[str, Any]:
    t = str(data.get("type") or "Other")
    info: dict[str, Any] = {"id": str(node), "t": t, "d": deg}
    name = str(data.get("name") or data.get("label") or node)
    if t == "Paper":
        title = str(data.get("title") or "")
        info["n"] = cap_text(title, PAGE_TITLE) or _short(str(data.get("abstract") or ""), 80) or str(node)
        if not title:
            info["nt"] = 1  # no title: "n" is a stand-in
        elif len(title) > PAGE_TITLE:
            info["tcut"] = PAGE_TITLE - 1  # characters of the title shown; mentions past them are not marked
        info["ab"], shown = cap_abstract(str(data.get("abstract") or ""))
        if shown < len(info["ab"]):
            info["cut"] = shown  # characters of the abstract shown; mentions past them are not marked
        for key, short in (("url", "u"), ("doi", "doi"), ("date", "dt")):
            if data.get(key):
                info[short] = str(data[key])
        for key, short in (("authors", "au"), ("categories", "c")):
            items = _as_list(data.get(key))
            if items:
                info[short] = cap_list(items)
    elif t == "Repository":
        info["n"] = str(data.get("url") or data.get("label") or node)
        info["u"] = str(data.get("url") or "")
        for key in ("kind", "host"):
            if data.get(key):
                info[key[0]] = str(data[key])
    elif t == "Result":
        info["n"] = str(data.get("label") or node)
        for key, short in (("metric", "mt"), ("unit", "un"), ("method", "me"), ("dataset", "da")):
            if data.get(key):
                info[short] = str(data[key])
        value = _num(data.get("value"))
        if value is not None:
            info["v"] = value
    else:
        info["n"] = name
        aliases = _as_list(data.get("aliases"))
        if aliases:
            info["a"] = cap_list(aliases)
        if t == "Metric":
            direction = str(data.get("direction") or "").strip().lower()
            if direction in ("lower", "higher"):
                info["dir"] = direction  # which values are better: the results table's order
    return info


def _edge_evidence(
    data: dict[str, Any], etype: int, src_info: dict[str, Any]
) -> list[Any]:
    """[type, score, field(0 title / 1 abstract / -1), start, end, sentence, mentions].

    Offsets are UTF-16 (JavaScript) offsets into the paper's field; the sentence is
    given as [start, end] into that field when it is a substring of it, else as text.
    """
    score = _num(data.get("score"), 1.0)
    field = data.get("field")
    text = ""
    if field == "title":
        fcode, text = 0, "" if src_info.get("nt") else str(src_info.get("n", ""))[: src_info.get("tcut")]
    elif field == "abstract":
        fcode, text = 1, str(src_info.get("ab", ""))[: src_info.get("cut")]
    else:
        fcode = -1
    start = _num(data.get("start"))
    end = _num(data.get("end"))
    u16 = _u16_map(text)
    s0 = e0 = -1
    if fcode >= 0 and start is not None and end is not None:
        s, e = int(start), int(end)
        if 0 <= s < e <= len(text):
            s0, e0 = u16(s), u16(e)
    sentence: Any = str(data.get("sentence") or "")
    if sentence and text:
        at = text.find(sentence)
        if at >= 0:
            sentence = [u16(at), u16(at + len(sentence))]
    if isinstance(sentence, str):
        sentence = cap_text(sentence)
    mentions = int(_num(data.get("mentions"), 1) or 1)
    ev: list[Any] = [etype, round(score if score is not None else 1.0, 4), fcode, s0, e0]
    ev += [sentence, mentions, str(data.get("component") or ""), cap_text(str(data.get("text") or ""))]
    return ev


def _node_size(deg: int) -> float:
    """Radius by degree: hubs stand out (square-root growth), leaves stay small."""
    return round(min(4.0 + 4.5 * math.sqrt(deg), 64.0), 1)


def _paper_counts(
    G: nx.MultiDiGraph, nodes: Iterable[Hashable]
) -> tuple[dict[Hashable, int], dict[Hashable, Hashable]]:
    """For each node that is not a paper: how many papers of `G` link to it (or report it),
    and one of them. A graph read from its tables (`kg.tablegraph`) answers from its counts."""
    if getattr(G, "stats", None) is not None:
        return _paper_counts_counted(G, nodes)
    counts: dict[Hashable, int] = {}
    one: dict[Hashable, Hashable] = {}
    for n in nodes:
        if G.nodes[n].get("type") == "Paper":
            continue
        papers = {m for m in (*G.predecessors(n), *G.successors(n)) if G.nodes[m].get("type") == "Paper"}
        counts[n] = len(papers)
        if papers:
            one[n] = next(iter(papers))
    return counts, one


def _paper_counts_counted(
    G: Any, nodes: Iterable[Hashable]
) -> tuple[dict[Hashable, int], dict[Hashable, Hashable]]:
    """`_paper_counts` from a graph's counts (`kg.graphstats`); the paper of a node one paper links found for it."""
    counts = {n: G.stats.papers.get(n, 0) for n in nodes if G.node_type(n) != "Paper"}
    one = {n: G.first_paper(n) for n, k in counts.items() if k == 1}
    return counts, {n: p for n, p in one.items() if p is not None}


def _periphery(
    G: nx.MultiDiGraph, nodes: Sequence[Hashable], papers: dict[Hashable, int], one: dict[Hashable, Hashable]
) -> tuple[set[Hashable], dict[Hashable, Hashable]]:
    """Nodes outside the shared core of `G`, and where to put them in the layout.

    The periphery is every entity, repository or result that one paper (or none) names,
    and every paper that names only such entities: what a paper shares with no other.
    Each peripheral entity of one paper (`one`) is a satellite of that paper when it is shown.
    """
    single = {n for n, k in papers.items() if k <= 1}
    periphery = set(single)
    anchors: dict[Hashable, Hashable] = {}
    shown = set(nodes)
    for n in nodes:
        if n in single:
            if one.get(n) in shown:
                anchors[n] = one[n]
        elif G.nodes[n].get("type") == "Paper" and all(
            m in single for m in (*G.successors(n), *G.predecessors(n))
        ):
            periphery.add(n)
    return periphery, anchors


def _community_of(H: nx.MultiDiGraph, seed: int) -> dict[Hashable, int]:
    """Louvain communities of the shown graph (`kg.analytics.communities`, seeded):
    0 is the community with the most entities. Repositories and results join their paper's.

    Louvain's result depends on the order in which it meets nodes, and its inner sets of
    string IDs iterate in an order that changes with every process (hash randomization):
    it runs on a copy whose nodes are the integers of the nodes' sorted order, so every
    build of the same graph gets the same communities.
    """
    from kg.analytics.communities import communities

    if H.number_of_edges() == 0:
        return {}
    nodes = sorted(H, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    C = nx.MultiDiGraph()
    for i, n in enumerate(nodes):
        C.add_node(i, type=H.nodes[n].get("type"), label=H.nodes[n].get("label", ""))
    C.add_edges_from(sorted({(index[u], index[v]) for u, v in H.edges()}))
    table = communities(C, include_papers=True, seed=seed)
    out = {nodes[int(i)]: int(c) for i, c in zip(table["id"], table["community"], strict=True)}
    for n in nodes:
        if n in out or H.nodes[n].get("type") not in ("Repository", "Result"):
            continue
        for m in sorted(H.predecessors(n), key=str):
            if m in out:
                out[n] = out[m]
                break
    return out


def _vis_js() -> tuple[str, str]:
    """vis-network's JavaScript and version, read from the installed pyvis package."""
    lib = resources.files("pyvis") / "lib"
    versions = sorted(
        (p for p in lib.iterdir() if p.name.startswith("vis-") and (p / "vis-network.min.js").is_file()),
        key=lambda p: tuple(int(x) for x in p.name[4:].split(".") if x.isdigit()),
    )
    if not versions:
        raise KGError(
            "vis-network.min.js not found in the pyvis package; reinstall it: pip install 'pyvis>=0.3.2'"
        )
    js = (versions[-1] / "vis-network.min.js").read_text(encoding="utf-8")
    # no source map: developer tools would try to load it
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    if "</script" in js.lower() or "<!--" in js:
        js = js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
        js = js.replace("<!--", "<\\!--")
    return js, versions[-1].name[4:]


DEFAULT_MIN_SCORE = 0.5
"""Links below this confidence are hidden when the page opens (the slider shows them)."""

SMALL_VIEW = 150
"""Views of at most this many nodes open with their periphery shown."""


def graph_payload(
    G: nx.MultiDiGraph,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    types: Iterable[str] | str | None = None,
    focus: str | None = None,
    hops: int = 1,
    title: str = "Knowledge graph",
    seed: int = 42,
    min_score: float = DEFAULT_MIN_SCORE,
    show_singletons: bool | None = None,
    details: DetailTable | None = None,
) -> dict[str, Any]:
    """The JSON document the page reads: vis nodes/edges/options (from pyvis) plus details.

    `min_score` is the confidence below which links are hidden when the page opens;
    `show_singletons` whether entities of a single paper (and papers that share no
    entity) are shown at first (None: only in a focus view or a view of at most
    `SMALL_VIEW` nodes). Both can be changed in the page. Paper attributes and link
    evidence come from `details` when given (`kg.details`).
    """
    from pyvis.edge import Edge
    from pyvis.network import Network

    from kg.export.html.layout import fast_layout

    if not 0.0 <= min_score <= 1.0:
        raise KGError(f"min_score must be between 0 and 1, not {min_score}")
    if hasattr(G, "count") and G.stats is None:  # a graph read from its tables: counted in one pass
        G.count()
    degree = _degree(G)
    H, summary = select_view(G, max_nodes=max_nodes, types=types, focus=focus, hops=hops, degree=degree)
    nodes = sorted(H.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    papers, one = _paper_counts(G, nodes)
    periphery, anchors = _periphery(G, nodes, papers, one)
    pos = fast_layout(H, seed=seed, satellites=anchors, periphery=periphery)
    community = _community_of(H, seed=0)
    focus_set = set(summary["focusNodes"])
    if show_singletons is None:
        show_singletons = bool(focus) or len(nodes) <= SMALL_VIEW

    net = Network(directed=True, cdn_resources="in_line")
    net.toggle_physics(False)
    info: list[dict[str, Any]] = []
    type_counts: Counter[str] = Counter()
    for n in nodes:
        data = H.nodes[n] if details is None else details.paper(n, H.nodes[n])
        t = str(data.get("type") or "Other")
        type_counts[t] += 1
        color, shape, _ = NODE_STYLE.get(t, OTHER_STYLE)
        ni = _node_info(n, data, degree.get(n, 0))
        if n in papers:
            ni["p"] = papers[n]
        if n in periphery:
            ni["s"] = 1
        if n in community:
            ni["g"] = community[n]
        info.append(ni)
        x, y = pos.get(n, (0.0, 0.0))
        extra: dict[str, Any] = {}
        if str(n) in focus_set:
            extra["borderWidth"] = 4
        net.add_node(
            index[n], label=" ", shape=shape, color=color,
            x=x, y=y, size=_node_size(degree.get(n, 0)), **extra,
        )
        # labels are drawn by the page (hubs first, never overlapping), not by vis-network
        del net.nodes[-1]["label"]
    # pyvis's add_edge checks node membership in a list (O(n) per edge); the ends are
    # known to exist, so its Edge class is used directly.
    order = {t: i for i, t in enumerate(EDGE_TYPES)}
    etypes = sorted(
        {str(d.get("type", k)) for _, _, k, d in H.edges(keys=True, data=True)},
        key=lambda t: (order.get(t, len(order)), t),
    )
    etype_index = {t: i for i, t in enumerate(etypes)}
    evidence: list[list[Any]] = []
    edge_rows = sorted(
        H.edges(keys=True, data=True), key=lambda e: (index[e[0]], index[e[1]], str(e[2]))
    )
    for u, v, k, d in edge_rows:
        eid = len(evidence)
        net.edges.append(Edge(index[u], index[v], False, id=eid).options)
        full = d if details is None else details.link(u, d)
        evidence.append(_edge_evidence(full, etype_index[str(d.get("type", k))], info[index[u]]))

    options = json.loads(net.options.to_json())
    big = len(nodes) > 1500 or len(evidence) > 4000
    options.update(
        {
            "edges": {
                "smooth": False,
                "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                "color": {"inherit": "to", "opacity": 0.45},
                "width": 0.8,
                "hoverWidth": 1.5,
                "selectionWidth": 2,
            },
            "nodes": {
                "borderWidth": 1,
                "font": {"size": 12, "face": "system-ui, sans-serif", "color": "#222"},
            },
            "interaction": {
                "hover": True,
                "hideEdgesOnDrag": big,
                "hideEdgesOnZoom": big,
                "dragNodes": True,
                "navigationButtons": False,
                "keyboard": False,
                "multiselect": False,
            },
            "layout": {"improvedLayout": False, "randomSeed": seed},
        }
    )
    options["physics"] = {"enabled": False, "stabilization": {"enabled": False}}

    return {
        "format": "kg-html/2",
        "title": title,
        "summary": summary,
        "defaults": {"minScore": round(float(min_score), 4), "singletons": bool(show_singletons)},
        "types": [
            {
                "name": t,
                "color": NODE_STYLE.get(t, OTHER_STYLE)[0],
                "shape": NODE_STYLE.get(t, OTHER_STYLE)[1],
                "symbol": NODE_STYLE.get(t, OTHER_STYLE)[2],
                "count": type_counts[t],
            }
            for t in [*NODE_TYPES, *sorted(set(type_counts) - set(NODE_TYPES))]
            if type_counts[t]
        ],
        "edgeTypes": etypes,
        "nodes": net.nodes,
        "edges": net.edges,
        "options": options,
        "info": info,
        "ev": evidence,
    }


def _csp(*scripts: str) -> str:
    """Content-Security-Policy: no network at all; only the page's own scripts run."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    )
    return (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'; object-src 'none'"
    )


def render_html(
    G: nx.MultiDiGraph,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    types: Iterable[str] | str | None = None,
    focus: str | None = None,
    hops: int = 1,
    title: str = "Knowledge graph",
    seed: int = 42,
    min_score: float = DEFAULT_MIN_SCORE,
    show_singletons: bool | None = None,
) -> str:
    """The whole page as a string (deterministic for the same graph and options)."""
    payload = graph_payload(
        G, max_nodes=max_nodes, types=types, focus=focus, hops=hops, title=title, seed=seed,
        min_score=min_score, show_singletons=show_singletons,
    )
    return _page(payload)


def _page(payload: dict[str, Any]) -> str:
    title = str(payload["title"])
    data = escape_json_for_html(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    )
    vis_js, vis_version = _vis_js()
    app_js = _assets.APP_JS
    values = {
        "TITLE": htmlmod.escape(title),
        "VIS_VERSION": htmlmod.escape(vis_version),
        "CSP": _csp(vis_js, app_js),
        "CSS": _assets.CSS,
        "DATA": data,
        "VIS_JS": vis_js,
        "APP_JS": app_js,
    }
    # one pass over the template: inserted text is never scanned for placeholders
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], _assets.TEMPLATE)


def write_html(
    G: nx.MultiDiGraph,
    path: str | Path,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    types: Iterable[str] | str | None = None,
    focus: str | None = None,
    hops: int = 1,
    title: str = "Knowledge graph",
    seed: int = 42,
    min_score: float = DEFAULT_MIN_SCORE,
    show_singletons: bool | None = None,
    details: DetailTable | None = None,
    **_ignored: Any,
) -> dict[str, Any]:
    """Write the interactive browser of `G` to `path` (one self-contained file, atomically).

    Options: `max_nodes` (summarize bigger graphs to the best-connected nodes; None
    for no limit), `types` (node types to keep), `focus` + `hops` (neighbourhood of
    one entity by name or alias), `title`, `seed` (layout), `min_score` (links below
    this confidence are hidden when the page opens), `show_singletons` (show the
    entities of a single paper at first; None: only in small or focus views), `details`
    (where paper attributes are, `kg.details`). Returns the view summary (counts shown and
    hidden, and the note the page displays).
    """
    payload = graph_payload(
        G, max_nodes=max_nodes, types=types, focus=focus, hops=hops, title=title, seed=seed,
        min_score=min_score, show_singletons=show_singletons, details=details,
    )
    with atomic_write(path, "wb") as fh:
        fh.write(_page(payload).encode("utf-8", "replace"))
    return dict(payload["summary"])


# --------------------------------------------------------------------------- views


def view(
    source: str | Path,
    output: str | Path,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    types: Sequence[str] | str | None = None,
    focus: str | None = None,
    hops: int = 1,
    title: str | None = None,
) -> dict[str, Any]:
    """`kg view SOURCE -o OUTPUT`: write a custom browser page; returns the view summary."""
    from kg.load import load_graph

    G = load_graph(source)
    page_title = title or (f"Knowledge graph: {focus}" if focus else "Knowledge graph")
    return write_html(
        G, output, max_nodes=max_nodes, types=types, focus=focus, hops=hops, title=page_title
    )
