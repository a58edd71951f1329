"""Run the pipeline on a workspace and write its tables (Parquet, CSV or XLSX)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
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


EXCEL_ROWS = 1_048_575  # the rows of a sheet under its header
BATCH_ROWS = 500_000  # rows per batch when a table is streamed into its file


@dataclass
class Results:
    """The output tables: small ones as frames (`tables`); with `keep_records=False` the drill-down is an
    unexecuted, ordered expression (`streams`) that `write_results` writes batch by batch."""

    level: str
    start: int | None
    end: int | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    streams: dict[str, ir.Table] = field(default_factory=dict)
    con: BaseBackend | None = None  # the backend the streams run on

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def names(self) -> list[str]:
        return [*self.tables, *self.streams]


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
    keep_records: bool = True,
) -> Results:
    """Execute the pipeline; tables come back sorted so that both engines give identical frames. With
    `keep_records=False` the drill-down (`indicator_records`, a row per record behind every value: tens of
    millions at scale) is not fetched but left for `write_results` to stream into its file."""
    con = con or connect(engine)
    out = Results(level, start, end, con=con)
    for name, expr in expressions(con, ws, level, start, end).items():
        if name == "indicator_records" and not keep_records:
            out.streams[name] = expr.order_by(SORT_KEYS[name])
            continue
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
    """One file per table (CSV with a BOM for Excel, or Parquet), or one XLSX workbook with a sheet per
    table. Streamed tables are written a batch at a time, so memory does not grow with their size."""
    if fmt not in ("csv", "xlsx", "parquet"):
        raise ValueError(f"unknown output format {fmt!r} (csv, xlsx, parquet)")
    if fmt == "xlsx":
        frames = dict(results.tables)
        for name, expr in results.streams.items():
            frame = expr.limit(EXCEL_ROWS + 1).to_pandas()  # one query, at most a sheet and a row fetched
            if len(frame) > EXCEL_ROWS:
                raise ValueError(
                    f"{name} has more than an Excel sheet holds ({EXCEL_ROWS:,} rows): use --format csv or parquet"
                )
            frames[name] = frame
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"collaboration_{results.level}.xlsx"
        with pd.ExcelWriter(path) as xw:
            for name, frame in frames.items():
                labelled(frame).to_excel(xw, sheet_name=name[:31], index=False)
        return [path]
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, frame in results.tables.items():
        path = out_dir / f"{name}_{results.level}.{fmt}"
        if fmt == "csv":
            labelled(frame).to_csv(path, index=False, encoding="utf-8-sig")
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    for name, expr in results.streams.items():
        path = out_dir / f"{name}_{results.level}.{fmt}"
        _stream(expr, results.con, path, fmt)
        written.append(path)
    return written


def _batches(expr: ir.Table, con: BaseBackend | None) -> pa.RecordBatchReader:
    """An expression's rows as a stream of Arrow batches. On DuckDB through its own reader (Ibis 12's
    `to_pyarrow_batches` calls a cursor method DuckDB 2 no longer has)."""
    if con is not None and con.name == "duckdb":
        return con.con.sql(str(con.compile(expr))).to_arrow_reader(BATCH_ROWS)
    return expr.to_pyarrow_batches(chunk_size=BATCH_ROWS)


def _stream(expr: ir.Table, con: BaseBackend | None, path: Path, fmt: str) -> None:
    """Write an expression's rows in batches (written to a temporary name, renamed when complete)."""
    partial = path.with_name(path.name + ".partial")
    batches = _batches(expr, con)
    try:
        if fmt == "parquet":
            with pq.ParquetWriter(partial, batches.schema) as writer:
                for batch in batches:
                    writer.write_batch(batch)
        else:
            with partial.open("w", encoding="utf-8-sig", newline="") as fh:
                header = True
                for batch in batches:
                    labelled(batch.to_pandas()).to_csv(fh, index=False, header=header)
                    header = False
                if header:  # no rows: the header alone
                    pd.DataFrame(columns=batches.schema.names).to_csv(fh, index=False)
    except BaseException:
        partial.unlink(missing_ok=True)  # a failed write leaves neither a half file nor a stale one
        raise
    partial.replace(path)


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
