"""Imputation by row, by data frame, by group level and with ``normalise_first`` (COINr's ``Impute``), against
COINr 1.1.14 on the raw ASEM data (tests/indicators/reference/impute.csv), and its rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Context, Impute, Results, impute

from .coinr import coinr_data, ref
from .conftest import toy_framework


def twoway(X: pd.DataFrame) -> pd.DataFrame:
    """The reference script's ``i_twoway``: a missing x_ij is row mean + column mean − grand mean (observed)."""
    m = X.to_numpy(dtype=float)
    fill = np.nanmean(m, axis=1)[:, None] + np.nanmean(m, axis=0)[None, :] - np.nanmean(m)
    return pd.DataFrame(np.where(np.isnan(m), fill, m), index=X.index, columns=X.columns)


CASES = {  # the cases of impute.csv
    "row_mean": Impute("mean", impute_by="row"),  # normalise_first: by default when imputing by row
    "row_median_raw_scale": Impute("median", impute_by="row", normalise_first=False),
    "row_mean_L2": Impute("mean", impute_by="row", group_level=2, normalise_first=True),
    "row_median_L3": Impute("median", impute_by="row", group_level=3),
    "column_mean_normalised": Impute("mean", normalise_first=True),
    "column_median_grp_L2": Impute("median_grp", use_group="EurAsia_group", group_level=2),
    "df_twoway_L2": Impute(twoway, impute_by="df", group_level=2, normalise_first=True),
    "df_twoway_raw_scale": Impute(twoway, impute_by="df", normalise_first=False),
}


def test_every_case_of_the_reference_is_checked() -> None:
    assert set(ref("impute.csv")["case"]) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_impute_equals_coinr(case: str, asem: Results) -> None:
    """COINr's raw data (63 missing values), its imputation reproduced value by value: observed values untouched,
    missing ones filled as COINr fills them, and left missing where COINr leaves them (a unit with no value in a
    group)."""
    raw = coinr_data("Raw")
    units = coinr_data("uMeta")
    want = ref("impute.csv").query("case == @case").set_index("uCode")[raw.columns]
    step = CASES[case]
    got = step.fit_transform(raw, Context(asem.framework, units, {"Raw": raw})).loc[want.index]
    missing = raw.loc[want.index].isna().to_numpy()
    assert missing.sum() == 63
    np.testing.assert_array_equal(got.isna().to_numpy(), want.isna().to_numpy())
    np.testing.assert_array_equal(got.to_numpy()[~missing], raw.loc[want.index].to_numpy()[~missing])
    np.testing.assert_allclose(got.to_numpy()[missing], want.to_numpy()[missing], rtol=1e-12, atol=1e-12)


def test_normalise_first_fills_from_relative_positions() -> None:
    """By row after min-max: a unit at the top of one indicator and the bottom of another gets the middle of the
    third's range, whatever its scale; a direction of −1 turns the column first."""
    X = pd.DataFrame({"a": [0.0, 10.0, 5.0], "b": [100.0, 300.0, 200.0], "c": [1.0, np.nan, 3.0]})
    out = impute(X, "mean", impute_by="row")
    assert out.loc[1, "c"] == pytest.approx(3.0)  # a and b at their top: c at its top
    turned = impute(X, "mean", impute_by="row", directions={"c": -1})
    assert turned.loc[1, "c"] == pytest.approx(1.0)  # c reversed: its "top" is its lowest value
    plain = impute(X, "mean", impute_by="row", normalise_first=False)
    assert plain.loc[1, "c"] == pytest.approx(155.0)  # the raw row mean, scales mixed


def test_groups_of_columns_are_imputed_apart() -> None:
    X = pd.DataFrame({"a": [0.0, 1.0], "b": [np.nan, 1.0], "c": [1.0, 0.0]})
    together = impute(X, "mean", impute_by="row", normalise_first=False)
    apart = impute(X, "mean", impute_by="row", normalise_first=False, column_groups={"a": "P", "b": "P", "c": "Q"})
    assert together.loc[0, "b"] == 0.5 and apart.loc[0, "b"] == 0.0


def test_an_imputation_may_not_change_observed_values() -> None:
    X = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="changed 5 observed"):
        impute(X, lambda v: np.where(np.isnan(v), 0.0, v + 1e-6), impute_by="row", normalise_first=False)
    tiny = impute(X, lambda v: np.where(np.isnan(v), 0.0, v * (1 + 1e-12)))  # rounding: allowed, then undone
    assert tiny["b"].tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="by column"):
        impute(X, "mean_grp", impute_by="row")
    with pytest.raises(ValueError, match="whole table"):
        impute(X, "mean", impute_by="df")


def test_the_step_finds_groups_and_directions_in_the_framework(inputs) -> None:  # type: ignore[no-untyped-def]
    fw = toy_framework()
    X = inputs.data.copy()
    X.iloc[0, 1] = np.nan  # b: direction −1, group P with a
    step = Impute("mean", impute_by="row", group_level=2)
    out = step.fit_transform(X, Context(fw, inputs.units, {"Raw": X}))
    assert step.column_groups_ == {"a": "P", "b": "P", "c": "Q", "d": "Q"} and step.directions_["b"] == -1
    a = X["a"]
    pos = (a.iloc[0] - a.min()) / (a.max() - a.min())  # a's relative position, the only other value in P
    b = X["b"].drop(X.index[0])
    assert out.iloc[0, 1] == pytest.approx(b.max() - pos * (b.max() - b.min()))  # mapped back through −1
    with pytest.raises(ValueError, match="group_level"):
        Impute(group_level=1).fit(X, Context(fw, inputs.units, {}))
