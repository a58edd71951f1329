"""`yrdhub resources import FILE`, `statement`, `facilities`: instruments in bulk on the import engine, monthly
statements of metered use, and the registry of facilities."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from rich.table import Table

from yrdhub.cli.core import LangOpt, console, import_file, operator, parse_mapping, unit_of_work

app = typer.Typer(no_args_is_help=True, help="Research infrastructure, instruments and bookings (resources)")


@app.command("import")
def resources_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                                 help="CSV (UTF-8/GBK), XLSX or JSON"),
                     as_user: str | None = typer.Option(None, "--as", help="act as this user (with their rights)"),
                     dry_run: bool = typer.Option(False, "--dry-run", help="check only, write nothing"),
                     map: list[str] | None = typer.Option(None, "--map",
                                                          help="column mapping source=field (repeatable)"),
                     ignore_unknown: bool = typer.Option(False, "--ignore-unknown", help="ignore unknown columns"),
                     lang: str | None = LangOpt) -> None:
    """Import instruments (by code) in the provincial sharing platforms' layout: all rows or none."""
    from yrdhub.resources.imports import InstrumentImporter

    import_file(InstrumentImporter, file, as_user, dry_run=dry_run, mapping=parse_mapping(map, lang),
                ignore_unknown=ignore_unknown, lang=lang)


@app.command("statement")
def statement(month: str = typer.Argument(..., help="YYYY-MM (Beijing time)"),
              by: str = typer.Option("org", "--by", help="org | instrument")) -> None:
    """A month's metered uses summed per paying organisation or per instrument (charges in yuan)."""
    from yrdhub.resources import usage
    from yrdhub.resources.schemas import yuan

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month) or by not in usage.STATEMENT_KEYS:
        raise typer.BadParameter(f"{month} --by {by}")
    with unit_of_work() as session:
        rows = usage.statement(session, actor=operator(), month=month, by=by)
    table = Table(by, "unit", "uses", "quantity", "yuan", title=month)
    for row in rows:
        table.add_row(str(row[by]), row["unit"], str(row["uses"]), str(row["quantity"]), str(yuan(row["charge_fen"])))
    console.print(table)


@app.command("facilities")
def list_facilities() -> None:
    """The registry of the plan's facilities, laboratories and centres, with the number of sources of each."""
    from yrdhub.resources import facilities

    with unit_of_work() as session:
        rows = facilities.listing(session, actor=operator())
        table = Table("key", "kind", "city", "status", "sources")
        for f in rows:
            table.add_row(f.key, f.kind, f.city_code or "—", f.status or "—", str(len(f.sources)))
    console.print(table)
