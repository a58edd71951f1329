"""Charts as SVG (matplotlib) with a CJK font, for documents that must look right on paper."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

from yrdhub.errors import DomainError

COLOURS = {"310000": "#c0392b", "320000": "#1f6fb2", "330000": "#16a085", "340000": "#d68910", "YRD": "#222222"}
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei")


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The first installed CJK font; documents in Chinese are refused rather than printed as boxes."""
    available = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in available:
            return name
    raise DomainError("publishing.no_cjk_font", package="fonts-noto-cjk")


def _svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog so the SVG can be inlined in HTML


def _style() -> None:
    plt.rcParams.update({"font.family": "sans-serif", "font.sans-serif": [cjk_font(), "DejaVu Sans"],
                         "axes.unicode_minus": False, "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False, "svg.fonttype": "path"})


def lines(series: dict[str, list[tuple[int, float]]], labels: dict[str, str], ylabel: str = "",
          baseline: float | None = None, size: tuple[float, float] = (6.4, 3.0)) -> str:
    _style()
    fig, ax = plt.subplots(figsize=size)
    for code, points in series.items():
        xs, ys = zip(*points, strict=True) if points else ((), ())
        ax.plot(xs, ys, label=labels.get(code, code), color=COLOURS.get(code), linewidth=2.4 if code == "YRD" else 1.5,
                marker="o", markersize=2.5)
    if baseline is not None:
        ax.axhline(baseline, color="#999999", linestyle="--", linewidth=0.8)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#eeeeee")
    ax.legend(frameon=False, ncol=5, loc="upper left", fontsize=8)
    return _svg(fig)


def rank_intervals(rows: Sequence[dict[str, float | str]], labels: dict[str, str], xlabel: str = "",
                   size: tuple[float, float] = (6.4, 2.2)) -> str:
    """Nominal rank (dot) and 5-95 % interval (bar) per unit; rank 1 on top."""
    _style()
    fig, ax = plt.subplots(figsize=size)
    ordered = sorted(rows, key=lambda r: float(r["Nominal"]))
    for y, row in enumerate(ordered):
        code = str(row["uCode"])
        ax.plot([row["Q5"], row["Q95"]], [y, y], color=COLOURS.get(code, "#555"), linewidth=6, alpha=0.35,
                solid_capstyle="round")
        ax.plot([row["Nominal"]], [y], "o", color=COLOURS.get(code, "#555"))
        ax.plot([row["Mean"]], [y], "|", color="#333333", markersize=10)
    ax.set_yticks(range(len(ordered)), [labels.get(str(r["uCode"]), str(r["uCode"])) for r in ordered])
    ax.invert_yaxis()
    n = len(ordered)
    ax.set_xlim(0.5, n + 0.5)
    ax.set_xticks(range(1, n + 1))
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#eeeeee")
    return _svg(fig)


def grouped_bars(categories: Sequence[str], groups: dict[str, list[float]], labels: dict[str, str],
                 ylabel: str = "", size: tuple[float, float] = (6.4, 2.8)) -> str:
    _style()
    fig, ax = plt.subplots(figsize=size)
    width = 0.8 / max(len(groups), 1)
    for k, (code, values) in enumerate(groups.items()):
        xs = [i + (k - (len(groups) - 1) / 2) * width for i in range(len(categories))]
        ax.bar(xs, values, width=width, label=labels.get(code, code), color=COLOURS.get(code))
    ax.set_xticks(range(len(categories)), [textwrap.fill(c, 16) for c in categories])
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#eeeeee")
    ax.legend(frameon=False, ncol=5, fontsize=8)
    return _svg(fig)
