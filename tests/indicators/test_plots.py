from __future__ import annotations

import io

import numpy as np
import pandas as pd

from yrdhub.indicators import Aggregate, Inputs, Normalise, Pipeline
from yrdhub.indicators.analysis import correlations
from yrdhub.indicators.plots import (
    bar_scores,
    corr_heatmap,
    dot_scores,
    framework_plot,
    rank_intervals,
    sensitivity_bars,
)


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_figures_render(inputs: Inputs) -> None:
    res = Pipeline([Normalise(), Aggregate()]).run(inputs)
    fig = bar_scores(res)
    assert len(fig.axes[0].patches) == len(inputs.data)
    assert len(bar_scores(res, "T", stack_children=True).axes[0].patches) == 2 * len(inputs.data)
    assert len(framework_plot(inputs.framework).axes[0].texts) == len(inputs.framework.codes())
    corr = correlations(res.last, ["P", "Q"], ["a", "b", "c", "d"], pval=None)
    heat = corr_heatmap(corr)
    assert heat.axes[0].images[0].get_array().shape == (2, 4)
    stats = pd.DataFrame({"uCode": ["x", "y"], "Nominal": [1, 2], "Median": [1, 2], "Q5": [1, 1], "Q95": [2, 2]})
    sens = pd.DataFrame(
        {"Variable": ["a", "b"], "Si": [0.2, 0.5], "STi": [0.3, 0.6], "STi_q5": [0.2, 0.5], "STi_q95": [0.4, 0.7]}
    )
    for f in (fig, dot_scores(res, "T", ["U01"]), heat, rank_intervals(stats), sensitivity_bars(sens)):
        assert _png(f).startswith(b"\x89PNG")
    assert np.isfinite(res.last["T"]).all()
