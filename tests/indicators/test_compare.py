"""Comparing runs (COINr's ``compare_coins``, ``compare_coins_multi``, ``compare_coins_corr``) on COINr's own
aggregated data sets of three coins, against what COINr 1.1.14 made of them (tests/indicators/reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Pipeline, Results
from yrdhub.indicators.compare import compare_coins, compare_coins_corr, compare_coins_multi
from yrdhub.indicators.steps import Aggregate, Normalise

from .coinr import coinr_data, ref
from .conftest import toy_inputs


@pytest.fixture(scope="module")
def coins() -> dict[str, pd.DataFrame]:
    """The example; z-scores (10, 2); screened before imputation at 95 % (43 units), min-max [1, 100] and
    geometric means."""
    return {name: coinr_data(f"{name}_Aggregated") for name in ("nominal", "zscore", "gmean")}


CC_CASES = {  # the cases of compare_coins.csv: second coin, code, compare_by, sort_by, decreasing
    "z_Index_ranks": ("zscore", "Index", "ranks", None, False),
    "z_Index_scores_absdiff": ("zscore", "Index", "scores", "Abs.diff", True),
    "g_Conn_ranks_diff": ("gmean", "Conn", "ranks", "Diff", False),
    "g_Instit_scores": ("gmean", "Instit", "scores", "coin.2", True),
}


def _assert_same(got: pd.DataFrame, want: pd.DataFrame, cols: list[str]) -> None:
    assert list(got["uCode"]) == list(want["uCode"])  # the same rows in the same order
    for c in cols:
        np.testing.assert_array_equal(got[c].to_numpy(dtype=float), want[c].to_numpy(dtype=float), err_msg=c)


def test_every_compare_case_is_checked() -> None:
    assert set(ref("compare_coins.csv")["case"]) == set(CC_CASES)


@pytest.mark.parametrize("case", sorted(CC_CASES))
def test_compare_coins_equals_coinr(case: str, coins: dict[str, pd.DataFrame]) -> None:
    """Ranks over the units of either coin (8 units are missing from the screened coin), the difference coin.1 −
    coin.2, and COINr's row order: by uCode, or sorted (stable, missing values last, also when decreasing)."""
    other, code, by, sort_by, decreasing = CC_CASES[case]
    want = ref("compare_coins.csv").query("case == @case")
    got = compare_coins(coins["nominal"], coins[other], code, compare_by=by, sort_by=sort_by, decreasing=decreasing)
    assert list(got.columns) == ["uCode", "coin.1", "coin.2", "Diff", "Abs.diff"]
    _assert_same(got, want, ["coin.1", "coin.2", "Diff", "Abs.diff"])
    if other == "gmean":
        assert got["coin.2"].isna().sum() == 8
    if sort_by == "Diff":
        assert got["Diff"].duplicated().any()  # ties, kept in uCode order as R's order keeps them


def test_compare_coins_takes_the_units_of_either_coin(coins: dict[str, pd.DataFrame]) -> None:
    """The screened coin first: still every unit of both (COINr merges with all.x and all.y)."""
    ab = compare_coins(coins["nominal"], coins["gmean"], "Conn")
    ba = compare_coins(coins["gmean"], coins["nominal"], "Conn")
    assert len(ba) == 51 and ba["coin.1"].isna().sum() == 8
    np.testing.assert_array_equal(ba["coin.1"], ab["coin.2"])
    np.testing.assert_array_equal(ba["Diff"], -ab["Diff"])


MULTI_CASES = {"base1_ranks": (0, "ranks", True, "Index"), "base3_ranks": (2, "ranks", True, "Index"),
               "base2_scores_unsorted": (1, "scores", False, "Sust")}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MULTI_CASES))
def test_compare_coins_multi_equals_coinr(case: str, coins: dict[str, pd.DataFrame]) -> None:
    """Every table type. With the screened coin as the base, only its 43 units are compared and the other coins'
    ranks are taken among them (COINr merges onto the base before ranking)."""
    ibase, by, sort_table, code = MULTI_CASES[case]
    want = ref("compare_coins_multi.csv").query("case == @case")
    got = compare_coins_multi(coins, code, tabtype="All", ibase=ibase, sort_table=sort_table, compare_by=by)
    assert isinstance(got, dict) and set(got) == set(want["tabtype"]) == {"Values", "Diffs", "AbsDiffs"}
    for tabtype, table in got.items():
        rows = want[want["tabtype"] == tabtype]
        assert list(table.columns[:2]) == ["uCode", list(coins)[ibase]]
        _assert_same(table, rows, list(coins))
    if ibase == 2:
        assert len(got["Values"]) == 43 and got["Values"]["nominal"].max() == 43


CORR_CASES = {"z_ranks": ("zscore", "ranks"), "z_scores": ("zscore", "scores"), "g_ranks": ("gmean", "ranks")}


@pytest.mark.parametrize("case", sorted(CORR_CASES))
def test_compare_coins_corr_equals_coinr(case: str, coins: dict[str, pd.DataFrame]) -> None:
    """Pearson's r of the ranks or scores of every aggregate; NaN when a unit is missing from one coin (R's cor),
    as for the screened coin."""
    other, by = CORR_CASES[case]
    want = ref("compare_coins_corr.csv").query("case == @case")
    table, details = compare_coins_corr(coins["nominal"], coins[other], list(want["iCode"]), compare_by=by)
    assert list(table["iCode"]) == list(want["iCode"]) and set(details) == set(want["iCode"])
    got, exp = table["Correlation"].to_numpy(dtype=float), want["Correlation"].to_numpy(dtype=float)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(exp))
    np.testing.assert_allclose(got, exp, rtol=1e-14, atol=1e-15)
    assert np.isnan(exp).all() == (other == "gmean")


def test_compare_runs_by_data_set() -> None:
    """Results are compared on a named data set (the last by default), with unit attributes alongside."""
    inputs = toy_inputs()
    r1 = Pipeline([Normalise(), Aggregate()]).run(inputs)
    r2 = Pipeline([Normalise("zscore"), Aggregate()]).run(inputs)
    assert isinstance(r1, Results)
    cmp = compare_coins(r1, r2, "T", also_get=["grp"], sort_by="Abs.diff", decreasing=True)
    assert list(cmp.columns) == ["uCode", "grp", "coin.1", "coin.2", "Diff", "Abs.diff"]
    assert sorted(cmp["coin.1"]) == list(range(1, 13))
    assert cmp["Abs.diff"].is_monotonic_decreasing
    same = compare_coins(r1, r1, "a", dset="Normalised", compare_by="scores")
    assert (same["Diff"] == 0).all()
    multi = compare_coins_multi([r1, r2], "T", tabtype="Diffs")
    assert isinstance(multi, pd.DataFrame) and list(multi.columns) == ["uCode", "coin.1", "coin.2"]
    diff = cmp.set_index("uCode").loc[multi["uCode"], "Diff"]
    assert (multi["coin.1"] == 0).all() and np.allclose(multi["coin.2"], -diff)
    with pytest.raises(ValueError, match="sort_by"):
        compare_coins(r1, r2, "T", sort_by="Rank")
    with pytest.raises(ValueError, match="ibase"):
        compare_coins_multi([r1, r2], "T", ibase=2)
