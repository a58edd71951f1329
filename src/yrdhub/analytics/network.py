"""Network measures of cities from a link matrix: degree, strength, betweenness, and their change.

The city network is small (41 YRD cities), so plain Python over the aggregated matrix is enough; the
heavy part (building the matrix from records) runs in the engine."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

Edge = tuple[str, str, float]


def betweenness(nodes: Iterable[str], edges: Iterable[Edge]) -> dict[str, float]:
    """Brandes' algorithm on an undirected weighted graph; the distance of a link is 1/weight (stronger
    links are shorter). Normalised by (n−1)(n−2)/2 as for undirected graphs."""
    adj: dict[str, dict[str, float]] = defaultdict(dict)
    names = set(nodes)
    for a, b, w in edges:
        if w > 0 and a != b:
            adj[a][b] = adj[b][a] = 1.0 / w
            names |= {a, b}
    score = dict.fromkeys(names, 0.0)
    for s in names:
        stack: list[str] = []
        preds: dict[str, list[str]] = defaultdict(list)
        sigma = dict.fromkeys(names, 0.0)
        sigma[s] = 1.0
        dist: dict[str, float] = {s: 0.0}
        heap = [(0.0, s)]
        done: set[str] = set()
        while heap:
            d, v = heapq.heappop(heap)
            if v in done:
                continue
            done.add(v)
            stack.append(v)
            for u, length in adj[v].items():
                nd = d + length
                if u not in dist or nd < dist[u] - 1e-12:
                    dist[u] = nd
                    sigma[u] = sigma[v]
                    preds[u] = [v]
                    heapq.heappush(heap, (nd, u))
                elif abs(nd - dist[u]) <= 1e-12:
                    sigma[u] += sigma[v]
                    preds[u].append(v)
        delta = dict.fromkeys(names, 0.0)
        while stack:
            w_ = stack.pop()
            for v in preds[w_]:
                delta[v] += sigma[v] / sigma[w_] * (1 + delta[w_])
            if w_ != s:
                score[w_] += delta[w_]
    n = len(names)
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0  # each pair counted from both ends: /2 twice
    return {k: v * scale for k, v in score.items()}


def network_measures(matrix_by_year: pd.DataFrame, kind: str = "paper", weight: str = "full") -> pd.DataFrame:
    """Per year and city: degree (partners), strength (sum of link weights), betweenness; and the change
    against the previous year present in the data (`*_change`)."""
    m = matrix_by_year[(matrix_by_year["kind"] == kind) & ~matrix_by_year["directed"].astype(bool)]
    rows = []
    for year, g in m.groupby("year", sort=True):
        edges = [(str(a), str(b), float(w)) for a, b, w in zip(g.region_a, g.region_b, g[weight], strict=True)]
        nodes = sorted({e[0] for e in edges} | {e[1] for e in edges})
        bc = betweenness(nodes, edges)
        degree: dict[str, int] = defaultdict(int)
        strength: dict[str, float] = defaultdict(float)
        for a, b, w in edges:
            degree[a] += 1
            degree[b] += 1
            strength[a] += w
            strength[b] += w
        for node in nodes:
            rows.append(
                {
                    "kind": kind,
                    "year": int(str(year)),
                    "region": node,
                    "degree": degree[node],
                    "strength": strength[node],
                    "betweenness": bc[node],
                }
            )
    out = pd.DataFrame(rows, columns=["kind", "year", "region", "degree", "strength", "betweenness"])
    if out.empty:
        return out
    out = out.sort_values(["region", "year"]).reset_index(drop=True)
    for col in ("degree", "strength", "betweenness"):
        out[f"{col}_change"] = out.groupby("region")[col].diff()
    return out.sort_values(["year", "region"]).reset_index(drop=True)
