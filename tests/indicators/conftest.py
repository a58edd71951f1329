"""Small synthetic frameworks and data for unit tests (no shared reference needed), and COINr's ASEM example
built by yrdhub (``asem``: needs ../shared/reference, skipped without it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conformance.asem import asem_inputs, asem_pipeline
from yrdhub.indicators import Framework, Inputs, Results


def toy_framework(weights: dict[str, float] | None = None) -> Framework:
    w = weights or {}
    recs = [
        {"iCode": "a", "Level": 1, "Parent": "P", "Weight": w.get("a", 1), "Direction": 1},
        {"iCode": "b", "Level": 1, "Parent": "P", "Weight": w.get("b", 1), "Direction": -1},
        {"iCode": "c", "Level": 1, "Parent": "Q", "Weight": w.get("c", 1), "Direction": 1},
        {"iCode": "d", "Level": 1, "Parent": "Q", "Weight": w.get("d", 2), "Direction": 1},
        {"iCode": "P", "Level": 2, "Parent": "T", "Weight": w.get("P", 1)},
        {"iCode": "Q", "Level": 2, "Parent": "T", "Weight": w.get("Q", 1)},
        {"iCode": "T", "Level": 3, "Parent": None},
    ]
    return Framework.from_records(recs)


def toy_inputs(n: int = 12, seed: int = 0, framework: Framework | None = None) -> Inputs:
    rng = np.random.default_rng(seed)
    units = [f"U{i:02d}" for i in range(n)]
    data = pd.DataFrame(
        {
            "a": rng.lognormal(size=n),
            "b": rng.normal(10, 2, size=n),
            "c": rng.uniform(1, 5, size=n),
            "d": rng.gamma(2.0, size=n),
        },
        index=pd.Index(units, name="uCode"),
    )
    unit_data = pd.DataFrame(
        {"grp": ["x" if i % 2 else "y" for i in range(n)], "pop": rng.uniform(1, 3, size=n)}, index=data.index
    )
    return Inputs(framework or toy_framework(), data, unit_data)


@pytest.fixture
def inputs() -> Inputs:
    return toy_inputs()


@pytest.fixture(scope="session")
def asem(reference_dir: Path) -> Results:
    """COINr's example build (``build_example_coin``) run by yrdhub."""
    return asem_pipeline().run(asem_inputs(reference_dir))
