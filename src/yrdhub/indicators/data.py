"""Reading COINr-style iData / iMeta tables (CSV or XLSX) into a framework, indicator data and unit data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .framework import Framework, FrameworkError


class DataError(ValueError):
    """The indicator data do not fit the framework."""


@dataclass(frozen=True)
class Inputs:
    """What a pipeline starts from: the framework, raw indicator values and per-unit attributes."""

    framework: Framework
    data: pd.DataFrame  # uCode index × indicator codes, float
    units: pd.DataFrame  # uCode index × other columns (uName, groups, denominators, Time…)


def read_table(path: str | Path, sheet: str | int = 0) -> pd.DataFrame:
    p = Path(path)
    if p.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        return pd.read_excel(p, sheet_name=sheet, engine="calamine")
    return pd.read_csv(p)


def make_inputs(idata: pd.DataFrame, imeta: pd.DataFrame | Framework, time: str | None = None) -> Inputs:
    """Split an iData table by the framework; check that every indicator has a numeric column.

    With ``time`` (e.g. ``"Time"``) the table is a panel: rows are indexed by (uCode, time), and the steps
    work on all periods at once — normalisation over the whole panel (EIS style), treatment and imputation
    pooled, aggregation row by row; ``ImputePanel`` fills gaps along each unit's time series and
    ``Results.scores`` ranks within each period."""
    fw = imeta if isinstance(imeta, Framework) else Framework.from_imeta(imeta)
    if "uCode" not in idata.columns:
        raise DataError("iData has no uCode column")
    if time is not None and time not in idata.columns:
        raise DataError(f"iData has no time column {time!r}")
    codes = idata["uCode"].astype(str)
    keys = pd.Series(list(zip(codes, idata[time], strict=True))) if time else codes
    if keys.duplicated().any():
        dup = sorted({str(k) for k in keys[keys.duplicated()]})
        raise DataError(f"duplicate {'(uCode, time)' if time else 'uCode'}(s) in iData: {dup[:10]}")
    missing = [c for c in fw.indicators if c not in idata.columns]
    if missing:
        raise FrameworkError(f"indicator(s) without data: {missing}")
    index: pd.Index = (
        pd.MultiIndex.from_arrays([codes.to_numpy(dtype=object), idata[time].to_numpy()], names=["uCode", time])
        if time
        else pd.Index(codes.to_numpy(dtype=object), name="uCode")
    )
    data = pd.DataFrame(
        {c: pd.to_numeric(idata[c], errors="coerce").to_numpy(dtype=float) for c in fw.indicators},
        index=index,
    )
    bad = [c for c in fw.indicators if idata[c].notna().sum() != np.isfinite(data[c]).sum()]
    if bad:
        raise DataError(f"non-numeric values in indicator column(s) {bad}")
    other = [c for c in idata.columns if c not in fw.indicators and c not in {"uCode", time}]
    units = pd.DataFrame({c: idata[c].to_numpy() for c in other}, index=index)
    return Inputs(fw, data, units)


def load_inputs(idata: str | Path, imeta: str | Path, time: str | None = None) -> Inputs:
    return make_inputs(read_table(idata), read_table(imeta), time)
