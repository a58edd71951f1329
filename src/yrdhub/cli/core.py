"""Platform commands: serve, db, data, users, orgs, audit; and what every command shares (the operator, a unit of
work, the options of the import commands and the one import shell)."""

from __future__ import annotations

import getpass
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.orm import Session

from yrdhub import errors, i18n, imports
from yrdhub.accounts import audit
from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import Actor, Grant
from yrdhub.accounts.schemas import GrantRequest, UserCreate
from yrdhub.cli.text import App, cli_lang, err, refused, say, t
from yrdhub.config import get_settings
from yrdhub.db import make_engine, session_factory, transaction
from yrdhub.i18n import N_, Lang

console = Console()

db_app = App(help=N_("Database"))
data_app = App(help=N_("Bundled data"))
users_app = App(help=N_("Users and roles"))
orgs_app = App(help=N_("Organisations"))
audit_app = App(help=N_("Audit log"))

LangOpt = typer.Option(None, "--lang", help=N_("Language of the report: zh or en (default: YRDHUB_DEFAULT_LANG)"))
FileArg = typer.Argument(..., exists=True, dir_okay=False, readable=True, help=N_("CSV (UTF-8 or GBK), XLSX or JSON"))
AsOpt = typer.Option(None, "--as", help=N_("Act as this user (with their rights)"))
DryOpt = typer.Option(False, "--dry-run", help=N_("Check only; write nothing"))
MapOpt = typer.Option(None, "--map", help=N_("Read a column of the file as a field: source=field (repeatable)"))
IgnoreOpt = typer.Option(False, "--ignore-unknown", help=N_("Ignore the columns no field takes"))
SCOPE = N_("Scope of the role: a province code such as 320000, or org:<id>")


def register(app: typer.Typer) -> None:
    app.command(help=N_("Start the web platform."))(serve)
    for name, sub in (("db", db_app), ("data", data_app), ("users", users_app), ("orgs", orgs_app),
                      ("audit", audit_app)):
        app.add_typer(sub, name=name)


def operator() -> Actor:
    """Whoever runs the CLI on the server acts as the joint office, audited under their OS account."""
    return Actor(username=f"cli:{getpass.getuser()}", grants=(Grant("office_admin"),), via="cli")


@contextmanager
def unit_of_work() -> Iterator[Session]:
    engine = make_engine(get_settings().database_url)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def report_lang(lang: str | None) -> Lang:
    """The language a command's `--lang` asks for; the CLI's language when it asks for none."""
    return i18n.lang_of(lang) if lang else cli_lang()


def serve(host: str | None = typer.Option(None, help=N_("Address to listen on (default: YRDHUB_HOST)")),
          port: int | None = typer.Option(None, help=N_("Port to listen on (default: YRDHUB_PORT)")),
          reload: bool = typer.Option(False, help=N_("Restart when the code changes (development only)"))) -> None:
    import uvicorn

    from yrdhub.migrate import require_current

    settings = get_settings()
    with refused():
        require_current(settings.database_url)
    host, port = host or settings.host, port or settings.port
    console.print(say(N_("yrdhub is running at {url} (Ctrl+C to stop)"), url=f"[bold]http://{host}:{port}[/bold]"))
    uvicorn.run("yrdhub.web.app:create_app", factory=True, host=host, port=port, reload=reload,
                proxy_headers=True, log_level="info")


@db_app.command("upgrade", help=N_("Create the database, or upgrade it to the latest schema."))
def db_upgrade() -> None:
    from yrdhub.migrate import upgrade

    url = get_settings().database_url
    upgrade(url)
    console.print(say(N_("The database is up to date: {url}"), url=_redact(url)))


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


LOADED = N_("Regions: +{regions_added} ~{regions_changed}; statistics: +{statistics_added} ~{statistics_changed}; "
            "monitoring submissions: +{submissions}; plan tasks: +{tasks}; facilities: +{facilities_added} "
            "~{facilities_changed}")


@data_app.command("load", help=N_("Load the bundled data: regions, boundaries, official statistics (safe to run "
                                  "again)."))
