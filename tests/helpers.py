"""Small helpers for tests that drive the web app like a user."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

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
