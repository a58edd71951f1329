"""Create or upgrade a database with Alembic, from code (used by the CLI, the app's tests and `make run`)."""

from __future__ import annotations

import importlib.resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection


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
