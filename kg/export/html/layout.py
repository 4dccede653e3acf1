"""Fast, deterministic 2-D layout for the HTML browser (numpy only, no scipy).

Fruchterman–Reingold with exact repulsion computed in row blocks (float32) and
attraction over the edge list, so memory stays O(n · block) and the time per
iteration is a few vectorized passes over n² pairs. Large connected components
are laid out separately, small ones together, and the groups are packed in rows, so
components do not drift apart and a forest of tiny ones costs one run.

>>> import networkx as nx
>>> pos = fast_layout(nx.path_graph(4), seed=1)
>>> sorted(pos) == [0, 1, 2, 3] and fast_layout(nx.path_graph(4), seed=1) == pos
True
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["fast_layout", "fr_layout"]

_BLOCK = 1024


def fr_layout(
    n: int,
    edges: np.ndarray,
    *,
    iterations: int = 50,
    seed: int = 0,
    mass: np.ndarray | None = None,
) -> np.ndarray:
    """Positions (n × 2, float32) in roughly [-1, 1]² for `n` nodes joined by `edges` (m × 2).

    With `mass` (n, positive), two nodes repel each other in proportion to the product
    of their masses (ForceAtlas2's repulsion by degree): hubs keep apart, each with its
    own neighbourhood around it, instead of piling up in the middle.
    """
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2), dtype=np.float32) * 2 - 1
    if n <= 1:
        return np.zeros((n, 2), dtype=np.float32)
    k = np.float32(math.sqrt(4.0 / n))  # optimal distance for area 4
    k2 = k * k
    t = np.float32(0.2)
    dt = t / (iterations + 1)
    src = edges[:, 0] if len(edges) else np.zeros(0, dtype=np.int64)
    dst = edges[:, 1] if len(edges) else np.zeros(0, dtype=np.int64)
    disp = np.empty_like(pos)
    weight = None if mass is None else np.asarray(mass, dtype=np.float32)
    for _ in range(iterations):
        sq = (pos * pos).sum(axis=1)
        for lo in range(0, n, _BLOCK):
            hi = min(n, lo + _BLOCK)
            # |p_i - p_j|² = |p_i|² + |p_j|² - 2 p_i·p_j, with the products done by BLAS
            w = pos[lo:hi] @ pos.T
            w *= np.float32(-2)
            w += sq[lo:hi, None]
            w += sq
            np.maximum(w, np.float32(1e-6), out=w)
            np.divide(k2, w, out=w)
            w[np.arange(hi - lo), np.arange(lo, hi)] = 0
            if weight is not None:
                w *= weight  # column j: mass_j; row i's mass is applied below
            # sum_j (p_i - p_j) w_ij = p_i sum_j w_ij - (W p)_i
            disp[lo:hi] = pos[lo:hi] * w.sum(axis=1, keepdims=True) - w @ pos
            if weight is not None:
                disp[lo:hi] *= weight[lo:hi, None]
        if len(src):
            delta = pos[src] - pos[dst]
            dist = np.sqrt((delta * delta).sum(axis=1, keepdims=True))
            f = delta * (dist / k)
            disp[:, 0] -= np.bincount(src, weights=f[:, 0], minlength=n).astype(np.float32)
            disp[:, 1] -= np.bincount(src, weights=f[:, 1], minlength=n).astype(np.float32)
            disp[:, 0] += np.bincount(dst, weights=f[:, 0], minlength=n).astype(np.float32)
            disp[:, 1] += np.bincount(dst, weights=f[:, 1], minlength=n).astype(np.float32)
        # weak gravity keeps loosely connected parts on screen
        disp -= pos * (np.float32(0.05) * k * np.float32(math.sqrt(n)))
        length = np.sqrt((disp * disp).sum(axis=1, keepdims=True))
        np.maximum(length, np.float32(1e-6), out=length)
        pos += disp * (np.minimum(length, t) / length)
        t -= dt
    return pos


def _group_layout(U: nx.Graph, nodes: list[Hashable], seed: int) -> np.ndarray:
    index = {n: i for i, n in enumerate(nodes)}
    edges = np.array(
        sorted({(index[u], index[v]) for u, v in U.edges(nodes) if u != v}), dtype=np.int64
    ).reshape(-1, 2)
    n = len(nodes)
    iterations = 60 if n <= 500 else 40 if n <= 1500 else 25 if n <= 3000 else 20
    mass = 1 + np.array([U.degree(x) for x in nodes], dtype=np.float32)
    pos = fr_layout(n, edges, iterations=iterations, seed=seed, mass=mass)
    if n > 1:
        pos -= pos.mean(axis=0)
        pos = _soft_clamp(pos)
    return pos


def _soft_clamp(pos: np.ndarray) -> np.ndarray:
    """Scale so that most nodes lie in the unit disc; pull far stragglers (a chain hanging
    off the group) in to a thin rim instead of letting them set the scale."""
    r = np.sqrt((pos * pos).sum(axis=1))
    q = float(np.quantile(r, 0.95)) if len(r) >= 20 else float(r.max())
    if q <= 0:
        return pos
    rel = r / q
    far = rel > 1
    scaled = rel.copy()
    scaled[far] = 1 + 0.2 * (1 - np.exp(-(rel[far] - 1) / 0.2))
    factor = np.divide(scaled, r, out=np.zeros_like(r), where=r > 0) / 1.2
    return (pos * factor[:, None]).astype(np.float32)


def fast_layout(
    G: nx.Graph,
    *,
    seed: int = 42,
    spacing: float = 100.0,
    small: int = 12,
    satellites: Mapping[Hashable, Hashable] | None = None,
    periphery: Iterable[Hashable] = (),
) -> dict[Hashable, tuple[float, float]]:
    """Deterministic positions for every node of `G` (directions ignored), rounded to 0.1.

    Every component of more than `small` nodes is laid out on its own (hubs repel each
    other by degree, so each keeps its neighbourhood around it); the small ones are laid
    out together as one cloud, and the small ones made only of `periphery` nodes as
    another, placed last. Each group gets a square whose side grows with the square
    root of its size; the largest comes first and the others are stacked in columns to
    its right, so the drawing is wider than high, like a screen.
    `satellites` maps nodes to an anchor node of `G`: they take no part in the force
    layout and are put on a small ring around their anchor (an entity named by one
    paper goes next to that paper), so the rest of the graph spreads out as if they were
    not there. The matrix products run on one BLAS thread: with two, OpenBLAS sums in
    another order and the iterations amplify the last-bit differences into another layout.

    >>> star = nx.star_graph(3)  # 0 in the middle
    >>> pos = fast_layout(star, seed=1, satellites={2: 0, 3: 0})
    >>> round(math.dist(pos[0], pos[2]), 1) == round(math.dist(pos[0], pos[3]), 1)
    True
    """
    with threadpool_limits(limits=1, user_api="blas"):
        given = satellites or {}
        sat = {n: a for n, a in given.items() if n in G and a in G and a not in given}
        out = _fast_layout(
            G, seed=seed, spacing=spacing, small=small, skip=set(sat), periphery=set(periphery)
        )
        _place_satellites(out, sat, spacing)
        return out


def _place_satellites(
    out: dict[Hashable, tuple[float, float]], sat: Mapping[Hashable, Hashable], spacing: float
) -> None:
    rings: dict[Hashable, list[Hashable]] = {}
    for n, a in sat.items():
        rings.setdefault(a, []).append(n)
    for a, members in rings.items():
        members.sort(key=str)
        k = len(members)
        ax, ay = out[a]
        radius = spacing * (0.28 + 0.05 * math.sqrt(k))
        phase = (_hash_str(str(a)) % 360) * math.pi / 180
        for j, n in enumerate(members):
            angle = phase + 2 * math.pi * j / k
            out[n] = (round(ax + radius * math.cos(angle), 1), round(ay + radius * math.sin(angle), 1))


def _hash_str(text: str) -> int:
    """A small deterministic hash (Python's own is salted per process)."""
    h = 0
    for ch in text:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h


def _fast_layout(
    G: nx.Graph, *, seed: int, spacing: float, small: int, skip: set[Hashable], periphery: set[Hashable]
) -> dict[Hashable, tuple[float, float]]:
    U = nx.Graph(G.to_undirected(as_view=True)) if G.is_directed() else nx.Graph(G)
    if skip:
        U.remove_nodes_from(skip)
    comps = sorted(
        (sorted(c, key=str) for c in nx.connected_components(U)),
        key=lambda c: (-len(c), str(c[0])),
    )
    groups = [c for c in comps if len(c) > small]
    groups.sort(key=lambda g: -len(g))
    smalls = [c for c in comps if len(c) <= small]
    rest = [n for c in smalls if not periphery.issuperset(c) for n in c]
    outer = [n for c in smalls if periphery.issuperset(c) for n in c]
    groups += [g for g in (rest, outer) if g]
    if not groups:
        return {}
    unit = spacing  # side of a group's square per sqrt(node)
    sides = [max(unit * math.sqrt(len(g)) * 1.1, unit * 1.5) for g in groups]
    col_h = max(sides[0], unit * math.sqrt(U.number_of_nodes()) * 0.8)
    # columns: [(x, width, [(group index, y)])]; the first group alone in the first column
    columns: list[tuple[float, float, list[tuple[int, float]]]] = []
    x = y = width = 0.0
    placed: list[tuple[int, float]] = []
    for i, side in enumerate(sides):
        if placed and (i == 1 or y + side > col_h):
            columns.append((x, width, placed))
            x, y, width, placed = x + width, 0.0, 0.0, []
        placed.append((i, y))
        y += side
        width = max(width, side)
    columns.append((x, width, placed))
    out: dict[Hashable, tuple[float, float]] = {}
    for x, width, members in columns:
        used = sum(sides[i] for i, _ in members)
        dy = max(0.0, (col_h - used) / 2)  # centred in the column
        for i, y in members:
            side = sides[i]
            pos = _group_layout(U, groups[i], seed + i)
            cx, cy, half = x + width / 2, dy + y + side / 2, side / 2 * 0.9
            for node, (px, py) in zip(groups[i], pos.tolist(), strict=True):
                out[node] = (round(cx + px * half, 1), round(cy + py * half, 1))
    return out
