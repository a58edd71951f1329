"""The JRC COIN Tool workbook (COINr's ``import_coin_tool``) and COINr's pre-1.0 tables (``COIN_to_coin``).

Where the COIN Tool keeps things (sheet ``Database``; the cells COINr 1.1.14 reads):

===========  ===========================================================================================
cells        content
===========  ===========================================================================================
E7:CY7       indicator weights
E8:CY8       directions (1 or −1)
E9:CY9       lower goalposts
E10:CY10     upper goalposts
E11:CY14     the indicator's index, sub-index, pillar and sub-pillar codes (rows 11, 12, 13, 14); a level
             whose row holds one code only is unused and dropped (the index row is always kept)
E15:CY15     indicator names
E16:CY16     indicator codes (``Ind.01`` …)
B17:C315     unit names (B) and codes (C)
E17:CY315    the data; ``n/a`` (or any text) is missing; empty rows and columns are skipped
===========  ===========================================================================================

and sheet ``Framework`` C4:H52 (header row 4): aggregate codes in C (``sp.``, ``p.``, ``si.`` prefixes for
sub-pillars, pillars and sub-indexes, ``Index``; ``--`` for an empty row) under the header
``Dimension/indicator``, weights in E, names in H. ``oldtool=True`` reads C5:H53 (COIN Tools of early 2019).

COINr takes unit names from the first rows of B17:C… and indicator metadata from the first columns, as many
as there are non-empty data rows and columns; yrdhub takes each unit's and indicator's own row and column,
so an empty row or column in the middle shifts nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .data import DataError, Inputs, make_inputs

DATA_ROWS = (17, 315)
DATA_COLS = (5, 103)  # E … CY
LEVEL_PREFIXES = ("sp.", "p.", "si.", "Index")  # rows 14, 13, 12, 11 of Database: levels 2, 3, 4, 5 at most


@dataclass(frozen=True)
class CoinTool:
    """A COIN Tool workbook read as COINr's iData and iMeta tables."""

    idata: pd.DataFrame  # uName, uCode, one column per indicator
    imeta: pd.DataFrame  # iCode, iName, GPupper, GPlower, Direction, Weight, Parent, Level, Type
    path: Path | None = None
    notes: list[str] = field(default_factory=list)

    def inputs(self) -> Inputs:
        return make_inputs(self.idata, self.imeta)

    def goalposts(self) -> dict[str, tuple[float, float]]:
        """(lower, upper) of every indicator that has both."""
        ind = self.imeta[self.imeta["Type"] == "Indicator"]
        lo = pd.to_numeric(ind["GPlower"]).to_numpy(dtype=float)
        hi = pd.to_numeric(ind["GPupper"]).to_numpy(dtype=float)
        ok = np.isfinite(lo) & np.isfinite(hi) & (lo != hi)
        return {str(c): (float(a), float(b)) for c, a, b, k in zip(ind["iCode"], lo, hi, ok, strict=True) if k}

    def default_steps(self) -> list[dict[str, Any]]:
        """The build yrdhub runs on a workbook without a spec: each indicator normalised by its goalposts to
        [0, 100] (truncated at the posts; min-max to [0, 100] where it has none), then weighted arithmetic
        means at every level with the workbook's weights."""
        posts = self.goalposts()
        per = {c: {"method": "goalposts", "params": {"gposts": [lo, hi, 100]}} for c, (lo, hi) in posts.items()}
        normalise: dict[str, Any] = {"method": "minmax", "params": {"l_u": [0, 100]}}
        if per:
            normalise["per_indicator"] = per
        return [{"normalise": normalise}, {"aggregate": {"method": "amean"}}]


def names_to_codes(names: Sequence[str], maxword: int = 2, maxlet: int = 4) -> list[str]:
    """COINr's ``names_to_codes``: drop words of one to three letters (followed by a space), keep the first
    ``maxword`` words' first ``maxlet`` letters, capitalise each, join; duplicates get ``_1``, ``_2`` … (R's
    ``make.unique(codes, "_")``)."""
    codes = []
    for name in names:
        words = [w for w in re.split(r" +", re.sub(r"\b\w{1,3}\s", "", str(name))) if w != ""]
        parts = [w[:maxlet] for w in words[: min(len(words), maxword)]]
        parts = [re.sub(r"\b([a-z])([a-z]+)", lambda m: m[1].upper() + m[2], p) for p in parts]
        codes.append("".join(parts))
    return _make_unique(codes)


