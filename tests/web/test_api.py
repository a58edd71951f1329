from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.schemas import TokenCreate
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate


def token(session: Session, make_user, role: str = "office_admin", scope: str = "",  # type: ignore[no-untyped-def]
          scopes: tuple[str, ...] = ("read", "write")) -> dict[str, str]:
    user, actor = make_user(role, scope)
    _, secret = accounts.create_token(session, actor=actor, user=user, data=TokenCreate(name="t", scopes=list(scopes)))
    session.commit()  # a refused request rolls the shared session back; the token must outlive that
    return {"Authorization": f"Bearer {secret}"}


def test_regions_list_and_keyset_pages(client: TestClient) -> None:
    first = client.get("/api/v1/regions", params={"level": "city", "limit": 30}).json()
    assert len(first["items"]) == 30 and first["next_cursor"]
    second = client.get("/api/v1/regions", params={"level": "city", "limit": 30, "cursor": first["next_cursor"]}
                        ).json()
    assert len(second["items"]) == 11 and second["next_cursor"] is None
    codes = [r["code"] for r in first["items"] + second["items"]]
    assert len(set(codes)) == 41 and codes == sorted(codes)


def test_regions_filter_by_province(client: TestClient) -> None:
    cities = client.get("/api/v1/regions", params={"level": "city", "parent": "340000"}).json()["items"]
    assert len(cities) == 16 and all(c["parent_code"] == "340000" for c in cities)


def test_region_detail_resolve_and_statistics(client: TestClient) -> None:
    assert client.get("/api/v1/regions/320100").json()["name_en"] == "Nanjing"
    assert client.get("/api/v1/regions/resolve", params={"text": "马鞍山"}).json()["code"] == "340500"
    hangzhou = client.get("/api/v1/regions/resolve", params={"text": "杭州市西湖区余杭塘路866号"}).json()
    assert hangzhou["code"] == "330106"
    stats = client.get("/api/v1/regions/310000/statistics", params={"indicator": "rd_intensity"}).json()
    assert {s["year"]: s["value"] for s in stats}[2022] == 4.44


