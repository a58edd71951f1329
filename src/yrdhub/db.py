"""Declarative base, engine and session factory, and the caller-owned transaction helper."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use yrdhub.db.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


WRITE = "yrdhub_write"  # execution option of the engine a writing session is bound to (see session_factory)


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 50, busy_timeout_s: float = 30,
                **kwargs: Any) -> Engine:
    """The engine. Its pool holds enough connections for the web server's thread pool (FastAPI runs sync
    handlers on up to 40 threads), so concurrent readers wait for a thread, never for a pooled connection."""
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": busy_timeout_s}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            pool = {}  # an in-memory database lives in one connection
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_s},
                               **pool, **kwargs)
        _sqlite_proper_transactions(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool, **kwargs)


def _sqlite_proper_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, emit BEGIN, so SAVEPOINTs and foreign keys behave (SQLAlchemy docs recipe).

    In WAL mode readers never block the writer nor each other: a reading session begins DEFERRED (it takes no
    lock until it writes, which it must not). A writing session begins IMMEDIATE: it takes the write lock at
    once, so writers queue (up to the busy timeout) instead of failing when a read snapshot cannot be upgraded.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the database; only the last commits before a power cut (not a crash of
        # the process) may be lost. It saves an fsync per commit, which bulk imports and indexing pay for most.
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Larger page cache and memory-mapped reads: 2-3x faster full-text queries on big indexes.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA mmap_size=2147418112")  # SQLite's default ceiling: a million-document index is ~2 GB
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN DEFERRED")


def session_factory(engine: Engine, *, write: bool = True) -> sessionmaker[Session]:
    """Sessions of a unit of work. `write=False` for requests that only read (on SQLite they take no lock)."""
    return sessionmaker(bind=engine.execution_options(**{WRITE: True}) if write else engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit once on success, roll back on any error. Used by CLI commands."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
