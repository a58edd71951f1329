"""`yrdhub outputs import reports|achievements FILE`, `template`, `reindex`: bulk files on the import engine (all
rows or none, every problem with its line and code), in the language asked for."""

from __future__ import annotations

from enum import StrEnum
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
    unit_of_work,
)
from yrdhub.cli.text import App, say
from yrdhub.i18n import N_

app = App(help=N_("S&T reports and achievements"))


class Kind(StrEnum):
    reports = "reports"
    achievements = "achievements"


KindArg = typer.Argument(..., help=N_("reports or achievements"))


@app.command("import", help=N_("Import reports (by number) or achievements (by kind and identifier): all rows or "
                               "none."))
def outputs_import(kind: Kind = KindArg, file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                   map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt,
                   lang: str | None = LangOpt) -> None:
    from yrdhub.outputs.imports import IMPORTERS

    import_file(IMPORTERS[kind.value], file, as_user, dry_run=dry_run, mapping=parse_mapping(map, lang),
                ignore_unknown=ignore_unknown, lang=lang)


@app.command("template", help=N_("Write an import template: an XLSX with the Chinese headers and an example row."))
def template(kind: Kind = KindArg,
             out: Path = typer.Option(..., "--out", "-o", help=N_("The XLSX file to write"))) -> None:
    from yrdhub.outputs.imports import templates

    out.write_bytes(templates()[kind.value])
    console.print(say(N_("Written: {path}"), path=str(out)))


@app.command("reindex", help=N_("Index every report and achievement for search again (their grants from the read "
                                "rules)."))
def reindex() -> None:
    from yrdhub.outputs.indexing import reindex_all

    with unit_of_work() as session:
        count = reindex_all(session)
    console.print(say(N_("Indexed for search: {count} reports and achievements."), count=count))
