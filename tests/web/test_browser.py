"""A real browser (Playwright driving Debian's /usr/bin/chromium) against a live server."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import require

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("YRDHUB_CHROMIUM", "/usr/bin/chromium")
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
VENDOR = Path(__file__).resolve().parents[2] / "src" / "yrdhub" / "web" / "static" / "vendor"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from yrdhub.accounts import service as accounts
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.config import Settings
    from yrdhub.db import make_engine, session_factory, transaction
    from yrdhub.migrate import upgrade
    from yrdhub.regions.loader import load_bundled
    from yrdhub.web.app import create_app

    require((VENDOR / "echarts.min.js").exists(), "front-end assets missing: run `make assets`")
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    upgrade(url)
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        load_bundled(session, actor=SYSTEM)
        user = accounts.create_user(session, actor=SYSTEM, username="browser", password="browser-password-1")
        accounts.grant(session, actor=SYSTEM, user=user, role="jurisdiction_admin", scope="320000")
    engine.dispose()
    port = _free_port()
    app = create_app(Settings(environment="test", database_url=url, secret_key="b" * 40))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
            f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        yield instance
        instance.close()


def test_home_map_language_login_and_token(live_server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(live_server + "/")
    assert page.locator("h1").first.inner_text() == "长三角科技创新共同体"
    page.wait_for_function("document.getElementById('yrd-map').dataset.drawnRegions === '41'", timeout=20_000)
    assert page.locator("#yrd-map").get_attribute("data-coloured") == "41"
    page.wait_for_timeout(500)
    page.screenshot(path=str(tmp_path / "home.png"))

    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == "Yangtze River Delta S&T Innovation Community"
    assert page.locator("#login-link").inner_text() == "Sign in"

    page.click("#login-link")
    page.fill("input[name=username]", "browser")
    page.fill("input[name=password]", "browser-password-1")
    page.click("#login-submit")
    page.wait_for_load_state()
    assert page.locator("#account-link").inner_text() == "browser"

    page.click("#account-link")
    page.fill("#token-form input[name=name]", "notebook")
    page.click("#token-form button[type=submit]")
    page.wait_for_load_state()
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("yrd_")
    assert "notebook" in page.locator("#token-table").inner_text()
    assert not errors, errors

    # The token works against the API (a separate client, as a script would use it).
    import httpx

    me = httpx.get(live_server + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == "browser"


def test_region_and_organisation_pages_render(live_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(live_server + "/regions/320000")
    page.wait_for_function("document.querySelector('#rd-chart canvas') !== null", timeout=20_000)
    assert "江苏省" in page.locator("h1").inner_text()
    page.goto(live_server + "/regions?level=city")
    assert page.locator("#region-table tbody tr").count() == 41
