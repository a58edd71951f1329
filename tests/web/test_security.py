from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import PASSWORD, csrf_from, login
from yrdhub.config import Settings


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_no_inline_scripts_on_pages(client: TestClient) -> None:
    """CSP forbids inline JS; data travel as JSON blocks, which the browser does not execute."""
    import re

    html = client.get("/").text
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def _login_cookie(client: TestClient, username: str) -> str:
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    return response.headers["set-cookie"].lower()


def test_session_cookie_flags(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="cookie")
    cookie = _login_cookie(client, "cookie")
    assert "yrdhub_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_secure_flag_and_hsts_outside_development(settings: Settings, session: Session,  # type: ignore[no-untyped-def]
                                                  make_user, monkeypatch) -> None:
    monkeypatch.delenv("YRDHUB_PASSWORD_HASH")  # production settings refuse the tests' cheap hashing
    from yrdhub.web.app import create_app
    from yrdhub.web.deps import get_session

    production = Settings(environment="production", secret_key="x" * 40, database_url=settings.database_url)
    assert production.secure_cookies
    make_user(username="prod")
    app = create_app(production)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app, base_url="https://testserver") as client:
        cookie = _login_cookie(client, "prod")
        assert "; secure" in cookie
        assert "strict-transport-security" in client.get("/").headers


def test_production_refuses_the_development_secret(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    monkeypatch.delenv("YRDHUB_PASSWORD_HASH")
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(environment="production")


def test_forms_need_the_csrf_token(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="csrf")
    client.get("/login")
    response = client.post("/login", data={"username": "csrf", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    assert "表单已过期" in response.text
    token = login(client, "csrf")
    no_token = client.post("/account/tokens", data={"name": "x"})
    assert no_token.status_code == 403
    ok = client.post("/account/tokens", data={"name": "x", "csrf_token": token})
    assert ok.status_code == 200 and "yrd_" in ok.text


def test_api_writes_with_cookie_need_the_csrf_header(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="apicsrf")
    token = login(client, "apicsrf")
    assert client.post("/api/v1/tokens", json={"name": "a"}).status_code == 403
    created = client.post("/api/v1/tokens", json={"name": "a"}, headers={"X-CSRF-Token": token})
    assert created.status_code == 201 and created.json()["token"].startswith("yrd_")


def test_login_throttling_on_the_page(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="brute")
    token = csrf_from(client.get("/login").text)
    codes = [client.post("/login", data={"username": "brute", "password": f"guess{i}", "csrf_token": token}
                         ).status_code for i in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    right = client.post("/login", data={"username": "brute", "password": PASSWORD, "csrf_token": token})
    assert right.status_code == 429  # even the right password waits out the lock


def test_login_rejects_open_redirect(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="redir")
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": "redir", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_password_change_ends_other_sessions(client: TestClient, app, make_user, session: Session) -> None:  # type: ignore[no-untyped-def]
    make_user(username="twice")
    other = TestClient(app)
    login(other, "twice")
    assert other.get("/account", follow_redirects=False).status_code == 200
    token = login(client, "twice")
    changed = client.post("/account/password", data={"old_password": PASSWORD, "new_password": "a-new-password-99",
                                                     "csrf_token": token})
    assert changed.status_code == 200
    assert client.get("/account", follow_redirects=False).status_code == 200
    assert other.get("/account", follow_redirects=False).status_code == 303


def test_logout(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="bye")
    token = login(client, "bye")
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_nul_characters_are_refused(client: TestClient) -> None:
    response = client.get("/api/v1/organisations?q=%00")
    assert response.status_code == 400 and response.json()["error"]["code"] == "nul_character"


def test_a_body_beyond_the_upload_limit_is_refused_before_it_is_read(settings, session) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from yrdhub.web.app import create_app
    from yrdhub.web.deps import get_session

    small = settings.model_copy(update={"max_upload_mb": 1})
    app = create_app(small)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        big = b"x" * (3 * 2**20)
        refused = client.post("/api/v1/organisations/import", files={"file": ("o.csv", big, "text/csv")})
        assert refused.status_code == 413 and refused.json()["error"]["code"] == "too_large"

        def chunks():  # no Content-Length: counted as it arrives
            yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="o.csv"\r\n\r\n'
            for _ in range(3):
                yield b"y" * 2**20

        streamed = client.post("/api/v1/organisations/import", content=chunks(),
                               headers={"Content-Type": "multipart/form-data; boundary=x"})
        assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "too_large"
    app.state.engine.dispose()
