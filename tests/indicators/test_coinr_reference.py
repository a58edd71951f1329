"""Conformance with COINr 1.1.14 for the methods of issue 22: the generalised mean, log_CT_plus, PCA weights and
Copeland. The numbers were computed by COINr itself (``scripts/coinr_reference.sh`` writes
``tests/indicators/reference/``). Tests on the ASEM example take its data from ``../shared/reference`` (skipped
without it); the others need nothing outside the project. Where yrdhub deliberately differs from COINr the test
says why (docs/indicators.md, "Differences from COINr")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conformance.asem import asem_inputs, asem_pipeline
from yrdhub.indicators import Aggregate, Normalise, Results, aggregate, normalise, treat
from yrdhub.indicators._stats import skew
from yrdhub.indicators.steps.aggregate import a_copeland, outrank_matrix, power_mean
from yrdhub.indicators.steps.treat import log_ct_plus
from yrdhub.indicators.weights import pca_weights

REF = Path(__file__).parent / "reference"


def ref(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name, keep_default_na=False, na_values=[""])


# --- generalised mean -----------------------------------------------------------------------------------------

GENMEAN_CASES = {  # the cases of genmean_asem.csv: normalisation of the example, p
    "minmax0_100_p2": (Normalise("minmax", {"l_u": (0, 100)}), 2.0),
    "minmax0_100_p0.5": (Normalise("minmax", {"l_u": (0, 100)}), 0.5),
    "minmax1_100_p-2.5": (Normalise("minmax", {"l_u": (1, 100)}), -2.5),
    "zscore_p2": (Normalise("zscore", {"m_sd": (0, 1)}), 2.0),
}


def test_every_genmean_case_of_the_reference_is_checked() -> None:
    assert set(ref("genmean_asem.csv")["case"]) == set(GENMEAN_CASES)


@pytest.mark.parametrize("case", sorted(GENMEAN_CASES))
def test_generalised_mean_of_the_asem_example_equals_coinr(case: str, reference_dir: Path) -> None:
    """Min-max [0, 100] leaves a 0 in 32 of the 51 units: COINr aggregates them for p > 0 (only p < 0 needs
    x > 0), and so must yrdhub; z-scores are negative for about half the values, fine for p = 2."""
    norm, p = GENMEAN_CASES[case]
    coinr = ref("genmean_asem.csv").query("case == @case").drop(columns="case").set_index("uCode")
    mine = asem_pipeline(normalise=norm, aggregate=Aggregate("genmean", p=p)).run(asem_inputs(reference_dir))
    normalised = mine.datasets["Normalised"]
    if p > 0 and case.startswith("minmax0"):
        assert (normalised == 0).any(axis=1).sum() == 32  # the rows the old rule voided
    got = mine.datasets["Aggregated"].loc[coinr.index, coinr.columns]
    assert coinr.notna().all().all() and got.notna().all().all()
    # the inputs are COINr's data written with 15 significant digits: agreement to ~1e-12
    np.testing.assert_allclose(got.to_numpy(), coinr.to_numpy(), rtol=1e-11, atol=1e-10)


def _hand_genmean(x: np.ndarray, w: np.ndarray, p: float) -> float:
    keep = ~np.isnan(x)
    x, w = x[keep], w[keep]
    if p == 0:
        return float(np.exp(np.sum(w * np.log(x)) / np.sum(w)))
    with np.errstate(invalid="ignore"):
        return float((np.sum(w * x**p) / np.sum(w)) ** (1 / p))


def test_generalised_mean_rows_as_coinr_defines_them() -> None:
    """COINr's ``a_genmean`` row by row. Where it returns a number yrdhub returns the same; where it refuses
    (x ≤ 0 with p < 0) yrdhub's aggregate is NaN (COINr stops the whole aggregation instead). Two deliberate
    differences: p = 0 is the geometric mean (its limit; COINr refuses p = 0), and missing values are skipped
    with their weights, as COINr's documentation of ``a_genmean`` says and its other means do (its code
    returns NA for a row with a missing value)."""
    cases = ref("genmean_small.csv")
    w = ref("genmean_small_weights.csv")["weight"].to_numpy(dtype=float)
    assert len(cases) == 42 and set(cases["status"]) == {"ok", "error"}
    checked = {"same": 0, "refused": 0, "p0": 0, "missing": 0}
    for row in cases.itertuples():
        x = np.array([row.x1, row.x2, row.x3, row.x4], dtype=float)
        mine = power_mean(x[None, :], w, float(row.p))[0]
        if row.p == 0:  # COINr: "use a_gmean() instead"
            assert row.status == "error"
            expect = _hand_genmean(x, w, 0.0) if np.nanmin(x) > 0 else np.nan
            np.testing.assert_allclose(mine, expect, rtol=1e-15)
            checked["p0"] += 1
        elif np.isnan(x).any() and row.status == "ok":
            assert np.isnan(row.value)  # COINr's sum() without na.rm
            np.testing.assert_allclose(mine, _hand_genmean(x, w, float(row.p)), rtol=1e-15)
            assert np.isfinite(mine)
            checked["missing"] += 1
        elif row.status == "error":
            assert row.p < 0 and np.nanmin(x) <= 0
            assert np.isnan(mine)
            checked["refused"] += 1
        else:
            np.testing.assert_allclose(mine, row.value, rtol=1e-15)  # NaN where COINr's is NaN (R's NaN ↔ NA)
            checked["same"] += 1
    assert checked == {"same": 22, "refused": 8, "p0": 6, "missing": 6}


# --- log_CT_plus ---------------------------------------------------------------------------------------------


def test_log_ct_plus_follows_the_sign_of_the_skew() -> None:
    """COINr's ``log_CT_plus``: ln(x − min + a) for a positive skew, −ln(max + a − x) otherwise, a = 0.01·range."""
    cases = ref("log_CT_plus_small.csv")
    assert set(cases["vector"]) == {"pos", "neg"}
    for name, rows in cases.groupby("vector"):
        x = rows["x"].to_numpy(dtype=float)
        np.testing.assert_allclose(log_ct_plus(x), rows["value"].to_numpy(dtype=float), rtol=1e-15)
        assert skew(x) > 0 if name == "pos" else skew(x) < 0
        mn, mx = np.nanmin(x), np.nanmax(x)
        hand = np.log(x - mn + 0.01 * (mx - mn)) if name == "pos" else -np.log(mx + 0.01 * (mx - mn) - x)
        np.testing.assert_allclose(log_ct_plus(x), hand, rtol=1e-15)


