"""A fresh database of their own, for the monitoring tests that commit for real."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def fresh_database(database_url: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[str]:
    """A new, empty database on the test backend (PostgreSQL: beside the test database, dropped after; SQLite: a
    new file), so what a test commits never reaches the shared test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path_factory.mktemp(name) / f'{name}.db'}"
        return
    base = make_url(database_url)
    db_name = f"{base.database}_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    try:
        yield base.set(database=db_name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()

