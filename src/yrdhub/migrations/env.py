"""Alembic environment: one migration history for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic import context

from yrdhub import models  # noqa: F401  (registers every table on Base.metadata)
from yrdhub.config import get_settings
from yrdhub.db import Base, UTCDateTime, make_engine
from yrdhub.migrate import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _render_item(type_: str, obj: object, autogen_context: object) -> Any:
    """Render our Python-side column types as the plain SQL types they store."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Any) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and not connection.in_transaction():
        # SQLite rebuilds a table to alter it (batch mode): with foreign keys on, dropping the old table would
        # delete (cascade) or block every row referring to it. Off for the migration — a pragma that only takes
        # effect outside a transaction — and the references are checked before they are turned on again.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True, render_item=_render_item,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite and not connection.in_transaction():
        broken = connection.connection.driver_connection.execute("PRAGMA foreign_key_check").fetchall()
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
        if broken:
            raise RuntimeError(f"the migration left rows referring to nothing: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
