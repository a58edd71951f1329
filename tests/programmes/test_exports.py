"""Programme, call and project lists export completely as CSV and XLSX, with exact amounts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import SYSTEM
from yrdhub.programmes import writes
from yrdhub.programmes.schemas import CallCreate

from .conftest import programme


def test_programme_and_call_lists_export(client: TestClient, session: Session) -> None:
    prog = programme(session, SYSTEM, "EXP-JOINT", ["320000", "310000"], name="沪苏联合导出测试计划")
    writes.create_call(session, actor=SYSTEM, programme=prog, data=CallCreate(
        code="EXP-C1", title="集成电路指南", opens_at=datetime(2026, 1, 1, tzinfo=UTC),
        deadline=datetime(2026, 3, 1, tzinfo=UTC), eligible_provinces=["320000"], max_budget_wan=Decimal("500.25")))
    csv_text = client.get("/api/v1/programmes?format=csv").text
    assert "EXP-JOINT,沪苏联合导出测试计划,,310000; 320000" in csv_text
    calls = client.get(f"/api/v1/programmes/{prog.id}/calls?format=xlsx")
    sheet = load_workbook(io.BytesIO(calls.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("code", "title") and rows[1][:2] == ("EXP-C1", "集成电路指南") and rows[1][4] == "320000"
    assert rows[1][2] == datetime(2026, 1, 1, 8, 0)  # Excel has no time zones: Beijing time
    assert rows[1][6] == "500.25"
    listed = client.get(f"/api/v1/programmes/{prog.id}/calls").json()
    assert listed[0]["code"] == "EXP-C1" and listed[0]["max_budget_wan"] == "500.25"
    assert client.get(f"/api/v1/programmes/{prog.id}").json()["owners"] == ["310000", "320000"]


def test_every_readable_project_exports_past_one_page(client: TestClient, session: Session) -> None:
    """The export walks every page in SQL (more than the API's largest page), the amounts exact."""
    from yrdhub.programmes import records
    from yrdhub.programmes.common import Later
    from yrdhub.programmes.schemas import ProjectRecord
    from yrdhub.regions import orgs
    from yrdhub.regions.schemas import OrgCreate

    from .conftest import open_call

    lead = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="导出测试大学", type="university", region="南京"))
    prog = programme(session, SYSTEM, "EXP-MANY", ["320000"])
    call = open_call(session, SYSTEM, prog, "EXP-MANY-C")
    later = Later()  # the audit events and search documents of the batch, written once at its end
    for i in range(505):
        records.record_project(session, actor=SYSTEM, call=call, data=ProjectRecord(
            code=f"EXP-{i:04d}", title=f"导出项目 {i}", lead_org_id=lead.id,
            funders={"320000": {"2026": Decimal("0.1"), "2027": Decimal("0.2")}}), later=later)
    later.run(session, SYSTEM)
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/projects?format=csv&funder=320000").text.lstrip("\ufeff"))))
    assert len(rows) == 506 and rows[0][:5] == ["code", "title", "status", "lead_org_id", "requested_budget_wan"]
    assert {r[4] for r in rows[1:]} == {"0.3"} and {r[5] for r in rows[1:]} == {"320000:0.3"}
    page = client.get("/api/v1/projects", params={"funder": "320000", "limit": 500}).json()
    assert len(page["items"]) == 500 and page["next_cursor"]
    rest = client.get("/api/v1/projects", params={"funder": "320000", "limit": 500,
                                                  "cursor": page["next_cursor"]}).json()
    assert len(rest["items"]) == 5 and rest["next_cursor"] is None
    bad = client.get("/api/v1/projects", params={"cursor": "not-a-cursor"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "page.cursor"