def test_errors_are_codes_in_the_requests_language(client: TestClient) -> None:
    missing = client.get("/api/v1/regions/999999")
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": "region.not_found", "message": "地区不存在：999999。", "fields": []}
    english = client.get("/api/v1/regions/999999", headers={"Accept-Language": "en-GB,en;q=0.8"}).json()["error"]
    assert english["message"] == "No such region: 999999."
    assert client.get("/api/v1/regions/999999?lang=en").json()["error"]["message"] == "No such region: 999999."
    bad = client.get("/api/v1/regions", params={"limit": 0}, headers={"Accept-Language": "en"})
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"] == [{"field": "limit", "code": "validation.min",
                                              "message": "Enter a value of at least 1."}]
    cursor = client.get("/api/v1/regions", params={"cursor": "garbage"})
    assert cursor.status_code == 422 and cursor.json()["error"]["code"] == "page.cursor"
    unknown = client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_create_update_merge_organisation(client: TestClient, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    headers = token(session, make_user)
    created = client.post("/api/v1/organisations", headers=headers, json={
        "name": "河海大学", "type": "高校", "address": "南京市鼓楼区西康路1号", "aliases": ["河海"]})
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["region_code"] == "320106" and org["aliases"] == ["河海"]
    other = client.post("/api/v1/organisations", headers=headers, json={"name": "河海大学（旧）", "type": "university",
                                                                         "region": "南京"}).json()
    merged = client.post(f"/api/v1/organisations/{other['id']}/merge", headers=headers, json={"into": org["id"]})
    assert merged.status_code == 200 and "河海大学（旧）" in merged.json()["aliases"]
    old = client.get(f"/api/v1/organisations/{other['id']}").json()
    assert old["id"] == org["id"] and old["resolved_from"] == other["id"]


def test_invalid_organisation_gets_field_errors(client: TestClient, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    headers = token(session, make_user)
    response = client.post("/api/v1/organisations", headers=headers, json={
        "name": "某企业", "type": "enterprise", "uscc": "91350100M000100Y44", "region": "上海"})
    assert response.status_code == 422
    fields = {f["field"]: f for f in response.json()["error"]["fields"]}
    assert fields["uscc"]["code"] == "uscc.check" and fields["uscc"]["message"] == "校验码错误：应为 3，实为 4。"


def test_read_only_token_cannot_write(client: TestClient, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    headers = token(session, make_user, scopes=("read",))
    response = client.post("/api/v1/organisations", headers=headers, json={"name": "x", "type": "lab",
                                                                           "region": "上海"})
    assert response.status_code == 403


def test_bad_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer yrd_nonsense"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"


def test_import_reports_bad_rows(client: TestClient, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    headers = token(session, make_user)
    data = "名称,类型,地区\n好机构,lab,上海\n坏机构,火箭,上海\n".encode("gbk")
    response = client.post("/api/v1/organisations/import", headers=headers,
                           files={"file": ("o.csv", io.BytesIO(data), "text/csv")})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import.refused"
    assert [(r["line"], r["column"], r["code"]) for r in error["rows"]] == [(3, "类型", "org.type")]
    assert orgs.resolve(session, "好机构") is None
    empty = client.post("/api/v1/organisations/import", headers=headers,
                        files={"file": ("o.csv", io.BytesIO(b""), "text/csv")})
    assert empty.status_code == 422 and [r["code"] for r in empty.json()["error"]["rows"]] == ["table.empty"]
    dry = client.post("/api/v1/organisations/import", headers=headers, params={"dry_run": True},
                      files={"file": ("o.csv", io.BytesIO("名称,类型,地区\n好机构,lab,上海\n".encode()), "text/csv")})
    assert dry.status_code == 200 and dry.json()["created"] == 1 and dry.json()["dry_run"]
    assert orgs.resolve(session, "好机构") is None


def test_export_csv_and_xlsx_neutralise_formulas(client: TestClient, session: Session) -> None:
    orgs.create(session, actor=SYSTEM, data=OrgCreate(name="=HYPERLINK(\"http://evil\",\"点我\")", type="enterprise",
                                                     region="上海", aliases=["@SUM(A1)", "+1-2"]))
    orgs.create(session, actor=SYSTEM, data=OrgCreate(name="正常企业", type="enterprise", region="上海"))
    response = client.get("/api/v1/organisations", params={"format": "csv", "province": "310000"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {r["name"] for r in rows}
    assert "'=HYPERLINK(\"http://evil\",\"点我\")" in names and "正常企业" in names
    assert not any(r["name"].startswith("=") for r in rows)
    xlsx = client.get("/api/v1/organisations", params={"format": "xlsx", "province": "310000"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert values and all(not v.startswith(("=", "+", "@")) for v in values)
    assert any(v.startswith("'=HYPERLINK") for v in values)


def test_region_export(client: TestClient) -> None:
    text = client.get("/api/v1/regions", params={"format": "csv", "level": "city"}).content.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 41


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations" in spec["paths"] and "/api/v1/regions/{code}" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_duplicate_codes_are_a_conflict_not_a_500(client: TestClient, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    headers = token(session, make_user)
    org = client.post("/api/v1/organisations", headers=headers, json={"name": "重复编号测试", "type": "lab",
                                                                      "region": "上海"}).json()
    body = {"number": "DUP-0001", "title": "报告", "type": "final", "org_id": org["id"], "openness": "public",
            "year": 2025}
    assert client.post("/api/v1/outputs/reports", headers=headers, json=body).status_code == 201
    again = client.post("/api/v1/outputs/reports", headers=headers, json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "report.duplicate_number"
    session.rollback()  # what the request's own session does after an error (the test shares one session)
    programme = {"code": "DUP-PROG", "name": "计划", "owners": ["310000"]}
    assert client.post("/api/v1/programmes", headers=headers, json=programme).status_code == 201
    assert client.post("/api/v1/programmes", headers=headers, json=programme).status_code == 409
    session.rollback()
