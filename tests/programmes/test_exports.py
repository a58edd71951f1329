"""Programme and call lists export completely as CSV and XLSX, like every other list."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import SYSTEM
from yrdhub.programmes import service


def test_programme_and_call_lists_export(client: TestClient, session: Session) -> None:
    programme = service.create_programme(session, actor=SYSTEM, code="EXP-JOINT", name="沪苏联合导出测试计划",
                                         owners=["320000", "310000"])
    service.create_call(session, actor=SYSTEM, programme=programme, code="EXP-C1", title="集成电路指南",
                        opens_at=datetime(2026, 1, 1, tzinfo=UTC), deadline=datetime(2026, 3, 1, tzinfo=UTC),
                        eligible_provinces=["320000"], max_budget_wan=500)
    csv_text = client.get("/api/v1/programmes?format=csv").text
    assert "EXP-JOINT,沪苏联合导出测试计划,,310000; 320000" in csv_text
    calls = client.get(f"/api/v1/programmes/{programme.id}/calls?format=xlsx")
    sheet = load_workbook(io.BytesIO(calls.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("code", "title") and rows[1][:2] == ("EXP-C1", "集成电路指南") and rows[1][4] == "320000"
    assert rows[1][2] == datetime(2026, 1, 1, 8, 0)  # Excel has no time zones: Beijing time
    assert client.get(f"/api/v1/programmes/{programme.id}/calls").json()[0]["code"] == "EXP-C1"
