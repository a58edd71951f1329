"""Platform commands: serve, db, data, users, orgs, audit."""

from __future__ import annotations

import getpass
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.orm import Session

from yrdhub import errors, i18n, imports
from yrdhub.accounts import audit
from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import Actor, Grant
from yrdhub.accounts.schemas import GrantRequest, UserCreate
from yrdhub.config import get_settings
from yrdhub.db import make_engine, session_factory, transaction
from yrdhub.errors import DomainError
from yrdhub.i18n import N_

console = Console()
err = Console(stderr=True)

db_app = typer.Typer(no_args_is_help=True, help="数据库 Database")
data_app = typer.Typer(no_args_is_help=True, help="内置数据 Bundled data")
users_app = typer.Typer(no_args_is_help=True, help="用户与角色 Users and roles")
orgs_app = typer.Typer(no_args_is_help=True, help="机构 Organisations")
audit_app = typer.Typer(no_args_is_help=True, help="审计日志 Audit log")


def register(app: typer.Typer) -> None:
    app.command()(serve)
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


@contextmanager
def refused() -> Iterator[None]:
    """A refusal (a rule's code, or the schema's field errors) printed in the configured language; exit 1."""
    lang = get_settings().default_lang
    try:
        yield
    except ValidationError as exc:
        raise fail("; ".join((f"{f.field}: " if f.field != "request" else "") + errors.render(f.code, f.params, lang)
                             for f in errors.field_errors(exc))) from exc
    except DomainError as exc:
        problems = exc.field_errors or [errors.FieldError("", exc.code, exc.params)]
        raise fail("; ".join((f"{f.field}: " if f.field else "") + errors.render(f.code, f.params, lang)
                             for f in problems)) from exc


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]错误 error:[/red] {message}")
    return typer.Exit(code)


def serve(host: str | None = None, port: int | None = None, reload: bool = False) -> None:
    """启动平台 Start the web platform."""
    import uvicorn

    from yrdhub.migrate import require_current

    settings = get_settings()
    with refused():
        require_current(settings.database_url)
    host, port = host or settings.host, port or settings.port
    console.print(f"yrdhub 正在运行 running at [bold]http://{host}:{port}[/bold]  (Ctrl+C 停止 to stop)")
    uvicorn.run("yrdhub.web.app:create_app", factory=True, host=host, port=port, reload=reload,
                proxy_headers=True, log_level="info")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """创建或升级数据库 Create or upgrade the database to the latest schema."""
    from yrdhub.migrate import upgrade

    url = get_settings().database_url
    upgrade(url)
    console.print(f"数据库已是最新 database is up to date: {_redact(url)}")


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@data_app.command("load")
def data_load(samples: bool = typer.Option(False, "--samples", help="加入生成的示例数据（标注“示例”）/ add generated "
                                                                      "sample data, marked 示例")) -> None:
    """载入内置数据（地区、边界、官方统计；可重复执行）Load the bundled data (idempotent)."""
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
            console.print("示例数据 sample data: " + ("已载入 loaded" if added else "已存在 already there"))
    console.print(f"地区 regions: +{report.regions_added} ~{report.regions_changed}; "
                  f"统计 statistics: +{report.statistics_added} ~{report.statistics_changed}; "
                  f"监测数据 monitoring submissions: +{submissions}; 规划任务 plan tasks: +{tasks}; "
                  f"设施 facilities: +{registry['created']} ~{registry['updated']}"
                  + (f"; 评估 evaluation #{evaluated}" if evaluated else ""))


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


@users_app.command("create")
def users_create(username: str, display_name: str = typer.Option("", help="显示名 display name"),
                 email: str | None = None,
                 role: str | None = typer.Option(None, help="同时授予的角色 role to grant"),
                 scope: str = typer.Option("", help="角色范围 scope: 320000 or org:<id>"),
                 password: str | None = typer.Option(
                     None, "--password", envvar="YRDHUB_NEW_PASSWORD", show_default=False,
                     help="初始密码 initial password (prefer the variable: it stays out of the process list); "
                          "random when absent")) -> None:
    """创建用户（随机初始密码，仅显示一次）Create a user with a random password, shown once."""
    password = password or secrets.token_urlsafe(15)
    with refused(), unit_of_work() as session:
        data = UserCreate(username=username, password=password, display_name=display_name, email=email)
        user = accounts.create_user(session, actor=operator(), data=data)
        if role:
            accounts.grant(session, actor=operator(), user=user, data=GrantRequest(role=role, scope=scope))
    console.print(f"已创建用户 created [bold]{username}[/bold]; 初始密码 password (仅显示一次 shown once): "
                  f"[bold yellow]{password}[/bold yellow]")


