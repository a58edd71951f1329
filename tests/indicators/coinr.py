"""Reading the COINr reference numbers of tests/indicators/reference (written by scripts/coinr_reference.sh)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REF = Path(__file__).parent / "reference"


def ref(name: str) -> pd.DataFrame:
    """A reference table as written by R: an empty field is NA, "NA" is text (e.g. a code)."""
    return pd.read_csv(REF / name, keep_default_na=False, na_values=[""])


def coinr_data(name: str) -> pd.DataFrame:
    """A data set of COINr's example coin with all its digits (``Raw``, ``Denominated``, ``nominal_Aggregated``,
    ``zscore_Aggregated``, ``gmean_Aggregated``) or its unit metadata (``uMeta``), indexed by uCode."""
    return ref(f"coin_{name}.csv").set_index("uCode")
