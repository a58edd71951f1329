"""Run the pipeline on a workspace and write its tables (Parquet, CSV or XLSX)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from yrdhub.analytics import pipeline as pl
from yrdhub.analytics.divisions import city_names
from yrdhub.analytics.engine import connect
from yrdhub.analytics.network import network_measures
from yrdhub.analytics.targets import indicator_values, target_works
from yrdhub.analytics.workspace import Workspace

SORT_KEYS = {
    "matrix": ["kind", "directed", "region_a", "region_b"],
    "matrix_by_year": ["kind", "directed", "year", "region_a", "region_b"],
    "intensity": ["kind", "region_a", "region_b"],
    "region_totals": ["kind", "region"],
    "indicators": ["indicator", "year"],
    "indicator_records": ["indicator", "year", "work_id", "record_id"],
}


@dataclass
class Results:
    level: str
    start: int | None
    end: int | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def materialise(con: BaseBackend, expr: ir.Table, name: str) -> ir.Table:
    """Compute an intermediate once: a temporary table on DuckDB, a cached DataFrame on Spark."""
    if con.name == "pyspark":
        return expr.cache()
    return con.create_table(f"_yrd_{name}_{uuid.uuid4().hex[:8]}", expr, temp=True)


def expressions(
    con: BaseBackend, ws: Workspace, level: str = "city", start: int | None = None, end: int | None = None
) -> dict[str, ir.Table]:
    """Every output table as an (unexecuted) Ibis expression."""
    inputs = pl.load(con, ws)
    # Materialised once (a temporary table / a cached DataFrame): every output re-uses them.
    works = inputs.works.select(*pl.DEDUP_COLUMNS)
    linked = materialise(con, pl.linked_records(works), "linked")  # the few records sharing a work
    dedup = pl.deduplicate(works, linked=linked)  # every record with its work: read only for the drill-down
    reg_city = materialise(con, pl.regions(inputs, linked, "city"), "reg_city")
    reg_prov = materialise(con, pl.regions(inputs, linked, "province"), "reg_prov")
    lk_city = materialise(con, pl.links(reg_city), "links_city")
    lk_prov = materialise(con, pl.links(reg_prov), "links_prov")
    # the matrices and totals from the region sets per work (`work_masks`): no row per work and pair
    masks = materialise(con, pl.work_masks(inputs, linked, level), f"masks_{level}")
    mat = pl.mask_matrix(masks, inputs.bits(level), start, end)
    totals = pl.mask_region_totals(masks, inputs.bits(level), start, end)
    drill = pl._period(target_works(reg_city, lk_prov), start, end)
    ids = dedup.select("wid", "work_id", "record_id", "source", "file", "line")
    return {
        "matrix": mat,
        "matrix_by_year": pl.mask_matrix(masks, inputs.bits(level), start, end, by_year=True),
        "intensity": pl.intensity(mat, totals),
        "region_totals": totals,
        "indicators": indicator_values(drill, pl._period(lk_city, start, end)),
        "indicator_records": drill.join(ids, "wid").select(
            "indicator", "year", "work_id", "record_id", "source", "file", "line"
        ),
    }


def collaboration(
    ws: Workspace,
    engine: str | None = None,
    level: str = "city",
    start: int | None = None,
    end: int | None = None,
    con: BaseBackend | None = None,
) -> Results:
    """Execute the pipeline; tables come back sorted so that both engines give identical frames."""
    con = con or connect(engine)
    out = Results(level, start, end)
    for name, expr in expressions(con, ws, level, start, end).items():
        frame = expr.to_pandas()
        out.tables[name] = frame.sort_values(SORT_KEYS[name], kind="stable").reset_index(drop=True)
    by_year = out.tables["matrix_by_year"]
    nets = [network_measures(by_year, kind) for kind in ("paper", "patent")]
    out.tables["network"] = pd.concat([n for n in nets if not n.empty] or [nets[0]], ignore_index=True)
    return out


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Add Chinese names next to region code columns."""
    names = city_names()
    frame = frame.copy()
    for col in ("region_a", "region_b", "region"):
        if col in frame:
            frame[f"{col}_name"] = frame[col].map(names)
    return frame


def write_results(results: Results, out_dir: Path, fmt: str = "parquet") -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if fmt == "xlsx":
        path = out_dir / f"collaboration_{results.level}.xlsx"
        with pd.ExcelWriter(path) as xw:
            for name, frame in results.tables.items():
                labelled(frame).to_excel(xw, sheet_name=name[:31], index=False)
        return [path]
    for name, frame in results.tables.items():
        path = out_dir / f"{name}_{results.level}.{fmt}"
        if fmt == "csv":
            labelled(frame).to_csv(path, index=False, encoding="utf-8-sig")
        elif fmt == "parquet":
            frame.to_parquet(path, index=False)
        else:
            raise ValueError(f"unknown output format {fmt!r} (csv, xlsx, parquet)")
        written.append(path)
    return written


def unresolved(ws: Workspace, con: BaseBackend | None = None) -> pd.DataFrame:
    """Addresses and names that got no city (foreign addresses excluded), most frequent first."""
    con = con or connect("duckdb")
    p = pl.load(con, ws).parties
    u = p.filter(p.city_code.isnull() & (p.method != "foreign"))
    label = u.text.nullif("").fill_null(u.name)
    u = u.mutate(text=label).group_by(["text", "method", "province_code"]).agg(n=u.record_id.count())
    frame = u.to_pandas()
    return frame.sort_values(["n", "text"], ascending=[False, True]).reset_index(drop=True)


def resolution_rate(ws: Workspace, con: BaseBackend | None = None) -> pd.DataFrame:
    """Parties by resolution method, and the share placed (a city, or a foreign country)."""
    con = con or connect("duckdb")
    p = pl.load(con, ws).parties
    frame = p.group_by("method").agg(n=p.record_id.count()).to_pandas()
    frame["share"] = frame["n"] / frame["n"].sum()
    return frame.sort_values("n", ascending=False).reset_index(drop=True)
