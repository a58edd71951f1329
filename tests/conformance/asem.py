"""Shared helpers: COINr's ASEM example build, and comparison with its reference CSVs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from yrdhub.indicators import (
    Aggregate,
    Denominate,
    Impute,
    Inputs,
    Normalise,
    Pipeline,
    Screen,
    Step,
    Treat,
    load_inputs,
)


def asem_inputs(reference_dir: Path) -> Inputs:
    d = reference_dir / "coinr-asem"
    return load_inputs(d / "ASEM_iData.csv", d / "ASEM_iMeta.csv")


def asem_steps(**overrides: Step) -> list[Step]:
    """COINr's build_example_coin(); pass e.g. normalise=Normalise(...) to change one step."""
    steps: dict[str, Step] = {
        "denominate": Denominate(),
        "impute": Impute("mean_grp", use_group="EurAsia_group"),
        "screen": Screen("byNA", dat_thresh=0.9),
        "treat": Treat(),
        "normalise": Normalise("minmax", {"l_u": (0, 100)}),
        "aggregate": Aggregate(),
    }
    steps.update(overrides)
    return list(steps.values())


def asem_pipeline(**overrides: Step) -> Pipeline:
    return Pipeline(asem_steps(**overrides))


def read_ref(reference_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "coinr-asem" / name)


def assert_frame_close(mine: pd.DataFrame, ref: pd.DataFrame, rtol: float = 1e-6) -> None:
    """Same units and columns; every value within relative error ``rtol`` (NaN where the reference is NaN)."""
    ref = ref.set_index("uCode") if "uCode" in ref.columns else ref
    assert sorted(mine.index) == sorted(ref.index)
    assert sorted(mine.columns) == sorted(ref.columns)
    a = mine.loc[ref.index, ref.columns].to_numpy(dtype=float)
    b = ref.to_numpy(dtype=float)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)


def assert_results_match(scores: pd.DataFrame, ref: pd.DataFrame) -> None:
    """COINr's results table is rounded to 2 d.p.: ranks equal, scores within half the last digit."""
    ref = ref.set_index("uCode")
    mine = scores.set_index("uCode")
    assert sorted(mine.index) == sorted(ref.index)
    np.testing.assert_array_equal(mine.loc[ref.index, "Rank"].to_numpy(), ref["Rank"].to_numpy())
    cols = [c for c in ref.columns if c != "Rank" and c in mine.columns]
    assert len(cols) >= 11
    a = mine.loc[ref.index, cols].to_numpy(dtype=float)
    b = ref[cols].to_numpy(dtype=float)
    finite = np.isfinite(b)
    np.testing.assert_array_equal(np.isfinite(a), finite)
    np.testing.assert_array_equal(a[~finite], b[~finite])
    assert np.all(np.abs(a[finite] - b[finite]) <= 0.005 + 1e-9)
