"""Reads under the policy, in SQL: who sees which submissions and evaluation runs is decided by the read rules in
the WHERE clause, lists are keyset pages (a full page even when unreadable rows lie in between), and an unreadable
row is simply not found."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM
from yrdhub.monitoring import measurements, service
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.monitoring.models import Framework


@pytest.fixture
def framework(session: Session) -> Framework:
    fw = service.get_framework(session, "yrd-monitoring", 1)
    assert fw is not None
    return fw


@pytest.fixture
def drafts(session: Session, framework: Framework, make_user) -> list[int]:  # type: ignore[no-untyped-def]
    """Five drafts of Anhui (2024–2028): the newest periods, so they come first in the list's order."""
    _, stat = make_user("statistician", "340000", username="acc_ah")
    ids = [service.open_submission(session, actor=stat, framework=framework, region="340000", period=p).id
           for p in range(2024, 2029)]
    session.flush()
    return ids


def _all(client: TestClient, limit: int, **params: Any) -> list[dict[str, Any]]:
    items, cursor, pages = [], None, 0
    while True:
        body = client.get("/api/v1/monitoring/submissions",
                          params={"limit": limit, **params, **({"cursor": cursor} if cursor else {})}).json()
        assert len(body["items"]) == limit or body["next_cursor"] is None
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_lists_are_filtered_in_sql_and_paged_by_keyset(client: TestClient, session: Session, drafts: list[int],
                                                       make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("statistician", "320000", username="acc_js")
    login(client, "acc_js")
    first = client.get("/api/v1/monitoring/submissions", params={"limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_cursor"]  # a full page although five unreadable rows lead
    seen = _all(client, 7)
    assert seen and all(s["status"] == "accepted" or s["region_code"] == "320000" for s in seen)
    assert not {s["id"] for s in seen} & set(drafts)
    assert len({s["id"] for s in seen}) == len(seen)  # no row twice across pages
    client.post("/logout", data={"csrf_token": login(client, "acc_js")})
    login(client, "acc_ah")
    mine = _all(client, 4, region="340000")
    assert set(drafts) <= {s["id"] for s in mine}


def test_an_unreadable_submission_is_not_found(client: TestClient, drafts: list[int], make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("jurisdiction_admin", "320000", username="acc_js_admin")
    login(client, "acc_js_admin")
    response = client.get(f"/api/v1/monitoring/submissions/{drafts[0]}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/monitoring/submissions/{drafts[0]}/template").status_code == 404


def test_service_reads_take_the_actor(session: Session, drafts: list[int]) -> None:
    assert service.get_submission(session, actor=ANONYMOUS, submission_id=drafts[0]) is None
    assert service.get_submission(session, actor=SYSTEM, submission_id=drafts[0]) is not None
    page = service.list_submissions(session, actor=ANONYMOUS, limit=500)
    assert page.items and all(s.status == "accepted" for s in page.items)


def test_task_updates_and_measurement_records_are_keyset_pages(client: TestClient, session: Session,
                                                               make_user) -> None:  # type: ignore[no-untyped-def]
    _, admin = make_user("jurisdiction_admin", "330000")
    task = plan_tasks.get(session, actor=SYSTEM, code="T06")
    for progress in (10, 20, 30):
        plan_tasks.report(session, actor=admin, task=task, status="in_progress", progress=progress,
                          note=f"进度 {progress}", region="330000")
    session.flush()
    page = client.get("/api/v1/monitoring/tasks/T06/updates", params={"limit": 2}).json()
    assert [u["progress"] for u in page["items"]] == [30, 20] and page["next_cursor"]
    rest = client.get("/api/v1/monitoring/tasks/T06/updates", params={"limit": 2, "cursor": page["next_cursor"]})
    assert [u["progress"] for u in rest.json()["items"]] == [10] and rest.json()["next_cursor"] is None
    records = "".join(f"yrd_coauthored_intl_papers,2024,doi:10.1/{i},r{i},wos,a.txt,{i}\n" for i in range(5))
    parsed = measurements.parse(session, actor=SYSTEM,
                                values=("v.csv", b"indicator,year,value\nyrd_coauthored_intl_papers,2024,5\n"),
                                records=("r.csv", ("indicator,year,work_id,record_id,source,file,line\n"
                                                   + records).encode()))
    assert parsed.ok, parsed.problems
    batch = measurements.record(session, actor=SYSTEM, values=parsed.values, source="WoS export").batch
    assert batch is not None
    session.flush()
    mid = batch.values[0].id
    body = client.get(f"/api/v1/monitoring/measurements/{mid}/records", params={"limit": 2}).json()
    ids = [r["work_id"] for r in body["records"]]
    while body["next_cursor"]:
        body = client.get(f"/api/v1/monitoring/measurements/{mid}/records",
                          params={"limit": 2, "cursor": body["next_cursor"]}).json()
        ids += [r["work_id"] for r in body["records"]]
    assert ids == [f"doi:10.1/{i}" for i in range(5)]
    html = client.get(f"/monitoring/measurements/{mid}", params={"limit": 2}).text
    assert "doi:10.1/0" in html and "cursor=" in html
