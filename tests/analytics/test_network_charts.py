"""Network measures (against hand-computed values) and charts (they render; the font fallback warns)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from yrdhub.analytics import charts
from yrdhub.analytics.network import betweenness, network_measures


def test_betweenness_path_and_star() -> None:
    assert betweenness("abc", [("a", "b", 1.0), ("b", "c", 1.0)]) == {"a": 0.0, "b": 1.0, "c": 0.0}
    star = betweenness("xabcd", [("x", leaf, 1.0) for leaf in "abcd"])
    assert star["x"] == pytest.approx(1.0) and star["a"] == 0.0
    # weights shorten links: a–c direct but weak (distance 1), a–b–c strong (0.25 + 0.25) → b is between
    weighted = betweenness("abc", [("a", "c", 1.0), ("a", "b", 4.0), ("b", "c", 4.0)])
    assert weighted["b"] == pytest.approx(1.0)


def matrix_by_year() -> pd.DataFrame:
    rows = [
        ("paper", False, 2022, "320100", "340100", 2, 2.0),
        ("paper", False, 2023, "320100", "340100", 3, 3.0),
        ("paper", False, 2023, "310100", "320100", 1, 1.0),
        ("transfer", True, 2023, "320500", "330200", 1, 1.0),
    ]
    return pd.DataFrame(rows, columns=["kind", "directed", "year", "region_a", "region_b", "full", "fractional"])


def test_network_measures_and_change() -> None:
    net = network_measures(matrix_by_year(), "paper")
    nanjing = net[net.region == "320100"].set_index("year")
    assert list(nanjing.degree) == [1, 2]
    assert list(nanjing.strength) == [2.0, 4.0]
    assert nanjing.loc[2023, "betweenness"] == pytest.approx(1.0)
    assert nanjing.loc[2023, "degree_change"] == 1 and nanjing.loc[2023, "strength_change"] == 2.0
    assert pd.isna(nanjing.loc[2022, "degree_change"])
    assert set(net.region) == {"310100", "320100", "340100"}  # the transfer flow is not in the paper network


def test_charts_render(tmp_path: Path) -> None:
    m = matrix_by_year().drop(columns="year")
    ind = pd.DataFrame({"indicator": ["yrd_coauthored_intl_papers"] * 2, "year": [2022, 2023], "value": [10.0, 12.0]})
    paths = charts.save_charts(m, ind, tmp_path, "city")
    names = {p.name for p in paths}
    assert {"trend.svg", "heatmap_city_paper.svg", "flowmap_paper.svg", "flowmap_transfer.svg"} <= names
    assert paths and all(p.stat().st_size > 1000 for p in paths)


def test_missing_cjk_font_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    m = matrix_by_year().drop(columns="year")
    with pytest.warns(charts.NoCJKFontWarning, match="fonts-noto-cjk"):
        fig = charts.heatmap(m, "paper")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "Nanjing" in labels
