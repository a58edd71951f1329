"""`yrdhub analytics …` — collaboration measures from record exports (thin shell over yrdhub.analytics)."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from yrdhub.analytics.ingest import default_resolver, ingest
from yrdhub.analytics.readers import FORMATS
from yrdhub.analytics.run import collaboration, unresolved, write_results
from yrdhub.analytics.workspace import Workspace

app = typer.Typer(no_args_is_help=True, help="协同创新分析 Collaboration analytics")
console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="工作目录 where ingested data lives (default YRDHUB_ANALYTICS_DIR, else ./var/analytics)",
    ),
]


@app.command("ingest")
def ingest_cmd(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="export files")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="auto|" + "|".join(FORMATS))] = "auto",
    workspace: WorkspaceOpt = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1,
        help="files read at a time in worker processes (default YRDHUB_ANALYTICS_INGEST_WORKERS, else 1)")] = None,
) -> None:
    """导入 Read exports into the workspace (each file once; bad records reported with file and line)."""
    if fmt != "auto" and fmt not in FORMATS:
        raise typer.BadParameter(f"format must be auto or one of {', '.join(FORMATS)}")
    ws = Workspace.open(workspace)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} records"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("ingest", total=None, rate="")

        def advance(n: int) -> None:
            done = bar.tasks[0].completed + n
            rate = done / max(time.perf_counter() - started, 1e-9)
            bar.update(task, completed=done, rate=f"{rate:,.0f} records/s")

        try:
            report = ingest(files, ws, fmt=fmt, resolver=default_resolver(ws), batch_size=50_000, progress=advance,
                            workers=workers)
        except ValueError as exc:  # e.g. a workspace from before integer record ids
            console.print(f"[red]{escape(str(exc))}[/]")
            raise typer.Exit(1) from exc
    table = Table("file", "format", "records", "bad", "status")
    for f in report.files:
        table.add_row(f.path, f.format, str(f.records), str(len(f.bad)), "already ingested" if f.skipped else "ok")
    console.print(table)
    for bad in report.bad:
        console.print(f"[yellow]bad record[/] {escape(f'{bad.file}:{bad.line}: {bad.reason}')}", soft_wrap=True)
    elapsed = time.perf_counter() - started
    console.print(
        f"{report.records} records, {len(report.bad)} bad, {report.records / max(elapsed, 1e-9):,.0f} "
        f"records/s → {ws.root}"
    )


@app.command("collaboration")
def collaboration_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="output directory")],
    level: Annotated[str, typer.Option(help="city|province")] = "city",
    start: Annotated[int | None, typer.Option("--from", help="first year")] = None,
    end: Annotated[int | None, typer.Option("--to", help="last year")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv|xlsx|parquet")] = "csv",
    engine: Annotated[
        str | None, typer.Option(help="duckdb|spark (default YRDHUB_ANALYTICS_ENGINE, else duckdb)")
    ] = None,
    charts: Annotated[bool, typer.Option("--charts", help="also draw flow map, heat maps, trends (SVG)")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """合作矩阵 Region-pair matrices, intensity and the plan's target counts for a period."""
    if level not in ("city", "province"):
        raise typer.BadParameter("level must be city or province")
    ws = Workspace.open(workspace)
    if not ws.has_data():
        console.print(f"[red]no records in {ws.root}; run `yrdhub analytics ingest` first[/]")
        raise typer.Exit(1)
    with console.status(f"computing {level} matrices, intensity and targets …"):
        # the drill-down goes from the engine into its file in batches, never whole into memory
        results = collaboration(ws, engine=engine, level=level, start=start, end=end, keep_records=False)
    with console.status(f"writing {', '.join(results.names())} → {out} …"):
        try:
            paths = write_results(results, out, fmt)
        except ValueError as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from None
    if charts:
        from yrdhub.analytics.charts import save_charts

        paths += save_charts(results["matrix"], results["indicators"], out, level)
    for path in paths:
        console.print(f"wrote {path}")
    indicators = results["indicators"]
    table = Table("indicator", "year", "value")
    for row in indicators.itertuples():
        table.add_row(str(row.indicator), str(row.year), f"{row.value:g}")
    console.print(table)


@app.command("unresolved")
def unresolved_cmd(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="rows to show (0 = all, as CSV on stdout)")] = 50,
) -> None:
    """未解析 Addresses and organisations without a city (add them to the gazetteer)."""
    ws = Workspace.open(workspace)
    frame = unresolved(ws) if ws.has_data("parties") else None
    if frame is None or frame.empty:
        console.print("nothing unresolved")
        return
    if limit == 0:
        frame.to_csv(sys.stdout, index=False)
        return
    table = Table("n", "text", "method", "province")
    for row in frame.head(limit).itertuples():
        table.add_row(str(row.n), str(row.text), str(row.method), str(row.province_code or ""))
    console.print(table)
    console.print(f"{len(frame)} distinct unresolved texts, {int(frame['n'].sum())} occurrences")


@app.command("resolve")
def resolve_cmd(workspace: WorkspaceOpt = None) -> None:
    """地址解析 Addresses/institutions on stdin (one a line) → CSV input,city_code,province_code,method."""
    ws = Workspace.open(workspace)
    resolver = default_resolver(ws)
    lines = [line.rstrip("\r\n") for line in sys.stdin]
    places = resolver.resolve_many([(line, "", "") for line in lines])
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["input", "city_code", "province_code", "method"])
    for line, place in zip(lines, places, strict=True):
        writer.writerow([line, place.city_code, place.province_code, place.method])
