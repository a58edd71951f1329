from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from yrdhub.cli.indicators import app
from yrdhub.indicators import Framework, Inputs, Pipeline
from yrdhub.indicators.export import to_excel
from yrdhub.indicators.spec import Spec, SpecError, load_spec

from .conftest import toy_inputs

SPEC = """
name: toy
data: {idata: idata.csv}
framework:
  - {iCode: a, Level: 1, Parent: P, Direction: 1}
  - {iCode: b, Level: 1, Parent: P, Direction: -1}
  - {iCode: c, Level: 1, Parent: Q}
  - {iCode: d, Level: 1, Parent: Q, Weight: 2}
  - {iCode: P, Level: 2, Parent: T}
  - {iCode: Q, Level: 2, Parent: T}
  - {iCode: T, Level: 3}
steps:
  - denominate: {by: {a: pop}}
  - impute: {method: mean_grp, use_group: grp}
  - treat: {winmax: 3, skew_thresh: 1.5}
  - normalise: {method: minmax, params: {l_u: [1, 100]}}
  - aggregate: {method: [gmean, amean]}
uncertainty:
  runs: 30
  seed: 3
  inputs:
    - {name: W, step: treat, param: winmax, values: [1, 3]}
    - {name: Weights, step: aggregate, noise: {2: 0.25}, sets: 10}
    - {name: Agg, step: aggregate, param: method, values: [[gmean, amean], [amean, amean]]}
"""


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    inp = toy_inputs(15, seed=2)
    table = pd.concat([inp.units, inp.data], axis=1).reset_index()
    table.loc[3, "c"] = None
    table.to_csv(tmp_path / "idata.csv", index=False)
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def test_spec_builds_pipeline_and_inputs(spec_dir: Path) -> None:
    spec = load_spec(spec_dir / "spec.yaml")
    inputs = spec.inputs(spec_dir)
    assert isinstance(inputs, Inputs) and inputs.framework.top == "T"
    res = spec.pipeline().run(inputs)
    assert list(res.datasets) == ["Raw", "Denominated", "Imputed", "Treated", "Normalised", "Aggregated"]
    assert res.steps["Treated"].get_params()["winmax"] == 3
    assert len(spec.uncertain_inputs(inputs)) == 3


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"steps": [{"magic": {}}]}, "unknown step 'magic'"),
        ({"steps": [{"treat": {"winmx": 3}}]}, "winmx"),
        ({"steps": [{"treat": {}, "normalise": {}}]}, "write it as"),
        ({"steps": []}, "non-empty list"),
        ({"data": {}}, "idata"),
        ({"extra": 1}, "unknown top-level"),
    ],
)
def test_spec_errors_are_clear(patch: dict, message: str) -> None:
    doc = {**yaml.safe_load(SPEC), **patch}
    with pytest.raises(SpecError, match=message):
        Spec.from_dict(doc)


def test_cli_run_writes_stages_scores_and_log(spec_dir: Path) -> None:
    out = spec_dir / "out"
    result = CliRunner().invoke(
        app,
        ["run", str(spec_dir / "spec.yaml"), "--data-dir", str(spec_dir), "--out", str(out), "--xlsx", "--plots"],
    )
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "scores.csv")
    assert list(scores.columns) == ["uCode", "Rank", "T", "P", "Q"] and len(scores) == 15
    for stage in ["Raw", "Denominated", "Imputed", "Treated", "Normalised", "Aggregated"]:
        assert (out / f"{stage}.csv").exists()
    for figure in ["scores.svg", "framework.svg", "correlations.svg"]:
        assert (out / figure).read_text().lstrip().startswith("<?xml")
    # the log alone reproduces the results exactly
    doc = yaml.safe_load((out / "log.yaml").read_text())
    log = doc["steps"]
    assert Framework.from_records(doc["framework"]) == load_spec(spec_dir / "spec.yaml").inputs(spec_dir).framework
    spec = load_spec(spec_dir / "spec.yaml")
    again = Pipeline.from_log(log).run(spec.inputs(spec_dir))
    pd.testing.assert_frame_equal(again.last, spec.pipeline().run(spec.inputs(spec_dir)).last)
    wb = load_workbook(out / "results.xlsx", read_only=True)
    assert {"Scores", "Raw", "Treated", "Aggregated", "Treated_details", "Framework", "Log"} <= set(wb.sheetnames)


