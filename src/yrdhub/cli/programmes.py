"""`yrdhub programmes import` / `import-projects` / `template`: bulk files, all rows or none; every bad row is
listed with its line, column and the refusal in the chosen language."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import typer

from yrdhub.cli.core import (
    AsOpt,
    DryOpt,
    FileArg,
    IgnoreOpt,
    LangOpt,
    MapOpt,
    console,
    import_file,
    parse_mapping,
    report_lang,
)
from yrdhub.cli.text import App, fail
from yrdhub.i18n import N_, format_message

app = App(help=N_("Programmes and projects"))

WRITTEN = N_("Written: {path}")


@app.command("import", help=N_("Import programmes by code: all rows or none."))
def programmes_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                      map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt,
                      lang: str | None = LangOpt) -> None:
    from yrdhub.programmes.imports import ProgrammeImporter

    import_file(partial(ProgrammeImporter, filename=file.name, dry_run=dry_run), file, as_user, dry_run=dry_run,
                mapping=parse_mapping(map, lang), ignore_unknown=ignore_unknown, lang=lang)


@app.command("import-projects", help=N_("Import projects decided outside the platform (participants, each funder's "
                                        "yearly shares) by code: all rows or none."))
def projects_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                    map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt, lang: str | None = LangOpt,
                    programme: str | None = typer.Option(None, help=N_("The programme of rows without one")),
                    call: str | None = typer.Option(None, help=N_("The call of rows without one"))) -> None:
    from yrdhub.programmes.imports import ProjectImporter

    importer = partial(ProjectImporter, programme=programme, call=call, filename=file.name, dry_run=dry_run)
    import_file(importer, file, as_user, dry_run=dry_run, mapping=parse_mapping(map, lang),
                ignore_unknown=ignore_unknown, lang=lang)


@app.command("template", help=N_("Write an import template: an XLSX with the Chinese headers and an example row."))
def template(kind: str = typer.Argument(..., help=N_("programmes or projects")),
             out: Path = typer.Option(..., "--out", "-o", help=N_("The XLSX file to write")),
             lang: str | None = LangOpt) -> None:
    from yrdhub.programmes.imports import EXAMPLES, xlsx_template

    language = report_lang(lang)
    if kind not in EXAMPLES:
        raise fail(format_message(N_("There is no template {kind}: programmes or projects."), {"kind": kind},
                                  language), lang=language)
    out.write_bytes(xlsx_template(kind))
    console.print(format_message(WRITTEN, {"path": str(out)}, language))