TREAT_CASES = {"winmax1": (1, 1.0), "winmax2": (2, 1.0), "mirrored_winmax1": (1, -1.0)}  # winmax, sign of the data


@pytest.mark.parametrize("case", sorted(TREAT_CASES))
def test_treatment_with_log_ct_plus_equals_coinr(case: str, asem: Results) -> None:
    """``Treat(f2="log_CT_plus")`` of the screened ASEM example where winsorising up to ``winmax`` points is not
    enough (every such indicator is skewed to the right; "mirrored" negates the data, turning every skew round):
    the same indicators reach the fallback, with COINr's values, checks and point labels. COINr writes
    ``+log_CT`` or ``winhi+log_CT`` where yrdhub writes ``log_CT``, the discarded winsorisation being no part
    of the result (see "Treated points after a fallback" in the docs)."""
    winmax, sign = TREAT_CASES[case]
    coinr = ref(f"treat_log_CT_plus_{case}_Treated.csv").set_index("uCode")
    details = ref(f"treat_log_CT_plus_{case}_details.csv").set_index("iCode")
    points = ref(f"treat_log_CT_plus_{case}_points.csv").set_index("uCode")
    treated, mine_details, mine_points = treat(sign * asem.datasets["Screened"], winmax=winmax, f2="log_CT_plus")
    mine_details = mine_details.set_index("iCode")
    fell_back = sorted(mine_details.index[mine_details["check_SkewKurt2.Pass"].notna()])
    assert fell_back == sorted(coinr.columns) and len(fell_back) >= 8
    got = treated.loc[coinr.index, coinr.columns]
    np.testing.assert_allclose(got.to_numpy(), coinr.to_numpy(), rtol=1e-12, atol=1e-12)
    for col in ("check_SkewKurt2.Pass", "check_SkewKurt2.Skew", "check_SkewKurt2.Kurt"):
        mine_col, want = mine_details.loc[fell_back, col], details.loc[fell_back, col]
        if col.endswith("Pass"):
            assert (mine_col.astype(bool) == want.astype(bool)).all()
        else:
            np.testing.assert_allclose(mine_col.to_numpy(dtype=float), want.to_numpy(dtype=float), rtol=1e-9)
    coinr_labels = points[fell_back].apply(lambda c: c.str.split("+").str[-1])
    np.testing.assert_array_equal(mine_points.loc[points.index, fell_back].to_numpy(), coinr_labels.to_numpy())
    assert set(coinr_labels.to_numpy().ravel()) == {"log_CT_neg" if sign < 0 else "log_CT"}


