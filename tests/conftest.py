"""Test-suite wide fixtures and rules.

Rule: under CI=true a test that would skip for lack of a component fails instead, so a green CI run means
every component (PostgreSQL, chromium, Spark, ../shared/reference) was really exercised.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from yrdhub.accounts.actor import Actor
    from yrdhub.accounts.models import User
    from yrdhub.config import Settings

# Cheap Argon2 parameters for the hundreds of users the tests create (production refuses this setting;
# tests/accounts/test_service.py checks that real hashes use the standard profile).
os.environ.setdefault("YRDHUB_PASSWORD_HASH", "test-only-cheap")

REPO_ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def shared_dir() -> Path:
    """The read-only `shared/` folder beside the checkout (never needed at run time)."""
    return Path(os.environ.get("YRDHUB_SHARED_DIR", REPO_ROOT.parent / "shared"))


def require(condition: bool, reason: str) -> None:
    """Skip with `reason` when `condition` is false; under CI=true fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_dir()


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """get_settings() is cached per process: every test reads the environment as it is when the test starts
    (a test that changes a variable after reading the settings calls get_settings.cache_clear() itself)."""
    from yrdhub.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def reference_dir() -> Iterator[Path]:
    path = shared_dir() / "reference"
    require(path.is_dir(), f"{path} is absent (the shared reference data)")
    yield path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Turn any skip into a failure under CI=true (a skipped component is a missing component)."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which requires every component: {report.longrepr}"


# --- databases -----------------------------------------------------------------------------------------
# Every database test runs on SQLite, and on PostgreSQL when YRDHUB_TEST_DATABASE_URL is set (CI sets it;
# under CI=true its absence fails the PostgreSQL runs instead of skipping them).

PG_URL = os.environ.get("YRDHUB_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL or IN_CI else [])


def _prepare(url: str) -> None:
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.db import make_engine, session_factory, transaction
    from yrdhub.migrate import upgrade
    from yrdhub.monitoring import service as monitoring
    from yrdhub.monitoring import tasks as plan_tasks
    from yrdhub.regions.loader import load_bundled

    upgrade(url)
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        load_bundled(session, actor=SYSTEM)
        monitoring.load_bundled(session, actor=SYSTEM)
        plan_tasks.load_bundled(session, actor=SYSTEM)
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "postgresql":
        require(bool(PG_URL), "YRDHUB_TEST_DATABASE_URL is not set (PostgreSQL runs need it)")
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    _prepare(url)
    return url


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own, empty, on the backend under test (see helpers.fresh_database)."""
    from helpers import fresh_database

    with fresh_database(database_url, tmp_path, "fresh") as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    from yrdhub.db import make_engine

    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; commits become savepoints."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        if outer.is_active:
            outer.rollback()
        connection.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    from yrdhub.config import Settings

    return Settings(environment="test", database_url=database_url, secret_key="t" * 40,
                    login_max_failures=5, login_lockout_s=900)


@pytest.fixture
def app(settings: Settings, session: Session) -> Iterator[FastAPI]:
    from sqlalchemy.orm import sessionmaker

    from yrdhub.web.app import create_app
    from yrdhub.web.deps import get_session, get_write_session

    application = create_app(settings)
    application.dependency_overrides[get_session] = lambda: session
    application.dependency_overrides[get_write_session] = lambda: session
    # Background work (e.g. noting a token's use) opens sessions of its own: inside the test's transaction too.
    application.state.session_factory = sessionmaker(bind=session.connection(), expire_on_commit=False,
                                                     join_transaction_mode="create_savepoint")
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_user(session: Session) -> Callable[..., tuple[User, Actor]]:
    """make_user("jurisdiction_admin", "320000") -> (user, actor); password is PASSWORD."""
    from helpers import PASSWORD
    from yrdhub.accounts import service as accounts
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.accounts.schemas import GrantRequest, UserCreate

    counter = iter(range(1, 10_000))

    def make(role: str | None = None, scope: str = "", username: str | None = None) -> tuple[User, Actor]:
        name = username or f"user{next(counter)}_{(role or 'plain').replace('_', '')}"
        user = accounts.create_user(session, actor=SYSTEM, data=UserCreate(username=name, password=PASSWORD))
        if role:
            accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role=role, scope=scope))
        session.flush()
        return user, accounts.actor_for(user)

    return make
