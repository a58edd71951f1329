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


def framework_plot(fw: Framework, type: str = "tree", colour_level: int | None = None) -> Figure:
    """The framework: ``"tree"`` (one column per level, lines from children to parents), or as COINr's
    ``plot_framework``, ``"sunburst"`` (a ring per level below the top, indicators outside, each code's angle
    its effective weight) or ``"stack"`` (the same as stacked bars, one per level). Codes take the colour of
    their ancestor at ``colour_level`` (default: the level below the top), paler the further below it."""
    if type in {"sunburst", "stack"}:
        return _framework_rings(fw, type, fw.n_levels - 1 if colour_level is None else colour_level)
    if type != "tree":
        raise ValueError("type must be 'tree', 'sunburst' or 'stack'")
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


def _framework_rings(fw: Framework, kind: str, colour_level: int) -> Figure:
    if not 1 <= colour_level <= fw.n_levels:
        raise ValueError(f"colour_level must be between 1 and {fw.n_levels}")
    eff = fw.effective_weights()
    leaves = [c for top in fw.codes(fw.n_levels) for c in fw.leaves_under(top)]
    groups = list(dict.fromkeys(fw.ancestor_at(c, colour_level) for c in leaves))
    palette = [_COLOURS[i % len(_COLOURS)] for i in range(len(groups))]
    polar = kind == "sunburst"
    fig = Figure(figsize=(7, 7) if polar else (2 + 1.2 * fw.n_levels, 6))
    ax = fig.add_subplot(projection="polar" if polar else None)
    total = 2 * np.pi if polar else 1.0
    for lev in range(1, fw.n_levels):  # the top would be a full disc (COINr drops it too)
        codes = list(dict.fromkeys(str(fw.ancestor_at(c, lev)) for c in leaves))
        width = np.array([eff[c] for c in codes]) * total
        start = np.concatenate([[0.0], np.cumsum(width)[:-1]])
        ring = float(fw.n_levels - lev)  # indicators outermost
        for code, a, w in zip(codes, start, width, strict=True):
            group = fw.ancestor_at(code, colour_level) if lev <= colour_level else code
            colour = palette[groups.index(group)] if group in groups else "#888888"
            alpha = 1.0 if lev >= colour_level else max(0.4, 1.0 - 0.2 * (colour_level - lev))
            if polar:
                ax.bar(a + w / 2, 1.0, width=w, bottom=ring - 0.5, color=colour, alpha=alpha, edgecolor="white")
                ax.text(a + w / 2, ring, code, ha="center", va="center", fontsize=5 if lev == 1 else 7, color="white")
            else:
                ax.bar(ring, w, bottom=a, width=0.9, color=colour, alpha=alpha, edgecolor="white")
                ax.text(ring, a + w / 2, code, ha="center", va="center", fontsize=5 if lev == 1 else 7, color="white")
    ax.set_axis_off()
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98)  # no axes to lay out
    return fig


_COLOURS = ("#3b6ea5", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2c3e50", "#b7950b")


def dist_plot(
    data: pd.DataFrame, codes: Sequence[str] | None = None, type: str = "box", normalise: bool = False
) -> Figure:
    """The distribution of each code's values, one panel per code (COINr's ``plot_dist``): ``"box"``,
    ``"dot"`` (the values, jittered), ``"violin"``, ``"violindot"`` or ``"histogram"`` (10 bins). ``normalise``
    scales each code to [0, 100] (min-max) first. Missing values are left out."""
    kinds = ("box", "dot", "violin", "violindot", "histogram")
    if type not in kinds:
        raise ValueError(f"type must be one of {kinds}")
    cols = list(codes) if codes is not None else list(data.columns)
    values = data[cols].astype(float)
    if normalise:
        values = (values - values.min()) / (values.max() - values.min()) * 100
    n = len(cols)
    nrow = int(np.ceil(np.sqrt(n) / 2)) if n > 1 else 1  # about twice as many columns as rows, as COINr
    ncol = int(np.ceil(n / nrow))
    fig = Figure(figsize=(max(3, 2.2 * ncol), 2.4 * nrow))
    rng = np.random.default_rng(0)
    for i, code in enumerate(cols):
        ax = fig.add_subplot(nrow, ncol, i + 1)
        v = values[code].dropna().to_numpy()
        if type == "histogram":
            ax.hist(v, bins=10, color="#3b6ea5", edgecolor="#e9ecef")
        if type == "box":
            ax.boxplot(v)
        if type in {"violin", "violindot"} and v.size > 1:
            ax.violinplot(v)
        if type in {"dot", "violindot"}:
            ax.scatter(1 + rng.uniform(-0.08, 0.08, v.size), v, alpha=0.3, s=8, color="#333333")
        if type != "histogram":
            ax.set_xticks([])
        ax.set_title(code, fontsize=8)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


def scatter_plot(
    results: Results,
    codes: str | Sequence[str],
    dsets: str | Sequence[str] | None = None,
    by_group: str | None = None,
    point_label: str | None = None,
    log_scale: tuple[bool, bool] = (False, False),
    axes_label: str = "iCode",
    alpha: float = 0.5,
) -> Figure:
    """One code against another, or one code in two data sets (COINr's ``plot_scatter``): units present in
    both, coloured by a unit attribute ``by_group``, labelled by ``uCode`` or ``uName`` (``point_label``), axes
    on a log scale as asked, labelled by code or name and data set."""
    code_pair = [codes, codes] if isinstance(codes, str) else list(codes)
    dset_list: list[str] = [str(d) for d in ([dsets, dsets] if isinstance(dsets, str) else list(dsets or []))]
    if not dset_list:
        dset_list = [list(results.datasets)[-1]] * 2
    if len(code_pair) != 2 or len(dset_list) != 2:
        raise ValueError("give one or two codes and one or two data sets")
    if axes_label not in {"iCode", "iName"}:
        raise ValueError("axes_label must be 'iCode' or 'iName'")
    x = results.datasets[dset_list[0]][code_pair[0]].astype(float)
    y = results.datasets[dset_list[1]][code_pair[1]].astype(float)
    both = pd.concat({"x": x, "y": y}, axis=1, join="inner").dropna()
    fig = Figure(figsize=(5, 4.5))
    ax = fig.add_subplot()
    if by_group is None:
        ax.scatter(both["x"], both["y"], alpha=alpha, color="#3b6ea5")
    else:
        groups = results.units[by_group].reindex(both.index)
        for i, (g, idx) in enumerate(both.groupby(groups.astype(str), sort=True).groups.items()):
            ax.scatter(both.loc[idx, "x"], both.loc[idx, "y"], alpha=alpha, color=_COLOURS[i % len(_COLOURS)],
                       label=str(g))  # fmt: skip
        ax.legend(title=by_group, fontsize=7)
    if point_label is not None:
        if point_label not in {"uCode", "uName"}:
            raise ValueError("point_label must be 'uCode' or 'uName'")
        names = both.index if point_label == "uCode" else results.units["uName"].reindex(both.index)
        for x0, y0, name in zip(both["x"], both["y"], names, strict=True):
            ax.annotate(str(name), (x0, y0), fontsize=6, xytext=(0, 4), textcoords="offset points")
    fw = results.framework
    labels = [fw[c].name if axes_label == "iName" and c in fw else c for c in code_pair]
    ax.set_xlabel(f"{labels[0]} ({dset_list[0]})")
    ax.set_ylabel(f"{labels[1]} ({dset_list[1]})")
    if log_scale[0]:
        ax.set_xscale("log")
    if log_scale[1]:
        ax.set_yscale("log")
    fig.tight_layout()
    return fig