# --- PCA weights ----------------------------------------------------------------------------------------------

PCA_CASES = {"Normalised_L1": ("Normalised", 1), "Raw_L1": ("Raw", 1), "Aggregated_L2": ("Aggregated", 2),
             "Aggregated_L3": ("Aggregated", 3)}  # fmt: skip


def test_every_pca_case_of_the_reference_is_checked() -> None:
    assert set(ref("pca_weights.csv")["case"]) == set(PCA_CASES)


@pytest.mark.parametrize("case", sorted(PCA_CASES))
def test_pca_weights_in_coinr_convention_are_coinr_loadings(case: str, asem: Results) -> None:
    """``convention="coinr"`` gives ``get_PCA``'s weights: each group's first-component loadings (complete rows
    of the raw data only). The sign of a component is arbitrary: COINr's comes from LAPACK's SVD and the order
    of the children, yrdhub makes each component's loadings sum positive; the magnitudes and the signs within
    a group are COINr's. Codes outside the level keep their weights."""
    dset, level = PCA_CASES[case]
    coinr = ref("pca_weights.csv").query("case == @case").set_index("iCode")["Weight"]
    fw = asem.framework
    mine = pca_weights(asem.datasets[dset], fw, level, convention="coinr")
    assert set(mine) == set(coinr.index)
    groups = fw.groups(level + 1)
    assert groups
    for kids in groups.values():
        got, want = np.array([mine[k] for k in kids]), coinr[kids].to_numpy(dtype=float)
        assert got.sum() > 0
        np.testing.assert_allclose(got * np.sign(got @ want), want, rtol=1e-10, atol=1e-12)
    members = {c for kids in groups.values() for c in kids}
    others = [c for c in coinr.index if c not in members]
    assert others and all(mine[c] == coinr[c] == fw.weights[c] for c in others)


def test_pca_weighted_aggregation_equals_coinr(asem: Results) -> None:
    """The aggregates with the level-1 PCA weights equal COINr's ``Aggregate(w = <get_PCA weights>)``: the sign
    of the loadings cancels in every mean."""
    coinr = ref("pca_weights_Aggregated_L1.csv").set_index("uCode")
    normalised = asem.datasets["Normalised"]
    w = pca_weights(normalised, asem.framework, 1, convention="coinr")
    got = aggregate(normalised, asem.framework, "amean", w).loc[coinr.index, coinr.columns]
    assert coinr.notna().all().all()
    np.testing.assert_allclose(got.to_numpy(), coinr.to_numpy(), rtol=1e-10)


def test_pca_weights_default_convention_is_the_squared_loadings(asem: Results) -> None:
    normalised = asem.datasets["Normalised"]
    oecd = pca_weights(normalised, asem.framework)
    coinr = pca_weights(normalised, asem.framework, convention="coinr")
    groups = asem.framework.groups(2)
    for kids in groups.values():
        sq = np.array([coinr[k] for k in kids]) ** 2
        np.testing.assert_allclose([oecd[k] for k in kids], sq / sq.sum(), rtol=1e-14)
    with pytest.raises(ValueError, match="convention"):
        pca_weights(normalised, asem.framework, convention="squared")


