"""`yrdhub monitoring …` — evaluations of the community's indicator system, their report, measured values.
Messages and refusals are in the CLI's language (`YRDHUB_DEFAULT_LANG`); the report in its `--lang`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from yrdhub import errors
from yrdhub.cli.core import DryOpt, LangOpt, console, operator, report_lang, unit_of_work
from yrdhub.cli.text import App, cli_lang, err, fail, refused, say, t
from yrdhub.config import get_settings
from yrdhub.i18n import N_, Lang, format_number, gettext
from yrdhub.monitoring import evaluations, service
from yrdhub.monitoring.labels import EVALUATION_STATUS, UNIT_NAME

RUN_REF = N_("The run's number, or latest (the published evaluation)")
IMPORTED = N_("Imported as batch #{batch}: {count} values.")
SAME = N_("The same tables as batch #{batch}: nothing changed.")
CHECKED = N_("Checked, nothing written: {count} values.")
app = App(help=N_("Monitoring and evaluation"))


@app.command("evaluate", help=N_("Run an evaluation of the bundled framework on accepted data (the joint "
                                 "office)."))
def evaluate(runs: int = typer.Option(1000, help=N_("Monte Carlo replications of the uncertainty analysis")),
             publish: bool = typer.Option(False, "--publish", help=N_("Publish the run at once"))) -> None:
    from yrdhub.monitoring.evaluation import Method

    with refused(), unit_of_work() as session:
        framework = service.get_framework(session, "yrd-monitoring")
        if framework is None:
            raise fail(errors.render("framework.not_found", {"code": "yrd-monitoring"}, cli_lang()))
        spec = service.spec_of(framework)
        last = evaluations.last_complete_year(session, framework)
        run = evaluations.run(session, actor=operator(), framework=framework,
                              method=Method(base_year=spec.base_year, first_year=spec.periods[0], last_year=last,
                                            runs=runs))
        if publish:
            evaluations.publish(session, actor=operator(), run=run)
        _print(run, cli_lang())


def _print(run: evaluations.EvaluationRun, lang: Lang) -> None:
    table = Table(*(gettext(lang, h) for h in (N_("Region"), N_("Year"), N_("Index"), N_("Rank interval"))),
                  title=f"#{run.id} · {gettext(lang, EVALUATION_STATUS[run.status])} · {run.inputs_hash[:12]}")
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


@app.command("publish", help=N_("Publish a computed run: it becomes the public evaluation (the joint "
                                "office)."))
def publish(run: str = typer.Argument(..., help=N_("The run's number"))) -> None:
    with refused(), unit_of_work() as session:
        row = evaluations.get(session, actor=operator(), ref=run)
        if row is None:
            raise fail(errors.render("evaluation.not_found", {"ref": run}, cli_lang()))
        evaluations.publish(session, actor=operator(), run=row)
        console.print(f"#{row.id}: {t(EVALUATION_STATUS[row.status])}")


@app.command("verify", help=N_("Recompute a run from its frozen inputs and compare."))
def verify(run: str = typer.Argument("latest", help=RUN_REF)) -> None:
    with unit_of_work() as session:
        row = evaluations.get(session, actor=operator(), ref=run)
        if row is None:
            raise fail(errors.render("evaluation.not_found", {"ref": run}, cli_lang()))
        result = evaluations.verify(session, row)
    message = errors.render(result.code, {}, cli_lang())
    if result.ok:
        console.print(f"[green]#{row.id}: {message}[/green]")
        return
    err.print(f"[red]#{row.id}: {message}[/red]")
    raise typer.Exit(2)


@app.command("report", help=N_("Generate the evaluation report (HTML, PDF)."))
def report(run: str = typer.Argument("latest", help=RUN_REF),
           pdf: Path | None = typer.Option(None, "--pdf", help=N_("Write the PDF here")),
           html: Path | None = typer.Option(None, "--html", help=N_("Write the HTML here")),
           lang: str | None = LangOpt) -> None:
    from yrdhub.publishing.report import evaluation_report

    language = report_lang(lang)
    if pdf is None and html is None:
        raise fail(t(N_("Say where to write the report: --pdf FILE, --html FILE or both.")))
    with refused(language), unit_of_work() as session:
        row = evaluations.get(session, actor=operator(), ref=run)
        if row is None:
            raise fail(errors.render("evaluation.not_found", {"ref": run}, language), lang=language)
        with console.status("…"):
            document = evaluation_report(session, row, lang=language, actor=operator())
            if html:
                html.write_text(document.html, encoding="utf-8")
            if pdf:
                pdf.write_bytes(document.pdf())
    for path in (html, pdf):
        if path:
            console.print(f"{path} ({format_number(path.stat().st_size / 1024, language, 0)} KB)")


measurements_app = App(help=N_("Values counted from paper and patent records"))
app.add_typer(measurements_app, name="measurements")


@measurements_app.command("import", help=N_("Take the plan-target counts and their records into monitoring (the "
                                             "joint office)."))
def measurements_import(
    directory: Path = typer.Argument(..., exists=True, file_okay=False,
                                     help=N_("The output folder of yrdhub analytics collaboration --out")),
    source: str = typer.Option(..., "--source", help=N_("Source and coverage (database, query, date of export)")),
    level: str = typer.Option("", help=N_("city or province, when the folder holds both")),
    dry_run: bool = DryOpt,
) -> None:
    from yrdhub.monitoring import measurements

    language = cli_lang()
    with refused():
        values_file, records_file = measurements.read_directory(directory, level)
    with refused(), unit_of_work() as session:
        reading, stored = measurements.import_tables(session, actor=operator(), values=values_file,
                                                     records=records_file, source=source, dry_run=dry_run,
                                                     max_rows=max(get_settings().max_import_rows, 2_000_000))
        if stored is None:
            for problem in reading.problems:
                e = problem.error
                where = f"{problem.file}:{e.line}" + (f" [{e.column}]" if e.column else "") if e.line else problem.file
                err.print(f"[red]{escape(where)}: {escape(errors.render(e.code, e.params, language))}[/red]",
                          soft_wrap=True)
            raise fail(errors.render("measurement.rejected", {"count": len(reading.problems)}, language))
        batch_id = stored.batch.id if stored.batch else None
    table = Table(*(gettext(language, h) for h in (N_("Indicator"), N_("Year"), N_("Value"), N_("Records"))))
    for v in reading.values:
        table.add_row(v.indicator, str(v.year), format_number(v.value, language),
                      str(len({r.work_id for r in v.records})))
    console.print(table)
    outcome = IMPORTED if stored.created else SAME if batch_id is not None else CHECKED
    console.print(say(outcome, batch=str(batch_id), count=len(reading.values)))


@measurements_app.command("list", help=N_("The values in force, with their batch and records."))
def measurements_list() -> None:
    from yrdhub.monitoring import measurements

    language = cli_lang()
    with unit_of_work() as session:
        table = Table(*(gettext(language, h) for h in (N_("Indicator"), N_("Year"), N_("Value"), N_("Records"),
                                                        N_("Batch"), N_("Source"))))
        for rows in measurements.current(session, actor=operator()).values():
            for row in rows:
                table.add_row(row.indicator, str(row.year), format_number(row.value, language),
                              str(row.n_records), f"#{row.batch_id}", row.batch.source)
        console.print(table)
