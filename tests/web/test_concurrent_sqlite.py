"""On the embedded default (SQLite), readers never wait for the write lock: 50 clients reading at once beside a
writer are all answered, and no request fails with "database is locked". A real server in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import REPO_ROOT
from web.conftest import _free_port

READERS = 50


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    from yrdhub.accounts import service as accounts
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.accounts.schemas import GrantRequest, TokenCreate, UserCreate
    from yrdhub.db import make_engine, session_factory, transaction
    from yrdhub.migrate import upgrade
    from yrdhub.regions.loader import load_bundled

    url = f"sqlite:///{tmp_path / 'concurrent.db'}"
    upgrade(url)
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        load_bundled(session, actor=SYSTEM)
        user = accounts.create_user(session, actor=SYSTEM,
                                    data=UserCreate(username="writer", password="concurrent-writer-1"))
        accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role="office_admin"))
        actor = accounts.actor_for(user)
        _, secret = accounts.create_token(session, actor=actor, user=user,
                                          data=TokenCreate(name="w", scopes=["read", "write"]))
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "YRDHUB_DATABASE_URL": url, "YRDHUB_ENVIRONMENT": "test", "YRDHUB_SECRET_KEY": "c" * 40}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "yrdhub.web.app:create_app",
                                "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                               cwd=REPO_ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base, secret
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_fifty_readers_beside_a_writer_are_all_answered(server: tuple[str, str]) -> None:
    base, secret = server
    results: list[tuple[str, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(READERS + 1)

    def read(i: int) -> None:
        start.wait()
        with httpx.Client(base_url=base, timeout=60) as client:
            for path in ("/api/v1/organisations?limit=50", "/api/v1/regions?level=county", "/organisations"):
                status = client.get(path).status_code
                with lock:
                    results.append((path, status))

    def write() -> None:
        start.wait()
        with httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {secret}"}) as client:
            for i in range(25):
                response = client.post("/api/v1/organisations", json={
                    "name": f"并发写入机构{i:02d}", "type": "enterprise", "region": "上海"})
                with lock:
                    results.append(("POST /api/v1/organisations", response.status_code))

    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)] + [threading.Thread(target=write)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - began
    assert len(results) == READERS * 3 + 25, f"{len(results)} answers in {elapsed:.1f} s"
    failures = [r for r in results if r[1] not in (200, 201)]
    assert not failures, failures[:10]
    assert sum(status == 201 for _, status in results) == 25
