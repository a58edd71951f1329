"""`yrdhub outputs import reports|achievements FILE`: bulk files, all rows or none."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from yrdhub.cli.core import console, fail, run_import
from yrdhub.cli.programmes import AsOpt, DryOpt, FileArg, IgnoreOpt, MapOpt, parse_mapping

app = typer.Typer(no_args_is_help=True, help="科技报告与成果 Reports and achievements")


class Kind(StrEnum):
    reports = "reports"
    achievements = "achievements"


@app.command("import")
def outputs_import(kind: Kind = typer.Argument(..., help="reports | achievements"), file: Path = FileArg,
                   as_user: str | None = AsOpt, dry_run: bool = DryOpt, map: list[str] | None = MapOpt,
                   ignore_unknown: bool = IgnoreOpt) -> None:
    """导入科技报告（按报告编号）或科技成果（按类型+标识号）Import reports or achievements: all rows or none."""
    from yrdhub.outputs.imports import import_achievements, import_reports

    fn = import_reports if kind is Kind.reports else import_achievements
    run_import(fn, file, as_user, dry_run, mapping=parse_mapping(map), ignore_unknown=ignore_unknown)


@app.command("template")
def template(kind: Kind = typer.Argument(..., help="reports | achievements"),
             out: Path = typer.Option(..., "--out", "-o", help="写入的 XLSX 文件 XLSX file to write")) -> None:
    """导出导入模板（中文表头）Write an import template (XLSX with Chinese headers)."""
    from yrdhub.outputs.imports import templates

    out.write_bytes(templates()[kind.value])
    console.print(f"已写入 written: {out}")


__all__ = ["app", "fail"]
