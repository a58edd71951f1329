"""`yrdhub outputs import reports|achievements FILE`, `template`, `reindex`: bulk files on the import engine (all
rows or none, every problem with its line and code), in the language asked for."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from yrdhub.cli.core import LangOpt, console, import_file, parse_mapping, unit_of_work

app = typer.Typer(no_args_is_help=True, help="S&T reports and achievements (outputs)")


class Kind(StrEnum):
    reports = "reports"
    achievements = "achievements"


@app.command("import")
def outputs_import(kind: Kind = typer.Argument(..., help="reports | achievements"),
                   file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                               help="CSV (UTF-8/GBK), XLSX or JSON"),
                   as_user: str | None = typer.Option(None, "--as", help="act as this user (with their rights)"),
                   dry_run: bool = typer.Option(False, "--dry-run", help="check only, write nothing"),
                   map: list[str] | None = typer.Option(None, "--map", help="column mapping source=field (repeatable)"),
                   ignore_unknown: bool = typer.Option(False, "--ignore-unknown", help="ignore unknown columns"),
                   lang: str | None = LangOpt) -> None:
    """Import reports (by number) or achievements (by kind and identifier): all rows or none."""
    from yrdhub.outputs.imports import IMPORTERS

    import_file(IMPORTERS[kind.value], file, as_user, dry_run=dry_run, mapping=parse_mapping(map, lang),
                ignore_unknown=ignore_unknown, lang=lang)


@app.command("template")
def template(kind: Kind = typer.Argument(..., help="reports | achievements"),
             out: Path = typer.Option(..., "--out", "-o", help="the XLSX file to write")) -> None:
    """Write an import template (an XLSX with the Chinese headers and an example row)."""
    from yrdhub.outputs.imports import templates

    out.write_bytes(templates()[kind.value])
    console.print(str(out))


@app.command("reindex")
def reindex() -> None:
    """Index every report and achievement for search again (their grants from the read rules)."""
    from yrdhub.outputs.indexing import reindex_all

    with unit_of_work() as session:
        count = reindex_all(session)
    console.print(str(count))
