"""Monitoring through the API and the pages: public reads show only accepted data; the cycle by form."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.monitoring import service


def _valid(session: Session, region: str = "340000") -> dict[str, float]:
    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    last = service.accepted_values(session, framework)[(region, 2023)]
    values = {k: float(v) * 1.04 for k, v in last.items()}
    values["rd_intensity_published"] = values["rd_expenditure"] / values["gdp"] * 100
    return values


def test_public_reads(client: TestClient) -> None:
    frameworks = client.get("/api/v1/monitoring/frameworks").json()
    assert [(f["code"], f["version"]) for f in frameworks] == [("yrd-monitoring", 1)]
    spec = client.get("/api/v1/monitoring/frameworks/yrd-monitoring/1").json()["spec"]
    assert [d["code"] for d in spec["dimensions"]] == ["RS", "IC", "RU", "IL", "ES"]
    indicators = client.get("/api/v1/monitoring/indicators", params={"region": "310000"}).json()
    by = {(r["period"], r["indicator"]): r["value"] for r in indicators}
    assert round(by[(2023, "valid_patents_per_10k")], 2) == 97.06
    csv_text = client.get("/api/v1/monitoring/values", params={"format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "region_code,period,element,value" and len(csv_text.splitlines()) > 600
    assert client.get("/api/v1/monitoring/completeness").status_code == 401
    assert client.get("/monitoring").status_code == 200


def test_drafts_are_private_until_accepted(client: TestClient, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("statistician", "340000", username="ah_stat")
    token = login(client, "ah_stat")
    opened = client.post("/api/v1/monitoring/submissions", json={"region": "340000", "period": 2024},
                         headers={"X-CSRF-Token": token})
    assert opened.status_code == 201
    sub_id = opened.json()["id"]
    put = client.put(f"/api/v1/monitoring/submissions/{sub_id}/values", headers={"X-CSRF-Token": token},
                     json={"values": {k: {"value": v} for k, v in _valid(session).items()}})
    assert put.status_code == 200, put.text
    anonymous = TestClient(client.app)
    assert anonymous.get(f"/api/v1/monitoring/submissions/{sub_id}").status_code == 404
    visible = anonymous.get("/api/v1/monitoring/indicators").json()
    assert visible and all(r["period"] != 2024 for r in visible)
    assert anonymous.get(f"/monitoring/submissions/{sub_id}").status_code == 404


def test_api_validation_errors_name_the_cells(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("statistician", "330000", username="zj_stat")
    token = login(client, "zj_stat")
    sub_id = client.post("/api/v1/monitoring/submissions", json={"region": "330000", "period": 2024},
                         headers={"X-CSRF-Token": token}).json()["id"]
    bad = client.put(f"/api/v1/monitoring/submissions/{sub_id}/values", headers={"X-CSRF-Token": token},
                     json={"values": {"gdp": {"value": -1}, "nonsense": {"value": 1}}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    fields = {(f["field"], f["code"]) for f in bad.json()["error"]["fields"]}
    assert {("gdp", "value.below_min"), ("population", "value.required"), ("rd_expenditure", "value.required"),
            ("nonsense", "value.unknown_element")} <= fields
    english = client.put(f"/api/v1/monitoring/submissions/{sub_id}/values?lang=en", headers={"X-CSRF-Token": token},
                         json={"values": {"gdp": {"value": -1}}}).json()["error"]
    gdp = next(f for f in english["fields"] if f["field"] == "gdp")
    assert gdp["message"] == "-1 is below the minimum of 0."  # the message in the request's language
    wrong_state = client.post(f"/api/v1/monitoring/submissions/{sub_id}/approve", json={},
                              headers={"X-CSRF-Token": token})
    assert wrong_state.status_code == 403 and wrong_state.json()["error"]["code"] == "forbidden"
    early = client.post(f"/api/v1/monitoring/submissions/{sub_id}/submit", headers={"X-CSRF-Token": token})
    assert early.status_code == 422 and {f["code"] for f in early.json()["error"]["fields"]} == {"value.required"}


def test_cycle_through_the_pages(client: TestClient, app, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("statistician", "340000", username="p_stat")
    make_user("jurisdiction_admin", "340000", username="p_admin")
    make_user("office_admin", username="p_office")
    token = login(client, "p_stat")
    opened = client.post("/monitoring/data/open", data={"region": "340000", "period": "2024", "csrf_token": token},
                         follow_redirects=False)
    assert opened.status_code == 303
    page_url = opened.headers["location"]
    sub_id = int(page_url.rsplit("/", 1)[1])
    template = client.get(f"/api/v1/monitoring/submissions/{sub_id}/template")
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.active
    assert sheet is not None
    values = _valid(session)
    for row in sheet.iter_rows(min_row=2):
        row[4].value = values.get(str(row[0].value))
    rows = {str(r[0].value): r[0].row for r in sheet.iter_rows(min_row=2)}
    sheet.cell(row=rows["gdp"], column=5).value = "约十万"
    sheet.cell(row=rows["population"], column=5).value = -3
    buffer = io.BytesIO()
    book.save(buffer)
    bad = client.post(f"/monitoring/submissions/{sub_id}/upload", data={"csrf_token": token},
                      files={"file": ("t.xlsx", buffer.getvalue())})
    # both problems in one report: the unreadable cell and the value below its minimum
    assert bad.status_code == 422
    assert 'data-code="cell.number"' in bad.text and 'data-code="value.below_min"' in bad.text
    assert "不是数字" in bad.text  # rendered in the page's language
    form = {f"value__{k}": str(v) for k, v in values.items()} | {"csrf_token": token}
    form["value__population"] = "-3"
    refused = client.post(f"/monitoring/submissions/{sub_id}/values", data=form)
    assert refused.status_code == 422 and 'data-code="value.below_min"' in refused.text
    form["value__population"] = str(values["population"])
    assert client.post(f"/monitoring/submissions/{sub_id}/values", data=form, follow_redirects=False).status_code == 303
    assert client.post(f"/monitoring/submissions/{sub_id}/submit", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    admin = TestClient(app)
    admin_token = login(admin, "p_admin")
    assert admin.post(f"/monitoring/submissions/{sub_id}/approve", data={"csrf_token": admin_token},
                      follow_redirects=False).status_code == 303
    office = TestClient(app)
    office_token = login(office, "p_office")
    page = office.get(f"/monitoring/submissions/{sub_id}").text
    assert "省级已审核" in page and 'id="do-accept"' in page and 'id="do-send_back"' in page
    assert office.post(f"/monitoring/submissions/{sub_id}/accept", data={"csrf_token": office_token},
                       follow_redirects=False).status_code == 303
    public = TestClient(app).get("/api/v1/monitoring/indicators", params={"region": "340000"}).json()
    assert any(r["period"] == 2024 for r in public)
    workspace = office.get("/monitoring/data").text
    assert "已接受" in workspace


def test_dashboard_filters_and_score_export(client: TestClient, session: Session) -> None:
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.monitoring import evaluation, evaluations

    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    run = evaluations.run(session, actor=SYSTEM, framework=framework,
                          method=evaluation.Method(runs=100, last_year=2023))
    evaluations.publish(session, actor=SYSTEM, run=run)
    session.flush()
    page = client.get("/monitoring", params={"period": 2015, "region": "340000"})
    assert page.status_code == 200 and '"period": 2015' in page.text and '"region": "340000"' in page.text
    assert "<th class=\"num\">安徽</th>" in page.text and "<th class=\"num\">上海</th>" not in page.text
    scores = client.get(f"/api/v1/monitoring/evaluations/{run.id}/scores").json()
    yrd_2011 = next(r for r in scores if r["unit"] == "YRD" and r["year"] == 2011)
    assert round(yrd_2011["Index"], 6) == 100
    ranked = [r for r in scores if r["year"] == 2023 and r["unit"] != "YRD"]
    assert ranked and all(r["rank"] is not None for r in ranked)
    csv_text = client.get(f"/api/v1/monitoring/evaluations/{run.id}/scores", params={"format": "csv"})
    header = csv_text.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["unit", "year", "Index"] and header[-1] == "rank_q95"
