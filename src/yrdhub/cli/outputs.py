"""`yrdhub outputs import reports|achievements FILE`, `template`, `reindex`: bulk files on the import engine (all
rows or none, every problem with its line and code), in the language asked for."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from yrdhub.cli.core import console, err, fail, operator, unit_of_work
from yrdhub.i18n import N_, Lang, gettext

HEADER = (N_("Line"), N_("Column"), N_("Code"), N_("Problem"))
COUNTS = {"created": N_("created"), "updated": N_("updated"), "unchanged": N_("unchanged")}
DRY_RUN, NO_USER = N_("dry run, nothing written"), N_("No such user: {username}.")

app = typer.Typer(no_args_is_help=True, help="S&T reports and achievements (outputs)")
LangOpt = typer.Option("zh", "--lang", help="zh or en: the language of the messages")


class Kind(StrEnum):
    reports = "reports"
    achievements = "achievements"


def _message(code: str, params: dict[str, object], lang: Lang) -> str:
    from yrdhub.errors import render

    return render(code, params, lang)


@app.command("import")
def outputs_import(kind: Kind = typer.Argument(..., help="reports | achievements"),
                   file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                               help="CSV (UTF-8/GBK), XLSX or JSON"),
                   as_user: str | None = typer.Option(None, "--as", help="act as this user (with their rights)"),
                   dry_run: bool = typer.Option(False, "--dry-run", help="check only, write nothing"),
                   map: list[str] | None = typer.Option(None, "--map", help="column mapping source=field (repeatable)"),
                   ignore_unknown: bool = typer.Option(False, "--ignore-unknown", help="ignore unknown columns"),
                   lang: str = LangOpt) -> None:
    """Import reports (by number) or achievements (by kind and identifier): all rows or none."""
    from yrdhub.accounts import service as accounts
    from yrdhub.config import get_settings
    from yrdhub.i18n import format_message, lang_of
    from yrdhub.imports import run
    from yrdhub.outputs.imports import IMPORTERS

    language = lang_of(lang)
    mapping = {}
    for pair in map or ():
        source, sep, key = pair.partition("=")
        if not sep:
            raise fail(_message("output.mapping", {"pair": pair}, language))
        mapping[source.strip()] = key.strip()
    with unit_of_work() as session:
        actor = operator()
        if as_user:
            user = accounts.get_user(session, username=as_user)
            if user is None:
                raise fail(format_message(NO_USER, {"username": as_user}, language))
            actor = accounts.actor_for(user, via="cli")
        report = run(session, IMPORTERS[kind.value], actor=actor, data=file.read_bytes(), filename=file.name,
                     dry_run=dry_run, mapping=mapping, ignore_unknown=ignore_unknown,
                     max_rows=get_settings().max_import_rows)
        if report.errors:
            session.rollback()
    if report.errors:
        table = Table(*(gettext(language, h) for h in HEADER), title=_message("invalid", {}, language))
        for e in report.errors[:200]:
            table.add_row(str(e.line), e.column or "", e.code, _message(e.code, dict(e.params), language))
        err.print(table)
        raise typer.Exit(1)
    console.print(f"{report.fmt}: " + ", ".join(f"{gettext(language, label)} {getattr(report, name)}"
                                                for name, label in COUNTS.items())
                  + (f" ({gettext(language, DRY_RUN)})" if dry_run else ""))


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
