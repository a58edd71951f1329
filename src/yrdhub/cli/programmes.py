"""`yrdhub programmes import` / `yrdhub programmes import-projects`: bulk files, all rows or none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from yrdhub.accounts import service as accounts
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.cli.core import _user, console, err, fail, operator, unit_of_work

app = typer.Typer(no_args_is_help=True, help="科技计划 Programmes and projects")

FileArg = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV (UTF-8/GBK), XLSX 或 or JSON")
AsOpt = typer.Option(None, "--as", help="以该用户身份导入（按其权限）act as this user (with their rights)")
DryOpt = typer.Option(False, "--dry-run", help="只检查，不写入 check only, write nothing")
MapOpt = typer.Option(None, "--map", help="列映射 源列=字段，可重复 column mapping source=field (repeatable)")
IgnoreOpt = typer.Option(False, "--ignore-unknown", help="忽略无法识别的列 ignore unknown columns")


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or ():
        source, sep, key = pair.partition("=")
        if not sep or not source.strip() or not key.strip():
            raise fail(f"映射格式应为 源列=字段 / --map must be source=field: {pair}")
        out[source.strip()] = key.strip()
    return out


def run_import(fn: Callable[..., Any], file: Path, as_user: str | None, dry_run: bool, **options: Any) -> None:
    """Shared by the import commands: a progress bar, every bad row in a table, counts at the end."""
    data = file.read_bytes()
    progress = Progress(TextColumn("导入 importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, transient=True)
    try:
        with progress, unit_of_work() as session:
            actor = operator()
            if as_user:
                actor = accounts.actor_for(_user(session, as_user), via="cli")
            task = progress.add_task("import", total=None)
            report = fn(session, actor=actor, data=data, filename=file.name, dry_run=dry_run,
                        progress=lambda done, total: progress.update(task, completed=done, total=total), **options)
            if not report.ok or dry_run:
                session.rollback()
    except PermissionDenied as exc:
        raise fail(f"无权导入 not allowed: {exc}") from exc
    if report.file_error:
        raise fail(report.file_error)
    if report.errors:
        table = Table("行 line", "字段 field", "原因 reason", title=f"{len(report.errors)} 行有误，未写入任何数据 "
                      f"— {len(report.errors)} bad rows, nothing written")
        for e in report.errors[:200]:
            table.add_row(str(e.line), e.field or "", e.reason)
        err.print(table)
        if len(report.errors) > 200:
            err.print(f"… 另有 {len(report.errors) - 200} 行 and {len(report.errors) - 200} more")
        raise typer.Exit(1)
    prefix = "[yellow]试运行，未写入 dry run, nothing written[/yellow] — " if dry_run else ""
    console.print(f"{prefix}{report.fmt}: {report.rows} 行 rows — 新增 created {report.created}, 更新 updated "
                  f"{report.updated}, 未变 unchanged {report.unchanged}")


@app.command("import")
def programmes_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                      map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt) -> None:
    """导入科技计划（按计划编号；全部成功或全部不写入）Import programmes by code: all rows or none."""
    from yrdhub.programmes.imports import import_programmes

    run_import(import_programmes, file, as_user, dry_run, mapping=parse_mapping(map), ignore_unknown=ignore_unknown)


@app.command("import-projects")
def projects_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                    map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt,
                    programme: str | None = typer.Option(None, help="无“计划编号”列时的计划 programme for rows "
                                                                   "without one"),
                    call: str | None = typer.Option(None, help="无“指南编号”列时的指南 call for rows without one")
                    ) -> None:
    """导入项目（参与单位、各出资方分年度经费；按项目编号）Import projects by code: all rows or none."""
    from yrdhub.programmes.imports import import_projects

    run_import(import_projects, file, as_user, dry_run, mapping=parse_mapping(map), ignore_unknown=ignore_unknown,
               programme=programme, call=call)


@app.command("template")
def template(kind: str = typer.Argument(..., help="programmes | projects"),
             out: Path = typer.Option(..., "--out", "-o", help="写入的 XLSX 文件 XLSX file to write")) -> None:
    """导出导入模板（中文表头）Write an import template (XLSX with Chinese headers)."""
    from yrdhub.programmes.imports import EXAMPLES
    from yrdhub.programmes.imports import template as make

    if kind not in EXAMPLES:
        raise fail(f"未知模板 unknown template: {kind} (programmes, projects)")
    out.write_bytes(make(*EXAMPLES[kind]))
    console.print(f"已写入 written: {out}")
