from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Aggregate, Inputs, Normalise, Pipeline
from yrdhub.indicators.analysis import (
    correlations,
    cronbach_alpha,
    indicator_stats,
    pca,
    remove_elements,
    strengths_weaknesses,
)
from yrdhub.indicators.panel import (
    cagr,
    impute_panel,
    normalise_panel,
    performance_groups,
    relative_index,
    trends,
)
from yrdhub.indicators.targets import distance_to_target, progress, year_reaching_target
from yrdhub.indicators.weights import equal_weights, optimise_weights, pca_weights


@pytest.fixture
def panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uCode": ["A"] * 5 + ["B"] * 5,
            "Time": list(range(2011, 2016)) * 2,
            "x": [1.0, np.nan, np.nan, 4.0, np.nan, 2.0, 4.0, np.nan, np.nan, np.nan],
            "y": [10.0, 11, 12, 13, 14, 5, 4, 3, 2, 1],
        }
    )


def test_panel_imputation(panel: pd.DataFrame) -> None:
    lin = impute_panel(panel, ["x"], "linear").set_index(["uCode", "Time"])["x"]
    assert lin[("A", 2012)] == pytest.approx(2.0) and lin[("A", 2013)] == pytest.approx(3.0)
    assert np.isnan(lin[("A", 2015)])  # no extrapolation
    latest = impute_panel(panel, ["x"], "latest", max_gap=2).set_index(["uCode", "Time"])["x"]
    assert latest[("B", 2014)] == 4.0 and np.isnan(latest[("B", 2015)])
    gap1 = impute_panel(panel, ["x"], "linear", max_gap=1).set_index(["uCode", "Time"])["x"]
    assert gap1[("A", 2012)] == pytest.approx(2.0) and np.isnan(gap1[("A", 2013)])
    with pytest.raises(ValueError, match="unknown panel imputation"):
        impute_panel(panel, ["x"], "spline")


def test_panel_normalisation_pools_years(panel: pd.DataFrame) -> None:
    out = normalise_panel(panel, ["y"], {"y": 1})
    assert out["y"].min() == 0 and out["y"].max() == 100
    assert out.loc[(out.uCode == "A") & (out.Time == 2015), "y"].item() == 100


def test_relative_index_and_groups(panel: pd.DataFrame) -> None:
    base = relative_index(panel, "y", base_year=2011)
    assert base[panel.Time == 2011].tolist() == [100.0, 100.0]
    assert base.iloc[4] == pytest.approx(140.0)
    ref = relative_index(panel, "y", ref_unit="A")
    assert ref[panel.uCode == "A"].tolist() == [100.0] * 5
    groups = performance_groups(np.array([50.0, 70.0, 70.1, 100.5, 125.0, 130.0, np.nan]))
    assert list(groups) == ["Emerging", "Emerging", "Moderate", "Strong", "Strong", "Leader", None]
    with pytest.raises(ValueError, match="one more label"):
        performance_groups([1.0], (1.0, 2.0), ("a", "b"))


def test_trends_and_targets(panel: pd.DataFrame) -> None:
    assert cagr([100.0, np.nan, 121.0], [2020, 2021, 2022]) == pytest.approx(0.1)
    t = trends(panel, ["y"])
    assert t.loc["A", "y"] == pytest.approx((14 / 10) ** 0.25 - 1)
    assert distance_to_target(80.0, 100.0) == pytest.approx(0.2)
    assert distance_to_target(80.0, 100.0, direction=-1) == pytest.approx(-0.2)
    assert progress(60.0, 50.0, 100.0) == pytest.approx(0.2)
    assert year_reaching_target(100.0, 2020, 0.1, 121.0) == pytest.approx(2022.0)
    assert year_reaching_target(130.0, 2020, 0.1, 121.0) == 2020.0
    assert year_reaching_target(100.0, 2020, -0.1, 121.0) == float("inf")
    assert year_reaching_target(100.0, 2020, -0.1, 81.0, direction=-1) == pytest.approx(2022.0)


