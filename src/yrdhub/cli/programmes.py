"""`yrdhub programmes import` / `import-projects` / `template`: bulk files, all rows or none; every bad row is
listed with its line, column and the refusal in the chosen language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from yrdhub import errors, i18n
from yrdhub.accounts import service as accounts
from yrdhub.cli.core import _user, console, err, fail, operator, unit_of_work
from yrdhub.config import get_settings
from yrdhub.i18n import N_

app = typer.Typer(no_args_is_help=True, help="Programmes and projects")

FileArg = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV (UTF-8/GBK), XLSX or JSON")
AsOpt = typer.Option(None, "--as", help="act as this user (with their rights)")
DryOpt = typer.Option(False, "--dry-run", help="check only, write nothing")
MapOpt = typer.Option(None, "--map", help="column mapping source=field (repeatable)")
IgnoreOpt = typer.Option(False, "--ignore-unknown", help="ignore unknown columns")
LangOpt = typer.Option("zh", "--lang", help="language of the report: zh or en")

LINE, COLUMN, PROBLEM = N_("Line"), N_("Column"), N_("Problem")
REFUSED = N_("{count} rows have problems; nothing was written.")
DONE = N_("{format}: {rows} rows — created {created}, updated {updated}, unchanged {unchanged}")
DRY = N_("Dry run: nothing was written.")
MORE = N_("… and {count} more")
WRITTEN = N_("Written: {path}")


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or ():
        source, sep, key = pair.partition("=")
        if not sep or not source.strip() or not key.strip():
            raise fail(errors.render("programme_import.mapping", {"value": pair}, "en"))
        out[source.strip()] = key.strip()
    return out


def run(fn: Callable[..., Any], file: Path, as_user: str | None, dry_run: bool, lang: str, **options: Any) -> None:
    """A progress bar, every bad row in a table (nothing written), or the counts."""
    language = i18n.lang_of(lang)
    data = file.read_bytes()
    progress = Progress(TextColumn(file.name), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, transient=True)
    with progress, unit_of_work() as session:
        actor = accounts.actor_for(_user(session, as_user), via="cli") if as_user else operator()
        task = progress.add_task("import", total=None)
        report = fn(session, actor=actor, data=data, filename=file.name, dry_run=dry_run,
                    max_rows=get_settings().max_import_rows,
                    progress=lambda done, total: progress.update(task, completed=done, total=total), **options)
        if not report.ok or dry_run:
            session.rollback()
    if report.errors:
        table = Table(*(i18n.gettext(language, h) for h in (LINE, COLUMN, PROBLEM)),
                      title=i18n.format_message(REFUSED, {"count": len(report.errors)}, language))
        for e in report.errors[:200]:
            table.add_row(str(e.line), e.column or "", errors.render(e.code, e.params, language))
        err.print(table)
        if len(report.errors) > 200:
            err.print(i18n.format_message(MORE, {"count": len(report.errors) - 200}, language))
        raise typer.Exit(1)
    if dry_run:
        console.print(f"[yellow]{i18n.gettext(language, DRY)}[/yellow]")
    console.print(i18n.format_message(DONE, {"format": report.fmt, "rows": report.rows, "created": report.created,
                                             "updated": report.updated, "unchanged": report.unchanged}, language))


@app.command("import")
def programmes_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                      map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt, lang: str = LangOpt) -> None:
    """Import programmes by code: all rows or none."""
    from yrdhub.programmes.imports import import_programmes

    run(import_programmes, file, as_user, dry_run, lang, mapping=parse_mapping(map), ignore_unknown=ignore_unknown)


@app.command("import-projects")
def projects_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                    map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt, lang: str = LangOpt,
                    programme: str | None = typer.Option(None, help="programme for rows without one"),
                    call: str | None = typer.Option(None, help="call for rows without one")) -> None:
    """Import projects decided outside the platform (participants, each funder's yearly shares) by code: all rows
    or none."""
    from yrdhub.programmes.imports import import_projects

    run(import_projects, file, as_user, dry_run, lang, mapping=parse_mapping(map), ignore_unknown=ignore_unknown,
        programme=programme, call=call)


@app.command("template")
def template(kind: str = typer.Argument(..., help="programmes | projects"),
             out: Path = typer.Option(..., "--out", "-o", help="XLSX file to write"), lang: str = LangOpt) -> None:
    """Write an import template (XLSX with the Chinese headers and an example row)."""
    from yrdhub.programmes.imports import EXAMPLES, xlsx_template

    if kind not in EXAMPLES:
        raise fail(f"{kind}: programmes | projects")
    out.write_bytes(xlsx_template(kind))
    console.print(i18n.format_message(WRITTEN, {"path": str(out)}, i18n.lang_of(lang)))
