"""`yrdhub monitoring …` — evaluations of the community's indicator system, their report, measured values.
Messages and refusals are rendered in the platform's default language (`YRDHUB_DEFAULT_LANG`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer
from rich.table import Table

from yrdhub import errors
from yrdhub.cli.core import console, err, fail, operator, unit_of_work
from yrdhub.config import get_settings
from yrdhub.errors import DomainError
from yrdhub.i18n import Lang, format_number, gettext
from yrdhub.monitoring import evaluations, service
from yrdhub.monitoring.labels import UNIT_NAME

app = typer.Typer(no_args_is_help=True, help="监测评估 Monitoring and evaluation")


def _lang() -> Lang:
    return get_settings().default_lang


def _refused(exc: DomainError) -> typer.Exit:
    return fail(errors.render(exc.code, exc.params, _lang()))


@app.command("evaluate")
def evaluate(runs: int = typer.Option(1000, help="不确定性分析的重复次数 Monte Carlo replications"),
             publish: bool = typer.Option(False, "--publish", help="计算后即发布 publish the run at once")) -> None:
    """运行评估（联合办公室）Run an evaluation of the bundled framework on accepted data."""
    from yrdhub.monitoring.evaluation import Method

    with unit_of_work() as session:
        framework = service.get_framework(session, "yrd-monitoring")
        if framework is None:
            raise fail(errors.render("framework.not_found", {"code": "yrd-monitoring"}, _lang()))
        spec = service.spec_of(framework)
        try:
            last = evaluations.last_complete_year(session, framework)
            run = evaluations.run(session, actor=operator(), framework=framework,
                                  method=Method(base_year=spec.base_year, first_year=spec.periods[0], last_year=last,
                                                runs=runs))
            if publish:
                evaluations.publish(session, actor=operator(), run=run)
        except DomainError as exc:
            raise _refused(exc) from exc
        _print(run, _lang())


def _print(run: evaluations.EvaluationRun, lang: Lang) -> None:
    table = Table("unit", "year", "index (YRD 2011 = 100)", "rank 5–95 %",
                  title=f"evaluation #{run.id} · {run.status} · inputs {run.inputs_hash[:12]}")
    last = run.method["last_year"]
    ranks = {r["uCode"]: r for r in run.results["ranks"]}
    for row in run.results["scores"]:
        if row["Time"] == last:
            r = ranks.get(row["uCode"])
            interval = f"{r['Nominal']:.0f} ({r['Q5']:.0f}–{r['Q95']:.0f})" if r else "—"
            code = str(row["uCode"])
            unit = gettext(lang, UNIT_NAME[code]) if code in UNIT_NAME else code
            table.add_row(unit, str(row["Time"]), format_number(row["Index"], lang, 1), interval)
    console.print(table)


@app.command("publish")
def publish(run: str = typer.Argument(..., help="评估编号 run id")) -> None:
    """发布评估（联合办公室）Publish a computed run: it becomes the public evaluation."""
    with unit_of_work() as session:
        row = evaluations.get(session, actor=operator(), ref=run)
        if row is None:
            raise fail(errors.render("evaluation.not_found", {"ref": run}, _lang()))
        try:
            evaluations.publish(session, actor=operator(), run=row)
        except DomainError as exc:
            raise _refused(exc) from exc
        console.print(f"#{row.id}: {row.status}")


@app.command("verify")
def verify(run: str = typer.Argument("latest", help="评估编号或 latest / run id or 'latest'")) -> None:
    """重新计算并核对评估结果 Recompute a run from its frozen inputs and compare."""
    with unit_of_work() as session:
        row = evaluations.get(session, actor=operator(), ref=run)
        if row is None:
            raise fail(errors.render("evaluation.not_found", {"ref": run}, _lang()))
        result = evaluations.verify(session, row)
    message = errors.render(result.code, {}, _lang())
    if result.ok:
        console.print(f"[green]#{row.id}: {message}[/green]")
        return
    err.print(f"[red]#{row.id}: {message}[/red]")
    raise typer.Exit(2)


@app.command("report")
def report(run: str = typer.Argument("latest", help="评估编号或 latest / run id or 'latest'"),
           pdf: Path | None = typer.Option(None, "--pdf", help="写出 PDF / write the PDF here"),
           html: Path | None = typer.Option(None, "--html", help="写出 HTML / write the HTML here"),
           lang: str = typer.Option("", "--lang", help="zh | en (默认 default: YRDHUB_DEFAULT_LANG)")) -> None:
    """生成评估报告（HTML、PDF）Generate the evaluation report."""
    from yrdhub.publishing.report import evaluation_report

    language: Lang = "en" if lang == "en" else ("zh" if lang == "zh" else _lang())
    if pdf is None and html is None:
        raise fail("--pdf / --html")
    with unit_of_work() as session:
        row = evaluations.get(session, actor=operator(), ref=run)
        if row is None:
            raise fail(errors.render("evaluation.not_found", {"ref": run}, language))
        try:
            with console.status("…"):
                document = evaluation_report(session, row, lang=language, actor=operator())
                if html:
                    html.write_text(document.html, encoding="utf-8")
                if pdf:
                    pdf.write_bytes(document.pdf())
        except DomainError as exc:
            raise _refused(exc) from exc
    for path in (html, pdf):
        if path:
            console.print(f"{path} ({format_number(path.stat().st_size / 1024, language, 0)} KB)")


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

    language = _lang()
    try:
        values_file, records_file = measurements.read_directory(directory, level)
    except DomainError as exc:
        raise _refused(exc) from exc
    with unit_of_work() as session:
        try:
            reading, stored = measurements.import_tables(session, actor=operator(), values=values_file,
                                                         records=records_file, source=source, dry_run=dry_run,
                                                         max_rows=max(get_settings().max_import_rows, 2_000_000))
        except DomainError as exc:
            raise _refused(exc) from exc
        if stored is None:
            for problem in reading.problems:
                e = problem.error
                where = f"{problem.file}:{e.line}" + (f" [{e.column}]" if e.column else "") if e.line else problem.file
                err.print(f"[red]{where}: {errors.render(e.code, e.params, language)}[/red]", soft_wrap=True)
            raise fail(errors.render("measurement.rejected", {"count": len(reading.problems)}, language))
        batch_id = stored.batch.id if stored.batch else None
    table = Table("indicator", "year", "value", "records")
    for v in reading.values:
        table.add_row(v.indicator, str(v.year), format_number(v.value, language),
                      str(len({r.work_id for r in v.records})))
    console.print(table)
    outcome: Literal["created", "same", "checked"] = (
        "created" if stored.created else "same" if batch_id is not None else "checked")
    console.print({"created": f"[green]batch #{batch_id}: {len(reading.values)} values[/green]",
                   "same": f"= batch #{batch_id}", "checked": f"dry run: {len(reading.values)} values"}[outcome])


@measurements_app.command("list")
def measurements_list() -> None:
    """现行测算值 The values in force, with their batch and records."""
    from yrdhub.monitoring import measurements

    language = _lang()
    with unit_of_work() as session:
        table = Table("indicator", "year", "value", "records", "batch", "source")
        for rows in measurements.current(session, actor=operator()).values():
            for row in rows:
                table.add_row(row.indicator, str(row.year), format_number(row.value, language),
                              str(row.n_records), f"#{row.batch_id}", row.batch.source)
        console.print(table)