def test_analysis_functions(inputs: Inputs) -> None:
    res = Pipeline([Normalise(), Aggregate()]).run(inputs)
    st = indicator_stats(inputs.data)
    assert list(st["iCode"]) == ["a", "b", "c", "d"] and (st["N.Avail"] == len(inputs.data)).all()
    x = res.datasets["Normalised"]
    assert cronbach_alpha(pd.DataFrame({"p": x["a"], "q": x["a"]})) == pytest.approx(1.0)
    corr = correlations(res.last, ["P", "Q"], ["a", "c"], method="spearman", pval=None)
    assert len(corr) == 4 and corr["Correlation"].between(-1, 1).all()
    within = correlations(res.last, ["P", "Q"], ["a", "c"], pval=None, framework=inputs.framework, within_level=2)
    assert set(zip(within.Var1, within.Var2, strict=True)) == {("P", "a"), ("Q", "c")}
    p = pca(x)
    assert p["explained"].sum() == pytest.approx(1.0)
    loo = remove_elements(res, 2)
    assert list(loo["iCode"]) == ["P", "Q"] and (loo["MeanAbsRankChange"] >= 0).all()
    sw = strengths_weaknesses(res, "U00", n=2)
    assert list(sw["Type"]) == ["strength", "strength", "weakness", "weakness"]


def test_weights(inputs: Inputs) -> None:
    x = Pipeline([Normalise()]).run(inputs).last
    assert set(equal_weights(inputs.framework).values()) == {1.0}
    w = pca_weights(x, inputs.framework)
    assert w["a"] + w["b"] == pytest.approx(1.0)
    opt = optimise_weights(x, inputs.framework, "P")
    assert opt["a"] + opt["b"] == pytest.approx(1.0) and min(opt["a"], opt["b"]) > 0


def test_panel_pipeline_normalises_over_all_periods_and_ranks_per_period() -> None:
    from yrdhub.indicators import ImputePanel, make_inputs
    from yrdhub.indicators.panel import normalise_panel

    from .conftest import toy_framework, toy_inputs

    fw = toy_framework()
    frames = []
    for k, year in enumerate((2020, 2021, 2022)):
        inp = toy_inputs(8, seed=k)
        frames.append(inp.data.reset_index().assign(Time=year, grp=inp.units["grp"].to_numpy()))
    idata = pd.concat(frames, ignore_index=True)
    idata.loc[3, "a"] = np.nan  # U03 in 2020: nothing before it, so latest cannot fill it
    idata.loc[11, "c"] = np.nan  # U03 in 2021: filled with its 2020 value
    inputs = make_inputs(idata, fw, time="Time")
    assert inputs.data.index.names == ["uCode", "Time"]
    res = Pipeline([ImputePanel("latest"), Normalise(), Aggregate()]).run(inputs)
    imp = res.datasets["Imputed"]
    assert imp.loc[("U03", 2021), "c"] == imp.loc[("U03", 2020), "c"]
    assert np.isnan(imp.loc[("U03", 2020), "a"])
    pooled = normalise_panel(imp.reset_index(), fw.indicators, fw.directions).set_index(["uCode", "Time"])
    pd.testing.assert_frame_equal(res.datasets["Normalised"], pooled[fw.indicators])
    scores = res.scores()
    assert scores.groupby("Time")["Rank"].min().eq(1).all() and len(scores) == 24
    from yrdhub.indicators import make_inputs as mk

    with pytest.raises(ValueError, match="duplicate"):
        mk(pd.concat([idata, idata.head(1)]), fw, time="Time")


@pytest.mark.parametrize("how", ["equal", "pca", "balance", "infomax"])
def test_aggregate_with_weights_derived_from_data(inputs: Inputs, how: str) -> None:
    pipe = Pipeline([Normalise(), Aggregate(weights=how)])
    res = pipe.run(inputs)
    step = res.steps["Aggregated"]
    w = step.weights_  # type: ignore[attr-defined]
    fw = inputs.framework
    for parent in ("P", "Q", "T"):
        kids = fw.children(parent)
        assert kids and all(w[k] > 0 for k in kids)
    if how == "equal":
        assert w["d"] == 1.0  # the framework gives d weight 2
    else:
        assert w["a"] + w["b"] == pytest.approx(1.0) and w["P"] + w["Q"] == pytest.approx(1.0)
    # the log names the weighting; re-running derives the same weights and results
    again = Pipeline.from_log(res.log).run(inputs)
    pd.testing.assert_frame_equal(again.last, res.last)
    with pytest.raises(ValueError, match="unknown weighting"):
        Pipeline([Aggregate(weights="magic")]).run(inputs)
