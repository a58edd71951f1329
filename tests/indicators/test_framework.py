from __future__ import annotations

import pandas as pd
import pytest

from yrdhub.indicators import Framework, FrameworkError, make_inputs

from .conftest import toy_framework


def recs(**changes: dict) -> list[dict]:
    base = {
        "a": {"iCode": "a", "Level": 1, "Parent": "P"},
        "b": {"iCode": "b", "Level": 1, "Parent": "P"},
        "P": {"iCode": "P", "Level": 2, "Parent": None},
    }
    for k, v in changes.items():
        base[k] = {**base.get(k, {}), **v}
    return list(base.values())


def test_levels_groups_and_effective_weights() -> None:
    fw = toy_framework()
    assert fw.n_levels == 3 and fw.top == "T"
    assert fw.indicators == ["a", "b", "c", "d"]
    assert fw.groups(2) == {"P": ["a", "b"], "Q": ["c", "d"]}
    eff = fw.effective_weights()
    assert eff["a"] == pytest.approx(0.25) and eff["d"] == pytest.approx(1 / 3) and eff["T"] == 1
    assert eff[fw.indicators].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"b": {"Parent": "Nowhere"}}, "unknown parent"),
        ({"x": {"iCode": "a", "Level": 1, "Parent": "P"}}, "duplicate code"),
        ({"a": {"Weight": "heavy"}}, "not a number"),
        ({"a": {"Direction": 2}}, "not 1 or -1"),
        ({"a": {"Direction": "up"}}, "not 1 or -1"),
        ({"a": {"Level": "one"}}, "not an integer"),
        ({"a": {"Level": 2}}, "level"),
    ],
)
def test_invalid_frameworks_are_named(change: dict, message: str) -> None:
    with pytest.raises(FrameworkError, match=message):
        Framework.from_records(recs(**change))


def test_cycle_is_reported() -> None:
    r = [
        {"iCode": "a", "Level": 1, "Parent": "P"},
        {"iCode": "P", "Level": 2, "Parent": "Q"},
        {"iCode": "Q", "Level": 3, "Parent": "P"},
        {"iCode": "T", "Level": 3, "Parent": None},
    ]
    with pytest.raises(FrameworkError, match="cycle"):
        Framework.from_records(r)


def test_indicator_without_data() -> None:
    idata = pd.DataFrame({"uCode": ["X", "Y"], "a": [1.0, 2.0]})
    with pytest.raises(FrameworkError, match="without data"):
        make_inputs(idata, Framework.from_records(recs()))


def test_aggregate_without_children() -> None:
    with pytest.raises(FrameworkError, match="no children"):
        Framework.from_records([*recs(), {"iCode": "Z", "Level": 2, "Parent": None}])


def test_imeta_table_with_groups_and_denominators() -> None:
    imeta = pd.DataFrame(
        {
            "Level": [1, 1, 2, None, None],
            "iCode": ["a", "b", "P", "grp", "pop"],
            "Parent": ["P", "P", None, None, None],
            "Direction": [1, -1, 1, None, None],
            "Weight": [1, 3, 1, None, None],
            "Denominator": ["pop", None, None, None, None],
            "Type": ["Indicator", "Indicator", "Aggregate", "Group", "Denominator"],
        }
    )
    fw = Framework.from_imeta(imeta)
    assert fw.codes() == ["a", "b", "P"] and fw["a"].denominator == "pop" and fw["b"].direction == -1
    assert fw.with_weights({"a": 5})["a"].weight == 5
    with pytest.raises(FrameworkError, match="unknown code"):
        fw.with_weights({"zz": 1})
