"""Matplotlib figures of results (returned, never shown; no global pyplot state).

``fig.savefig("x.svg")`` to write one. For Chinese labels install a CJK font (Debian ``fonts-noto-cjk``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .framework import Framework
from .pipeline import Results


def bar_scores(results: Results, code: str | None = None, stack_children: bool = False) -> Figure:
    """Bar chart of one aggregate (default: the top) by unit, sorted; optionally stacked by the weighted
    contributions of its children (arithmetic mean only)."""
    fw = results.framework
    code = code or fw.top
    data = results.last
    order = data[code].sort_values(ascending=False).index
    fig = Figure(figsize=(max(6, len(order) * 0.18), 4))
    ax = fig.add_subplot()
    x = np.arange(len(order))
    if stack_children:
        kids = fw.children(code)
        w = np.array([fw[k].weight for k in kids])
        contrib = data.loc[order, kids].to_numpy() * w / w.sum()
        bottom = np.zeros(len(order))
        for j, k in enumerate(kids):
            ax.bar(x, contrib[:, j], bottom=bottom, label=k)
            bottom += contrib[:, j]
        ax.legend(fontsize=7, ncol=min(len(kids), 4))
    else:
        ax.bar(x, data.loc[order, code].to_numpy(), color="#3b6ea5")
    ax.set_xticks(x, list(order), rotation=90, fontsize=7)
    ax.set_ylabel(code)
    ax.set_title(f"{fw[code].name or code}")
    fig.tight_layout()
    return fig


def dot_scores(results: Results, code: str, highlight: Sequence[str] = ()) -> Figure:
    """Dot (strip) plot of one code's scores over units, with some units highlighted."""
    data = results.last[code]
    fig = Figure(figsize=(6, 1.8))
    ax = fig.add_subplot()
    ax.scatter(data.to_numpy(), np.zeros(len(data)), alpha=0.5, color="#777777")
    for u in highlight:
        ax.scatter([data[u]], [0], color="#c0392b", zorder=3)
        ax.annotate(u, (data[u], 0), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax.set_yticks([])
    ax.set_xlabel(code)
    fig.tight_layout()
    return fig


def framework_plot(fw: Framework) -> Figure:
    """The framework as a tree: one column per level, lines from children to parents."""
    levels = range(1, fw.n_levels + 1)
    pos: dict[str, tuple[float, float]] = {}
    leaves = [c for top in fw.codes(fw.n_levels) for c in fw.leaves_under(top)]
    for i, c in enumerate(leaves):
        pos[c] = (1.0, -float(i))
    for lev in levels:
        if lev == 1:
            continue
        for c in fw.codes(lev):
            ys = [pos[k][1] for k in fw.children(c)]
            pos[c] = (float(lev), float(np.mean(ys)))
    fig = Figure(figsize=(2.2 * fw.n_levels, max(4, len(leaves) * 0.16)))
    ax = fig.add_subplot()
    for c, (x, y) in pos.items():
        parent = fw[c].parent
        if parent is not None:
            px, py = pos[parent]
            ax.plot([x, px], [y, py], color="#bbbbbb", lw=0.8)
    for c, (x, y) in pos.items():
        ax.text(
            x,
            y,
            c,
            fontsize=6 if fw[c].level == 1 else 8,
            ha="center",
            va="center",
            bbox={"boxstyle": "round", "fc": "white", "ec": "#3b6ea5", "lw": 0.6},
        )
    ax.set_xticks(list(levels), [f"Level {k}" for k in levels])
    ax.set_yticks([])
    ax.set_xlim(0.5, fw.n_levels + 0.5)
    fig.tight_layout()
    return fig


def corr_heatmap(corr: pd.DataFrame, title: str = "") -> Figure:
    """Heatmap of a correlation matrix (square DataFrame) or of a long table Var1/Var2/Correlation."""
    if {"Var1", "Var2", "Correlation"} <= set(corr.columns):
        corr = corr.pivot(index="Var1", columns="Var2", values="Correlation")
    fig = Figure(figsize=(max(4, corr.shape[1] * 0.3), max(3, corr.shape[0] * 0.3)))
    ax = fig.add_subplot()
    im = ax.imshow(corr.to_numpy(dtype=float), cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(corr.shape[1]), list(corr.columns), rotation=90, fontsize=7)
    ax.set_yticks(range(corr.shape[0]), list(corr.index), fontsize=7)
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def rank_intervals(rank_stats: pd.DataFrame) -> Figure:
    """Uncertainty: nominal rank, median and 5–95 % rank interval per unit, ordered by nominal rank."""
    s = rank_stats.sort_values("Nominal").reset_index(drop=True)
    fig = Figure(figsize=(max(6, len(s) * 0.18), 4))
    ax = fig.add_subplot()
    x = np.arange(len(s))
    ax.vlines(x, s["Q5"], s["Q95"], color="#3b6ea5", lw=2, label="5–95 %")
    ax.scatter(x, s["Median"], color="#3b6ea5", s=12, label="median")
    ax.scatter(x, s["Nominal"], color="#c0392b", marker="x", s=14, label="nominal")
    ax.set_xticks(x, list(s["uCode"]), rotation=90, fontsize=7)
    ax.invert_yaxis()
    ax.set_ylabel("rank")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def sensitivity_bars(indices: pd.DataFrame) -> Figure:
    """First-order and total sensitivity indices with bootstrap intervals when present."""
    fig = Figure(figsize=(6, 3.5))
    ax = fig.add_subplot()
    x = np.arange(len(indices))
    for off, col, colour in ((-0.2, "Si", "#3b6ea5"), (0.2, "STi", "#c0392b")):
        err = None
        if f"{col}_q5" in indices.columns:
            err = np.vstack([indices[col] - indices[f"{col}_q5"], indices[f"{col}_q95"] - indices[col]])
            err = np.clip(err, 0, None)
        ax.bar(x + off, indices[col], width=0.4, yerr=err, label=col, color=colour, capsize=3)
    ax.set_xticks(x, list(indices["Variable"]))
    ax.axhline(0, color="black", lw=0.5)
    ax.legend()
    fig.tight_layout()
    return fig
