"""Never block the server: a hostile upload — a half-megabyte PDF of thousands of pages, a DOCX or an XLSX of a
few hundred KB that inflates to 100 MB — is refused quickly, with a code, while another client's requests keep
being answered. A real uvicorn server in a thread, on a fresh SQLite database; one thread uploads, the test
polls /healthz meanwhile and measures how long each answer takes.

A behaviour test with generous bounds, not a benchmark: the figures are printed (run with -s to see them)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from .documents import docx_bomb, hostile_pdf, xlsx_bomb

ANSWER_WITHIN_S = 20.0  # the hostile upload is refused within this
HEALTHZ_WITHIN_S = 2.0  # every /healthz asked meanwhile is answered within this
UPLOAD_TIMEOUT_S = 60.0  # the old server took minutes: give up on it before that


@dataclass
class Live:
    url: str
    headers: dict[str, str]
    report_id: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    import uvicorn

    from yrdhub.accounts import service as accounts
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.accounts.schemas import GrantRequest, TokenCreate, UserCreate
    from yrdhub.config import Settings
    from yrdhub.db import make_engine, session_factory, transaction
    from yrdhub.migrate import upgrade
    from yrdhub.regions.models import Organisation
    from yrdhub.web.app import create_app

    url = f"sqlite:///{Path(tmp_path_factory.mktemp('nonblocking')) / 'live.db'}"
    upgrade(url)
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        org = Organisation(name="防阻塞测试研究院", type="institute")
        session.add(org)
        user = accounts.create_user(session, actor=SYSTEM,
                                    data=UserCreate(username="nb_office", password="nonblocking-pass-1"))
        accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role="office_admin"))
        _, secret = accounts.create_token(session, actor=accounts.actor_for(user), user=user,
                                          data=TokenCreate(name="nb", scopes=["read", "write"]))
        session.flush()
        org_id = org.id
    engine.dispose()
    port = _free_port()
    app = create_app(Settings(environment="test", database_url=url, secret_key="n" * 40))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {secret}"}
    created = httpx.post(f"{base}/api/v1/outputs/reports", headers=headers, timeout=30, json={
        "number": "NB-2026-0001", "title": "防阻塞测试报告", "type": "final", "org_id": org_id,
        "openness": "public", "year": 2026, "abstract": "摘要"})
    assert created.status_code == 201, created.text
    yield Live(base, headers, created.json()["id"])
    server.should_exit = True
    thread.join(timeout=10)


@dataclass
class Measured:
    status: int | None = None
    code: str | None = None
    upload_s: float = 0.0
    failure: str = ""
    healthz: list[float] = field(default_factory=list)


def _while_uploading(live: Live, send: Callable[[httpx.Client], httpx.Response]) -> Measured:
    """Upload from one thread; poll /healthz from this one until the upload is answered (or given up)."""
    measured = Measured()

    def upload() -> None:
        started = time.perf_counter()
        try:
            with httpx.Client(base_url=live.url, headers=live.headers, timeout=UPLOAD_TIMEOUT_S) as client:
                response = send(client)
            measured.status = response.status_code
            body: Any = response.json() if response.headers.get("content-type", "").startswith("application/json") \
                else {}
            measured.code = (body.get("error") or {}).get("code")
        except httpx.HTTPError as exc:
            measured.failure = repr(exc)
        measured.upload_s = time.perf_counter() - started

    thread = threading.Thread(target=upload)
    thread.start()
    with httpx.Client(base_url=live.url, timeout=UPLOAD_TIMEOUT_S) as client:
        asked = 0
        while thread.is_alive() or asked < 3:  # at least three: a quick refusal may beat the first one
            asked += 1
            started = time.perf_counter()
            try:
                assert client.get("/healthz").status_code == 200
                measured.healthz.append(time.perf_counter() - started)
            except httpx.HTTPError:
                measured.healthz.append(float("inf"))
            time.sleep(0.02)
    thread.join()
    return measured


def _report(name: str, size: int, m: Measured) -> None:
    slowest = max(m.healthz) if m.healthz else 0.0
    print(f"\n{name}: {size / 1024:.0f} KB → {m.status} {m.code} in {m.upload_s:.2f} s; /healthz answered "
          f"{len(m.healthz)} times meanwhile, slowest {slowest * 1000:.0f} ms {m.failure}")


def _check(m: Measured, codes: set[str]) -> None:
    assert not m.failure, m.failure
    assert m.status in (413, 422) and m.code in codes, (m.status, m.code)
    assert m.upload_s < ANSWER_WITHIN_S
    assert m.healthz, "no /healthz was asked while the upload ran"
    assert max(m.healthz) < HEALTHZ_WITHIN_S, m.healthz


def test_a_pdf_of_thousands_of_pages_is_refused_without_blocking(live: Live) -> None:
    data = hostile_pdf(pages=5000)
    m = _while_uploading(live, lambda c: c.post(f"/api/v1/outputs/reports/{live.report_id}/file",
                                                 files={"file": ("pages.pdf", data, "application/pdf")}))
    _report("PDF of 5,000 pages", len(data), m)
    _check(m, {"file.too_many_pages"})


def test_a_docx_inflating_to_100_mb_is_refused_without_blocking(live: Live) -> None:
    data = docx_bomb(100)
    m = _while_uploading(live, lambda c: c.post(f"/api/v1/outputs/reports/{live.report_id}/file",
                                                 files={"file": ("bomb.docx", data, "application/octet-stream")}))
    _report("DOCX inflating to 100 MB", len(data), m)
    _check(m, {"file.inflated", "file.ratio"})


def test_an_xlsx_import_inflating_to_100_mb_is_refused_without_blocking(live: Live) -> None:
    data = xlsx_bomb(100)
    m = _while_uploading(live, lambda c: c.post("/api/v1/outputs/reports/import",
                                                 files={"file": ("bomb.xlsx", data, "application/octet-stream")}))
    _report("XLSX import inflating to 100 MB", len(data), m)
    _check(m, {"table.inflated", "table.ratio"})
