"""``n_scaled`` with its scale factor (COINr's ``n_scaled(x, npara, scale_factor)``) against COINr 1.1.14."""

from __future__ import annotations

import numpy as np
import pytest

from yrdhub.indicators import Results, normalise
from yrdhub.indicators.steps.normalise import n_scaled

from .coinr import coinr_data, ref

CASES = {"npara_0_10_sf_10": {"npara": (0, 10), "scale_factor": 10}, "npara_-5_50_default_sf": {"npara": (-5, 50)}}


@pytest.mark.parametrize("case", sorted(CASES))
def test_n_scaled_equals_coinr(case: str, asem: Results) -> None:
    """COINr's treated data normalised with ``n_scaled``: directions applied first (x·d), the scale factor
    replacing 100 when given."""
    treated = coinr_data("Treated")
    want = ref("n_scaled.csv").query("case == @case").drop(columns="case").set_index("uCode")
    got = normalise(treated, "scaled", CASES[case], asem.framework.directions).loc[want.index, want.columns]
    assert (np.array(list(asem.framework.directions.values())) == -1).any()
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-15, atol=1e-13)


def test_scale_factor() -> None:
    x = np.array([0.0, 5.0, 10.0])
    np.testing.assert_array_equal(n_scaled(x, (0, 10)), [0.0, 50.0, 100.0])
    np.testing.assert_array_equal(n_scaled(x, (0, 10), scale_factor=1), [0.0, 0.5, 1.0])
