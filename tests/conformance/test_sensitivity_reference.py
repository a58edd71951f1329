"""Saltelli estimates reproduced exactly from COINr's shared sample; uncertainty and sensitivity results on
ASEM consistent in distribution with COINr's vignette (different random numbers, so compared as
distributions, not value by value)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators.sensitivity import sensitivity_indices
from yrdhub.indicators.uncertainty import Uncertain, UncertaintyResult, noisy_weights, run_uncertainty

from .asem import asem_inputs, asem_pipeline, read_ref


def test_saltelli_estimates_from_shared_sample(reference_dir: Path) -> None:
    sample = read_ref(reference_dir, "SA_sample_N500_d3_seed7_linear123.csv")
    ref = read_ref(reference_dir, "SA_estimate_N500_d3_seed7_linear123.csv")
    x = sample[["X1", "X2", "X3"]].to_numpy()
    np.testing.assert_allclose(x[:, 0] + 2 * x[:, 1] + 3 * x[:, 2], sample["y"], rtol=1e-12)
    est = sensitivity_indices(sample["y"].to_numpy(), n=500, d=3)
    assert list(est["Variable"]) == list(ref["Variable"])
    np.testing.assert_allclose(est["Si"], ref["Si"], rtol=1e-12)
    np.testing.assert_allclose(est["STi"], ref["STi"], rtol=1e-12)


def _vignette_specs(reference_dir: Path, n_weights: int) -> list[Uncertain]:
    fw = asem_inputs(reference_dir).framework
    return [
        Uncertain("treat", "winmax", values=[1, 2, 3, 4, 5], name="Winmax"),
        Uncertain(
            "normalise",
            None,
            values=[
                {"method": "minmax", "params": {"l_u": (1, 100)}},
                {"method": "zscore", "params": {"m_sd": (10, 2)}},
            ],
            name="Normalisation",
        ),
        Uncertain("aggregate", "weights", values=noisy_weights(fw, {2: 0.25, 3: 0.25}, n_weights, 7), name="Weights"),
        Uncertain("aggregate", "method", values=["amean", "gmean"], name="Aggregation"),
    ]


@pytest.fixture(scope="module")
def ua(reference_dir: Path) -> UncertaintyResult:
    return run_uncertainty(
        asem_pipeline(), asem_inputs(reference_dir), _vignette_specs(reference_dir, 1000), n=1000, seed=11
    )


def test_uncertainty_rank_statistics_match_coinr_in_distribution(ua: UncertaintyResult, reference_dir: Path) -> None:
    ref = read_ref(reference_dir, "vignette_UA_RankStats.csv").set_index("uCode")
    mine = ua.rank_stats.set_index("uCode").loc[ref.index]
    np.testing.assert_array_equal(mine["Nominal"].to_numpy(), ref["Nominal"].to_numpy())
    diff = (mine["Mean"] - ref["Mean"]).abs()
    assert diff.mean() < 0.5 and diff.max() < 1.5
    assert np.corrcoef(mine["Mean"], ref["Mean"])[0, 1] > 0.99
    inside = (ref["Median"] >= mine["Q5"]) & (ref["Median"] <= mine["Q95"])
    assert inside.all(), list(ref.index[~inside])
    width_ratio = (mine["Q95"] - mine["Q5"]).sum() / (ref["Q95"] - ref["Q5"]).sum()
    assert 0.7 < width_ratio < 1.4


def test_sensitivity_indices_consistent_with_coinr(reference_dir: Path) -> None:
    res = run_uncertainty(
        asem_pipeline(),
        asem_inputs(reference_dir),
        _vignette_specs(reference_dir, 500),
        n=500,
        seed=5,
        sensitivity=True,
        n_boot=200,
    )
    assert res.sensitivity is not None
    ref = read_ref(reference_dir, "vignette_SA_SensitivityIndices.csv").set_index("Variable")
    mine = res.sensitivity.set_index("Variable").loc[ref.index]
    assert ((mine["STi"] >= ref["STi_q5"] - 0.05) & (mine["STi"] <= ref["STi_q95"] + 0.05)).all()
    assert mine["STi"].idxmax() == ref["STi"].idxmax() == "Aggregation"
    assert mine["STi"].idxmin() == ref["STi"].idxmin() == "Winmax"
    assert (mine["STi_q5"] <= mine["STi"]).all() and (mine["STi"] <= mine["STi_q95"]).all()
    assert len(res.ranks) == 500 * 6
    assert isinstance(res.sample, pd.DataFrame) and set(res.sample["Winmax"]) == {1, 2, 3, 4, 5}
