"""examples/coinr-asem.yaml reproduces COINr's example build through the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from yrdhub.cli.indicators import app

from .asem import assert_frame_close, assert_results_match, read_ref

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_spec_reproduces_coinr(reference_dir: Path, tmp_path: Path) -> None:
    data = reference_dir / "coinr-asem"
    out = tmp_path / "asem"
    result = CliRunner().invoke(
        app, ["run", str(EXAMPLES / "coinr-asem.yaml"), "--data-dir", str(data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for stage in ["Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]:
        assert_frame_close(
            pd.read_csv(out / f"{stage}.csv").set_index("uCode"), read_ref(reference_dir, f"nominal_{stage}.csv")
        )
    assert_results_match(pd.read_csv(out / "scores.csv"), read_ref(reference_dir, "nominal_results_full.csv"))


def test_example_sensitivity_spec(reference_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "sa"
    args = [
        "uncertainty",
        str(EXAMPLES / "coinr-asem-sensitivity.yaml"),
        "--data-dir",
        str(reference_dir / "coinr-asem"),
        "--runs",
        "30",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    sens = pd.read_csv(out / "sensitivity.csv")
    assert list(sens["Variable"]) == ["Winmax", "Normalisation", "Weights", "Aggregation", "SkewThreshold"]
    assert len(pd.read_csv(out / "ranks.csv")) == 30 * 7


def test_example_panel_spec(reference_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "panel"
    args = ["run", str(EXAMPLES / "coinr-asem-panel.yaml"), "--data-dir", str(reference_dir / "coinr-asem")]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "scores.csv")
    assert list(scores.columns[:3]) == ["uCode", "Time", "Rank"]
    assert scores.groupby("Time")["uCode"].nunique().eq(51).all()
    norm = pd.read_csv(out / "Normalised.csv")
    # one normalisation over the whole panel: each indicator spans [0, 100] over all years, not each year
    ind = [c for c in norm.columns if c not in {"uCode", "Time"}]
    assert (norm[ind].min() == 0).all() and (norm[ind].max() == 100).all()
    per_year_max = norm.groupby("Time")[ind].max()
    assert (per_year_max < 100).any().any()
