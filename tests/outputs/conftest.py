from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from .documents import chinese_pdf


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    return chinese_pdf("长三角集成电路协同创新研究报告：量子计算与人工智能融合发展")


@pytest.fixture
def fresh_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own, on the backend under test, for tests that commit for real from several
    connections (concurrency, migrations): a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'fresh.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"yrdhub_outputs_tmp_{secrets.token_hex(4)}"
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
