"""Small helpers for tests that drive the web app like a user."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PASSWORD = "correct horse battery staple"


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the real login form; returns the session's CSRF token."""
    page = client.get("/login")
    token = csrf_from(page.text)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token,
                                           "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return token


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def all_get_routes(app: FastAPI) -> list[str]:
    """Every GET route of the app, included routers expanded (for crawls that must not miss a door)."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("", r) for r in app.routes]
    while stack:
        prefix, route = stack.pop()
        original = getattr(route, "original_router", None)
        if original is not None:
            stack.extend((prefix + route.include_context.prefix, r) for r in original.routes)
        elif "GET" in (getattr(route, "methods", None) or set()):
            found.append(prefix + route.path)
    return sorted(set(found))


@contextmanager
def fresh_database(database_url: str, tmp_path: Path, name: str) -> Iterator[str]:
    """A new, empty database on the backend of `database_url` (PostgreSQL: beside it, dropped after; SQLite: a new
    file under `tmp_path`), for tests that commit for real from several connections (concurrency, migrations):
    what they commit never reaches the shared test database."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
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
