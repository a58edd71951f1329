"""Reads under the policy, in SQL: a list is one keyset page filtered by the read rule in the WHERE clause — never
the whole table filtered in Python — so one page of a list costs a bounded number of statements, however many
reports there are; every page is a LIMIT; walking the pages gives every readable report once. A report the reader
may not see is a 404, never a 403. Usage statistics are counted in SQL within the manager's scope."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.outputs.models import Report, UsageEvent
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate
from yrdhub.web.deps import get_write_session

from . import factory


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(sql)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def bulk(session: Session, org_id: int, n: int, start: int = 0) -> None:
    """`n` reports straight into the table (a read test needs rows, not the service's audit and index): two in
    three accepted and public, the others a restricted one and a draft."""
    rows = []
    for i in range(start, start + n):
        status, openness = [("accepted", "public"), ("accepted", "restricted"), ("draft", "public"),
                            ("accepted", "public")][i % 4]
        rows.append(Report(number=f"BULK-{i:06d}", title=f"批量报告{i}", type="final", org_id=org_id,
                           province_code="310000", openness=openness, year=2000 + i % 25, status=status,
                           created_by="test", authors=[], keywords=[]))
    session.add_all(rows)
    session.flush()


@pytest.fixture
def org_id(session: Session) -> int:
    return orgs.create(session, actor=SYSTEM, data=OrgCreate(name="读取测试研究院", type="institute", region="上海")).id


def test_one_page_of_the_list_costs_the_same_for_100_and_1000_reports(client: TestClient, session: Session,
                                                                      engine: Engine, org_id: int) -> None:
    counts: dict[int, dict[str, int]] = {}
    for total in (100, 1000):
        bulk(session, org_id, total - sum(counts) if counts else total, start=sum(counts))
        counts[total] = {}
        for url in ("/api/v1/outputs/reports?limit=50", "/outputs"):
            with statements(engine) as seen:
                response = client.get(url)
            assert response.status_code == 200
            reads = [s for s in seen if "out_report" in s]
            assert reads and all(re.search(r"\bLIMIT\b", s) for s in reads), reads  # never the whole table
            counts[total][url] = len(seen)
    print(f"\nstatements for one page as an outsider: {counts}")
    assert counts[100] == counts[1000]
    assert all(n <= 6 for n in counts[1000].values()), counts


def test_walking_the_pages_gives_every_readable_report_once(client: TestClient, session: Session,
                                                            org_id: int) -> None:
    bulk(session, org_id, 130)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        body = client.get("/api/v1/outputs/reports", params={"limit": 40} | ({"cursor": cursor} if cursor else {})
                          ).json()
        assert len(body["items"]) <= 40
        seen += [r["number"] for r in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    readable = {f"BULK-{i:06d}" for i in range(130) if i % 4 in (0, 3)}
    assert pages == 2 and len(seen) == len(set(seen)) and set(seen) == readable
    listed = client.get("/api/v1/outputs/reports").json()["items"]
    assert listed and all(r["status"] == "accepted" for r in listed)
    bad = client.get("/api/v1/outputs/reports", params={"cursor": "bm90IGEgY3Vyc29y"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "page.cursor"
    # the export holds every readable report (streamed a page at a time)
    csv = client.get("/api/v1/outputs/reports", params={"format": "csv"}).content.decode("utf-8-sig")
    assert sum(1 for line in csv.splitlines()[1:] if line.startswith(tuple("0123456789"))) == len(readable)


def test_an_unreadable_report_is_not_found(client: TestClient, session: Session, org_id: int) -> None:
    restricted = factory.report(session, number="RD-2025-0001", org_id=org_id, openness="restricted")
    for url in (f"/api/v1/outputs/reports/{restricted.id}", f"/api/v1/outputs/reports/{restricted.id}/text",
                f"/api/v1/outputs/reports/{restricted.id}/file", "/api/v1/outputs/reports/999999"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", url
    public = factory.report(session, number="RD-2025-0002", org_id=org_id)
    text = client.get(f"/api/v1/outputs/reports/{public.id}/text")  # seen, but the full text needs a sign-in
    assert text.status_code == 401 and text.json()["error"]["code"] == "unauthenticated"


def test_gets_that_count_a_use_take_the_write_session(app: FastAPI) -> None:
    counting = {"/api/v1/outputs/reports/{report_id}", "/api/v1/outputs/reports/{report_id}/text",
                "/api/v1/outputs/reports/{report_id}/file", "/outputs/reports/{report_id}",
                "/outputs/reports/{report_id}/download"}
    found = {}
    stack: list[tuple[str, Any]] = [("", r) for r in app.routes]
    while stack:  # included routers are branches with a prefix
        prefix, route = stack.pop()
        original = getattr(route, "original_router", None)
        if original is not None:
            stack.extend((prefix + route.include_context.prefix, r) for r in original.routes)
            continue
        path = prefix + getattr(route, "path", "")
        if path in counting and "GET" in (getattr(route, "methods", None) or set()):
            found[path] = any(d.call is get_write_session for d in route.dependant.dependencies)
    assert found == dict.fromkeys(counting, True)


def test_usage_is_counted_in_sql_within_each_scope(client: TestClient, session: Session, org_id: int,
                                                   make_user) -> None:  # type: ignore[no-untyped-def]
    public = factory.report(session, number="US-2025-0001", org_id=org_id, title="公开的使用统计报告")
    restricted = factory.report(session, number="US-2025-0002", org_id=org_id, title="限制的使用统计报告",
                                openness="restricted")
    today = date.today()
    session.add_all([UsageEvent(report_id=public.id, reader=f"anon:{i}", day=today, kind="view") for i in range(3)]
                    + [UsageEvent(report_id=restricted.id, reader="user:1", day=today - timedelta(days=1),
                                  kind="download")])
    session.flush()
    assert client.get("/api/v1/outputs/usage").status_code == 401
    make_user("jurisdiction_admin", "310000", username="us_sh")
    make_user("jurisdiction_admin", "320000", username="us_js")
    make_user("org_admin", f"org:{org_id}", username="us_org")
    login(client, "us_sh")
    rows = {r["number"]: r for r in client.get("/api/v1/outputs/usage").json()}
    assert (rows["US-2025-0001"]["views"], rows["US-2025-0002"]["downloads"]) == (3, 1)
    assert rows["US-2025-0001"]["title"] == "公开的使用统计报告"
    assert rows["US-2025-0002"]["title"] is None  # counted in the jurisdiction, but not readable by its admin
    assert client.get("/api/v1/outputs/usage", params={"by": "province"}).json() == [
        {"province_code": "310000", "reports": 2, "views": 3, "downloads": 1}]
    client.cookies.clear()
    login(client, "us_org")  # an organisation's admin reads its restricted report
    rows = {r["number"]: r for r in client.get("/api/v1/outputs/usage").json()}
    assert rows["US-2025-0002"]["title"] == "限制的使用统计报告"
    client.cookies.clear()
    login(client, "us_js")
    assert client.get("/api/v1/outputs/usage").json() == []


def test_achievements_list_and_page(client: TestClient, session: Session, org_id: int) -> None:
    rows = [factory.achievement(session, org_ids=[org_id], title=f"成果{i}", identifier=f"CN2026{i:04d}")
            for i in range(5)]
    first = client.get("/api/v1/outputs/achievements", params={"limit": 3}).json()
    second = client.get("/api/v1/outputs/achievements", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 3 and second["next_cursor"] is None
    assert {a["id"] for a in first["items"] + second["items"]} >= {r.id for r in rows}
    page = client.get(f"/outputs/achievements/{rows[0].id}")
    assert page.status_code == 200 and "成果0" in page.text and "专利" in page.text
    assert client.get(f"/api/v1/outputs/achievements/{rows[0].id}").json()["identifier"] == "CN20260000"
