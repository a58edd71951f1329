"""Percentage change and interpolation of time series (COINr's ``prc_change`` and ``approx_df``) against
COINr 1.1.14 (tests/indicators/reference), and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators.timeseries import approx, approx_df, prc_change

from .coinr import ref


def _vector(text: str) -> np.ndarray:
    return np.array([np.nan if v == "NA" else float(v) for v in text.split()])


def test_prc_change_equals_coinr() -> None:
    """Series with gaps, two points (first and last values), three or more (the fitted line), unsorted times,
    a constant series (0), one point (NaN) and a negative start, per year and per decade."""
    table = ref("prc_change.csv")
    assert len(table) == 14
    for row in table.itertuples():
        got = prc_change(_vector(row.y), _vector(row.x), row.per)
        if np.isnan(row.prc):
            assert np.isnan(got), row.series
        else:
            assert got == pytest.approx(row.prc, rel=1e-12, abs=1e-13), row.series


def test_prc_change_by_hand() -> None:
    assert prc_change([10.0, 12.0], [2000, 2002]) == pytest.approx(10.0)  # +20 % over 2 years
    # y = 2 + 0.5 x exactly: the line starts at 2 (x = 0) and rises 0.5 a year, 25 % of its start
    assert prc_change([2.0, 2.5, 3.0, 3.5], [0, 1, 2, 3], per=1) == pytest.approx(25.0)
    assert prc_change([0.0, 0.0, np.nan, 0.0], [1, 2, 3, 4]) == 0.0  # constant: 0, not 0/0
    with pytest.raises(ValueError, match="missing values"):
        prc_change([1.0, 2.0], [1.0, np.nan])


APPROX_CASES = {"all": (None, {}), "2012": ([2012], {}), "between": ([2015.5, 2012, 2019.25], {}),
                "outside_rule2": ([2009, 2011, 2020, 2021.5], {"rule": 2}),
                "constant_f0.25": ([2012, 2014.5, 2018], {"method": "constant", "f": 0.25})}  # fmt: skip


@pytest.mark.parametrize("case", sorted(APPROX_CASES))
def test_approx_df_equals_coinr(case: str) -> None:
    """Linear interpolation inside the observed range (NaN outside with rule 1, the end value with rule 2),
    the step function with f, new time points added as rows, other rows kept as they were, an all-but-one
    missing column left missing; sorted by time."""
    data = ref("approx_df_data.csv")
    want = ref("approx_df.csv").query("case == @case")
    tt_est, kwargs = APPROX_CASES[case]
    times, got = approx_df(data.drop(columns="tt"), data["tt"], tt_est, **kwargs)  # type: ignore[arg-type]
    np.testing.assert_array_equal(times, want["tt"].to_numpy(dtype=float))
    for col in ("y1", "y2", "y3", "y4"):
        np.testing.assert_allclose(got[col], want[col].to_numpy(dtype=float), rtol=1e-15, err_msg=col)
    assert got["y3"].isna().all()


def test_approx_as_r() -> None:
    x, y = np.array([1.0, 2.0, 2.0, 4.0]), np.array([1.0, 2.0, 4.0, 5.0])  # x = 2 twice: its mean, 3
    np.testing.assert_array_equal(approx(x, y, np.array([0.0, 1.5, 2.0, 3.0, 5.0])), [np.nan, 2.0, 3.0, 4.0, np.nan])
    np.testing.assert_array_equal(approx(x, y, np.array([0.0, 5.0]), rule=(2, 1)), [1.0, np.nan])
    np.testing.assert_array_equal(approx(x, y, np.array([3.0]), method="constant", f=0.5), [4.0])
    table = pd.DataFrame({"a": [1.0, np.nan, 3.0]})
    times, out = approx_df(table, [2001, 2002, 2003])
    assert list(times) == [2001, 2002, 2003] and out["a"].tolist() == [1.0, 2.0, 3.0]