def data_load(samples: bool = typer.Option(False, "--samples", help=N_("Also add generated sample data (every "
                                                                       "record marked as a sample)"))) -> None:
    from yrdhub.monitoring import service as monitoring
    from yrdhub.monitoring import tasks as plan_tasks
    from yrdhub.regions.loader import load_bundled
    from yrdhub.resources import facilities

    with unit_of_work() as session:
        report = load_bundled(session, actor=operator())
        submissions = monitoring.load_bundled(session, actor=operator())
        tasks = plan_tasks.load_bundled(session, actor=operator())
        registry = facilities.load(session, actor=operator())
        evaluated = _default_evaluation(session)
        if samples:
            from yrdhub.cli.samples import load_samples

            added = load_samples(session, actor=operator())
            console.print(t(N_("Sample data loaded.") if added else N_("Sample data already there.")))
    console.print(say(LOADED, regions_added=report.regions_added, regions_changed=report.regions_changed,
                      statistics_added=report.statistics_added, statistics_changed=report.statistics_changed,
                      submissions=submissions, tasks=tasks, facilities_added=registry["created"],
                      facilities_changed=registry["updated"]))
    if evaluated:
        console.print(say(N_("Evaluation #{id} computed and published."), id=str(evaluated)))


def _default_evaluation(session: Session) -> int | None:
    """A first evaluation of the bundled framework, published, so a new platform shows results on its first
    start (later runs are published by the joint office when it has checked them)."""
    from yrdhub.monitoring import evaluations
    from yrdhub.monitoring import service as monitoring

    framework = monitoring.get_framework(session, "yrd-monitoring")
    if framework is None or evaluations.latest(session, framework) is not None:
        return None
    run = evaluations.run(session, actor=operator(), framework=framework)
    evaluations.publish(session, actor=operator(), run=run)
    return run.id


@users_app.command("create", help=N_("Create a user, with a random initial password shown once."))
def users_create(username: str, display_name: str = typer.Option("", help=N_("Display name")),
                 email: str | None = typer.Option(None, help=N_("Email address")),
                 role: str | None = typer.Option(None, help=N_("A role to grant at once")),
                 scope: str = typer.Option("", help=SCOPE),
                 password: str | None = typer.Option(
                     None, "--password", envvar="YRDHUB_NEW_PASSWORD", show_default=False,
                     help=N_("Initial password (better through the variable: it stays out of the process list); "
                             "random when absent"))) -> None:
    password = password or secrets.token_urlsafe(15)
    with refused(), unit_of_work() as session:
        data = UserCreate(username=username, password=password, display_name=display_name, email=email)
        user = accounts.create_user(session, actor=operator(), data=data)
        if role:
            accounts.grant(session, actor=operator(), user=user, data=GrantRequest(role=role, scope=scope))
    console.print(say(N_("Created user {username}; initial password (shown once): {password}"),
                      username=f"[bold]{escape(username)}[/bold]", password=f"[bold yellow]{password}[/bold yellow]"))


def _user(session: Session, username: str) -> accounts.User:
    return accounts.require_user(session, username=username)


def _role(role: str, scope: str) -> str:
    return f"{role}@{scope}" if scope else role


@users_app.command("grant", help=N_("Grant a role."))
def users_grant(username: str, role: str, scope: str = typer.Option("", help=SCOPE)) -> None:
    with refused(), unit_of_work() as session:
        accounts.grant(session, actor=operator(), user=_user(session, username),
                       data=GrantRequest(role=role, scope=scope))
    console.print(say(N_("Granted {role} to {username}."), role=_role(role, scope), username=username))


@users_app.command("revoke", help=N_("Revoke a role."))
def users_revoke(username: str, role: str, scope: str = typer.Option("", help=SCOPE)) -> None:
    with refused(), unit_of_work() as session:
        removed = accounts.revoke(session, actor=operator(), user=_user(session, username),
                                  data=GrantRequest(role=role, scope=scope))
    message = N_("Revoked {role} from {username}.") if removed else N_("{username} did not have {role}.")
    console.print(say(message, role=_role(role, scope), username=username))


@users_app.command("list", help=N_("List users."))
def users_list() -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    table = Table(*(t(h) for h in (N_("Username"), N_("Display name"), N_("Roles"), N_("Active"))))
    with unit_of_work() as session:
        for user in session.execute(select(accounts.User).options(selectinload(accounts.User.grants))
                                    .order_by(accounts.User.username)).scalars():
            roles = ", ".join(_role(g.role, g.scope) for g in user.grants)
            table.add_row(user.username, user.display_name, roles, "✓" if user.is_active else "✗")
    console.print(table)


