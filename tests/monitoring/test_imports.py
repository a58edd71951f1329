"""The data-entry template and the measurement tables go through the one import engine: every problem of a file
in one report (unreadable cells and the validation rules together), the same rules and codes as the form and the
API, exact numbers, the upload limit checked before parsing, and upload routes that never block the event loop."""

from __future__ import annotations

import inspect
import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.monitoring import service

MEASURED = ("indicator,year,value,n_links\nyrd_coauthored_intl_papers,2024,12345678901234567,\n"
            "cross_province_link_share_paper,2024,0.1,3\n")


def _valid(session: Session, region: str = "340000") -> dict[str, float]:
    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    last = service.accepted_values(session, framework)[(region, 2023)]
    values = {k: float(v) * 1.04 for k, v in last.items()}
    values["rd_intensity_published"] = values["rd_expenditure"] / values["gdp"] * 100
    return values


def _open(client: TestClient, token: str, region: str = "340000", period: int = 2024) -> int:
    opened = client.post("/api/v1/monitoring/submissions", json={"region": region, "period": period},
                         headers={"X-CSRF-Token": token})
    assert opened.status_code == 201, opened.text
    return int(opened.json()["id"])


def _filled(client: TestClient, sub_id: int, values: dict[str, object]) -> tuple[bytes, dict[str, int]]:
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/monitoring/submissions/{sub_id}/template").content))
    sheet = book.active
    assert sheet is not None
    lines = {}
    for row in sheet.iter_rows(min_row=2):
        code = str(row[0].value)
        lines[code] = row[0].row
        row[4].value = values.get(code)  # type: ignore[assignment]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), lines


@pytest.fixture
def stat(client: TestClient, make_user) -> str:  # type: ignore[no-untyped-def]
    make_user("statistician", "340000", username="imp_stat")
    return login(client, "imp_stat")


def test_one_report_holds_unreadable_cells_and_rule_errors(client: TestClient, session: Session, stat: str) -> None:
    sub_id = _open(client, stat)
    values: dict[str, object] = dict(_valid(session))
    values["gdp"] = "abc"            # unreadable
    values["population"] = -3        # below the minimum
    values["rd_expenditure"] = float(values["rd_expenditure"]) * 2  # type: ignore[arg-type]  # +100 %: needs a reason
    data, lines = _filled(client, sub_id, values)
    bad = client.post(f"/api/v1/monitoring/submissions/{sub_id}/upload", headers={"X-CSRF-Token": stat},
                      files={"file": ("t.xlsx", data)})
    assert bad.status_code == 422
    rows = bad.json()["error"]["rows"]
    found = {(r["line"], r["code"]) for r in rows}
    assert (lines["gdp"], "cell.number") in found
    assert (lines["population"], "value.below_min") in found
    assert (lines["rd_expenditure"], "value.yoy_change") in found
    with_line = [r for r in rows if r["line"]]
    assert with_line and all(r["message"] and r["column"] for r in with_line)
    assert client.get(f"/api/v1/monitoring/submissions/{sub_id}").json()["values"] == []  # nothing saved


def test_form_api_and_template_refuse_with_the_same_codes(client: TestClient, session: Session, stat: str) -> None:
    sub_id = _open(client, stat)
    values = _valid(session)
    values["population"] = -3
    api = client.put(f"/api/v1/monitoring/submissions/{sub_id}/values", headers={"X-CSRF-Token": stat},
                     json={"values": {k: {"value": v} for k, v in values.items()}})
    assert api.status_code == 422
    api_codes = {(f["field"], f["code"]) for f in api.json()["error"]["fields"]}
    data, _ = _filled(client, sub_id, dict(values))
    upload = client.post(f"/api/v1/monitoring/submissions/{sub_id}/upload", headers={"X-CSRF-Token": stat},
                         files={"file": ("t.xlsx", data)})
    template_codes = {(r["field"], r["code"]) for r in upload.json()["error"]["rows"]}
    form = {f"value__{k}": str(v) for k, v in values.items()} | {"csrf_token": stat}
    page = client.post(f"/monitoring/submissions/{sub_id}/values", data=form)
    assert page.status_code == 422 and 'data-code="value.below_min"' in page.text
    page_codes = {(f, c) for c, f in re.findall(r'<li data-code="([\w.]+)"><code>(\w+)</code>', page.text)}
    assert ("population", "value.below_min") in api_codes
    assert api_codes == template_codes == page_codes


def test_values_are_exact_and_messages_have_no_float_artefacts(client: TestClient, session: Session,
                                                               stat: str) -> None:
    sub_id = _open(client, stat)
    values: dict[str, object] = {k: str(v) for k, v in _valid(session).items()}
    values["gdp"] = "51234.1"
    values["rd_intensity_published"] = str(float(values["rd_expenditure"]) / 51234.1 * 100)  # type: ignore[arg-type]
    values["rd_personnel_fte"] = "3000000.5"  # far above its trend and its year-on-year limit
    put = client.put(f"/api/v1/monitoring/submissions/{sub_id}/values", headers={"X-CSRF-Token": stat},
                     json={"values": {k: {"value": v} for k, v in values.items()}})
    assert put.status_code == 422
    messages = [f["message"] for f in put.json()["error"]["fields"] if f["field"] == "rd_personnel_fte"]
    assert messages and all("e+" not in m and "E+" not in m for m in messages)
    assert any("3,000,000.5" in m for m in messages), messages
    values["rd_personnel_fte"] = str(_valid(session)["rd_personnel_fte"])
    put = client.put(f"/api/v1/monitoring/submissions/{sub_id}/values", headers={"X-CSRF-Token": stat},
                     json={"values": {k: {"value": v} for k, v in values.items()}})
    assert put.status_code == 200, put.text
    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    stored = {v.element: v.value for v in service.get_submission(session, actor=SYSTEM, submission_id=sub_id).values}
    assert stored["gdp"] == Decimal("51234.1")


