"""The scikit-learn-style contract, checked on every step type (a common test)."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Context, Inputs, Pipeline
from yrdhub.indicators import steps as steps_mod
from yrdhub.indicators.steps import STEP_TYPES, Step

from .conftest import toy_inputs


def _double(x):  # type: ignore[no-untyped-def]
    return x * 2


def _column_means(X):  # type: ignore[no-untyped-def]
    return X.fillna(X.mean())


def _within(x, span):  # type: ignore[no-untyped-def]
    return {"Pass": bool(np.nanmax(x) - np.nanmin(x) < span), "Span": float(np.nanmax(x) - np.nanmin(x))}


# every method of every step, with parameters
CASES: list[tuple[str, dict]] = [
    ("denominate", {"by": {"a": "pop"}}),
    ("denominate", {"by": {"a": "pop", "c": "pop"}, "func": lambda x, d: x * d}),
    *[("impute", {"method": m}) for m in ("mean", "median", "none")],
    *[("impute", {"method": m, "use_group": "grp"}) for m in ("mean_grp", "median_grp")],
    ("impute", {"method": lambda col: np.where(np.isnan(col), 1.0, col)}),
    ("impute", {"method": "mean", "impute_by": "row"}),
    ("impute", {"method": "median", "impute_by": "row", "group_level": 2, "normalise_first": False}),
    ("impute", {"method": _column_means, "impute_by": "df", "group_level": 3, "normalise_first": True}),
    ("impute", {"method": "mean", "normalise_first": True}),
    *[("impute_panel", {"method": m, "max_gap": 1}) for m in ("latest", "constant", "linear")],
    *[("screen", {"rule": r, "dat_thresh": 0.5}) for r in ("byNA", "byzeros", "byNAandzeros", "none")],
    *[
        ("treat", {"winmax": 2, "skew_thresh": 0.5, "kurt_thresh": -1.0, "f2": f2, "f2_para": para})
        for f2, para in (
            ("log_CT", None),
            ("log_CT_orig", None),
            ("log_CT_plus", None),
            ("log_GII", None),
            ("boxcox", {"lmbda": 0.5}),
            (None, None),
            (_double, None),
        )
    ],
    ("treat", {"per_indicator": {"a": "none", "b": {"winmax": 1}}, "combine_treat": True}),
    ("treat", {"f1": "log_CT_plus", "f2": "boxcox", "f2_para": {"lmbda": 0.5}, "skew_thresh": 0.1}),
    ("treat", {"f1": _double, "f_pass": _within, "f_pass_para": {"span": 1.0}, "combine_treat": True}),
    *[("normalise", {"method": m}) for m in ("minmax", "zscore", "dist2max", "fracmax", "rank", "prank", "borda")],
    ("normalise", {"method": "minmax", "params": {"l_u": (1, 100)}}),
    ("normalise", {"method": "zscore", "params": {"m_sd": (10, 2)}}),
    ("normalise", {"method": "goalposts", "params": {"gposts": (0, 5, 100)}}),
    ("normalise", {"method": "scaled", "params": {"npara": (0, 10)}}),
    ("normalise", {"method": "scaled", "params": {"npara": (0, 10), "scale_factor": 1}}),
    ("normalise", {"method": "dist2ref", "ref_unit": "U03"}),
    ("normalise", {"method": "dist2targ", "params": {"targ": 3.0, "cap_max": True}}),
    ("normalise", {"method": _double}),
    *[("aggregate", {"method": m}) for m in ("amean", "gmean", "hmean", "wmedian", "copeland")],
    ("aggregate", {"method": "genmean", "p": 3}),
    ("aggregate", {"method": ["gmean", "amean"], "dat_thresh": 0.5, "weights": {"a": 2.0}}),
    ("aggregate", {"method": lambda x, w: x.max(axis=1)}),
]


def _input_for(kind: str, inputs: Inputs) -> pd.DataFrame:
    if kind == "impute_panel":  # the same units over three periods, with gaps
        data = pd.concat({t: inputs.data for t in (2020, 2021, 2022)}, names=["Time"]).swaplevel().sort_index()
        data.iloc[1, 0] = float("nan")
        data.iloc[4, 2] = float("nan")
        return data
    if kind == "aggregate":
        return inputs.data - inputs.data.min() + 1
    data = inputs.data.copy()
    data.iloc[0, 1] = float("nan")
    return data


def test_every_step_type_is_covered() -> None:
    assert {kind for kind, _ in CASES} == set(STEP_TYPES)


@pytest.mark.parametrize(("kind", "params"), CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CASES)])
def test_step_contract(kind: str, params: dict) -> None:
    cls = STEP_TYPES[kind]
    assert set(params) <= set(cls._param_names())
    step = cls(**params)
    # __init__ stores parameters unchanged, no learned state yet
    for key, value in params.items():
        assert getattr(step, key) is value
    assert not [a for a in vars(step) if a.endswith("_")]
    assert set(step.get_params()) == set(inspect.signature(cls.__init__).parameters) - {"self"}
    inputs = toy_inputs()
    X = _input_for(kind, inputs)
    before = X.copy()
    units = inputs.units.reindex(X.index.get_level_values(0)).set_axis(X.index) if X.index.nlevels > 1 else inputs.units
    ctx = Context(inputs.framework, units, {"Raw": X})
    assert step.fit(X, ctx) is step
    learned = [a for a in vars(step) if a.endswith("_")]
    assert learned, "fit must leave learned state ending in _"
    out = step.transform(X)
    pd.testing.assert_frame_equal(X, before)  # input untouched
    assert isinstance(out, pd.DataFrame)
    # a clone from get_params gives the same result
    clone = cls(**step.get_params())
    pd.testing.assert_frame_equal(clone.fit_transform(X, ctx), out)
    with pytest.raises(ValueError, match="no parameter"):
        step.set_params(not_a_parameter=1)


@pytest.mark.parametrize("kind", sorted(STEP_TYPES))
def test_pure_function_twin_exists(kind: str) -> None:
    assert callable(getattr(steps_mod, kind))


def test_class_equals_function(inputs: Inputs) -> None:
    from yrdhub.indicators import aggregate, impute, normalise

    imp = impute(inputs.data, "median_grp", inputs.units["grp"])
    res = Pipeline([steps_mod.Impute("median_grp", use_group="grp"), steps_mod.Normalise(), steps_mod.Aggregate()])
    out = res.run(inputs)
    pd.testing.assert_frame_equal(out.datasets["Imputed"], imp)
    norm = normalise(imp, directions=inputs.framework.directions)
    pd.testing.assert_frame_equal(out.datasets["Normalised"], norm)
    pd.testing.assert_frame_equal(out.datasets["Aggregated"], aggregate(norm, inputs.framework))


def test_all_steps_are_steps() -> None:
    steps = list(STEP_TYPES.values())
    assert steps and all(issubclass(c, Step) for c in steps)
