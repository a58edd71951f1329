from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Inputs, Pipeline, aggregate, denominate, impute, normalise, screen, treat
from yrdhub.indicators._stats import kurt, rank_min, skew
from yrdhub.indicators.steps.aggregate import a_copeland, a_wmedian, power_mean
from yrdhub.indicators.steps.normalise import n_goalposts, normalise_column
from yrdhub.indicators.steps.treat import boxcox, check_skew_kurt, log_ct, log_gii, treat_column, winsorise


def test_excel_moments() -> None:
    x = np.array([1.0, 2, 3, 4, 10])
    n, s = x.size, x.std(ddof=1)
    z = (x - x.mean()) / s
    # Excel's SKEW and KURT formulas as documented by Microsoft
    excel_skew = n / ((n - 1) * (n - 2)) * np.sum(z**3)
    excel_kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * np.sum(z**4) - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    assert skew(x) == pytest.approx(excel_skew, rel=1e-12)
    assert kurt(x) == pytest.approx(excel_kurt, rel=1e-12)
    assert excel_skew == pytest.approx(1.6971, abs=1e-4) and excel_kurt == pytest.approx(3.152, abs=1e-3)
    assert np.isnan(skew(np.array([1.0, 2.0])))


def test_rank_min_ties_and_nan() -> None:
    np.testing.assert_array_equal(rank_min(np.array([3.0, 1, 3, np.nan, 2])), [3, 1, 3, np.nan, 2])
    np.testing.assert_array_equal(rank_min(np.array([3.0, 1, 3]), descending=True), [1, 3, 1])


def test_winsorise_ties_grow_and_labels() -> None:
    x = np.array([*np.arange(1.0, 21), 200.0, 300.0])
    out, nwin, labels = winsorise(x, winmax=5)
    assert check_skew_kurt(out).passed
    assert out.max() < 200 and nwin == labels.count("winhi") and nwin >= 2
    assert out[-1] == out[-2] == out.max()


def test_treatment_falls_back_to_log_ct_on_original_values() -> None:
    x = np.array([*np.ones(10), *np.arange(2.0, 8), 1e3, 1e4, 1e5])
    values, rec, labels = treat_column(x, winmax=1)
    assert rec["check_SkewKurt1.Pass"] is False and "check_SkewKurt2.Pass" in rec
    np.testing.assert_allclose(values, log_ct(x))
    assert set(labels) == {"log_CT"} and "log_CT" in rec["Treatment"]


def test_transforms() -> None:
    x = np.array([0.5, 1, 2, 4, 8])
    assert not np.allclose(log_gii(x), x)  # COINr's log_GII returns x unchanged; ours transforms
    np.testing.assert_allclose(log_gii(x), np.log((8 - 1) * (x - 0.5) / 7.5 + 1))
    np.testing.assert_allclose(boxcox(x, 0), np.log(x - 0.5 + 1))
    np.testing.assert_allclose(boxcox(x, 2, makepos=False), (x**2 - 1) / 2)


def test_treat_per_indicator_none_and_custom(inputs: Inputs) -> None:
    X = inputs.data.copy()
    X.loc["U00", "a"] = 500.0
    out, details, points = treat(X, per_indicator={"b": "none"}, skew_thresh=1.0, kurt_thresh=1.0)
    assert "b" not in set(details["iCode"])
    assert out["a"].max() < 500 and (points["a"] != "").any()
    out2, _, _ = treat(X, skew_thresh=0.1, kurt_thresh=-5, winmax=0, f2=lambda v: v * 0 + 1)
    assert (out2["a"] == 1).all()


