"""`yrdhub resources import FILE`, `statement`, `facilities`: instruments in bulk on the import engine, monthly
statements of metered use, and the registry of facilities."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from rich.table import Table

from yrdhub.cli.core import (
    AsOpt,
    DryOpt,
    FileArg,
    IgnoreOpt,
    LangOpt,
    MapOpt,
    console,
    import_file,
    operator,
    parse_mapping,
    unit_of_work,
)
from yrdhub.cli.text import App, fail, say, t
from yrdhub.i18n import N_

app = App(help=N_("Research infrastructure, instruments and bookings"))
BY = {"org": N_("Organisation"), "instrument": N_("Instrument")}


@app.command("import", help=N_("Import instruments (by code) in the provincial sharing platforms' layout: all rows "
                               "or none."))
def resources_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                     map: list[str] | None = MapOpt, ignore_unknown: bool = IgnoreOpt,
                     lang: str | None = LangOpt) -> None:
    from yrdhub.resources.imports import InstrumentImporter

    import_file(InstrumentImporter, file, as_user, dry_run=dry_run, mapping=parse_mapping(map, lang),
                ignore_unknown=ignore_unknown, lang=lang)


@app.command("statement", help=N_("A month's metered uses summed per paying organisation or per instrument "
                                  "(charges in yuan)."))
def statement(month: str = typer.Argument(..., help=N_("The month, YYYY-MM (Beijing time)")),
              by: str = typer.Option("org", "--by", help=N_("org or instrument"))) -> None:
    from yrdhub.resources import usage
    from yrdhub.resources.schemas import yuan

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month) or by not in usage.STATEMENT_KEYS:
        raise typer.BadParameter(say(N_("A month is written YYYY-MM and --by is org or instrument: {month} --by "
                                        "{by}"), month=month, by=by))
    with unit_of_work() as session:
        rows = usage.statement(session, actor=operator(), month=month, by=by)
    table = Table(*(t(h) for h in (BY[by], N_("Unit of use"), N_("Uses"), N_("Quantity"), N_("Charge (yuan)"))),
                  title=month)
    for row in rows:
        table.add_row(str(row[by]), row["unit"], str(row["uses"]), str(row["quantity"]), str(yuan(row["charge_fen"])))
    console.print(table)


@app.command("facilities", help=N_("The registry of the plan's facilities, laboratories and centres, with the "
                                   "number of sources of each."))
def list_facilities() -> None:
    from yrdhub.resources import facilities

    with unit_of_work() as session:
        rows = facilities.listing(session, actor=operator())
        table = Table(*(t(h) for h in (N_("Key"), N_("Kind"), N_("City"), N_("Status"), N_("Sources"))))
        for f in rows:
            table.add_row(f.key, f.kind, f.city_code or "—", f.status or "—", str(len(f.sources)))
    console.print(table)


@app.command("settlement", help=N_("What each issuing jurisdiction owes the providers of each jurisdiction for "
                                   "vouchers, from the ledger (amounts in yuan)."))
def settlement_cmd(first: str = typer.Argument(..., help=N_("The first month, YYYY-MM")),
                   last: str | None = typer.Argument(None, help=N_("The last month, YYYY-MM (the first when absent)"))
                   ) -> None:
    from yrdhub.resources import settlement
    from yrdhub.resources.schemas import yuan

    for month in (first, last or first):
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise typer.BadParameter(say(N_("A month is written YYYY-MM: {month}"), month=month))
    with unit_of_work() as session:
        rows = settlement.statement(session, actor=operator(), first=first, last=last)
    table = Table(*(t(h) for h in (N_("Issuer"), N_("Provider"), N_("Month"), N_("Redemptions"), N_("Amount (yuan)"))))
    for row in rows:
        table.add_row(row["issuer"], row["provider"], row["month"], str(row["redemptions"]),
                      str(yuan(row["amount_fen"])))
    console.print(table)


@app.command("reconcile", help=N_("Prove the voucher ledger: debits equal credits, every transaction balanced, "
                                  "every balance the sum of its entries and none below its floor."))
def reconcile() -> None:
    from yrdhub.resources import ledger
    from yrdhub.resources.schemas import yuan

    with unit_of_work() as session:
        check = ledger.reconcile(session)
    console.print(say(N_("{transactions} transactions; debits {debits} yuan, credits {credits} yuan"),
                      transactions=check.transactions, debits=yuan(check.debits_fen), credits=yuan(check.credits_fen)))
    if not check.ok:
        raise fail(say(N_("The ledger does not reconcile: unbalanced {unbalanced}; drifted {drifted}; below the floor "
                    "{below}"), unbalanced=check.unbalanced, drifted=check.drifted, below=check.below_floor))
    console.print(t(N_("The ledger reconciles.")))


@app.command("expire-vouchers", help=N_("Expire the vouchers past their last day: their holds voided, their "
                                        "balances back to their schemes' budgets."))
def expire_vouchers() -> None:
    from yrdhub.resources import vouchers

    with unit_of_work() as session:
        count = vouchers.expire(session, actor=operator())
    console.print(say(N_("Vouchers expired: {count}"), count=count))
