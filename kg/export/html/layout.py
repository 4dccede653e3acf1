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
from collections.abc import Hashable

import networkx as nx
import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["fast_layout", "fr_layout"]

_BLOCK = 1024


def fr_layout(
    n: int, edges: np.ndarray, *, iterations: int = 50, seed: int = 0
) -> np.ndarray:
    """Positions (n × 2, float32) in roughly [-1, 1]² for `n` nodes joined by `edges` (m × 2)."""
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
            # sum_j (p_i - p_j) w_ij = p_i sum_j w_ij - (W p)_i
            disp[lo:hi] = pos[lo:hi] * w.sum(axis=1, keepdims=True) - w @ pos
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
    pos = fr_layout(n, edges, iterations=iterations, seed=seed)
    if n > 1:
        pos -= pos.mean(axis=0)
        pos /= float(np.abs(pos).max()) or 1.0
    return pos


def fast_layout(
    G: nx.Graph, *, seed: int = 42, spacing: float = 100.0, small: int = 12
) -> dict[Hashable, tuple[float, float]]:
    """Deterministic positions for every node of `G` (directions ignored), rounded to 0.1.

    Every component of more than `small` nodes is laid out on its own; the small ones
    are laid out together as one cloud. Each group gets a square whose side grows with
    the square root of its size; squares are packed left to right in rows, largest first.
    The matrix products run on one BLAS thread: with two, OpenBLAS sums in another order
    and the iterations amplify the last-bit differences into another layout.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _fast_layout(G, seed=seed, spacing=spacing, small=small)


def _fast_layout(
    G: nx.Graph, *, seed: int, spacing: float, small: int
) -> dict[Hashable, tuple[float, float]]:
    U = nx.Graph(G.to_undirected(as_view=True)) if G.is_directed() else nx.Graph(G)
    comps = sorted(
        (sorted(c, key=str) for c in nx.connected_components(U)),
        key=lambda c: (-len(c), str(c[0])),
    )
    groups = [c for c in comps if len(c) > small]
    rest = [n for c in comps if len(c) <= small for n in c]
    if rest:
        groups.append(rest)
    if not groups:
        return {}
    unit = spacing  # side of a group's square per sqrt(node)
    total = U.number_of_nodes()
    row_width = unit * math.sqrt(total) * 1.6
    out: dict[Hashable, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for i, group in enumerate(sorted(groups, key=lambda g: -len(g))):
        side = max(unit * math.sqrt(len(group)) * 1.1, unit * 1.5)
        if x > 0 and x + side > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        pos = _group_layout(U, group, seed + i)
        cx, cy, half = x + side / 2, y + side / 2, side / 2 * 0.9
        for node, (px, py) in zip(group, pos.tolist(), strict=True):
            out[node] = (round(cx + px * half, 1), round(cy + py * half, 1))
        x += side
        row_h = max(row_h, side)
    return out
