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
from yrdhub.cli.text import App, fail, say, t
from yrdhub.i18n import N_

app = App(help=N_("Collaboration analytics"))
console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help=N_("Where the ingested data live (default: YRDHUB_ANALYTICS_DIR, else ./var/analytics)"),
    ),
]
RATE = N_("{rate} records/s")
WRITTEN = N_("Written: {path}")
BAD = N_("Bad record")


@app.command("ingest", help=N_("Read exports into the workspace (each file once; bad records are reported with "
                               "their file and line)."))
def ingest_cmd(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help=N_("Export files"))],
    fmt: Annotated[str, typer.Option("--format", "-f", help="auto|" + "|".join(FORMATS))] = "auto",
    workspace: WorkspaceOpt = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1,
        help=N_("Files read at a time, in worker processes (default: YRDHUB_ANALYTICS_INGEST_WORKERS, else "
                "1)"))] = None,
) -> None:
    if fmt != "auto" and fmt not in FORMATS:
        raise typer.BadParameter(say(N_("The format must be auto or one of {formats}."), formats=", ".join(FORMATS)))
    ws = Workspace.open(workspace)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn(say(N_("{count} records"), count="{task.completed}")),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(t(N_("Ingesting")), total=None, rate="")

        def advance(n: int) -> None:
            done = bar.tasks[0].completed + n
            rate = done / max(time.perf_counter() - started, 1e-9)
            bar.update(task, completed=done, rate=say(RATE, rate=round(rate)))

        try:
            report = ingest(files, ws, fmt=fmt, resolver=default_resolver(ws), batch_size=50_000, progress=advance,
                            workers=workers)
        except ValueError as exc:  # e.g. a workspace from before integer record ids
            raise fail(str(exc)) from exc
    table = Table(*(t(h) for h in (N_("File"), N_("Format"), N_("Records"), N_("Bad records"), N_("Status"))))
    for f in report.files:
        table.add_row(f.path, f.format, str(f.records), str(len(f.bad)),
                      t(N_("already ingested") if f.skipped else N_("ingested")))
    console.print(table)
    for bad in report.bad:
        console.print(f"[yellow]{escape(t(BAD))}[/] {escape(f'{bad.file}:{bad.line}: {bad.reason}')}", soft_wrap=True)
    elapsed = time.perf_counter() - started
    console.print(say(N_("{records} records, {bad} bad, {rate} records/s → {workspace}"), records=report.records,
                      bad=len(report.bad), rate=round(report.records / max(elapsed, 1e-9)), workspace=str(ws.root)))


@app.command("collaboration", help=N_("Region-pair matrices, collaboration intensity and the plan's target counts "
                                      "for a period."))
def collaboration_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help=N_("Output folder"))],
    level: Annotated[str, typer.Option(help=N_("city or province"))] = "city",
    start: Annotated[int | None, typer.Option("--from", help=N_("First year"))] = None,
    end: Annotated[int | None, typer.Option("--to", help=N_("Last year"))] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=N_("csv, xlsx or parquet"))] = "csv",
    engine: Annotated[
        str | None, typer.Option(help=N_("duckdb or spark (default: YRDHUB_ANALYTICS_ENGINE, else duckdb)"))
    ] = None,
    charts: Annotated[bool, typer.Option("--charts", help=N_("Also draw the flow map, heat maps and trends "
                                                             "(SVG)"))] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    if level not in ("city", "province"):
        raise typer.BadParameter(t(N_("The level must be city or province.")))
    ws = Workspace.open(workspace)
    if not ws.has_data():
        raise fail(say(N_("No records in {workspace}: run “yrdhub analytics ingest” first."), workspace=str(ws.root)))
    with console.status(escape(t(N_("Computing the matrices, intensity and targets …")))):
        # the drill-down goes from the engine into its file in batches, never whole into memory
        results = collaboration(ws, engine=engine, level=level, start=start, end=end, keep_records=False)
    with console.status(escape(say(N_("Writing {names} → {folder} …"), names=", ".join(results.names()),
                                   folder=str(out)))):
        try:
            paths = write_results(results, out, fmt)
        except ValueError as exc:
            raise fail(str(exc)) from None
    if charts:
        from yrdhub.analytics.charts import save_charts

        paths += save_charts(results["matrix"], results["indicators"], out, level)
    for path in paths:
        console.print(escape(say(WRITTEN, path=str(path))))
    indicators = results["indicators"]
    table = Table(*(t(h) for h in (N_("Indicator"), N_("Year"), N_("Value"))))
    for row in indicators.itertuples():
        table.add_row(str(row.indicator), str(row.year), f"{row.value:g}")
    console.print(table)


@app.command("unresolved", help=N_("Addresses and organisations without a city (add them to the gazetteer)."))
def unresolved_cmd(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help=N_("Rows to show (0: all of them, as CSV on standard output)"))] = 50,
) -> None:
    ws = Workspace.open(workspace)
    frame = unresolved(ws) if ws.has_data("parties") else None
    if frame is None or frame.empty:
        console.print(t(N_("Nothing unresolved.")))
        return
    if limit == 0:
        frame.to_csv(sys.stdout, index=False)
        return
    table = Table(*(t(h) for h in (N_("Occurrences"), N_("Text"), N_("Method"), N_("Province"))))
    for row in frame.head(limit).itertuples():
        table.add_row(str(row.n), str(row.text), str(row.method), str(row.province_code or ""))
    console.print(table)
    console.print(say(N_("{texts} distinct unresolved texts, {occurrences} occurrences"), texts=len(frame),
                      occurrences=int(frame["n"].sum())))


@app.command("resolve", help=N_("Resolve addresses or institutions read from standard input (one a line) to CSV: "
                                "input, city_code, province_code, method."))
def resolve_cmd(workspace: WorkspaceOpt = None) -> None:
    ws = Workspace.open(workspace)
    resolver = default_resolver(ws)
    lines = [line.rstrip("\r\n") for line in sys.stdin]
    places = resolver.resolve_many([(line, "", "") for line in lines])
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["input", "city_code", "province_code", "method"])
    for line, place in zip(lines, places, strict=True):
        writer.writerow([line, place.city_code, place.province_code, place.method])
