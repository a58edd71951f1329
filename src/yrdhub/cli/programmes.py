"""`yrdhub programmes import` / `yrdhub programmes import-projects`: bulk files, all rows or none."""

from __future__ import annotations

from pathlib import Path

import typer

from yrdhub.cli.core import console, fail, run_import

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
