"""`yrdhub indicators …` — composite indicators from a YAML spec (thin shell over yrdhub.indicators)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from yrdhub.indicators import Results
from yrdhub.indicators.export import to_excel, write_csvs
from yrdhub.indicators.spec import SpecError, load_spec
from yrdhub.indicators.uncertainty import run_uncertainty

app = typer.Typer(no_args_is_help=True, help="综合指数 Composite indicators")
console = Console(stderr=True)

SpecArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="YAML spec")]
DataDir = Annotated[Path, typer.Option("--data-dir", exists=True, file_okay=False, help="folder of the data files")]
OutDir = Annotated[Path, typer.Option("--out", help="output folder (created)")]


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(code=2)


@app.command()
def run(
    spec: SpecArg,
    data_dir: DataDir = Path("."),
    out: OutDir = Path("indicators-out"),
    xlsx: Annotated[bool, typer.Option("--xlsx/--no-xlsx", help="also write results.xlsx")] = False,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="also write SVG figures")] = False,
) -> None:
    """Run the pipeline: OUT/scores.csv, one CSV per stage, OUT/log.yaml (and OUT/results.xlsx)."""
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
    console.print(f"wrote {len(files)} files to {out}")


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


@app.command()
def uncertainty(
    spec: SpecArg,
    data_dir: DataDir = Path("."),
    runs: Annotated[int | None, typer.Option("--runs", min=2, help="replications (sensitivity: N)")] = None,
    out: OutDir = Path("indicators-uncertainty"),
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="also write SVG figures")] = False,
) -> None:
    """Monte Carlo uncertainty (rank statistics) or, for a sensitivity spec, Saltelli sensitivity indices."""
    try:
        s = load_spec(spec)
        if s.uncertainty is None:
            raise SpecError("the spec has no 'uncertainty' section")
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
        task = bar.add_task("replications", total=total)
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
    console.print(f"wrote results of {total} runs to {out}")