def test_cli_uncertainty_writes_rank_statistics(spec_dir: Path) -> None:
    out = spec_dir / "ua"
    args = ["uncertainty", str(spec_dir / "spec.yaml"), "--data-dir", str(spec_dir), "--runs", "25", "--out", str(out)]
    args.append("--plots")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    stats = pd.read_csv(out / "rank_stats.csv")
    assert list(stats.columns) == ["uCode", "Nominal", "Mean", "Median", "Q5", "Q95"] and len(stats) == 15
    assert len(pd.read_csv(out / "sample.csv")) == 25
    assert not (out / "sensitivity.csv").exists()
    assert (out / "rank_intervals.svg").exists()


def test_cli_reports_spec_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps: [{magic: {}}]\ndata: {idata: x.csv, imeta: y.csv}\n")
    result = CliRunner().invoke(app, ["run", str(bad), "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "unknown step" in result.output


def test_excel_export_has_a_sheet_per_stage(tmp_path: Path) -> None:
    inp = toy_inputs()
    from yrdhub.indicators import Aggregate, Normalise

    res = Pipeline([Normalise(), Aggregate()]).run(inp)
    path = to_excel(res, tmp_path / "r.xlsx")
    sheet = pd.read_excel(path, sheet_name="Normalised", engine="calamine")
    assert list(sheet.columns) == ["uCode", "a", "b", "c", "d"] and len(sheet) == len(inp.data)


def test_spec_with_custom_callable_and_xlsx_data(spec_dir: Path) -> None:
    table = pd.read_csv(spec_dir / "idata.csv")
    with pd.ExcelWriter(spec_dir / "idata.xlsx") as xl:
        table.head(2).to_excel(xl, sheet_name="notes", index=False)
        table.to_excel(xl, sheet_name="iData", index=False)
    doc = yaml.safe_load(SPEC)
    doc["data"] = {"idata": "idata.xlsx", "idata_sheet": "iData"}
    doc["steps"][3] = {"normalise": {"method": {"__callable__": "yrdhub.indicators.steps.normalise:n_fracmax"}}}
    spec = Spec.from_dict(doc)
    res = spec.pipeline().run(spec.inputs(spec_dir))
    assert len(res.datasets["Raw"]) == 15
    assert res.datasets["Normalised"]["a"].max() == pytest.approx(1.0)
    again = Pipeline.from_log(yaml.safe_load(yaml.safe_dump(res.log))).run(spec.inputs(spec_dir))
    pd.testing.assert_frame_equal(again.last, res.last)
    doc["steps"][3] = {"normalise": {"method": {"__callable__": "no.such.module:f"}}}
    with pytest.raises(SpecError, match="no"):
        Spec.from_dict(doc)


def test_log_with_a_denominator_table_round_trips_through_yaml() -> None:
    from yrdhub.indicators import Denominate, Normalise

    inp = toy_inputs()
    table = pd.DataFrame({"area": np.linspace(1, 2, len(inp.data))}, index=inp.data.index)
    res = Pipeline([Denominate(by={"b": "area"}, denominators=table), Normalise()]).run(inp)
    log = yaml.safe_load(yaml.safe_dump(res.log))
    again = Pipeline.from_log(log).run(inp)
    pd.testing.assert_frame_equal(again.last, res.last)
    np.testing.assert_allclose(res.datasets["Denominated"]["b"], inp.data["b"] / table["area"])
