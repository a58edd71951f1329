"""Writing results: one CSV per stage or one XLSX sheet per stage, plus the log as YAML."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from .pipeline import Results


def write_log(results: Results, path: str | Path) -> None:
    """The steps with every parameter (``Pipeline.from_log(doc["steps"])`` re-runs them) and the framework."""
    fw = results.framework.to_frame().astype(object)
    framework = [{k: v for k, v in r.items() if v is not None and v == v} for r in fw.to_dict("records")]
    doc = {"steps": results.log, "framework": framework}
    Path(path).write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")


def write_csvs(results: Results, out: str | Path) -> list[Path]:
    """``scores.csv``, ``<Stage>.csv`` for every data set, ``treatment.csv`` if treated, ``log.yaml``."""
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    written = []
    p = d / "scores.csv"
    results.scores().to_csv(p, index=False)
    written.append(p)
    for name, df in results.datasets.items():
        p = d / f"{name}.csv"
        df.reset_index().to_csv(p, index=False)
        written.append(p)
    for name, step in results.steps.items():
        details = getattr(step, "details_", None)
        if isinstance(details, pd.DataFrame):
            p = d / f"{name}_details.csv"
            details.to_csv(p, index=False)
            written.append(p)
    write_log(results, d / "log.yaml")
    written.append(d / "log.yaml")
    return written


def to_excel(results: Results, path: str | Path) -> Path:
    """One sheet per stage, plus Scores, treatment details, effective weights and the framework."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(p, engine="openpyxl") as xl:
        results.scores().to_excel(xl, sheet_name="Scores", index=False)
        for name, df in results.datasets.items():
            df.reset_index().to_excel(xl, sheet_name=name[:31], index=False)
        for name, step in results.steps.items():
            details = getattr(step, "details_", None)
            if isinstance(details, pd.DataFrame):
                details.to_excel(xl, sheet_name=f"{name}_details"[:31], index=False)
        fw = results.framework.to_frame()
        fw["EffWeight"] = results.framework.effective_weights().reindex(fw["iCode"]).to_numpy()
        fw.to_excel(xl, sheet_name="Framework", index=False)
        pd.DataFrame({"log": [yaml.safe_dump(results.log, sort_keys=False)]}).to_excel(
            xl, sheet_name="Log", index=False
        )
    return p
