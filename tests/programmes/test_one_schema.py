"""One schema per write: the same bad application through the page's form, the JSON API and an import file
comes back with the same codes from all three (the schema holds every field rule; the shells only carry it)."""

from __future__ import annotations

import io
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from helpers import login
from yrdhub.programmes.imports import PROJECT_COLUMNS
from yrdhub.programmes.models import Project

from .conftest import Joint

LONG = "长" * 400
KEYWORDS = [f"词{i}" for i in range(50)]
EXPECTED = {("title", "validation.too_long"), ("keywords", "validation.too_many"),
            ("funders", "project.funder_unknown"), ("end_on", "project.end_before_start")}


def _by_title(title: str) -> str:
    """An import column's field, from the header as written."""
    return next(c.key for c in PROJECT_COLUMNS if title in (c.key, *c.aliases))


def test_the_form_the_api_and_an_import_give_the_same_codes(joint: Joint, client: TestClient) -> None:
    # the page's form (as a browser posts it, forged funder cells included)
    token = login(client, "jt_applicant")
    page = client.post(f"/calls/{joint.call}/projects", follow_redirects=False, data={
        "csrf_token": token, "code": "OS-FORM", "title": LONG, "keywords": " ".join(KEYWORDS),
        "lead_org_id": str(joint.lead.id), "fund__999999__abcd": "-5", "start_on": "2026-02-01",
        "end_on": "2025-01-01"})
    assert page.status_code == 422
    form = set(re.findall(r'data-field="([^"]*)" data-code="([^"]+)"', page.text))

    # the API
    answer = joint.post("applicant", f"/calls/{joint.call}/projects", {
        "code": "OS-API", "title": LONG, "keywords": KEYWORDS, "lead_org_id": joint.lead.id,
        "funders": {"999999": {"abcd": -5}}, "start_on": "2026-02-01", "end_on": "2025-01-01"})
    assert answer.status_code == 422
    api = {(f["field"].split(".")[0], f["code"]) for f in answer.json()["error"]["fields"]}

    # an import file (the same values as cells)
    head = "项目编号,项目名称,指南编号,牵头单位,出资方,关键词,开始日期,结束日期\n"
    row = f"OS-IMP,{LONG},JT-CALL,{joint.lead.name},999999: abcd=-5,{';'.join(KEYWORDS)},2026-02-01,2025-01-01\n"
    imported = joint.client.post("/api/v1/projects/import", headers=joint.as_("office"),
                                 files={"file": ("p.csv", io.BytesIO((head + row).encode()), "text/csv")})
    assert imported.status_code == 422
    rows = imported.json()["error"]["rows"]
    assert rows and {r["line"] for r in rows} == {2}
    files = {(_by_title(r["column"]), r["code"]) for r in rows}

    assert form == api == files == EXPECTED, (form, api, files)
    joint.session.expire_all()
    assert not joint.session.execute(select(Project).where(Project.code.like("OS-%"))).all()


def test_the_same_holds_for_a_drafts_edit(joint: Joint, client: TestClient) -> None:
    """PATCH and the page's edit form refuse what create refuses, with the same codes."""
    project = joint.apply("OS-EDIT")
    bad: dict[str, Any] = {"title": LONG, "keywords": KEYWORDS, "funders": {"999999": {"abcd": -5}},
                           "start_on": "2026-02-01", "end_on": "2025-01-01"}
    answer = joint.client.patch(f"/api/v1/projects/{project}", headers=joint.as_("applicant"), json=bad)
    api = {(f["field"].split(".")[0], f["code"]) for f in answer.json()["error"]["fields"]}
    token = login(client, "jt_applicant")
    page = client.post(f"/projects/{project}/edit", follow_redirects=False, data={
        "csrf_token": token, "title": LONG, "keywords": " ".join(KEYWORDS), "fund__999999__abcd": "-5",
        "start_on": "2026-02-01", "end_on": "2025-01-01"})
    form = set(re.findall(r'data-field="([^"]*)" data-code="([^"]+)"', page.text))
    assert answer.status_code == page.status_code == 422
    assert api == form == EXPECTED
    assert joint.get("applicant", project)["title"] == "联合攻关 OS-EDIT"
