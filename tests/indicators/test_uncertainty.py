from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yrdhub.indicators import Aggregate, Context, Inputs, Normalise, Pipeline, Treat
from yrdhub.indicators._stats import rank_min
from yrdhub.indicators.fast import Levels, batch_aggregate, batch_rank
from yrdhub.indicators.sensitivity import saltelli_sample, sensitivity_indices
from yrdhub.indicators.uncertainty import Uncertain, noisy_weights, run_uncertainty

from .conftest import toy_inputs

PIPE = Pipeline([Treat(), Normalise("minmax", {"l_u": (1, 100)}), Aggregate()])


@pytest.mark.parametrize("methods", [("amean", "amean"), ("gmean", "hmean"), ("genmean", "amean")])
def test_batched_aggregation_equals_the_step(inputs: Inputs, methods: tuple[str, str]) -> None:
    norm = Pipeline([Normalise("minmax", {"l_u": (1, 100)})]).run(inputs).last
    norm.iloc[2, 1] = np.nan
    levels = Levels.of(inputs.framework)
    sets = noisy_weights(inputs.framework, {1: 0.5, 2: 0.5}, 7, rng=3)
    x = norm[levels.level1_order()].to_numpy()
    powers = [{"amean": 1.0, "gmean": 0.0, "hmean": -1.0, "genmean": 2.0}[m] for m in methods]
    batch = batch_aggregate(x, levels, sets.matrix(levels.codes, inputs.framework.weights), powers, [0.5, None])
    for r in range(len(sets)):
        p = [2.0, None] if methods[0] == "genmean" else None
        ref = Aggregate(list(methods), sets[r], dat_thresh=[0.5, None], p=p)
        out = ref.fit(norm, Context(inputs.framework, inputs.units, {})).transform(norm)
        np.testing.assert_allclose(batch[r], out["T"].to_numpy(), rtol=1e-12)


def test_batch_rank_matches_rank_min() -> None:
    rng = np.random.default_rng(0)
    s = rng.integers(0, 5, size=(50, 9)).astype(float)
    s[3, 2] = np.nan
    r = batch_rank(s)
    for i in range(s.shape[0]):
        np.testing.assert_array_equal(r[i], rank_min(s[i], descending=True))


def test_single_alternatives_reproduce_nominal(inputs: Inputs) -> None:
    unc = [Uncertain("treat", "winmax", values=[5]), Uncertain("aggregate", "method", values=["amean"])]
    res = run_uncertainty(PIPE, inputs, unc, n=20, seed=1)
    nominal = rank_min(PIPE.run(inputs).last["T"].to_numpy(), descending=True)
    assert (res.ranks.to_numpy() == nominal[None, :]).all()
    np.testing.assert_array_equal(res.rank_stats["Nominal"], nominal)


def test_discrete_mapping_and_distributions() -> None:
    u = Uncertain("treat", "winmax", values=[1, 2, 3])
    np.testing.assert_array_equal(u.index(np.array([0.0, 0.2, 0.34, 0.67, 1.0])), [0, 0, 1, 2, 2])
    c = Uncertain("treat", "skew_thresh", distribution="uniform", dist_params={"loc": 1, "scale": 2})
    assert c.value(0.5) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="either values or a distribution"):
        Uncertain("treat", "winmax")
    with pytest.raises(ValueError, match="mapping"):
        Uncertain("treat", None, values=[1, 2])


def test_generic_path_equals_batched_path(inputs: Inputs) -> None:
    """A continuous early input and a non-batchable last step take the per-replication route."""
    unc = [
        Uncertain("treat", "skew_thresh", distribution="uniform", dist_params={"loc": 0.5, "scale": 2}),
        Uncertain("aggregate", "weights", values=noisy_weights(inputs.framework, {2: 0.3}, 5, 2)),
    ]
    fast = run_uncertainty(PIPE, inputs, unc, n=30, seed=4)
    assert fast.scores.shape == (30, len(inputs.data))
    # same draws through a pipeline whose aggregation is given as a callable (cannot be batched)
    from yrdhub.indicators.steps.aggregate import a_amean

    slow_pipe = Pipeline([Treat(), Normalise("minmax", {"l_u": (1, 100)}), Aggregate(a_amean)])
    slow = run_uncertainty(slow_pipe, inputs, unc, n=30, seed=4)
    np.testing.assert_allclose(fast.scores.to_numpy(), slow.scores.to_numpy(), rtol=1e-10)
    assert fast.sample.shape == (30, 2)


