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
