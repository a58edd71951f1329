"""Property tests (hypothesis) of the pipeline."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from yrdhub.indicators import Aggregate, Framework, Inputs, Normalise, Pipeline, Treat, aggregate
from yrdhub.indicators._stats import rank_min
from yrdhub.indicators.steps.normalise import n_minmax

from .conftest import toy_framework

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def data_strategy(n_min: int = 4, n_max: int = 15) -> st.SearchStrategy[np.ndarray]:
    return st.integers(n_min, n_max).flatmap(lambda n: arrays(np.float64, (n, 4), elements=finite))


def _inputs(values: np.ndarray) -> Inputs:
    index = pd.Index([f"U{i:02d}" for i in range(values.shape[0])], name="uCode")
    data = pd.DataFrame(values, columns=["a", "b", "c", "d"], index=index)
    return Inputs(toy_framework(), data, pd.DataFrame(index=index))


PIPE = Pipeline([Treat(), Normalise("minmax", {"l_u": (1, 100)}), Aggregate(["gmean", "amean"])])


@settings(max_examples=40, deadline=None)
@given(values=data_strategy(), seed=st.integers(0, 2**32 - 1))
def test_permuting_units_permutes_results(values: np.ndarray, seed: int) -> None:
    inp = _inputs(values)
    perm = np.random.default_rng(seed).permutation(values.shape[0])
    shuffled = Inputs(inp.framework, inp.data.iloc[perm], inp.units.iloc[perm])
    a = PIPE.run(inp).last
    b = PIPE.run(shuffled).last
    pd.testing.assert_frame_equal(a.loc[b.index], b, check_exact=False, rtol=1e-9, atol=1e-9)


@given(x=arrays(np.float64, st.integers(2, 40), elements=finite), lo=finite, width=st.floats(1e-3, 1e6))
def test_minmax_output_in_range(x: np.ndarray, lo: float, width: float) -> None:
    if np.ptp(x) == 0:
        return
    y = n_minmax(x, (lo, lo + width))
    tol = 1e-9 * max(1.0, abs(lo) + width)
    assert np.all(y >= lo - tol) and np.all(y <= lo + width + tol)
    assert np.isclose(y.min(), lo, atol=tol) and np.isclose(y.max(), lo + width, atol=tol)


@settings(max_examples=40, deadline=None)
@given(
    base=arrays(np.float64, st.integers(3, 20), elements=st.floats(0, 1e3, allow_subnormal=False), unique=True),
    k=st.lists(st.floats(0.1, 10), min_size=4, max_size=4),
)
def test_monotone_indicators_give_monotone_ranks(base: np.ndarray, k: list[float]) -> None:
    """If every indicator increases with a latent score (decreases for direction −1), so do the ranks."""
    signs = np.array([inp_dir for inp_dir in toy_framework().directions.values()], dtype=float)
    values = np.column_stack([signs[j] * k[j] * base for j in range(4)])
    res = Pipeline([Normalise("minmax"), Aggregate()]).run(_inputs(values))
    score = res.last["T"].to_numpy()
    order = np.argsort(base)
    assert np.all(np.diff(score[order]) >= -1e-9)  # a higher latent value never scores lower
    ranks = rank_min(score, descending=True)
    assert ranks[np.argmax(base)] == 1 and ranks[np.argmin(base)] == max(ranks)


@settings(max_examples=40, deadline=None)
@given(values=arrays(np.float64, st.tuples(st.integers(3, 15), st.just(3)), elements=st.floats(0.1, 1e3)))
def test_equal_weights_of_identical_indicators_change_nothing(values: np.ndarray) -> None:
    """Adding a copy of an indicator, and splitting its weight equally between the two, changes nothing."""
    fw1 = Framework.from_records(
        [
            {"iCode": "a", "Level": 1, "Parent": "T", "Weight": 2},
            {"iCode": "b", "Level": 1, "Parent": "T", "Weight": 1},
            {"iCode": "c", "Level": 1, "Parent": "T", "Weight": 1},
            {"iCode": "T", "Level": 2, "Parent": None},
        ]
    )
    fw2 = Framework.from_records(
        [
            {"iCode": "a", "Level": 1, "Parent": "T", "Weight": 1},
            {"iCode": "a2", "Level": 1, "Parent": "T", "Weight": 1},
            {"iCode": "b", "Level": 1, "Parent": "T", "Weight": 1},
            {"iCode": "c", "Level": 1, "Parent": "T", "Weight": 1},
            {"iCode": "T", "Level": 2, "Parent": None},
        ]
    )
    x1 = pd.DataFrame(values, columns=["a", "b", "c"])
    x2 = x1.assign(a2=x1["a"])[["a", "a2", "b", "c"]]
    for method in ("amean", "gmean", "hmean"):
        t1 = aggregate(x1, fw1, method)["T"].to_numpy()
        t2 = aggregate(x2, fw2, method)["T"].to_numpy()
        np.testing.assert_allclose(t1, t2, rtol=1e-10)
