"""Every aggregation, normalisation and treatment method gives the same scores through the nominal pipeline and
through the uncertainty engine (whose power means are batched over replications by :mod:`fast`; the others
take its general route). The methods are enumerated from the modules, so a new one is covered, and must be
given parameters here if it needs any."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from yrdhub.indicators import Aggregate, Inputs, Normalise, Pipeline, Treat
from yrdhub.indicators.steps.aggregate import AGGREGATIONS
from yrdhub.indicators.steps.normalise import NORMALISATIONS
from yrdhub.indicators.steps.treat import TRANSFORMS
from yrdhub.indicators.uncertainty import Uncertain, _Engine, noisy_weights, run_uncertainty

from .conftest import toy_inputs

# units whose every score is NaN (e.g. a geometric mean of z-scores) have no mean or median rank: numpy warns
pytestmark = [
    pytest.mark.filterwarnings("ignore:All-NaN slice:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning"),
]

BATCHED = {"amean", "gmean", "hmean", "genmean"}  # the power means

# parameters a method cannot do without; every other method runs with its defaults
AGG_VARIANTS: dict[str, list[dict[str, Any]]] = {"genmean": [{"p": 2.0}, {"p": 3.0}, {"p": 0.5}, {"p": -1.5}]}
NORM_VARIANTS: dict[str, dict[str, Any]] = {
    "goalposts": {"params": {"gposts": (0, 5, 100)}},
    "scaled": {"params": {"npara": (-5, 10)}},
    "dist2ref": {"ref_unit": "U03"},
    "dist2targ": {"params": {"targ": 3.0}},
}
TREAT_VARIANTS: dict[str, dict[str, Any]] = {"boxcox": {"f2_para": {"lmbda": 0.5}}}

# data the means treat differently: zeros (min-max from 0), negative values (z-scores, raw d·x), positive only,
# infinite values (fraction of the maximum where the maximum is 0)
SCALES = {
    "minmax0": {"method": "minmax", "params": {"l_u": (0, 100)}},
    "minmax1": {"method": "minmax", "params": {"l_u": (1, 100)}},
    "zscore": {"method": "zscore"},
    "none": {"method": "none"},
    "fracmax": {"method": "fracmax"},
}


def _aggregations() -> list[tuple[str, dict[str, Any]]]:
    return [(m, {"method": m, **v}) for m in AGGREGATIONS for v in AGG_VARIANTS.get(m, [{}])]


CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    *[(f"agg-{m}{a.get('p', '')}-{s}", {}, SCALES[s], a) for m, a in _aggregations() for s in SCALES],
    *[
        (f"norm-{n}-{a}", {}, {"method": n, **NORM_VARIANTS.get(n, {})}, {"method": a, "p": 2.0})
        for n in NORMALISATIONS
        for a in ("amean", "genmean")
    ],
    *[
        (f"treat-{f}", {"f2": f, **TREAT_VARIANTS.get(str(f), {})}, SCALES["minmax1"], {"method": "amean"})
        for f in [*TRANSFORMS, None]
    ],
    *[  # each transformation as the first treatment too (COINr's f1)
        (f"treat-f1-{f}", {"f1": f, "f1_para": TREAT_VARIANTS.get(f, {}).get("f2_para")}, SCALES["minmax1"],
         {"method": "amean"})
        for f in TRANSFORMS
    ],
]


def _inputs() -> Inputs:
    inputs = toy_inputs(14, seed=3)
    inputs.data.iloc[2, 0] = np.nan  # a missing value: skipped by the means, a tie for Copeland
    inputs.data.iloc[5, 3] = inputs.data.iloc[:, 3].max() * 8  # an outlier for the treatment to find
    inputs.data.iloc[7, 1] = 0.0  # b has direction −1: the maximum of −b is 0, its fraction of the maximum ±inf
    return inputs


def _pipeline(
    treat: dict[str, Any], norm: dict[str, Any], agg: dict[str, Any], winmax: int = 5, weights: Any = None
) -> Pipeline:
    t = Treat(**{"skew_thresh": 0.5, "kurt_thresh": -1.0, "winmax": winmax, "per_indicator": {"b": "none"}, **treat})
    return Pipeline([t, Normalise(**norm), Aggregate(**{**agg, "weights": weights})])


def test_every_method_is_in_a_case() -> None:
    names = {c[0] for c in CASES}
    assert AGGREGATIONS and NORMALISATIONS and TRANSFORMS
    assert all(any(n.startswith(f"agg-{m}") for n in names) for m in AGGREGATIONS)
    assert all(any(n.startswith(f"norm-{m}-") for n in names) for m in NORMALISATIONS)
    assert all(f"treat-{f}" in names and f"treat-f1-{f}" in names for f in TRANSFORMS)
    assert {"minmax", "zscore", "rank", "none"} <= set(NORMALISATIONS) and "copeland" in AGGREGATIONS


def test_the_data_hold_zeros_negative_and_infinite_values() -> None:
    inputs = _inputs()
    scaled = {
        s: _pipeline({}, norm, {"method": "amean"}).run(inputs).datasets["Normalised"].to_numpy()
        for s, norm in SCALES.items()
    }
    assert (scaled["minmax0"] == 0).any() and (scaled["zscore"] < 0).any() and (scaled["none"] < 0).any()
    assert np.isinf(scaled["fracmax"]).any() and np.isnan(scaled["minmax1"]).any()


@pytest.mark.parametrize(("name", "treat", "norm", "agg"), CASES, ids=[c[0] for c in CASES])
def test_uncertainty_engine_reproduces_the_nominal_pipeline(
    name: str, treat: dict[str, Any], norm: dict[str, Any], agg: dict[str, Any]
) -> None:
    inputs = _inputs()
    pipe = _pipeline(treat, norm, agg)
    sets = noisy_weights(inputs.framework, {1: 0.4, 2: 0.4}, 3, rng=0)
    uncertain = [Uncertain("treat", "winmax", values=[1, 2]), Uncertain("aggregate", "weights", values=sets)]
    engine = _Engine(pipe, inputs, uncertain)
    assert engine.batch == (agg["method"] in BATCHED)  # the power means really take the batched route
    res = run_uncertainty(pipe, inputs, uncertain, n=8, seed=1)
    assert len(set(res.sample["treat.winmax"])) == 2 and res.sample["aggregate.weights"].nunique() > 1
    finite = 0
    for r in range(len(res.scores)):
        winmax, which = int(res.sample["treat.winmax"][r]), int(res.sample["aggregate.weights"][r])
        alone = _pipeline(treat, norm, agg, winmax=winmax, weights=sets[which])
        nominal = alone.run(inputs).last[inputs.framework.top].reindex(res.scores.columns).to_numpy(dtype=float)
        np.testing.assert_allclose(res.scores.iloc[r].to_numpy(), nominal, rtol=1e-12, atol=1e-12)
        finite += int(np.isfinite(nominal).sum())
    assert finite, "every score is NaN: the case compares nothing"
