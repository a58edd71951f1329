"""`yrdhub indicators …` — composite indicators from a YAML spec (thin shell over yrdhub.indicators)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from yrdhub.cli.text import App, fail, say, t
from yrdhub.i18n import N_
from yrdhub.indicators import Results
from yrdhub.indicators.export import to_excel, write_csvs
from yrdhub.indicators.spec import SpecError, load_spec
from yrdhub.indicators.uncertainty import run_uncertainty

app = App(help=N_("Composite indicators"))
console = Console(stderr=True)

SpecArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=N_(
    "The spec (YAML), or a JRC COIN Tool workbook (.xlsx) to run with its default build"))]
DataDir = Annotated[Path, typer.Option("--data-dir", exists=True, file_okay=False,
                                       help=N_("The folder of the data files"))]
OutDir = Annotated[Path, typer.Option("--out", help=N_("Output folder (created when absent)"))]
PlotsOpt = Annotated[bool, typer.Option("--plots/--no-plots", help=N_("Also write SVG figures"))]


def _fail(exc: Exception) -> typer.Exit:
    """A spec or data file the library refuses: its own message (the library speaks English), exit 2."""
    return fail(str(exc), code=2)


@app.command(help=N_("Run the pipeline: OUT/scores.csv, one CSV per stage, OUT/log.yaml (and OUT/results.xlsx)."))
def run(
    spec: SpecArg,
    data_dir: DataDir = Path("."),
    out: OutDir = Path("indicators-out"),
    xlsx: Annotated[bool, typer.Option("--xlsx/--no-xlsx", help=N_("Also write results.xlsx"))] = False,
    plots: PlotsOpt = False,
) -> None:
    try:
        s = load_spec(spec)
        results = s.pipeline().run(s.inputs(data_dir))
    except (SpecError, ValueError, OSError) as exc:
        raise _fail(exc) from exc
    files = write_csvs(results, out)
    if xlsx:
        files.append(to_excel(results, out / "results.xlsx"))
    if plots:
        files.extend(_run_plots(results, out))
    top = results.scores().head(5)
    console.print(top.to_string(index=False))
    console.print(say(N_("Wrote {count} files to {folder}"), count=len(files), folder=str(out)))


def _run_plots(results: Results, out: Path) -> list[Path]:
    from yrdhub.indicators.analysis import correlations
    from yrdhub.indicators.plots import bar_scores, corr_heatmap, framework_plot

    fw = results.framework
    aggs = [c for c in fw.aggregates if c in results.last.columns]
    figures = {
        "scores.svg": bar_scores(results, stack_children=True),
        "framework.svg": framework_plot(fw),
        "correlations.svg": corr_heatmap(correlations(results.last, aggs, aggs, pval=None), "aggregates"),
    }
    for name, fig in figures.items():
        fig.savefig(out / name)
    return [out / n for n in figures]


@app.command(help=N_("Monte Carlo uncertainty analysis (rank statistics) or, for a sensitivity spec, Saltelli "
                     "sensitivity indices."))
def uncertainty(
    spec: SpecArg,
    data_dir: DataDir = Path("."),
    runs: Annotated[int | None, typer.Option("--runs", min=2, help=N_("Replications (for a sensitivity analysis: "
                                                                       "N)"))] = None,
    out: OutDir = Path("indicators-uncertainty"),
    seed: Annotated[int | None, typer.Option("--seed", help=N_("Seed of the random numbers"))] = None,
    plots: PlotsOpt = False,
) -> None:
    try:
        s = load_spec(spec)
        if s.uncertainty is None:
            raise fail(t(N_("The spec has no uncertainty section.")), code=2)
        if runs is not None:
            s.uncertainty.runs = runs
        if seed is not None:
            s.uncertainty.seed = seed
        inputs = s.inputs(data_dir)
        uncertain = s.uncertain_inputs(inputs)
    except (SpecError, ValueError, OSError) as exc:
        raise _fail(exc) from exc
    u = s.uncertainty
    total = u.runs * (len(uncertain) + 2) if u.sensitivity else u.runs
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(t(N_("Replications")), total=total)
        result = run_uncertainty(
            s.pipeline(),
            inputs,
            uncertain,
            n=u.runs,
            seed=u.seed,
            sensitivity=u.sensitivity,
            n_boot=u.n_boot,
            progress=lambda k: bar.advance(task, k),
        )
    out.mkdir(parents=True, exist_ok=True)
    result.rank_stats.to_csv(out / "rank_stats.csv", index=False)
    result.sample.to_csv(out / "sample.csv", index_label="run")
    result.ranks.to_csv(out / "ranks.csv", index_label="run")
    if result.sensitivity is not None:
        result.sensitivity.to_csv(out / "sensitivity.csv", index=False)
        console.print(result.sensitivity.to_string(index=False))
    if plots:
        from yrdhub.indicators.plots import rank_intervals, sensitivity_bars

        rank_intervals(result.rank_stats).savefig(out / "rank_intervals.svg")
        if result.sensitivity is not None:
            sensitivity_bars(result.sensitivity).savefig(out / "sensitivity.svg")
    console.print(result.rank_stats.sort_values("Nominal").head(5).to_string(index=False))
    console.print(say(N_("Wrote the results of {runs} runs to {folder}"), runs=total, folder=str(out)))
