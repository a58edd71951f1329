"""The audit's findings, each reproduced through the surfaces users touch (the JSON API, an import file, the
pages) so that the test fails on the code the audit read and passes once the defect is gone."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.db import utcnow
from yrdhub.programmes.models import Project

from .conftest import Joint

HEAD = "项目编号,项目名称,指南编号,牵头单位,出资方,状态,关键词\n"


def import_rows(joint: Joint, who: str, *rows: str) -> Any:
    data = (HEAD + "".join(rows)).encode()
    return joint.client.post("/api/v1/projects/import", headers=joint.as_(who),
                             files={"file": ("p.csv", io.BytesIO(data), "text/csv")})


def codes_of(answer: Any) -> set[str]:
    error = answer.json()["error"]
    return {r.get("code", "") for r in error.get("rows", [])} | {f.get("code", "") for f in error.get("fields", [])}


def by_code(session: Session, code: str) -> Project | None:
    session.expire_all()
    return session.execute(select(Project).where(Project.code == code)).scalar_one_or_none()


# --- 1. imports go through the policy and the same services as single writes -----------------------------------

def test_an_import_cannot_sign_off_another_funders_share(joint: Joint) -> None:
    # Jiangsu's admin co-owns the programme, but may not record Shanghai's sign-off of a share
    answer = import_rows(joint, "js", f"JT-IMP-1,历史项目,JT-CALL,{joint.lead.name},上海: 2026=100,在研,\n")
    assert answer.status_code == 422, answer.text
    assert by_code(joint.session, "JT-IMP-1") is None
    assert "policy.denied" in codes_of(answer)
    # its own share it may record
    ok = import_rows(joint, "js", f"JT-IMP-2,历史项目,JT-CALL,{joint.lead.name},江苏: 2026=100,在研,\n")
    assert ok.status_code == 200, ok.text


def test_an_import_cannot_raise_a_signed_off_share(joint: Joint) -> None:
    project = joint.apply("JT-P-1")
    joint.to_review(project)
    joint.approve(project, "320000")  # Jiangsu signed its 200
    row = f"JT-P-1,联合攻关 JT-P-1,JT-CALL,{joint.lead.name},\"江苏: 2026=20000; 上海: 2026=100\",,\n"
    for who in ("js", "office"):
        answer = import_rows(joint, who, row)
        assert answer.status_code == 422, (who, answer.text)
        shares = {f["province_code"]: Decimal(str(f["amount_wan"])) for f in joint.get("office", project)["funders"]}
        assert shares == {"310000": 100, "320000": 200}
        assert "project.share_decided" in codes_of(answer), answer.text


def test_an_import_cannot_change_the_lead_organisation_under_review(joint: Joint) -> None:
    project = joint.apply("JT-P-2")
    joint.to_review(project, reviewed=False)
    row = f"JT-P-2,联合攻关 JT-P-2,JT-CALL,{joint.other.name},,,\n"
    answer = import_rows(joint, "office", row)
    assert answer.status_code == 422, answer.text
    assert joint.get("office", project)["lead_org_id"] == joint.lead.id
    assert "project.lead_fixed" in codes_of(answer)


def test_an_import_cannot_rewrite_a_draft_that_patch_refuses(joint: Joint) -> None:
    project = joint.apply("JT-P-3")
    patch = joint.client.patch(f"/api/v1/projects/{project}", headers=joint.as_("js"), json={"title": "篡改"})
    assert patch.status_code == 403
    answer = import_rows(joint, "js", f"JT-P-3,篡改的题目,JT-CALL,{joint.lead.name},,,\n")
    assert answer.status_code == 422, answer.text
    assert joint.get("applicant", project)["title"] == "联合攻关 JT-P-3"
    assert codes_of(answer) == {"policy.denied"}


# --- 2. one schema per write -----------------------------------------------------------------------------------

def test_create_refuses_what_patch_refuses(joint: Joint) -> None:
    bad = {"999999": {"abcd": -5}}
    created = joint.post("applicant", f"/calls/{joint.call}/projects", {
        "code": "JT-BAD-1", "title": "坏出资方", "lead_org_id": joint.lead.id, "funders": bad})
    assert created.status_code == 422, created.text
    assert by_code(joint.session, "JT-BAD-1") is None
    project = joint.apply("JT-P-4")
    patched = joint.client.patch(f"/api/v1/projects/{project}", headers=joint.as_("applicant"), json={"funders": bad})
    assert patched.status_code == 422
    assert codes_of(created) == codes_of(patched) == {"project.funder_unknown"}


def test_create_refuses_long_titles_and_too_many_keywords(joint: Joint) -> None:
    for code, extra in (("JT-LONG", {"title": "长" * 400}), ("JT-KW", {"keywords": [f"词{i}" for i in range(50)]})):
        answer = joint.post("applicant", f"/calls/{joint.call}/projects",
                            {"code": code, "title": "题目", "lead_org_id": joint.lead.id, **extra})
        assert answer.status_code == 422, (code, answer.text)
        assert by_code(joint.session, code) is None
    keywords = ";".join(f"词{i}" for i in range(25))
    answer = import_rows(joint, "js", f"JT-KW-2,关键词太多,JT-CALL,{joint.lead.name},江苏: 2026=1,在研,{keywords}\n")
    assert answer.status_code == 422, answer.text  # refused, not truncated to 20
    assert codes_of(answer) == {"validation.too_many"}


# --- 3. money is exact -------------------------------------------------------------------------------------------

def test_shares_and_budgets_are_exact(joint: Joint) -> None:
    project = joint.apply("JT-P-5", funders={"310000": {"2026": 0.1, "2027": 0.2}, "320000": {"2026": "1234567.89"}})
    body = joint.get("applicant", project)
    assert Decimal(str(body["requested_budget_wan"])) == Decimal("1234568.19")
    shanghai = next(f for f in body["funders"] if f["province_code"] == "310000")
    assert Decimal(str(shanghai["amount_wan"])) == Decimal("0.3")
    listed = joint.client.get("/api/v1/projects", params={"format": "csv"}, headers=joint.as_("applicant")).text
    assert "1234568.19" in listed and "0.30000000000000004" not in listed


# --- 4. states as data: pages offer only what the lifecycle allows; milestones are not done in the future ------

def forms(html: str) -> set[str]:
    return set(re.findall(r'<form[^>]* action="([^"]+)"', html))


def test_pages_offer_no_step_the_lifecycle_would_refuse(joint: Joint, client: TestClient) -> None:
    project = joint.apply("JT-P-6")
    joint.to_review(project, reviewed=False)  # the review is not in yet: no sign-off can be made
    login(client, "jt_js")
    page = client.get(f"/projects/{project}").text
    assert f"/projects/{project}/funding/320000" not in forms(page)


def test_acceptance_is_not_offered_with_open_milestones(joint: Joint, client: TestClient) -> None:
    project = joint.apply("JT-P-7")
    joint.to_review(project)
    joint.approve(project)
    assert joint.post("applicant", f"/projects/{project}/milestones",
                      {"title": "样机", "due": "2027-06-30"}).status_code == 201
    for step in ("contract", "midterm"):
        assert joint.post("office", f"/projects/{project}/transitions", {"action": step}).status_code == 200
    login(client, "jt_office")
    page = client.get(f"/projects/{project}").text
    assert 'value="accept"' not in page and 'id="move-accept"' not in page


def test_a_milestone_is_not_done_on_a_future_date(joint: Joint) -> None:
    project = joint.apply("JT-P-8")
    joint.to_review(project)
    joint.approve(project)
    joint.post("applicant", f"/projects/{project}/milestones", {"title": "样机", "due": "2027-06-30"})
    milestone = joint.get("applicant", project)["milestones"][0]["id"]
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    answer = joint.post("applicant", f"/projects/{project}/milestones/{milestone}/done",
                        {"evidence": "样机照片", "done_on": tomorrow})
    assert answer.status_code == 422, answer.text
    assert joint.get("applicant", project)["milestones"][0]["done_on"] is None
    assert "milestone.future" in codes_of(answer)


# --- 5. reads under the policy, in SQL ---------------------------------------------------------------------------

def statements_for(joint: Joint, who: str, path: str) -> int:
    seen: list[str] = []
    connection = joint.session.connection()

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(connection, "before_cursor_execute", count)
    try:
        answer = joint.client.get(path, headers=joint.as_(who))
        assert answer.status_code == 200
    finally:
        event.remove(connection, "before_cursor_execute", count)
    return len(seen)


def test_listing_drafts_as_an_outsider_costs_the_same_for_any_number(joint: Joint) -> None:
    counts = []
    made = 0
    for total in (5, 30):
        while made < total:
            joint.apply(f"JT-L-{made:03d}", funders={"320000": {"2026": 1}})
            made += 1
        counts.append(statements_for(joint, "outsider", "/api/v1/projects"))
    assert counts[0] == counts[1], counts
