"""Weights for target importances (COINr's ``get_opt_weights``) against COINr 1.1.14 on its ASEM example
(tests/indicators/reference/opt_weights*.csv): the correlations that measure importance, COINr's objective, and
where COINr goes wrong (targets paired with the wrong codes; a search stopped after a few evaluations)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Framework, Results
from yrdhub.indicators.opt_weights import level_correlations, optimise_level_weights, weights_objective

from .coinr import coinr_data, ref
from .conftest import toy_framework, toy_inputs

# the cases of opt_weights.csv: level, itarg (None: infomax), optype, cortype
CASES: dict[str, tuple[int, Any, str, str]] = {
    "L3_balance_equal": (3, "equal", "balance", "pearson"),
    "L3_balance_1_2_spearman": (3, [1, 2], "balance", "spearman"),
    "L3_infomax_kendall": (3, None, "infomax", "kendall"),
    "L2_balance_equal": (2, "equal", "balance", "pearson"),
    "L2_balance_targets": (2, [1, 2, 1, 1, 1, 1, 1, 3], "balance", "pearson"),
}


@pytest.fixture(scope="module")
def normalised(asem: Results) -> pd.DataFrame:
    """COINr's normalised data (the indicator columns of its aggregated data set), all digits."""
    return coinr_data("nominal_Aggregated")[asem.framework.indicators]


def _coinr_weights(case: str) -> pd.Series:
    return ref("opt_weights.csv").query("case == @case").set_index("iCode")["Weight"]


def _targets(fw: Framework, level: int, itarg: Any) -> np.ndarray | None:
    if itarg is None:
        return None
    t = np.ones(len(fw.codes(level))) if itarg == "equal" else np.asarray(itarg, dtype=float)
    return t / t.sum()


def test_every_case_is_checked() -> None:
    assert set(ref("opt_weights.csv")["case"]) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_importance_correlations_equal_coinr(case: str, asem: Results, normalised: pd.DataFrame) -> None:
    """The correlation of each code of the level with the index, re-aggregated with given weights (COINr's
    weights2corr): at COINr's optimum and at the original weights, Pearson, Spearman and Kendall."""
    level, _, _, cortype = CASES[case]
    table = ref("opt_weights_correlations.csv").query("case == @case")
    for at, weights in (("optimum", dict(_coinr_weights(case))), ("original", None)):
        want = table[table["weights"] == at].set_index("iCode")["Correlation"]
        got = level_correlations(normalised, asem.framework, level, weights, cortype)
        assert set(got.index) == set(want.index) == set(asem.framework.codes(level))
        np.testing.assert_allclose(got[want.index], want, rtol=0, atol=1e-15)


@pytest.mark.parametrize("case", sorted(CASES))
def test_coinr_objective_and_where_it_pairs_targets_wrongly(case: str, asem: Results, normalised: pd.DataFrame) -> None:
    """COINr's objective at its own weights is optim's value — once its correlations are put in the order of the
    codes' names, as COINr's merge leaves them, while its targets follow iMeta's order. Where the two orders
    differ (level 2) and the targets are unequal, COINr compares each target with another code's correlation:
    paired by code, its weights score differently."""
    level, itarg, optype, cortype = CASES[case]
    fw = asem.framework
    coinr = ref("opt_weights.csv").query("case == @case")
    weights = dict(_coinr_weights(case))
    corr = level_correlations(normalised, fw, level, weights, cortype)
    target = _targets(fw, level, itarg)
    by_name = weights_objective(corr[sorted(fw.codes(level))].to_numpy(), optype, target)
    by_code = weights_objective(corr.to_numpy(), optype, target)
    assert by_name == pytest.approx(coinr["value"].iloc[0], rel=1e-13)
    if case == "L2_balance_targets":
        assert sorted(fw.codes(level)) != fw.codes(level)
        assert abs(by_code - by_name) > 0.1  # COINr optimised the wrong pairing
    else:
        assert by_code == pytest.approx(by_name, rel=1e-13)
    assert coinr["evaluations"].iloc[0] <= 15  # COINr's reltol = 0.1 stops Nelder–Mead almost at once


@pytest.mark.parametrize("case", sorted(CASES))
def test_optimised_weights_do_at_least_as_well_as_coinr(case: str, asem: Results, normalised: pd.DataFrame) -> None:
    """yrdhub's search ends at an objective no worse than COINr's weights reach (paired by code), and the
    table's correlations are the ones its weights give."""
    level, itarg, optype, cortype = CASES[case]
    fw = asem.framework
    res = optimise_level_weights(normalised, fw, level, itarg or "equal", optype, cortype)
    corr = level_correlations(normalised, fw, level, dict(_coinr_weights(case)), cortype)
    coinr_by_code = weights_objective(corr.to_numpy(), optype, _targets(fw, level, itarg))
    assert res.objective <= coinr_by_code + 1e-12
    if optype == "balance" and cortype == "pearson":
        assert res.objective < coinr_by_code - 0.5  # far better than where COINr stopped
    got = level_correlations(normalised, fw, level, res.weights, cortype).to_numpy()
    obtained = res.table["Obtained"].to_numpy()
    np.testing.assert_allclose(obtained, got / got.sum() if optype == "balance" else got, rtol=1e-12)
    assert res.table["Weight"].sum() == pytest.approx(1.0) and (res.table["Weight"] >= 0).all()
    assert list(res.table["iCode"]) == fw.codes(level)


def test_balance_reaches_the_targets_by_code() -> None:
    """On a toy index: two pillars given importances 1:3 get correlations in that ratio; a mapping of targets by
    code does the same as the list in framework order."""
    inputs = toy_inputs(40, seed=2)
    fw = toy_framework()
    data = (inputs.data - inputs.data.min()) / (inputs.data.max() - inputs.data.min())
    res = optimise_level_weights(data, fw, 2, itarg=[1, 3])
    assert res.converged
    np.testing.assert_allclose(res.table["Obtained"], [0.25, 0.75], atol=1e-5)
    by_code = optimise_level_weights(data, fw, 2, itarg={"Q": 3, "P": 1})
    np.testing.assert_allclose(by_code.table["Weight"], res.table["Weight"], rtol=1e-9)
    assert res.weights["a"] == fw.weights["a"]  # other levels keep their weights
    heavy = optimise_level_weights(data, fw, 2, itarg=[1, 3], weights={"d": 6.0})  # weights below the level count
    corr = level_correlations(data, fw, 2, heavy.weights)
    assert heavy.weights["d"] == 6.0
    np.testing.assert_allclose(heavy.table["Obtained"], corr / corr.sum(), rtol=1e-12)
    with pytest.raises(ValueError, match="targets"):
        optimise_level_weights(data, fw, 2, itarg=[1, 2, 3])
    with pytest.raises(ValueError, match="below the top"):
        optimise_level_weights(data, fw, 3)


def test_infomax_raises_the_total_correlation() -> None:
    inputs = toy_inputs(40, seed=2)
    fw = toy_framework()
    data = (inputs.data - inputs.data.min()) / (inputs.data.max() - inputs.data.min())
    start = level_correlations(data, fw, 1, cortype="spearman").sum()
    res = optimise_level_weights(data, fw, 1, optype="infomax", cortype="spearman")
    assert -res.objective >= start and res.table["Desired"].isna().all()