def _user(session: Session, username: str) -> accounts.User:
    return accounts.require_user(session, username=username)


@users_app.command("grant")
def users_grant(username: str, role: str, scope: str = typer.Option("", help="320000 / org:<id>")) -> None:
    """授予角色 Grant a role."""
    with refused(), unit_of_work() as session:
        accounts.grant(session, actor=operator(), user=_user(session, username),
                       data=GrantRequest(role=role, scope=scope))
    console.print(f"已授予 granted {role} {scope} → {username}")


@users_app.command("revoke")
def users_revoke(username: str, role: str, scope: str = typer.Option("", help="320000 / org:<id>")) -> None:
    """撤销角色 Revoke a role."""
    with refused(), unit_of_work() as session:
        removed = accounts.revoke(session, actor=operator(), user=_user(session, username),
                                  data=GrantRequest(role=role, scope=scope))
    console.print(("已撤销 revoked " if removed else "该用户没有此角色 user did not have ") + f"{role} {scope}")


@users_app.command("list")
def users_list() -> None:
    """列出用户 List users."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    table = Table("用户名 username", "显示名 name", "角色 roles", "状态 active")
    with unit_of_work() as session:
        for user in session.execute(select(accounts.User).options(selectinload(accounts.User.grants))
                                    .order_by(accounts.User.username)).scalars():
            roles = ", ".join(f"{g.role}{'@' + g.scope if g.scope else ''}" for g in user.grants)
            table.add_row(user.username, user.display_name, roles, "✓" if user.is_active else "✗")
    console.print(table)


@users_app.command("bootstrap")
def users_bootstrap(username: str = "admin") -> None:
    """首次启动：若无用户则创建联合办公室管理员 On first start create an office_admin (password printed once)."""
    with unit_of_work() as session:
        created = accounts.bootstrap_admin(session, actor=operator(), username=username)
    if created:
        username, password = created
        console.rule("[bold yellow]首次启动 first start")
        console.print(f"管理员 office_admin: [bold]{username}[/bold]  密码 password: [bold yellow]{password}"
                      "[/bold yellow]\n此密码仅显示一次，请立即保存 — shown only once, store it now.")
        console.rule()


@orgs_app.command("import")
def orgs_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
                as_user: str | None = typer.Option(None, "--as", help="以该用户身份导入 act as this user"),
                dry_run: bool = typer.Option(False, "--dry-run", help="只检查，不写入 check only, write nothing"),
                lang: str | None = typer.Option(None, "--lang", help="language of the report: zh or en")) -> None:
    """导入机构（CSV/XLSX/JSON；全部成功或全部不写入）Import organisations: all rows or none."""
    from yrdhub.regions.imports import OrgImporter

    import_file(OrgImporter, file, as_user, dry_run=dry_run, lang=lang)


@audit_app.command("verify")
def audit_verify() -> None:
    """校验审计日志哈希链 Verify the audit log's hash chain."""
    with unit_of_work() as session:
        result = audit.verify(session)
    if result.ok:
        console.print(f"[green]审计日志完整 audit log intact[/green]: {result.events} 条事件 events")
        return
    err.print(f"[red]审计日志被篡改 audit log TAMPERED[/red] at event {result.first_bad_seq}: {result.reason} "
              f"({result.events} events verified before it)")
    sys.exit(2)


LINE, COLUMN, CODE, PROBLEM = N_("Line"), N_("Column"), N_("Code"), N_("Problem")
DONE = N_("{format}: {rows} rows — created {created}, updated {updated}, unchanged {unchanged}")
DRY = N_("Dry run: nothing was written.")
MORE = N_("… and {count} more")
LangOpt = typer.Option(None, "--lang", help="language of the report: zh or en (default: YRDHUB_DEFAULT_LANG)")


def parse_mapping(pairs: list[str] | None, lang: str | None = None) -> dict[str, str]:
    """`--map 源列=field`, repeatable."""
    try:
        return imports.mapping_of(pairs)
    except DomainError as exc:
        language = i18n.lang_of(lang or get_settings().default_lang)
        raise fail(errors.render(exc.code, exc.params, language)) from exc


def import_file(importer: Callable[[Session, Actor], imports.Importer], file: Path, as_user: str | None, *,
                dry_run: bool = False, mapping: dict[str, str] | None = None, ignore_unknown: bool = False,
                lang: str | None = None) -> None:
    """The one shell of every import command: a progress bar, every problem of the file in a table in the chosen
    language, the counts at the end. Exit status 1 when the file was refused (nothing is written then)."""
    settings = get_settings()
    language = i18n.lang_of(lang or settings.default_lang)
    data = file.read_bytes()
    progress = Progress(TextColumn(file.name), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, transient=True)
    with refused(), progress, unit_of_work() as session:
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
