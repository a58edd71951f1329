"""`yrdhub monitoring …` — evaluations of the community's indicator system."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from yrdhub.cli.core import console, err, fail, operator, unit_of_work
from yrdhub.monitoring import evaluation, evaluations, service

app = typer.Typer(no_args_is_help=True, help="监测评估 Monitoring and evaluation")


@app.command("evaluate")
def evaluate(runs: int = typer.Option(1000, help="不确定性分析的重复次数 Monte Carlo replications")) -> None:
    """运行评估（联合办公室）Run an evaluation of the bundled framework on accepted data."""
    from yrdhub.monitoring.evaluation import Method

    with unit_of_work() as session:
        framework = service.get_framework(session, "yrd-monitoring")
        if framework is None:
            raise fail("未载入指标体系，请先运行 yrdhub data load / run `yrdhub data load` first")
        spec = service.spec_of(framework)
        last = evaluations._last_complete_year(session, framework)
        run = evaluations.run(session, actor=operator(), framework=framework,
                              method=Method(base_year=spec.base_year, first_year=spec.periods[0], last_year=last,
                                            runs=runs))
        _print(run)


def _print(run: evaluations.EvaluationRun) -> None:
    table = Table("单位 unit", "年份 year", "指数 index (YRD 2011=100)", "排名区间 rank 5–95 %",
                  title=f"评估 evaluation #{run.id} · inputs {run.inputs_hash[:12]}")
    last = run.method["last_year"]
    ranks = {r["uCode"]: r for r in run.results["ranks"]}
    for row in run.results["scores"]:
        if row["Time"] == last:
            r = ranks.get(row["uCode"])
            interval = f"{r['Nominal']:.0f} ({r['Q5']:.0f}–{r['Q95']:.0f})" if r else "—"
            unit = evaluation.UNIT_NAMES.get(str(row["uCode"]), str(row["uCode"]))
            table.add_row(unit, str(row["Time"]), f"{row['Index']:.1f}", interval)
    console.print(table)


@app.command("verify")
def verify(run: str = typer.Argument("latest", help="评估编号或 latest / run id or 'latest'")) -> None:
    """重新计算并核对评估结果 Recompute a run from its frozen inputs and compare."""
    with unit_of_work() as session:
        row = evaluations.get(session, run)
        if row is None:
            raise fail(f"评估不存在 no such evaluation: {run}")
        result = evaluations.verify(session, row)
    if result.ok:
        console.print(f"[green]#{row.id}: {result.message}[/green]")
        return
    err.print(f"[red]#{row.id}: {result.message}[/red]")
    raise typer.Exit(2)


@app.command("report")
def report(run: str = typer.Argument("latest", help="评估编号或 latest / run id or 'latest'"),
           pdf: Path | None = typer.Option(None, "--pdf", help="写出 PDF / write the PDF here"),
           html: Path | None = typer.Option(None, "--html", help="写出 HTML / write the HTML here")) -> None:
    """生成评估报告（HTML、PDF）Generate the evaluation report."""
    from yrdhub.publishing.charts import PublishingError
    from yrdhub.publishing.report import evaluation_report

    if pdf is None and html is None:
        raise fail("请给出 --pdf 或 --html / give --pdf or --html")
    with unit_of_work() as session:
        row = evaluations.get(session, run)
        if row is None:
            raise fail(f"评估不存在 no such evaluation: {run}")
        try:
            with console.status("正在生成报告 rendering the report…"):
                document = evaluation_report(session, row)
                if html:
                    html.write_text(document.html, encoding="utf-8")
                if pdf:
                    pdf.write_bytes(document.pdf())
        except PublishingError as exc:
            raise fail(str(exc)) from exc
    for path in (html, pdf):
        if path:
            console.print(f"已写出 wrote {path} ({path.stat().st_size / 1024:.0f} KB)")


measurements_app = typer.Typer(no_args_is_help=True, help="记录测算值 Values counted from paper and patent records")
app.add_typer(measurements_app, name="measurements")


@measurements_app.command("import")
def measurements_import(
    directory: Path = typer.Argument(..., exists=True, file_okay=False,
                                     help="`yrdhub analytics collaboration --out` 的输出目录 / its output folder"),
    source: str = typer.Option(..., "--source", help="数据来源与覆盖范围 source and coverage (database, query, date)"),
    level: str = typer.Option("", help="city|province，目录中有多个层级时 when the folder holds both"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查不写入 check only"),
) -> None:
    """导入测算值（联合办公室）Take the plan-target counts and their records into monitoring."""
    from yrdhub.monitoring import measurements

    try:
        values_file, records_file = measurements.read_directory(directory, level)
        values = measurements.parse(values_file, records_file)
    except measurements.MeasurementError as exc:
        for problem in exc.problems:
            err.print(f"[red]{problem}[/red]", soft_wrap=True)
        raise fail(f"未导入，共 {len(exc.problems)} 个问题 / nothing imported: {len(exc.problems)} problems") from exc
    table = Table("指标 indicator", "年份 year", "数值 value", "记录 records")
    for v in values:
        table.add_row(v.indicator, str(v.year), f"{v.value:g}", str(len({r.work_id for r in v.records})))
    console.print(table)
    if records_file is None:
        err.print("[yellow]没有 indicator_records 表：数值不带记录明细 / no indicator_records table: "
                  "values without their records[/yellow]")
    with unit_of_work() as session:
        try:
            outcome = measurements.record(session, actor=operator(), values=values, source=source,
                                          method=f"yrdhub analytics · {values_file[0]}", dry_run=dry_run)
        except measurements.MeasurementError as exc:
            raise fail("; ".join(str(p) for p in exc.problems)) from exc
        batch_id = outcome.batch.id if outcome.batch else None
    if outcome.created:
        console.print(f"[green]已导入批次 #{batch_id} imported batch #{batch_id}: {len(values)} values[/green]")
    elif batch_id is not None:
        console.print(f"与批次 #{batch_id} 相同，未改变 / same as batch #{batch_id}: nothing changed")
    else:
        console.print(f"检查通过，未写入 checked, nothing written: {len(values)} values")


@measurements_app.command("list")
def measurements_list() -> None:
    """现行测算值 The values in force, with their batch and records."""
    from yrdhub.monitoring import measurements

    with unit_of_work() as session:
        table = Table("指标 indicator", "年份 year", "数值 value", "记录 records", "批次 batch", "来源 source")
        for rows in measurements.current(session).values():
            for row in rows:
                table.add_row(row.indicator, str(row.year), f"{row.value:g}", str(row.n_records),
                              f"#{row.batch_id}", row.batch.source)
        console.print(table)