def _small_app(settings: object, session: Session) -> Iterator[FastAPI]:
    from sqlalchemy.orm import sessionmaker

    from yrdhub.web.app import create_app
    from yrdhub.web.deps import get_session, get_write_session

    application = create_app(settings)  # type: ignore[arg-type]
    application.dependency_overrides[get_session] = lambda: session
    application.dependency_overrides[get_write_session] = lambda: session
    application.state.session_factory = sessionmaker(bind=session.connection(), expire_on_commit=False,
                                                     join_transaction_mode="create_savepoint")
    yield application
    application.state.engine.dispose()


def test_the_upload_limit_is_checked_before_parsing(settings, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    small = settings.model_copy(update={"max_upload_mb": 1})
    app = next(_small_app(small, session))
    with TestClient(app) as client:
        make_user("statistician", "340000", username="big_stat")
        make_user("office_admin", username="big_office")
        token = login(client, "big_stat")
        sub_id = _open(client, token)
        huge = b"code,value\n" + b"gdp,1\n" * (1024 * 1024 // 6 + 10)
        refused = client.post(f"/api/v1/monitoring/submissions/{sub_id}/upload", headers={"X-CSRF-Token": token},
                              files={"file": ("t.csv", huge)})
        assert refused.status_code == 413 and refused.json()["error"]["code"] == "upload.too_large"
        page = client.post(f"/monitoring/submissions/{sub_id}/upload", data={"csrf_token": token},
                           files={"file": ("t.csv", huge)})
        assert page.status_code == 413
        client.post("/logout", data={"csrf_token": token})
        token = login(client, "big_office")
        measured = client.post("/api/v1/monitoring/measurements", headers={"X-CSRF-Token": token},
                               data={"source": "WoS export 2026-11"}, files={"values": ("v.csv", huge)})
        assert measured.status_code == 413 and measured.json()["error"]["code"] == "upload.too_large"


def _routes(app: FastAPI) -> list[tuple[str, object]]:
    """Every route with its full path (included routers expanded)."""
    found: list[tuple[str, object]] = []
    stack: list[tuple[str, object]] = [("", r) for r in app.routes]
    while stack:
        prefix, route = stack.pop()
        original = getattr(route, "original_router", None)
        if original is not None:
            stack.extend((prefix + route.include_context.prefix, r) for r in original.routes)  # type: ignore[attr-defined]
        else:
            found.append((prefix + getattr(route, "path", ""), route))
    return found


def test_upload_and_import_routes_do_not_block_the_event_loop(app: FastAPI) -> None:
    checked = 0
    for path, route in _routes(app):
        if path.endswith(("/upload", "/measurements")) and "POST" in (getattr(route, "methods", None) or set()):
            assert not inspect.iscoroutinefunction(route.endpoint), path  # type: ignore[attr-defined]
            checked += 1
        if path.endswith("/report.pdf"):
            assert not inspect.iscoroutinefunction(route.endpoint), path  # type: ignore[attr-defined]
            checked += 1
    assert checked >= 4


def test_measurement_rows_are_reported_with_codes_and_counts_are_exact(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("office_admin", username="m_office")
    token = login(client, "m_office")
    bad = ("indicator,year,value\n"
           "yrd_coauthored_intl_papers,20x4,1\n"   # line 2: year
           "Bad-Code,2024,1\n"                       # line 3: code
           "yrd_coauthored_intl_papers,2024,-1\n"   # line 4: negative
           "yrd_coauthored_intl_papers,2023,1\n"
           "yrd_coauthored_intl_papers,2023,1\n")   # line 6: duplicate
    refused = client.post("/api/v1/monitoring/measurements", headers={"X-CSRF-Token": token},
                          data={"source": "WoS export 2026-11"}, files={"values": ("v.csv", bad.encode())})
    assert refused.status_code == 422
    rows = [(r["line"], r["code"]) for r in refused.json()["error"]["rows"]]
    assert rows == [(2, "cell.number"), (3, "measurement.indicator"), (4, "cell.range"), (6, "import.duplicate_row")]
    done = client.post("/api/v1/monitoring/measurements", headers={"X-CSRF-Token": token},
                       data={"source": "WoS export 2026-11"}, files={"values": ("v.csv", MEASURED.encode())})
    assert done.status_code == 200, done.text
    listed = client.get("/api/v1/monitoring/measurements").json()
    papers = next(r for r in listed if r["indicator"] == "yrd_coauthored_intl_papers")
    assert Decimal(str(papers["value"])) == Decimal("12345678901234567")
