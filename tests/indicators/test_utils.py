"""COINr's table utilities (``round_df``, ``signif_df``, ``rank_df``, ``compare_df``, ``replace_df``,
``icodes_to_inames``) against numbers from COINr 1.1.14 (tests/indicators/reference), and their rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import load_inputs
from yrdhub.indicators.utils import (
    compare_df,
    icodes_to_inames,
    r_round,
    r_signif,
    rank_df,
    replace_df,
    round_df,
    signif_df,
    ucodes_to_unames,
)

from .coinr import ref
from .conftest import toy_framework


def test_rounding_is_rs_on_the_values_r_rounds_as_ties() -> None:
    """0.285, 0.005, 0.0405 … are ties to R (judged in double arithmetic) and go to the even digit; Python's
    round and NumPy's do otherwise on some of them. Every value of the reference, to 0, 2 and 3 decimals and 1, 3
    and 5 significant figures, exactly as R."""
    table = ref("round_signif.csv")
    assert len(table) == 623 and table["x"].isna().sum() == 1
    x = table["x"].to_numpy(dtype=float)
    got = round_df(table[["label", "x"]], 2)
    assert list(got["label"]) == list(table["label"])  # text untouched
    cases = [("round0", r_round, 0), ("round2", r_round, 2), ("round3", r_round, 3),
             ("signif1", r_signif, 1), ("signif3", r_signif, 3), ("signif5", r_signif, 5)]  # fmt: skip
    for col, func, digits in cases:
        np.testing.assert_array_equal(func(x, digits), table[col].to_numpy(dtype=float), err_msg=col)
    np.testing.assert_array_equal(signif_df(table[["x"]], 3)["x"], table["signif3"])
    # the point of the exercise: Python's own rounding disagrees with R here
    ties = {0.285: 0.28, 0.005: 0.0, 0.325: 0.32, 0.505: 0.5}
    assert [float(r_round(k, 2)) for k in ties] == list(ties.values())
    assert [round(k, 2) for k in ties] != list(ties.values())


def test_round_keeps_the_sign_and_negative_digits() -> None:
    np.testing.assert_array_equal(r_round([-0.285, 1250.0, 1350.0, -2.5], -2 + 2), [-0.0, 1250.0, 1350.0, -2.0])
    np.testing.assert_array_equal(r_round([1250.0, 1350.0, 149.9], -2), [1200.0, 1400.0, 100.0])


def test_rank_df_as_coinr() -> None:
    """Highest value first, ties share the best rank, missing values stay missing; with groups the ranks are
    within each group and a row without a group gets none."""
    table = ref("rank_df.csv")
    data = table.iloc[:, :5]
    assert data["Goods"].notna().all() and data["GDP_group"].isna().sum() == 2
    plain = rank_df(data)
    grouped = rank_df(data, use_group="GDP_group")
    for j, col in enumerate(["Goods", "LPI", "Flights"]):
        np.testing.assert_array_equal(plain[col].to_numpy(dtype=float), table.iloc[:, 5 + j].to_numpy(dtype=float))
        np.testing.assert_array_equal(grouped[col].to_numpy(dtype=float), table.iloc[:, 8 + j].to_numpy(dtype=float))
    assert list(plain["uCode"]) == list(data["uCode"])
    assert grouped.loc[data["GDP_group"].isna(), "Goods"].isna().all()


def test_compare_df_as_coinr() -> None:
    """Rows matched by uCode whatever their order, columns by name; a relative change of 1e-7 is the same to 5
    significant figures, one of 1e-4 and a missing value are not."""
    details = ref("compare_df_details.csv")
    differences = ref("compare_df_differences.csv")
    data1 = pd.DataFrame(
        {"uCode": ["AUT", "BEL", "BGR"], "LPI": [4.1, 4.2, 2.8], "Flights": [29.0, 31.9, 9.8],
         "Ship": [0.0, 20.6, 10.0]}
    )  # fmt: skip
    data2 = data1.iloc[::-1, [0, 2, 1, 3]].copy()
    data2.loc[data2["uCode"] == "AUT", "LPI"] = np.nan
    data2.loc[data2["uCode"] == "BEL", "Flights"] *= 1 + 1e-7
    data2.loc[data2["uCode"] == "BGR", "Ship"] *= 1 + 1e-4
    res = compare_df(data1, data2, "uCode")
    assert not res.same
    assert isinstance(res.details, pd.DataFrame)
    assert list(res.details["TheSame"]) == [True, False, True, False]
    # COINr's own comparison of the ASEM table has the same shape of answer
    assert list(details.columns[1:]) == list(res.details.columns)
    assert set(details["Comment"]) == set(res.details["Comment"])
    assert list(differences["column"]) == ["LPI", "Ship"] == sorted(res.differences)
    assert res.differences["LPI"]["uCode"].tolist() == ["AUT"] and np.isnan(res.differences["LPI"]["df2"].iloc[0])
    assert compare_df(data1, data1, "uCode").same
    assert compare_df(data2, data2.iloc[::-1], "uCode").same  # a missing value equals a missing value
    assert compare_df(data1, data1.iloc[:2], "uCode").details == "Different number of rows."
    assert compare_df(data1, data1.rename(columns={"Ship": "Boat"}), "uCode").details == "Column names not the same."
    with pytest.raises(ValueError, match="duplicate"):
        compare_df(pd.concat([data1, data1]), data1, "uCode")


def test_compare_df_on_the_asem_table(reference_dir) -> None:  # type: ignore[no-untyped-def]
    """The very comparison COINr made (ASEM_iData[c(2, 12:15)], with the changes of the reference script)."""
    details = ref("compare_df_details.csv")
    differences = ref("compare_df_differences.csv")
    data1 = pd.read_csv(reference_dir / "coinr-asem" / "ASEM_iData.csv").iloc[:, [1, 11, 12, 13, 14]]
    assert list(data1.columns) == ["uCode", "LPI", "Flights", "Ship", "Bord"]
    data2 = data1.copy()
    data2.iloc[0, 1] = np.nan
    data2.iloc[4, 2] *= 1 + 1e-7
    data2.iloc[8, 3] *= 1 + 1e-4
    data2 = data2.iloc[::-1, [0, 2, 1, 3, 4]]
    res = compare_df(data1, data2, "uCode", sigfigs=5)
    assert isinstance(res.details, pd.DataFrame)
    assert res.same == bool(details["Same"].iloc[0]) is False
    pd.testing.assert_frame_equal(
        res.details.astype({"NDifferent": float}), details.drop(columns="Same").astype({"NDifferent": float})
    )
    for col, rows in differences.groupby("column"):
        mine = res.differences[str(col)]
        assert mine["uCode"].tolist() == rows["uCode"].tolist()
        np.testing.assert_allclose(mine["df1"].to_numpy(dtype=float), rows["df1"].to_numpy(dtype=float), rtol=1e-15)


def test_replace_df_one_pair_after_the_other() -> None:
    df = pd.DataFrame({"a": ["Conn", "Sust", "x"], "b": [1, 2, 3]})
    out = replace_df(df, pd.DataFrame({"old": ["Conn", "Sust"], "new": ["SI1", "SI2"]}))
    assert out["a"].tolist() == ["SI1", "SI2", "x"] and out["b"].tolist() == [1, 2, 3]
    assert replace_df(df, {"Conn": "Sust", "Sust": "Z"})["a"].tolist() == ["Z", "Z", "x"]  # a chain, as in COINr
    with pytest.raises(ValueError, match="same kind"):
        replace_df(df, {"Conn": 1})


def test_codes_to_names() -> None:
    fw = toy_framework()
    assert icodes_to_inames(fw, ["a", "T"]) == ["a", "T"]  # no iName given: the code
    with pytest.raises(ValueError, match="unknown"):
        icodes_to_inames(fw, ["zz"])
    units = pd.DataFrame({"uName": ["Austria", "Belgium"]}, index=pd.Index(["AUT", "BEL"], name="uCode"))
    assert ucodes_to_unames(units, ["BEL", "AUT"]) == ["Belgium", "Austria"]


def test_codes_to_names_of_the_asem_example(reference_dir) -> None:  # type: ignore[no-untyped-def]
    d = reference_dir / "coinr-asem"
    inputs = load_inputs(d / "ASEM_iData.csv", d / "ASEM_iMeta.csv")
    assert icodes_to_inames(inputs.framework, ["Index", "LPI"]) == ["Sustainable Connectivity",
                                                                    "Logistics Performance Index"]
    assert ucodes_to_unames(inputs.units, ["AUT"]) == ["Austria"]
