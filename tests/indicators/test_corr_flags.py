"""Correlation flags within groups (COINr's ``get_corr_flags``) and with denominators (``get_denom_corr``),
against COINr 1.1.14 itself (tests/indicators/reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Framework, Results
from yrdhub.indicators.corr_flags import corr_flags, denom_corr

from .coinr import coinr_data, ref
from .conftest import toy_framework

DENOMINATORS = ["Area", "Energy", "GDP", "Population"]  # iMeta's rows of type Denominator


FLAG_CASES = {  # the cases of corr_flags.csv: data set, keyword arguments
    "norm_high_0.75_L2": ("Normalised", {"cor_thresh": 0.75, "grouplev": 2}),
    "norm_low_-0.1_L3": ("Normalised", {"cor_thresh": -0.1, "thresh_type": "low", "grouplev": 3}),
    "raw_spearman_dirs_L2": ("Raw", {"cor_thresh": 0.6, "cortype": "spearman", "roundto": None,
                                     "use_directions": True}),
    "agg_kendall_L4": ("Aggregated", {"cor_thresh": 0.5, "cortype": "kendall", "grouplev": 4, "roundto": 2}),
}


def _pairs(table: pd.DataFrame) -> dict[frozenset[str], tuple[str, float]]:
    cols = table[["Group", "Ind1", "Ind2", "Corr"]].itertuples(index=False)
    out = {frozenset((a, b)): (g, float(c)) for g, a, b, c in cols}
    assert len(out) == len(table)  # each pair once
    return out


def test_every_flag_case_of_the_reference_is_checked() -> None:
    assert set(ref("corr_flags.csv")["case"]) == set(FLAG_CASES)


@pytest.mark.parametrize("case", sorted(FLAG_CASES))
def test_corr_flags_equal_coinr(case: str, asem: Results) -> None:
    """On COINr's own data sets: the same pairs, in the same groups, with COINr's rounded correlation (R's
    rounding); unrounded (raw data, Spearman on direction-adjusted data) to 1e-12. The aggregated data set holds
    aggregates too: only indicators are paired, as in COINr. (The normalised indicators are the indicator columns
    of the aggregated set.)"""
    dset, kwargs = FLAG_CASES[case]
    want = _pairs(ref("corr_flags.csv").query("case == @case"))
    data = coinr_data("Raw" if dset == "Raw" else "nominal_Aggregated")
    got = _pairs(corr_flags(data, asem.framework, **kwargs))  # type: ignore[arg-type]
    assert want and set(got) == set(want)
    for pair, (group, corr) in want.items():
        assert got[pair][0] == group
        if kwargs.get("roundto", 3) is None:
            assert got[pair][1] == pytest.approx(corr, rel=1e-12)
        else:
            assert got[pair][1] == corr


DENOM_CASES = {
    "raw_0.6": ("Raw", {"cor_thresh": 0.6}),
    "raw_spearman_0.5": ("Raw", {"cor_thresh": 0.5, "cortype": "spearman", "nround": None}),
    "denominated_kendall_0.3": ("Denominated", {"cor_thresh": 0.3, "cortype": "kendall", "nround": 3}),
}


@pytest.mark.parametrize("case", sorted(DENOM_CASES))
def test_denom_corr_equals_coinr(case: str, asem: Results) -> None:
    dset, kwargs = DENOM_CASES[case]
    want = ref("denom_corr.csv").query("case == @case")
    units = coinr_data("uMeta")
    got = denom_corr(coinr_data(dset), units[DENOMINATORS], asem.framework, **kwargs)  # type: ignore[arg-type]
    assert len(want) > 10
    key = ["Ind", "Denom"]
    merged = want.merge(got, on=key, how="outer", suffixes=("_coinr", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    if kwargs.get("nround", 2) is None:
        np.testing.assert_allclose(merged["Corr"], merged["Corr_coinr"], rtol=1e-12)
    else:
        np.testing.assert_array_equal(merged["Corr"], merged["Corr_coinr"])
    assert list(got["Ind"]) == sorted(got["Ind"])


def test_denom_corr_with_directions_where_coinr_stops(asem: Results) -> None:
    """COINr's ``get_denom_corr(use_directions = TRUE)`` multiplies every numeric column of the merged table by
    a direction and stops at the first that is not an indicator (Time, or any denominator): it can never run.
    yrdhub turns the indicators round: the same pairs as without, the sign changed where the direction is −1."""
    err = ref("denom_corr.csv").query("case == 'raw_dirs'")
    assert err["Ind"].tolist() == ["error"] and "does not have an entry in iMeta" in err["Denom"].iloc[0]
    fw = asem.framework
    plain = denom_corr(asem.datasets["Raw"], asem.units[DENOMINATORS], fw, 0.5)
    turned = denom_corr(asem.datasets["Raw"], asem.units[DENOMINATORS], fw, 0.5, use_directions=True)
    assert plain[["Ind", "Denom"]].equals(turned[["Ind", "Denom"]])
    sign = np.array([fw[c].direction for c in plain["Ind"]])
    assert (sign == -1).any()
    np.testing.assert_array_equal(turned["Corr"].to_numpy(), sign * plain["Corr"].to_numpy())


def _toy() -> tuple[pd.DataFrame, Framework]:
    rng = np.random.default_rng(0)
    base = rng.normal(size=30)
    X = pd.DataFrame({"a": base, "b": -base + rng.normal(scale=0.1, size=30), "c": base, "d": rng.normal(size=30)})
    return X, toy_framework()


def test_corr_flags_pairs_within_groups_only() -> None:
    """a and c are identical but in different groups at level 2 (P, Q): flagged only when grouped at level 3.
    b (direction −1) is the mirror of a: a low correlation, high once directions are applied."""
    X, fw = _toy()
    assert corr_flags(X, fw, 0.9).empty
    top = corr_flags(X, fw, 0.9, grouplev=3)
    assert top[["Group", "Ind1", "Ind2", "Corr"]].values.tolist() == [["T", "a", "c", 1.0]]
    assert corr_flags(X, fw, -0.9, thresh_type="low")[["Ind1", "Ind2"]].values.tolist() == [["a", "b"]]
    assert corr_flags(X, fw, 0.9, use_directions=True)[["Ind1", "Ind2"]].values.tolist() == [["a", "b"]]
    with pytest.raises(ValueError, match="grouplev"):
        corr_flags(X, fw, grouplev=4)
    with pytest.raises(ValueError, match="thresh_type"):
        corr_flags(X, fw, thresh_type="middle")


def test_denom_corr_by_absolute_value() -> None:
    X, fw = _toy()
    den = pd.DataFrame({"pop": X["a"] * 3 + 1, "noise": np.random.default_rng(9).normal(size=30)}, index=X.index)
    out = denom_corr(X, den, fw, 0.9)
    assert out[["Ind", "Denom"]].values.tolist() == [["a", "pop"], ["b", "pop"], ["c", "pop"]]
    assert out["Corr"].tolist()[0] == 1.0 and out["Corr"].tolist()[1] < -0.9


def test_reported_correlations_are_rounded_as_r_rounds() -> None:
    """A correlation of 0.085 is a tie to R, decided to the even digit: 0.09, where NumPy gives 0.08."""
    x = np.array([1.0, 2.0, 3.0, 4.0])
    X = pd.DataFrame({"a": x, "b": x})
    fw = Framework.from_records([{"iCode": "a", "Level": 1, "Parent": "T"}, {"iCode": "b", "Level": 1, "Parent": "T"},
                                 {"iCode": "T", "Level": 2, "Parent": None}])  # fmt: skip
    from unittest import mock

    with mock.patch("yrdhub.indicators.corr_flags.correlation", return_value=0.085):
        assert corr_flags(X, fw, 0.05, roundto=2)["Corr"].tolist() == [0.09]
        assert denom_corr(X, X[["a"]].rename(columns={"a": "d"}), fw, 0.05)["Corr"].tolist() == [0.09, 0.09]