def test_sensitivity_of_a_known_function() -> None:
    rng = np.random.default_rng(0)
    n, d = 20000, 3
    x = saltelli_sample(n, d, rng)
    assert x.shape == (n * (d + 2), d)
    np.testing.assert_array_equal(x[2 * n :][:n, 1:], x[:n, 1:])  # AB_1 = A except column 1
    np.testing.assert_array_equal(x[2 * n :][:n, 0], x[n : 2 * n, 0])
    y = x[:, 0] + 2 * x[:, 1] + 3 * x[:, 2]
    est = sensitivity_indices(y, n, d, n_boot=100, rng=1)
    np.testing.assert_allclose(est["STi"], [1 / 14, 4 / 14, 9 / 14], atol=0.03)
    np.testing.assert_allclose(est["Si"], [1 / 14, 4 / 14, 9 / 14], atol=0.04)
    assert (est["STi_q5"] <= est["STi"]).all() and (est["STi"] <= est["STi_q95"]).all()
    with pytest.raises(ValueError, match="Saltelli design"):
        sensitivity_indices(y[:-1], n, d)


def test_sensitivity_run_shapes() -> None:
    inp = toy_inputs(10, seed=5)
    unc = [
        Uncertain("normalise", None, values=[{"method": "minmax"}, {"method": "rank", "params": None}], name="norm"),
        Uncertain("aggregate", "method", values=["amean", "gmean"], name="agg"),
    ]
    pipe = Pipeline([Normalise("minmax", {"l_u": (1, 100)}), Aggregate()])
    res = run_uncertainty(pipe, inp, unc, n=40, seed=2, sensitivity=True, n_boot=50)
    assert res.sensitivity is not None and list(res.sensitivity["Variable"]) == ["norm", "agg"]
    assert len(res.ranks) == 40 * 4
    assert isinstance(res.rank_stats, pd.DataFrame) and (res.rank_stats["Q5"] <= res.rank_stats["Q95"]).all()


def test_batched_geometric_mean_with_a_zero_only_voids_its_own_parent(inputs: Inputs) -> None:
    norm = Pipeline([Normalise("minmax", {"l_u": (0, 100)})]).run(inputs).last  # has zeros
    levels = Levels.of(inputs.framework)
    w = np.tile([inputs.framework.weights[c] for c in levels.codes], (3, 1))
    x = norm[levels.level1_order()].to_numpy()
    batch = batch_aggregate(x, levels, w, [0.0, 1.0])
    ref = Aggregate(["gmean", "amean"]).fit(norm, Context(inputs.framework, inputs.units, {})).transform(norm)
    np.testing.assert_allclose(batch[0], ref["T"].to_numpy(), rtol=1e-12)
    assert np.isnan(ref["T"]).any() and not np.isnan(ref["T"]).all()


def test_weights_derived_from_data_are_rederived_in_every_run(inputs: Inputs) -> None:
    pipe = Pipeline([Normalise("minmax", {"l_u": (1, 100)}), Aggregate(weights="pca")])
    unc = [Uncertain("normalise", "params", values=[{"l_u": (1, 100)}, {"l_u": (1, 10)}])]
    res = run_uncertainty(pipe, inputs, unc, n=10, seed=0)
    for r, l_u in enumerate(res.sample["normalise.params"]):
        alt = Pipeline([Normalise("minmax", unc[0].values[int(l_u)]), Aggregate(weights="pca")])  # type: ignore[index]
        np.testing.assert_allclose(res.scores.iloc[r].to_numpy(), alt.run(inputs).last["T"].to_numpy())


@pytest.mark.parametrize("depth", [2, 3, 5])
def test_batched_aggregation_for_any_number_of_levels(depth: int) -> None:
    """A chain of binary groups of the given depth (2 = indicators straight into the index)."""
    from yrdhub.indicators import Framework

    rng = np.random.default_rng(depth)
    recs = []
    level_codes = [f"i{k}" for k in range(2 ** (depth - 1) * 2)]
    for lev in range(1, depth):
        parents = [f"L{lev + 1}_{k}" for k in range(max(len(level_codes) // 2, 1))]
        if lev == depth - 1:
            parents = ["TOP"]
        for k, c in enumerate(level_codes):
            recs.append(
                {
                    "iCode": c,
                    "Level": lev,
                    "Parent": parents[min(k // 2, len(parents) - 1)],
                    "Weight": float(rng.uniform(0.5, 2)),
                }
            )
        level_codes = parents
    recs.append({"iCode": "TOP", "Level": depth, "Parent": None})
    fw = Framework.from_records(recs)
    data = pd.DataFrame(rng.uniform(1, 100, size=(9, len(fw.indicators))), columns=fw.indicators)
    levels = Levels.of(fw)
    sets = noisy_weights(fw, dict.fromkeys(range(1, depth), 0.3), 4, rng=1)
    batch = batch_aggregate(
        data[levels.level1_order()].to_numpy(), levels, sets.matrix(levels.codes, fw.weights), [0.0] * (depth - 1)
    )
    for r in range(len(sets)):
        ref = Aggregate("gmean", sets[r]).fit(data, Context(fw, pd.DataFrame(index=data.index), {})).transform(data)
        np.testing.assert_allclose(batch[r], ref["TOP"].to_numpy(), rtol=1e-12)
