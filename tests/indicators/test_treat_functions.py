"""``Treat`` with a first treatment other than winsorisation and with custom pass tests (COINr's ``f1`` and
``f_pass``), against COINr 1.1.14 on its screened ASEM data (tests/indicators/reference/treat_*), and by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Treat, treat
from yrdhub.indicators.steps.treat import treat_column

from .coinr import coinr_data, ref


def pass_sd3(x: np.ndarray) -> bool:
    """The reference script's pass test: no value beyond 3 standard deviations of the mean (a bare logical)."""
    v = x[~np.isnan(x)]
    return bool(np.all(np.abs(v - v.mean()) <= 3 * v.std(ddof=1)))


def pass_ratio(x: np.ndarray, maxratio: float) -> dict[str, Any]:
    """The reference script's other test: (max − median)/(median − min) below ``maxratio``, and the ratio."""
    v = x[~np.isnan(x)]
    r = (v.max() - np.median(v)) / (np.median(v) - v.min())
    return {"Pass": bool(r < maxratio), "Ratio": float(r)}


CASES: dict[str, dict[str, Any]] = {  # the treat_<case>_*.csv of the reference
    "f1_log_CT": {"f1": "log_CT"},
    "f1_log_CT_orig_f2_log_CT_plus": {"f1": "log_CT_orig", "f2": "log_CT_plus", "combine_treat": True},
    "f1_boxcox_f2_log_CT_orig": {"f1": "boxcox", "f1_para": {"lmbda": 0.5}, "f2": "log_CT_orig"},
    "pass_sd3": {"f_pass": pass_sd3},
    "pass_ratio3_winmax2": {"f_pass": pass_ratio, "f_pass_para": {"maxratio": 3}, "winmax": 2},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_treat_equals_coinr(case: str) -> None:
    """Every indicator's values (to 1e-12), COINr's record column by column (its names: ``check_SkewKurt1.Pass``,
    ``pass_sd30``, ``pass_ratio2.Ratio`` …) and the labels of the treated points. Labels: COINr joins the labels
    of both treatments even when the first was discarded, and ``boxcox`` labels nothing; yrdhub labels what the
    values went through (the last label of COINr's, or both when combined)."""
    screened = coinr_data("Screened")
    want = ref(f"treat_{case}_Treated.csv").set_index("uCode")
    details = ref(f"treat_{case}_details.csv").set_index("iCode")
    points = ref(f"treat_{case}_points.csv").set_index("uCode")
    got, mine, labels = treat(screened, **CASES[case])
    mine = mine.set_index("iCode")
    np.testing.assert_allclose(got.loc[want.index, want.columns], want, rtol=1e-12, atol=1e-12)
    assert set(details.columns) <= set(mine.columns) and list(details.index) == list(mine.index)
    for col in details.columns:
        a, b = mine[col], details[col]
        assert (a.isna() == b.isna()).all(), col
        if b.dropna().map(lambda v: isinstance(v, bool | np.bool_)).all():
            assert (a.dropna().astype(bool) == b.dropna().astype(bool)).all(), col
        else:
            np.testing.assert_allclose(a.dropna().astype(float), b.dropna().astype(float), rtol=1e-9, err_msg=col)
    treated = details.index[details.filter(regex="1(\\.Pass)?$").notna().any(axis=1)]
    assert len(treated) >= 5  # the cases reach the first treatment (and most the second)
    coinr_labels = points[treated].astype(object).where(points[treated].notna(), "")
    last = coinr_labels.apply(lambda c: c.str.split("+").str[-1])
    mine_labels = labels.loc[points.index, treated]
    if CASES[case].get("combine_treat"):
        assert (mine_labels == coinr_labels).to_numpy().all()
    elif case.startswith("f1_boxcox"):  # COINr: boxcox returns bare values, so no label of its own
        assert ((mine_labels == last) | ((last == "") & (mine_labels == "boxcox"))).to_numpy().all()
    else:
        assert (mine_labels == last).to_numpy().all()


def test_first_treatment_by_a_transformation() -> None:
    """f1 = log_CT: the log is tried first, and when it passes there is no fallback; the record says so."""
    x = np.random.default_rng(0).lognormal(0, 1.5, 40)
    values, rec, labels = treat_column(x, f1="log_CT")
    assert rec["check_SkewKurt0.Pass"] is False and rec["check_SkewKurt1.Pass"] is True
    assert "winsorise.nwin" not in rec and "check_SkewKurt2.Pass" not in rec and set(labels) == {"log_CT"}
    mn, mx = x.min(), x.max()
    np.testing.assert_allclose(values, np.log(x - mn + 0.01 * (mx - mn)), rtol=1e-15)
    with pytest.raises(ValueError, match="unknown transformation"):
        treat_column(x, f1="sqrt")


def test_custom_pass_test_decides_and_is_recorded() -> None:
    """A test that always fails sends every indicator through both treatments; one that always passes leaves
    the data alone; the record carries the test's own statistics."""
    x = np.linspace(1, 10, 12)

    def never(v: np.ndarray) -> dict[str, Any]:
        return {"Pass": False, "N": int(np.sum(~np.isnan(v)))}

    values, rec, labels = treat_column(x, f_pass=never, winmax=1)
    # winsorisation stops by its own rule (skew and kurtosis), as COINr's winsorise: nothing to do here
    assert rec["never0.Pass"] is False and rec["never0.N"] == 12 and rec["winsorise.nwin"] == 0
    assert rec["never2.Pass"] is False and set(labels) == {"log_CT"}
    np.testing.assert_allclose(values, np.log(x - 1 + 0.09), rtol=1e-15)
    always = Treat(f_pass=lambda v: True)
    out = treat(pd.DataFrame({"a": x * 100, "b": x}), **always._defaults())[0]
    assert out["a"].tolist() == (x * 100).tolist()
    with pytest.raises(ValueError, match="True or False"):
        treat_column(x, f_pass=lambda v: "yes")


def test_an_undecided_pass_test_leaves_the_indicator_untreated() -> None:
    """COINr: "f_pass has returned NA. Returning untreated vector." """
    x = np.array([1.0, 2.0, 50.0, 3.0])
    values, rec, labels = treat_column(x, f_pass=lambda v: None)
    assert values.tolist() == x.tolist() and set(labels) == {""} and "untreated" not in rec["Treatment"]
    assert rec["Treatment"].startswith("none: the pass test gave no answer")


def test_per_indicator_first_treatment() -> None:
    rng = np.random.default_rng(4)
    X = pd.DataFrame({"a": rng.lognormal(0, 2, 30), "b": rng.lognormal(0, 2, 30)})
    out, details, points = treat(X, per_indicator={"a": {"f1": "boxcox", "f1_para": {"lmbda": 0.0}, "f2": None}})
    assert set(points["a"]) == {"boxcox"} and "winsorise.nwin" in details.set_index("iCode").loc["b"].dropna()
    np.testing.assert_allclose(out["a"], np.log(X["a"] - X["a"].min() + 1), rtol=1e-14)


def test_winsorise_parameters_may_come_in_f1_para() -> None:
    """COINr's way of writing them (``f1_para = list(winmax = 1)``) gives what the named parameter gives."""
    x = np.array([1.0, 2.0, 2.5, 3.0, 2.0, 1.5, 2.3, 45.0, 2.2, 1.8, 2.4, 2.1, 1.9, 2.6, 30.0])
    a = treat_column(x, f1_para={"winmax": 1})
    b = treat_column(x, winmax=1)
    assert a[1]["winsorise.nwin"] == 1 and treat_column(x)[1]["winsorise.nwin"] > 1
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1]


def test_a_specification_per_indicator_treats_indicators_with_missing_values() -> None:
    """COINr: a per-indicator specification that changes no function (``list(f1_para = list(winmax = 1))``) drops
    every parameter list, the pass test runs with ``na.rm = FALSE`` and gives NA, and the indicator is left
    untreated and out of the record — for each of the six raw ASEM indicators with missing values that fail the
    test. yrdhub treats them as the same parameters given globally would."""
    coinr = ref("treat_indiv_specs_missing.csv")
    assert len(coinr) == 6 and coinr["untreated"].all() and not coinr["in_details"].any()
    raw = coinr_data("Raw")
    codes = list(coinr["iCode"])
    out, details, _ = treat(raw, per_indicator={c: {"winmax": 1} for c in codes})
    alone, _, _ = treat(raw[codes], winmax=1)
    details = details.set_index("iCode")
    assert set(codes) <= set(details.index) and not details.loc[codes, "check_SkewKurt0.Pass"].any()
    pd.testing.assert_frame_equal(out[codes], alone)
    assert not all(np.allclose(out[c], raw[c], equal_nan=True) for c in codes)
