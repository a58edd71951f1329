"""P-values of correlations as R's ``cor.test`` and COINr's ``get_pvals``, against COINr 1.1.14 itself
(tests/indicators/reference/pvals.csv), with every branch of the tests exercised."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yrdhub.indicators import Results
from yrdhub.indicators.analysis import correlations
from yrdhub.indicators.cortest import cor_test, pvalues

from .coinr import ref


@pytest.fixture(scope="module")
def cases(asem: Results) -> dict[str, pd.DataFrame]:
    fw = asem.framework
    raw = asem.datasets["Raw"]
    norm = asem.datasets["Normalised"].sort_index()  # COINr's data sets are sorted by uCode
    return {
        "raw_P2P": raw[fw.children("P2P")],
        "raw_Instit": raw[fw.children("Instit")],
        "norm_Physical": norm[fw.children("Physical")],
        "small9_Social": norm.iloc[:9][fw.children("Social")],
        "small30_Physical": ref("pvals_small30_data.csv").set_index("uCode"),
    }


def _branch(x: np.ndarray, y: np.ndarray, method: str) -> str:
    ok = ~(np.isnan(x) | np.isnan(y))
    n = int(ok.sum())
    ties = min(np.unique(x[ok]).size, np.unique(y[ok]).size) < n
    if method == "pearson" or n == 0:
        return method
    if method == "kendall":
        return "kendall exact" if n < 50 and not ties else "kendall normal"
    return "spearman t" if ties else "spearman exact" if n <= 9 else "spearman edgeworth"


def test_pvalues_equal_coinr(cases: dict[str, pd.DataFrame]) -> None:
    """Every pair of every case and method: R's exact Kendall distribution (n < 50 without ties), its normal
    approximation with ties, Spearman's exact permutation distribution (n ≤ 9), its Edgeworth series (AS 89) and
    t approximation with ties, and NaN for an empty column."""
    table = ref("pvals.csv")
    assert set(table["case"]) == set(cases) and set(table["method"]) == {"pearson", "spearman", "kendall"}
    branches: dict[str, int] = {}
    worst = 0.0
    for (case, method), rows in table.groupby(["case", "method"]):
        X = cases[str(case)]
        mine = pvalues(X, str(method))
        got = np.array([mine.loc[a, b] for a, b in zip(rows["Var1"], rows["Var2"], strict=True)])
        want = rows["value"].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f"{case} {method}")
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14, err_msg=f"{case} {method}")
        worst = max(worst, float(np.nanmax(np.abs(got - want))))
        for a, b in zip(rows["Var1"], rows["Var2"], strict=True):
            if a != b:
                kind = _branch(X[a].to_numpy(dtype=float), X[b].to_numpy(dtype=float), str(method))
                branches[kind] = branches.get(kind, 0) + 1
    assert table["value"].isna().any()  # the empty column
    assert set(branches) >= {"pearson", "kendall exact", "kendall normal", "spearman exact", "spearman edgeworth",
                             "spearman t"}, branches  # fmt: skip
    assert worst < 5e-15


def test_spearman_without_ties_is_not_scipys_t_approximation(cases: dict[str, pd.DataFrame]) -> None:
    """Why the module exists: SciPy's Spearman p-value (t approximation) differs from R's exact one."""
    x = cases["small9_Social"].to_numpy(dtype=float)
    assert np.unique(x[:, 7]).size == 9 and np.unique(x[:, 8]).size == 9  # the one pair without ties
    mine = cor_test(x[:, 7], x[:, 8], "spearman")[1]
    assert mine == pytest.approx(0.19379960317460318, rel=1e-14)  # COINr's, in pvals.csv
    assert abs(mine - stats.spearmanr(x[:, 7], x[:, 8]).pvalue) > 5e-3


def test_exact_distributions_by_hand() -> None:
    """n = 5 in perfect order: Spearman's S = 0 and Kendall's 10 concordant pairs are each reached by 1 of 120
    permutations, so the two-sided p-value is 2/120; a reversed order gives the same."""
    x = np.arange(5.0)
    for method in ("spearman", "kendall"):
        r, p = cor_test(x, x, method)
        assert r == pytest.approx(1.0) and p == pytest.approx(2 / 120, rel=1e-14)
        assert cor_test(x, -x, method)[1] == pytest.approx(2 / 120, rel=1e-14)
    r, p = cor_test(x, x**2 * 0 + np.array([1.0, 3.0, 2.0, 5.0, 4.0]), "kendall")
    assert r == pytest.approx(0.6)  # 8 concordant, 2 discordant pairs
    assert p == pytest.approx(2 * (1 + 4 + 9) / 120, rel=1e-14)  # P(K ≤ 2 inversions) = (1 + 4 + 9)/5!


def test_pearson_is_the_t_test_and_complete_pairs_only() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=40), rng.normal(size=40)
    y[:3] = np.nan
    r, p = cor_test(x, y, "pearson")
    ok = ~np.isnan(y)
    assert r == pytest.approx(np.corrcoef(x[ok], y[ok])[0, 1], rel=1e-13)
    t = r * math.sqrt(35) / math.sqrt(1 - r * r)
    assert p == pytest.approx(2 * stats.t.sf(abs(t), 35), rel=1e-12)
    assert np.isnan(cor_test(x[:2], y[:2], "pearson")[1])  # R stops below 3 pairs
    with pytest.raises(ValueError, match="unknown correlation"):
        cor_test(x, y, "distance")


def test_pvalue_table_is_symmetric_with_a_zero_diagonal() -> None:
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.normal(size=(20, 4)), columns=list("abcd"))
    X["e"] = np.nan
    p = pvalues(X, "kendall")
    assert (np.diag(p.to_numpy()) == 0).all()
    np.testing.assert_array_equal(p.to_numpy(), p.to_numpy().T)
    assert p["e"].drop("e").isna().all() and p.loc["a", "b"] > 0


def test_correlations_mask_only_p_above_the_level() -> None:
    """COINr's get_corr sets a correlation to NA where p > pval; a p-value equal to the level keeps it."""
    x = np.arange(5.0)
    X = pd.DataFrame({"a": x, "b": np.array([1.0, 3.0, 2.0, 5.0, 4.0])})
    p = cor_test(X["a"].to_numpy(), X["b"].to_numpy(), "kendall")[1]
    at = correlations(X, ["a"], ["b"], method="kendall", pval=p)["Correlation"].iloc[0]
    below = correlations(X, ["a"], ["b"], method="kendall", pval=p * 0.999)["Correlation"].iloc[0]
    assert at == pytest.approx(0.6) and np.isnan(below)