def test_normalise_methods() -> None:
    x = np.array([1.0, 2, 3, 5])
    np.testing.assert_allclose(normalise_column(x, "minmax", {"l_u": (1, 100)}), [1, 25.75, 50.5, 100])
    z = normalise_column(x, "zscore", {"m_sd": (10, 2)})
    assert z.mean() == pytest.approx(10) and z.std(ddof=1) == pytest.approx(2)
    np.testing.assert_allclose(normalise_column(x, "dist2max"), [0, 0.25, 0.5, 1])
    np.testing.assert_allclose(normalise_column(x, "fracmax"), x / 5)
    np.testing.assert_allclose(normalise_column(x, "prank"), [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(normalise_column(x, "borda", direction=-1), [3, 2, 1, 0])
    np.testing.assert_allclose(normalise_column(x, "dist2targ", {"targ": 3, "cap_max": True}), [0, 0.5, 1, 1])
    np.testing.assert_allclose(normalise_column(x, "dist2ref", {"iref": 1}), [0, 1, 2, 4])
    np.testing.assert_allclose(normalise_column(x, "scaled", {"npara": (0, 10)}), x * 10)
    np.testing.assert_allclose(normalise_column(x, lambda v, k=2: v * k, {"k": 3}), x * 3)
    # goalposts with truncation; a negative direction flips the posts
    np.testing.assert_allclose(n_goalposts(x, (2, 4, 100)), [0, 0, 50, 100])
    np.testing.assert_allclose(normalise_column(x, "goalposts", {"gposts": (2, 4, 1)}, direction=-1), [1, 1, 0.5, 0])
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise_column(x, "magic")


def test_normalise_targets_and_reference(inputs: Inputs) -> None:
    out = normalise(inputs.data, "dist2ref", directions=inputs.framework.directions, ref_unit="U03")
    assert out.loc["U03"].tolist() == pytest.approx([1.0] * 4)
    with pytest.raises(ValueError, match="target"):
        normalise(inputs.data, "dist2targ", directions=inputs.framework.directions)


def test_aggregation_functions() -> None:
    x = np.array([[1.0, 4, np.nan], [2, 2, 2]])
    w = np.array([1.0, 1, 2])
    np.testing.assert_allclose(power_mean(x, w, 1), [2.5, 2])
    np.testing.assert_allclose(power_mean(x, w, 0), [2, 2])
    np.testing.assert_allclose(power_mean(x, w, -1), [1.6, 2])
    np.testing.assert_allclose(power_mean(np.array([[1.0, 3]]), np.ones(2), 2), [np.sqrt(5)])
    assert np.isnan(power_mean(np.array([[0.0, 3]]), np.ones(2), 0))[0]
    np.testing.assert_allclose(a_wmedian(np.array([[1.0, 2, 10]]), np.array([1.0, 1, 3])), [10])
    np.testing.assert_allclose(a_wmedian(np.array([[1.0, 2, 3, 4]]), np.ones(4)), [2.5])
    cop = a_copeland(np.array([[3.0, 3], [2, 2], [1, 1]]), np.ones(2))
    np.testing.assert_allclose(cop, [2, 0, -2])


def test_copeland_counts_a_missing_comparison_as_a_tie() -> None:
    """A missing value neither wins nor loses its comparison (docs: Copeland's missing values); a unit with no
    value at all has no score, as with the means."""
    x = np.array([[3.0, np.nan], [2, 5], [1, 1], [np.nan, np.nan]])
    # U0–U1: U0 wins the first child and the second is missing, so U0 wins; U0 and U1 beat U2
    np.testing.assert_array_equal(a_copeland(x, np.ones(2)), [2, 0, -2, np.nan])
    # whatever the weight of the missing child (as −∞ it would hand U1 the pair: 3 against 1)
    np.testing.assert_array_equal(a_copeland(x, np.array([1.0, 3.0])), [2, 0, -2, np.nan])


def test_aggregate_levels_thresholds_and_errors(inputs: Inputs) -> None:
    X = inputs.data.copy()
    X.loc["U01", ["a", "b"]] = np.nan
    out = aggregate(X, inputs.framework, method="amean", dat_thresh=[0.5, None])
    assert np.isnan(out.loc["U01", "P"]) and not np.isnan(out.loc["U01", "T"])
    assert list(out.columns[-3:]) == ["P", "Q", "T"]
    with pytest.raises(ValueError, match="one entry per aggregation level"):
        aggregate(X, inputs.framework, method=["amean"])
    with pytest.raises(ValueError, match="genmean needs p"):
        aggregate(X, inputs.framework, method="genmean")


def test_denominate_impute_screen(inputs: Inputs) -> None:
    den = denominate(inputs.data, inputs.units, {"a": "pop"})
    np.testing.assert_allclose(den["a"], inputs.data["a"] / inputs.units["pop"])
    X = inputs.data.copy()
    X.loc[["U00", "U02"], "c"] = np.nan
    filled = impute(X, "mean_grp", inputs.units["grp"])
    y_units = inputs.units.index[inputs.units["grp"] == "y"]
    expected = X.loc[y_units, "c"].mean()
    assert filled.loc["U00", "c"] == pytest.approx(expected)
    assert impute(X, "median")["c"].isna().sum() == 0
    X.loc["U05"] = np.nan
    assert "U05" not in screen(X, "byNA", dat_thresh=0.5).index
    assert "U05" in screen(X, "byNA", dat_thresh=0.5, force_include=["U05"]).index
    with pytest.raises(ValueError, match="needs a grouping"):
        impute(X, "mean_grp")


def test_pipeline_names_repeated_steps_and_log_reproduces(inputs: Inputs) -> None:
    from yrdhub.indicators import Aggregate, Normalise

    pipe = Pipeline([Normalise("rank"), Normalise("minmax"), Aggregate("genmean", p=2)])
    res = pipe.run(inputs)
    assert list(res.datasets) == ["Raw", "Normalised", "Normalised2", "Aggregated"]
    again = Pipeline.from_log(res.log).run(inputs)
    pd.testing.assert_frame_equal(again.last, res.last)
    scores = res.scores()
    assert list(scores.columns) == ["uCode", "Rank", "T", "P", "Q"] and scores["Rank"].iloc[0] == 1
