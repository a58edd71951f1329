from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

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


def test_framework_as_sunburst_and_stack(inputs: Inputs) -> None:
    """COINr's plot_framework: a ring (or bar) per level below the top, each code's share its effective weight
    (d weighs 2 against c's 1), children under their parents, coloured by their group."""
    from yrdhub.indicators.plots import framework_plot

    fw = inputs.framework
    eff = fw.effective_weights()
    sun = framework_plot(fw, "sunburst")
    bars = sun.axes[0].patches
    assert len(bars) == 6  # a, b, c, d and P, Q; the top is left out
    widths = {t.get_text(): b.get_width() for b, t in zip(bars, sun.axes[0].texts, strict=True)}
    assert sum(widths[c] for c in "abcd") == pytest.approx(2 * np.pi)
    assert widths["d"] == pytest.approx(2 * np.pi * eff["d"]) and widths["d"] == pytest.approx(2 * widths["c"])
    assert widths["P"] == pytest.approx(widths["a"] + widths["b"])
    colours = {t.get_text(): b.get_facecolor()[:3] for b, t in zip(bars, sun.axes[0].texts, strict=True)}
    assert colours["a"] == colours["b"] == colours["P"] != colours["c"]
    stack = framework_plot(fw, "stack")
    heights = [b.get_height() for b in stack.axes[0].patches]
    assert sum(heights) == pytest.approx(2.0)  # two levels, each summing to 1
    assert _png(sun).startswith(b"\x89PNG") and _png(stack).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="type"):
        framework_plot(fw, "pie")


def test_distributions_one_panel_per_code(inputs: Inputs) -> None:
    """COINr's plot_dist: box, dot, violin, violin with dots and 10-bin histograms, normalised if asked."""
    from yrdhub.indicators.plots import dist_plot

    data = inputs.data.copy()
    data.iloc[0, 0] = np.nan
    for kind in ("box", "dot", "violin", "violindot", "histogram"):
        fig = dist_plot(data, type=kind)
        assert [ax.get_title() for ax in fig.axes] == list(data.columns)
        assert _png(fig).startswith(b"\x89PNG")
    hist = dist_plot(data, ["a", "b"], type="histogram", normalise=True)
    assert len(hist.axes) == 2 and len(hist.axes[0].patches) == 10
    assert sum(p.get_height() for p in hist.axes[0].patches) == data["a"].notna().sum()  # the missing value left out
    lo = min(p.get_x() for p in hist.axes[1].patches)
    hi = max(p.get_x() + p.get_width() for p in hist.axes[1].patches)
    assert (lo, hi) == pytest.approx((0.0, 100.0))
    with pytest.raises(ValueError, match="type"):
        dist_plot(data, type="pie")


def test_scatter_of_two_codes_or_two_data_sets(inputs: Inputs) -> None:
    """COINr's plot_scatter: units with both values, coloured by group, labelled, on log scales as asked."""
    from yrdhub.indicators.plots import scatter_plot

    res = Pipeline([Normalise(), Aggregate()]).run(inputs)
    fig = scatter_plot(res, ["a", "T"], by_group="grp", point_label="uCode", log_scale=(False, True))
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(inputs.data)
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["x", "y"]
    assert len(ax.texts) == len(inputs.data) and ax.get_yscale() == "log"
    two = scatter_plot(res, "a", dsets=["Raw", "Normalised"])
    assert two.axes[0].get_xlabel() == "a (Raw)" and two.axes[0].get_ylabel() == "a (Normalised)"
    gap = Inputs(inputs.framework, inputs.data.assign(c=inputs.data["c"].where(inputs.data["c"] > 2)), inputs.units)
    missing = int(gap.data["c"].isna().sum())
    assert missing > 0
    one_short = scatter_plot(Pipeline([Normalise(), Aggregate()]).run(gap), ["c", "d"])
    assert len(one_short.axes[0].collections[0].get_offsets()) == len(inputs.data) - missing
    assert _png(fig).startswith(b"\x89PNG")