# --- Copeland -------------------------------------------------------------------------------------------------


def test_copeland_of_complete_data_equals_coinr(asem: Results) -> None:
    """``a_copeland`` of each level-2 group of the normalised example, iMeta weights. (COINr's ``Aggregate``
    cannot run it: in 1.1.14 it passes ``x`` to ``a_copeland``, which takes ``X``; the reference calls it per
    group.)"""
    coinr = ref("copeland_complete.csv").set_index("uCode")
    normalised = asem.datasets["Normalised"].loc[coinr.index]
    fw = asem.framework
    groups = fw.groups(2)
    assert sorted(groups) == sorted(coinr.columns)
    for parent, kids in groups.items():
        w = np.array([fw.weights[k] for k in kids])
        np.testing.assert_array_equal(a_copeland(normalised[kids].to_numpy(), w), coinr[parent].to_numpy())


def test_outranking_with_missing_values_is_the_mean_of_coinrs_two_orders() -> None:
    """COINr gives a comparison with a missing value wholly to the unit further down the table, so reversing
    the rows changes its outranking matrix and Copeland scores. yrdhub counts it as a tie, which is exactly
    the mean of COINr's two orders, and is the same in any order."""
    data = ref("copeland_outranking_Instit_data.csv").set_index("uCode")
    w = ref("copeland_outranking_Instit_weights.csv").set_index("iCode")["Weight"]
    orm = ref("copeland_outranking_Instit.csv")
    fwd = orm.query("order == 'forward'").drop(columns="order").set_index("u").loc[data.index, data.index]
    rev = orm.query("order == 'reverse'").drop(columns="order").set_index("u").loc[data.index, data.index]
    x = data[w.index].to_numpy()
    assert np.isnan(x).any() and not np.allclose(fwd, rev)  # COINr's order dependence, from its own numbers
    mine = outrank_matrix(x, w.to_numpy())
    np.testing.assert_allclose(mine, (fwd.to_numpy() + rev.to_numpy()) / 2, rtol=0, atol=1e-15)
    off = ~np.eye(len(x), dtype=bool)
    np.testing.assert_allclose((mine + mine.T)[off], 1.0, atol=1e-15)
    expect = np.sign(np.round(mine - 0.5, 12) * off).sum(axis=1)  # COINr's rule (> ½ wins) on the mean matrix
    np.testing.assert_array_equal(a_copeland(x, w.to_numpy()), expect)
    order = np.random.default_rng(0).permutation(len(x))
    np.testing.assert_array_equal(a_copeland(x[order], w.to_numpy()), expect[order])


def test_copeland_with_missing_values_on_asem(asem: Results) -> None:
    """On the example's normalised data with missing values (not imputed): COINr's scores change when the table
    is reversed wherever a group has missing values and never elsewhere; yrdhub's do not depend on the order
    and equal COINr's in the groups without missing values."""
    both = ref("copeland_missing.csv")
    fwd = both.query("order == 'forward'").drop(columns="order").set_index("uCode")
    rev = both.query("order == 'reverse'").drop(columns="order").set_index("uCode").loc[fwd.index]
    fw = asem.framework
    x = normalise(asem.datasets["Denominated"], directions=fw.directions).loc[fwd.index]
    complete = []
    for parent, kids in fw.groups(2).items():
        w = np.array([fw.weights[k] for k in kids])
        mine = a_copeland(x[kids].to_numpy(), w)
        np.testing.assert_array_equal(a_copeland(x[kids].to_numpy()[::-1], w)[::-1], mine)
        if x[kids].notna().all().all():
            complete.append(parent)
            np.testing.assert_array_equal(mine, fwd[parent].to_numpy())
            np.testing.assert_array_equal(mine, rev[parent].to_numpy())
        else:
            assert (fwd[parent] != rev[parent]).any()
    assert complete == ["Political"]
