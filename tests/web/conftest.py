"""Fixtures for browser tests: a live server on a fresh SQLite database and Debian's chromium via Playwright."""

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

BROWSER_PASSWORD = "browser-password-1"
BROWSER_USERS = [("browser", "jurisdiction_admin", "320000"), ("ah_stat", "statistician", "340000"),
                 ("ah_admin", "jurisdiction_admin", "340000"), ("js_stat", "statistician", "320000"),
                 ("office", "office_admin", "")]
CHROMIUM = os.environ.get("YRDHUB_CHROMIUM", "/usr/bin/chromium")
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
VENDOR = Path(__file__).resolve().parents[2] / "src" / "yrdhub" / "web" / "static" / "vendor"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from yrdhub.accounts import service as accounts
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.accounts.schemas import GrantRequest, UserCreate
    from yrdhub.config import Settings
    from yrdhub.db import make_engine, session_factory, transaction
    from yrdhub.migrate import upgrade
    from yrdhub.monitoring import evaluations
    from yrdhub.monitoring import service as monitoring
    from yrdhub.monitoring import tasks as plan_tasks
    from yrdhub.monitoring.evaluation import Method
    from yrdhub.regions.loader import load_bundled
    from yrdhub.resources import facilities
    from yrdhub.web.app import create_app

    require((VENDOR / "echarts.min.js").exists(), "front-end assets missing: run `make assets`")
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    upgrade(url)
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        load_bundled(session, actor=SYSTEM)
        monitoring.load_bundled(session, actor=SYSTEM)
        plan_tasks.load_bundled(session, actor=SYSTEM)
        facilities.load(session, actor=SYSTEM)  # as `yrdhub data load` does
        evaluations.run(session, actor=SYSTEM, framework=monitoring.get_framework(session, "yrd-monitoring"),
                        method=Method(runs=200, last_year=2023))
        for name, role, scope in BROWSER_USERS:
            user = accounts.create_user(session, actor=SYSTEM,
                                        data=UserCreate(username=name, password=BROWSER_PASSWORD))
            accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role=role, scope=scope))
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


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
            f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        yield instance
        instance.close()


