"""`yrdhub programmes import` / `import-projects` / `template`: bulk files, all rows or none; every bad row is
listed with its line, column and the refusal in the chosen language."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import typer

from yrdhub import i18n
from yrdhub.cli.core import LangOpt, console, fail, import_file, parse_mapping
from yrdhub.i18n import N_

app = typer.Typer(no_args_is_help=True, help="Programmes and projects")

FileArg = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV (UTF-8/GBK), XLSX or JSON")
AsOpt = typer.Option(None, "--as", help="act as this user (with their rights)")
DryOpt = typer.Option(False, "--dry-run", help="check only, write nothing")
MapOpt = typer.Option(None, "--map", help="column mapping source=field (repeatable)")
IgnoreOpt = typer.Option(False, "--ignore-unknown", help="ignore unknown columns")

WRITTEN = N_("Written: {path}")


@app.command("import")
def programmes_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                      map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt,
                      lang: str | None = LangOpt) -> None:
    """Import programmes by code: all rows or none."""
    from yrdhub.programmes.imports import ProgrammeImporter

    import_file(partial(ProgrammeImporter, filename=file.name, dry_run=dry_run), file, as_user, dry_run=dry_run,
                mapping=parse_mapping(map, lang), ignore_unknown=ignore_unknown, lang=lang)


@app.command("import-projects")
def projects_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                    map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt, lang: str | None = LangOpt,
                    programme: str | None = typer.Option(None, help="programme for rows without one"),
                    call: str | None = typer.Option(None, help="call for rows without one")) -> None:
    """Import projects decided outside the platform (participants, each funder's yearly shares) by code: all rows
    or none."""
    from yrdhub.programmes.imports import ProjectImporter

    importer = partial(ProjectImporter, programme=programme, call=call, filename=file.name, dry_run=dry_run)
    import_file(importer, file, as_user, dry_run=dry_run, mapping=parse_mapping(map, lang),
                ignore_unknown=ignore_unknown, lang=lang)


@app.command("template")
def template(kind: str = typer.Argument(..., help="programmes | projects"),
             out: Path = typer.Option(..., "--out", "-o", help="XLSX file to write"),
             lang: str | None = LangOpt) -> None:
    """Write an import template (XLSX with the Chinese headers and an example row)."""
    from yrdhub.programmes.imports import EXAMPLES, xlsx_template

    if kind not in EXAMPLES:
        raise fail(f"{kind}: programmes | projects")
    out.write_bytes(xlsx_template(kind))
    console.print(i18n.format_message(WRITTEN, {"path": str(out)}, i18n.lang_of(lang)))