FIRST_START = N_("First start")


@users_app.command("bootstrap", help=N_("On the first start, create an office_admin when there is no user yet "
                                        "(the password is printed once)."))
def users_bootstrap(username: str = typer.Option("admin", help=N_("The administrator's username"))) -> None:
    with unit_of_work() as session:
        created = accounts.bootstrap_admin(session, actor=operator(), username=username)
    if created:
        username, password = created
        console.rule(f"[bold yellow]{escape(t(FIRST_START))}")
        console.print(say(N_("Administrator (office_admin): {username}  password: {password}"),
                          username=f"[bold]{username}[/bold]", password=f"[bold yellow]{password}[/bold yellow]"))
        console.print(t(N_("This password is shown only once: store it now.")))
        console.rule()


@orgs_app.command("import", help=N_("Import organisations (CSV, XLSX or JSON): all rows or none."))
def orgs_import(file: Path = FileArg, as_user: str | None = AsOpt, dry_run: bool = DryOpt,
                lang: str | None = LangOpt) -> None:
    from yrdhub.regions.imports import OrgImporter

    import_file(OrgImporter, file, as_user, dry_run=dry_run, lang=lang)


INTACT = N_("Audit log intact: {events} events.")


@audit_app.command("verify", help=N_("Verify the audit log's hash chain."))
def audit_verify() -> None:
    with unit_of_work() as session:
        result = audit.verify(session)
    if result.ok:
        console.print(escape(say(INTACT, events=result.events)), style="green")
        return
    err.print(escape(say(N_("Audit log TAMPERED at event {seq}: {reason} ({events} events verified before it)."),
                         seq=str(result.first_bad_seq), reason=result.reason, events=result.events)), style="red")
    sys.exit(2)


LINE, COLUMN, CODE, PROBLEM = N_("Line"), N_("Column"), N_("Code"), N_("Problem")
DONE = N_("{format}: {rows} rows — created {created}, updated {updated}, unchanged {unchanged}")
DRY = N_("Dry run: nothing was written.")
MORE = N_("… and {count} more")


def parse_mapping(pairs: list[str] | None, lang: str | None = None) -> dict[str, str]:
    """`--map source=field`, repeatable: a column of the file read as a field of the schema."""
    with refused(report_lang(lang)):
        return imports.mapping_of(pairs)


def import_file(importer: Callable[[Session, Actor], imports.Importer], file: Path, as_user: str | None, *,
                dry_run: bool = False, mapping: dict[str, str] | None = None, ignore_unknown: bool = False,
                lang: str | None = None) -> None:
    """The one shell of every import command: a progress bar, every problem of the file in a table in the chosen
    language, the counts at the end. Exit status 1 when the file was refused (nothing is written then)."""
    settings = get_settings()
    language = report_lang(lang)
    data = file.read_bytes()
    progress = Progress(TextColumn(file.name), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, transient=True)
    with refused(language), progress, unit_of_work() as session:
        actor = accounts.actor_for(_user(session, as_user), via="cli") if as_user else operator()
        task = progress.add_task("import", total=None)
        report = imports.run(session, importer, actor=actor, data=data, filename=file.name, dry_run=dry_run,
                             mapping=mapping, ignore_unknown=ignore_unknown, max_rows=settings.max_import_rows,
                             progress=lambda done, total: progress.update(task, completed=done, total=total))
        if not report.ok or dry_run:
            session.rollback()
    if report.errors:
        table = Table(*(i18n.gettext(language, h) for h in (LINE, COLUMN, CODE, PROBLEM)),
                      title=errors.render("import.refused", {"count": len(report.errors)}, language))
        for e in report.errors[:200]:
            table.add_row(str(e.line) if e.line else "—", e.column or "", e.code,
                          errors.render(e.code, e.params, language))
        err.print(table)
        if len(report.errors) > 200:
            err.print(i18n.format_message(MORE, {"count": len(report.errors) - 200}, language))
        raise typer.Exit(1)
    if dry_run:
        console.print(f"[yellow]{i18n.gettext(language, DRY)}[/yellow]")
    console.print(i18n.format_message(DONE, {"format": report.fmt, "rows": report.rows, "created": report.created,
                                             "updated": report.updated, "unchanged": report.unchanged}, language))