def _make_unique(codes: list[str], sep: str = "_") -> list[str]:
    seen = set(codes)
    counts: dict[str, int] = {}
    out, used = [], set()
    for c in codes:
        if c not in used:
            out.append(c)
            used.add(c)
            continue
        k = counts.get(c, 0)
        while True:
            k += 1
            cand = f"{c}{sep}{k}"
            if cand not in seen and cand not in used:
                break
        counts[c] = k
        out.append(cand)
        used.add(cand)
    return out


def coin_to_coin(
    ind_data: pd.DataFrame, ind_meta: pd.DataFrame, agg_meta: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr's ``COIN_to_coin`` on the tables of COINr ≤ 0.6 (IndData, IndMeta with ``Agg*`` lineage columns,
    AggMeta with AgLevel/Code/Name/Weight): returns (iData, iMeta) for ``make_inputs``. (A COIN *object* is
    an R object; export its ``$Input$Original`` tables to read it here.)"""
    idata = ind_data.rename(columns={"UnitName": "uName", "UnitCode": "uCode", "Year": "Time"})
    if not ind_meta["IndCode"].isin(ind_data.columns).all():
        raise DataError("one or more IndCodes from IndMeta are not columns of IndData")
    meta = ind_meta.rename(columns={"IndName": "iName", "IndCode": "iCode", "IndWeight": "Weight", "IndUnit": "Unit"})
    aggcols = [c for c in meta.columns if str(c).startswith("Agg")]
    if not aggcols:
        raise DataError("IndMeta has no Agg* (aggregation) columns")
    lineage = meta[["iCode", *aggcols]].astype(object)
    meta = meta[[c for c in meta.columns if c not in aggcols]].copy()
    meta["Parent"] = lineage[aggcols[0]].to_numpy()
    meta["Level"] = 1
    meta["Type"] = "Indicator"
    agg = agg_meta.rename(columns={"AgLevel": "Level", "Code": "iCode", "Name": "iName"}).copy()
    agg["Type"] = "Aggregate"
    agg["Direction"] = 1
    parents: list[Any] = []
    for code, level in zip(agg["iCode"], agg["Level"], strict=True):
        col = int(level) - 1  # lineage column of this level (0: iCode)
        if col >= lineage.shape[1] - 1:
            parents.append(None)
            continue
        above = pd.unique(lineage.iloc[:, col + 1][lineage.iloc[:, col] == code])
        if len(above) != 1:
            raise DataError(f"aggregate {code!r} has {len(above)} parents in IndMeta's lineage")
        parents.append(above[0])
    agg["Parent"] = parents
    imeta = pd.concat([meta, agg], ignore_index=True)
    extra = [(p, t) for p, t in (("Group_", "Group"), ("Den_", "Denominator"), ("x_", "Other"))]
    for prefix, kind in extra:
        cols = [c for c in ind_data.columns if str(c).startswith(prefix)]
        if cols:
            imeta = pd.concat([imeta, pd.DataFrame({"iCode": cols, "iName": cols, "Type": kind})], ignore_index=True)
    return idata, imeta


def _num(v: Any) -> float:
    if isinstance(v, bool) or v is None:
        return np.nan
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(str(v).strip())
    except ValueError:
        return np.nan  # "n/a" and any other text, as COINr's numeric read


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def import_coin_tool(path: str | Path, makecodes: bool = False, oldtool: bool = False) -> CoinTool:
    """Read a JRC COIN Tool workbook (sheets ``Database`` and ``Framework``) into iData and iMeta."""
    from openpyxl import load_workbook

    p = Path(path)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"{p.name}: not a readable workbook ({exc})") from exc
    try:
        missing = [s for s in ("Database", "Framework") if s not in wb.sheetnames]
        if missing:
            raise DataError(f"{p.name}: not a COIN Tool workbook (no sheet {', '.join(missing)})")
        db = [list(r) for r in wb["Database"].iter_rows(min_row=1, max_row=DATA_ROWS[1], max_col=DATA_COLS[1],
                                                        values_only=True)]
        first = 5 if oldtool else 4
        fw_rows = [list(r) for r in wb["Framework"].iter_rows(min_row=first, max_row=first + 48, min_col=3,
                                                              max_col=8, values_only=True)]
    finally:
        wb.close()
    db += [[] for _ in range(DATA_ROWS[1] - len(db))]

    def cell(row: int, col: int) -> Any:  # 1-based, as the sheet
        r = db[row - 1]
        return r[col - 1] if col - 1 < len(r) else None

    values = np.array([[_num(cell(r, c)) for c in range(DATA_COLS[0], DATA_COLS[1] + 1)]
                       for r in range(DATA_ROWS[0], DATA_ROWS[1] + 1)])
    rows = np.flatnonzero(~np.isnan(values).all(axis=1))
    cols = np.flatnonzero(~np.isnan(values).all(axis=0))
    if not len(rows):
        raise DataError(f"{p.name}: no data in Database!E17:CY315")
    sheet_cols = [DATA_COLS[0] + int(j) for j in cols]
    found = [_text(cell(16, c)) for c in sheet_cols]
    codes = [c for c in found if c is not None]
    if len(codes) != len(found) or len(set(codes)) != len(codes):
        raise DataError(f"{p.name}: indicator codes in Database row 16 missing or repeated")
    names: list[str] = [_text(cell(15, c)) or code for c, code in zip(sheet_cols, codes, strict=True)]
    lineage_rows = {14: "sp.", 13: "p.", 12: "si.", 11: "Index"}
    used = []
    lineage = {}
    for row, prefix in lineage_rows.items():
        vals = [_text(cell(row, c)) for c in sheet_cols]
        if prefix == "Index" or len(set(vals)) > 1:
            used.append(prefix)
            lineage[f"Agg{len(used)}"] = vals
    notes = [f"unused level {pre!r} dropped" for pre in LEVEL_PREFIXES if pre not in used]
    ind_meta = pd.DataFrame({
        "IndCode": codes,
        "IndName": names,
        "GPupper": [_num(cell(10, c)) for c in sheet_cols],
        "GPlower": [_num(cell(9, c)) for c in sheet_cols],
        "Direction": [_num(cell(8, c)) for c in sheet_cols],
        "IndWeight": [_num(cell(7, c)) for c in sheet_cols],
        **lineage,
    })
    unit_rows = [DATA_ROWS[0] + int(i) for i in rows]
    ind_data = pd.DataFrame({
        "uName": [_text(cell(r, 2)) for r in unit_rows],
        "uCode": [_text(cell(r, 3)) for r in unit_rows],
        **{code: values[rows, j] for code, j in zip(codes, cols, strict=True)},
    })
    header = [_text(v) for v in fw_rows[0]] if fw_rows else []
    if "Dimension/indicator" not in header:
        raise DataError(f"{p.name}: no 'Dimension/indicator' header in Framework row {first}")
    key = header.index("Dimension/indicator")
    agg = []
    for r in fw_rows[1:]:
        r = r + [None] * (6 - len(r))
        code = _text(r[0])
        if _text(r[key]) == "--" or code is None:
            continue
        level = next((i + 2 for i, pre in enumerate(used) if code.startswith(pre)), 0)
        if level:
            agg.append({"AgLevel": level, "Code": code, "Name": _text(r[5]) or code, "Weight": _num(r[2])})
    if makecodes:
        new = names_to_codes(names)
        ind_data = ind_data.rename(columns=dict(zip(codes, new, strict=True)))
        ind_meta["IndCode"] = new
    idata, imeta = coin_to_coin(ind_data, ind_meta, pd.DataFrame(agg, columns=["AgLevel", "Code", "Name", "Weight"]))
    return CoinTool(idata, imeta, p, notes)
