"""Create or upgrade a database with Alembic, from code (used by the CLI, the app's tests and `make run`)."""

from __future__ import annotations

import importlib.resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine

from yrdhub.errors import DomainError


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """SQLite FTS5 creates shadow tables (search_fts_*) that no model describes: autogenerate leaves them alone."""
    return not (type_ == "table" and reflected and compare_to is None and (name or "").startswith("search_fts"))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(importlib.resources.files("yrdhub") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, connection: Connection | None = None, revision: str = "head") -> None:
    config = alembic_config(url)
    if connection is not None:
        config.attributes["connection"] = connection
    command.upgrade(config, revision)


def require_current(url: str) -> None:
    """Refuse (`db.empty`, `db.behind`) a database whose schema is not this code's: a server started on it
    would fail on the first query that touches a new column, so it does not start."""
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    if current is None:
        raise DomainError("db.empty")
    if current != head:
        raise DomainError("db.behind", current=current, head=head)
