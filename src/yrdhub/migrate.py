"""Create or upgrade a database with Alembic, from code (used by the CLI, the app's tests and `make run`)."""

from __future__ import annotations

import importlib.resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection


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
