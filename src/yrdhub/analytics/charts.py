"""Charts (matplotlib): a flow map of city-pair links over the bundled YRD boundaries, a matrix heat map,
and trend lines against the plan's 2025 targets.

Chinese labels need a CJK font (Debian `fonts-noto-cjk`). Without one the charts still render, with
pinyin labels, and a warning names the package to install."""

from __future__ import annotations

import csv
import json
import warnings
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager

from yrdhub.analytics.targets import TARGET_INDICATORS

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
TARGET_LABELS = {
    "yrd_coauthored_intl_papers": ("长三角合作发表国际科技论文", "YRD co-authored international papers"),
    "cross_province_invention_patent_coapplications": ("跨省域发明专利合作申请", "cross-province co-filed inventions"),
    "cross_province_patent_transfers": ("跨省域专利转移", "cross-province patent transfers"),
}


class NoCJKFontWarning(UserWarning):
    """No font with Chinese glyphs: install Debian `fonts-noto-cjk`."""


@cache
def cjk_font() -> str | None:
    available = {f.name for f in fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in available), None)


def _use_chinese() -> bool:
    font = cjk_font()
    if font is None:
        warnings.warn(
            "no CJK font found (install Debian package fonts-noto-cjk); chart labels fall back to pinyin",
            NoCJKFontWarning,
            stacklevel=3,
        )
        return False
    plt.rcParams["font.family"] = [font, "DejaVu Sans"]
    return True


@cache
def _places() -> dict[str, tuple[str, str, float, float]]:
    """code → (Chinese name, pinyin, lon, lat) for provinces and YRD cities."""
    out = {}
    with resources.files("yrdhub.data.regions").joinpath("divisions.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["level"] in ("province", "city"):
                out[r["code"]] = (r["name"], r["name_en"], float(r["lon"]), float(r["lat"]))
    return out


def _label(code: str, chinese: bool) -> str:
    place = _places().get(code)
    if place is None:
        return code
    return place[0] if chinese else place[1]


def _boundaries() -> list[np.ndarray]:
    path = resources.files("yrdhub.data.maps").joinpath("yrd_cities.geojson")
    geo: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    rings = []
    for feature in geo["features"]:
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            rings.append(np.asarray(poly[0]))
    return rings


def flow_map(matrix: pd.DataFrame, kind: str = "paper", weight: str = "full", top: int = 60) -> Figure:
    """City-pair links as lines between city seats over the city boundaries; width ∝ links."""
    chinese = _use_chinese()
    m = matrix[(matrix["kind"] == kind)].nlargest(top, weight)
    fig, ax = plt.subplots(figsize=(8, 8))
    ax.add_collection(PolyCollection(_boundaries(), facecolor="#f2f2f2", edgecolor="#999999", linewidth=0.4))
    places = _places()
    segments, widths = [], []
    for a, b, w in zip(m["region_a"], m["region_b"], m[weight], strict=True):
        if a in places and b in places:
            segments.append([(places[a][2], places[a][3]), (places[b][2], places[b][3])])
            widths.append(float(w))
    if widths:
        scale = 6.0 / max(widths)
        ax.add_collection(
            LineCollection(segments, linewidths=[0.5 + w * scale for w in widths], colors="#c0392b", alpha=0.6)
        )
    nodes = sorted(set(m["region_a"]) | set(m["region_b"]))
    for code in nodes:
        if code in places:
            ax.plot(places[code][2], places[code][3], "o", color="#2c3e50", markersize=3)
            ax.annotate(_label(code, chinese), (places[code][2], places[code][3]), fontsize=7)
    ax.autoscale()
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(("长三角城市合作网络 " if chinese else "YRD city collaboration ") + kind)
    return fig


def heatmap(matrix: pd.DataFrame, kind: str = "paper", weight: str = "full") -> Figure:
    """Symmetric region × region heat map of an undirected matrix (directed flows: origin × destination)."""
    chinese = _use_chinese()
    m = matrix[matrix["kind"] == kind]
    codes = sorted(set(m["region_a"]) | set(m["region_b"]))
    index = {c: i for i, c in enumerate(codes)}
    grid = np.zeros((len(codes), len(codes)))
    for a, b, w, directed in zip(m["region_a"], m["region_b"], m[weight], m["directed"], strict=True):
        grid[index[a], index[b]] += w
        if not directed:
            grid[index[b], index[a]] += w
    size = max(4.0, 0.25 * len(codes) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    image = ax.imshow(grid, cmap="Reds")
    labels = [_label(c, chinese) for c in codes]
    ax.set_xticks(range(len(codes)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(codes)), labels, fontsize=7)
    fig.colorbar(image, ax=ax, shrink=0.7, label=weight)
    ax.set_title(("合作矩阵 " if chinese else "collaboration matrix ") + kind)
    fig.tight_layout()
    return fig


def trend(indicators: pd.DataFrame) -> Figure:
    """Yearly counts of the three record-based targets with the plan's 2025 values."""
    chinese = _use_chinese()
    fig, axes = plt.subplots(1, len(TARGET_LABELS), figsize=(5 * len(TARGET_LABELS), 4))
    for ax, (name, labels) in zip(np.atleast_1d(axes), TARGET_LABELS.items(), strict=True):
        rows = indicators[indicators["indicator"] == name].sort_values("year")
        ax.plot(rows["year"], rows["value"], marker="o", label="records" if not chinese else "记录数")
        ax.axhline(
            TARGET_INDICATORS[name],
            color="#c0392b",
            linestyle="--",
            label="2025 target" if not chinese else "2025年目标",
        )
        ax.set_title(labels[0] if chinese else labels[1], fontsize=10)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def save_charts(matrix: pd.DataFrame, indicators: pd.DataFrame, out_dir: Path, level: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    figures: list[tuple[str, Figure]] = [("trend.svg", trend(indicators))]
    for kind in sorted(set(matrix["kind"])):
        figures.append((f"heatmap_{level}_{kind}.svg", heatmap(matrix, kind)))
        if level == "city":
            figures.append((f"flowmap_{kind}.svg", flow_map(matrix, kind)))
    for name, fig in figures:
        path = out_dir / name
        fig.savefig(path)
        plt.close(fig)
        paths.append(path)
    return paths
