"""Projects in the full-text search: who finds a project is exactly who may read it (the read rule, in SQL), in
every state, re-indexed by the services on every change; a role granted or revoked changes who finds drafts at
once, with no re-index (the grants are roles, not users); a project not yet public never shows to anonymous
readers anywhere (every GET route of the app is crawled, as the outputs leak test does)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import all_get_routes
from yrdhub import search
from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM, Actor
from yrdhub.accounts.schemas import GrantRequest
from yrdhub.errors import NotFound
from yrdhub.programmes import indexing, moves, queries, review
from yrdhub.programmes.access import RULE
from yrdhub.programmes.schemas import ReviewIn
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from .conftest import admin as _admin
from .conftest import apply_for, open_call, programme

MARK = "QXDRAFTMARKERZQ"  # a unique word in the title
PARTNER = "搜索测试合作研究院"


@pytest.fixture
def world(session: Session, make_user):  # type: ignore[no-untyped-def]
    lead = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="搜索测试牵头大学", type="university", region="合肥"))
    partner = orgs.create(session, actor=SYSTEM, data=OrgCreate(name=PARTNER, type="institute", region="上海"))
    other = orgs.create(session, actor=SYSTEM,
                        data=OrgCreate(name="搜索测试无关企业", type="enterprise", region="杭州"))
    users = {
        "office": make_user("office_admin"),
        "sh_admin": make_user("jurisdiction_admin", "310000"),  # an owner of the programme
        "ah_stat": make_user("statistician", "340000"),  # owner jurisdiction, but not an admin: no drafts
        "zj_admin": make_user("jurisdiction_admin", "330000"),  # not an owner
        "applicant": make_user("member", f"org:{lead.id}"),
        "partner_member": make_user("member", f"org:{partner.id}"),  # partners do not read drafts
        "other_member": make_user("member", f"org:{other.id}"),
        "expert": make_user("expert"),
        "idle_expert": make_user("expert"),
    }
    prog = programme(session, users["office"][1], "SRCH-PROG", ["310000", "340000"], name="搜索测试联合计划")
    call = open_call(session, users["office"][1], prog, "SRCH-CALL", title="量子信息联合攻关指南")
    project = apply_for(
        session, users["applicant"][1], call, "SRCH-P-1", lead.id, title=f"{MARK} 量子精密测量联合攻关",
        partner_org_ids=[partner.id], discipline="物理学", keywords=["量子", "精密测量"],
        summary="面向长三角的量子传感器件研制与应用验证。", start_on=date(2026, 7, 1),
        funders={"310000": {"2026": 200}, "340000": {"2026": 300}})
    return {"users": users, "project": project, "programme": prog, "call": call, "lead": lead}


def can_read(session: Session, actor: Actor, project: Any) -> bool:
    try:
        return queries.get_project(session, actor=actor, project_id=project.id) is project
    except NotFound:
        return False


def finds(session: Session, actor: Actor, text: str = MARK) -> bool:
    result = search.search(session, search.SearchQuery(text=text, kinds=["project"]), search.reader_tokens(actor))
    return result.total == 1


def readers(world: dict[str, Any]) -> dict[str, Actor]:
    return {"anonymous": ANONYMOUS, **{k: v[1] for k, v in world["users"].items()}}


def check_mirror(session: Session, world: dict[str, Any]) -> dict[str, bool]:
    """Search finds the project for exactly the readers the read rule admits (and `list_projects` lists); the
    bulk grants equal the row's."""
    project = world["project"]
    seen = {}
    for name, actor in readers(world).items():
        allowed = can_read(session, actor, project)
        assert finds(session, actor) == allowed, (project.status, name, allowed)
        assert (project in queries.list_projects(session, actor=actor).items) == allowed, (project.status, name)
        seen[name] = allowed
    assert RULE.grants_many(session, [project]) == {project.id: RULE.grants(session, project)}
    return seen


def test_grants_mirror_can_read_in_every_state(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    users, project = world["users"], world["project"]
    private = {"anonymous", "ah_stat", "zj_admin", "partner_member", "other_member", "expert", "idle_expert"}
    assert {k for k, v in check_mirror(session, world).items() if not v} == private  # draft
    moves.submit(session, actor=users["applicant"][1], project=project)
    assert {k for k, v in check_mirror(session, world).items() if not v} == private
    moves.move(session, actor=users["sh_admin"][1], project=project, name="start_review")
    review.assign_reviewer(session, actor=users["sh_admin"][1], project=project, expert=users["expert"][0])
    seen = check_mirror(session, world)  # the assigned reviewer now finds it
    assert seen["expert"] and not seen["idle_expert"] and not seen["anonymous"]
    review.submit_review(session, actor=users["expert"][1], project=project,
                         data=ReviewIn(score=88, comment="前沿性强"))
    review.decide_funding(session, actor=users["sh_admin"][1], project=project, province="310000", approve=True)
    assert not check_mirror(session, world)["anonymous"]  # one funder of two: still under review
    review.decide_funding(session, actor=_admin("340000"), project=project, province="340000", approve=True)
    assert project.status == "approved"
    mirrored = check_mirror(session, world)
    assert mirrored and all(mirrored.values())  # public from approval on
    moves.move(session, actor=users["office"][1], project=project, name="terminate", reason="方向调整")
    mirrored = check_mirror(session, world)
    assert mirrored and all(mirrored.values())  # terminated projects stay on the public record


def test_a_rejected_project_stays_private(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    users, project = world["users"], world["project"]
    moves.submit(session, actor=users["applicant"][1], project=project)
    moves.move(session, actor=users["office"][1], project=project, name="start_review")
    review.assign_reviewer(session, actor=users["office"][1], project=project, expert=users["expert"][0])
    review.submit_review(session, actor=users["expert"][1], project=project,
                         data=ReviewIn(score=40, comment="创新不足"))
    review.decide_funding(session, actor=users["sh_admin"][1], project=project, province="310000", approve=False,
                          reason="与本市布局重复")
    assert project.status == "rejected"
    seen = check_mirror(session, world)
    assert not seen["anonymous"] and seen["applicant"] and seen["sh_admin"]


def test_document_fields_and_facets(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    office = world["users"]["office"][1]
    for text in (PARTNER, "搜索测试牵头大学", "搜索测试联合计划", "量子传感器件", "精密测量"):
        assert finds(session, office, text), text  # participants, lead, programme, summary, keywords
    result = search.search(session, search.SearchQuery(
        text=MARK, kinds=["project"], facets=("province", "funder", "year", "type", "discipline", "status")),
        search.reader_tokens(office))
    assert result.facets["funder"] == [("310000", 1), ("340000", 1)]
    assert sorted(result.facets["province"]) == [("310000", 1), ("340000", 1)]
    assert result.facets["year"] == [("2026", 1)] and result.facets["type"] == [("joint", 1)]
    assert result.facets["discipline"] == [("物理学", 1)] and result.facets["status"] == [("draft", 1)]
    filtered = search.search(session, search.SearchQuery(text=MARK, kinds=["project"],
                                                         filters={"status": ["approved"]}),
                             search.reader_tokens(office))
    assert filtered.total == 0


def test_reindex_all_restores_the_index(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    office = world["users"]["office"][1]
    assert search.remove(session, "project", str(world["project"].id))
    assert not finds(session, office)
    assert indexing.reindex_all(session) >= 1
    assert finds(session, office)


def test_role_changes_reach_the_readers_without_a_reindex(session: Session, world, make_user) -> None:  # type: ignore[no-untyped-def]
    """Roles are granted outside the programmes module: the document's readers are roles (role:jurisdiction_admin@
    340000, user:<id>@expert), so a grant or a revocation changes who finds the draft at once."""
    late_user, late = make_user("jurisdiction_admin", "340000")
    assert can_read(session, late, world["project"]) and finds(session, late)
    accounts.revoke(session, actor=SYSTEM, user=late_user, data=GrantRequest(role="jurisdiction_admin", scope="340000"))
    session.flush()
    gone = accounts.actor_for(late_user)
    assert not finds(session, gone) and not can_read(session, gone, world["project"])
    expert_user, expert = world["users"]["expert"]
    project = world["project"]
    moves.submit(session, actor=world["users"]["applicant"][1], project=project)
    moves.move(session, actor=world["users"]["office"][1], project=project, name="start_review")
    review.assign_reviewer(session, actor=world["users"]["office"][1], project=project, expert=expert_user)
    assert finds(session, expert)
    accounts.revoke(session, actor=SYSTEM, user=expert_user, data=GrantRequest(role="expert"))
    session.flush()
    assert not finds(session, accounts.actor_for(expert_user))  # an assigned reviewer reads while an expert


def _csv(rows: list[dict[str, str]]) -> bytes:
    from yrdhub.programmes.imports import PROJECT_COLUMNS

    header = [c.aliases[0] for c in PROJECT_COLUMNS]
    lines = [",".join(header)] + [",".join(row.get(c.key, "") for c in PROJECT_COLUMNS) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_imported_projects_are_indexed_with_the_file(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    """An import indexes its projects once, at the end of its file (the engine's finish)."""
    from yrdhub.programmes.imports import import_projects

    office = world["users"]["office"][1]
    row = {"code": "SRCH-IMP-1", "title": "IMPORTMARKERKV 导入的在研项目", "programme": "SRCH-PROG",
           "call": "SRCH-CALL", "lead_org_id": "搜索测试牵头大学", "funders": "安徽: 2026=100", "status": "在研"}
    refused = {**row, "code": "SRCH-IMP-2", "title": "IMPORTREFUSEDKV 未立项的项目", "status": "未立项"}
    report = import_projects(session, actor=office, data=_csv([row, refused]), filename="p.csv")
    assert not report.errors, report.errors
    assert finds(session, ANONYMOUS, "IMPORTMARKERKV")
    assert not finds(session, ANONYMOUS, "IMPORTREFUSEDKV") and finds(session, office, "IMPORTREFUSEDKV")
    assert finds(session, world["users"]["applicant"][1], "IMPORTREFUSEDKV")  # the lead organisation's member
    again = import_projects(session, actor=office, data=_csv([{**row, "summary": "REIMPORTSUMMARYKV"}]),
                            filename="p.csv")
    assert not again.errors and again.updated == 1, again.errors
    assert finds(session, ANONYMOUS, "REIMPORTSUMMARYKV IMPORTMARKERKV")  # re-indexed with the file


def test_search_page_links_project_hits(session: Session, world, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    project = world["project"]
    draft = client.get("/search", params={"q": "量子精密测量"}).text  # a draft: not for the public
    assert MARK not in draft and f"/projects/{project.id}" not in draft
    _approve(session, world)
    page = client.get("/search", params={"q": "量子精密测量"})
    assert page.status_code == 200
    assert f'href="/projects/{project.id}"' in page.text and "<mark>" in page.text
    assert "项目" in page.text and "已立项" in page.text  # the kind and the status facet, in Chinese
    english = client.get("/search", params={"q": "量子精密测量", "kind": "project", "lang": "en"})
    assert "Approved" in english.text and "Project" in english.text


def _approve(session: Session, world: dict[str, Any]) -> None:
    users, project = world["users"], world["project"]
    moves.submit(session, actor=users["applicant"][1], project=project)
    moves.move(session, actor=users["office"][1], project=project, name="start_review")
    review.assign_reviewer(session, actor=users["office"][1], project=project, expert=users["expert"][0])
    review.submit_review(session, actor=users["expert"][1], project=project, data=ReviewIn(score=90, comment="优秀"))
    for province in ("310000", "340000"):
        review.decide_funding(session, actor=_admin(province), project=project, province=province, approve=True)
    session.flush()


@pytest.mark.parametrize("state", ["draft", "submitted", "under_review"])
def test_a_project_before_approval_never_leaks_to_anonymous(state: str, session: Session, world,  # type: ignore[no-untyped-def]
                                                           client: TestClient, app: FastAPI) -> None:
    users, project = world["users"], world["project"]
    if state != "draft":
        moves.submit(session, actor=users["applicant"][1], project=project)
    if state == "under_review":
        moves.move(session, actor=users["office"][1], project=project, name="start_review")
        review.assign_reviewer(session, actor=users["office"][1], project=project, expert=users["expert"][0])
    session.flush()
    values = {"project_id": project.id, "programme_id": world["programme"].id, "call_id": world["call"].id,
              "org_id": world["lead"].id, "code": "340000", "ref": "latest", "version": 1, "level": "city"}
    pages = 0
    skip = ("/static", "/api/docs", "/api/v1/openapi.json", "/favicon.ico")
    for route in all_get_routes(app):
        if route.startswith(skip) or route.endswith(".pdf"):
            continue
        url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values.get(m.group(1), 1)), route)
        # probes that match the project without containing the marker (echoed query text is not a leak)
        for query in ("", "?q=量子精密测量&kind=project", f"?q={PARTNER}&format=csv", "?prefix=QXD&text=量子",
                      "?funder=340000&participant=340000&participant_province=340000"):
            response = client.get(url + query)
            pages += 1
            assert MARK not in response.text, (state, url + query)
            assert "量子精密测量联合攻关" not in response.text, (state, url + query)
    assert pages > 100
    # the probes do find it for a reader who may see it (the crawl really searches)
    assert finds(session, users["applicant"][1], "量子精密测量")


def test_sample_projects_are_indexed_with_their_readers(session: Session) -> None:
    from yrdhub.cli.samples import load_samples

    load_samples(session, actor=SYSTEM)
    public = search.search(session, search.SearchQuery(text="示例", kinds=["project"], limit=50,
                                                       facets=("status",)), search.reader_tokens(ANONYMOUS))
    office = search.search(session, search.SearchQuery(text="示例", kinds=["project"], limit=50),
                           search.reader_tokens(SYSTEM))
    assert dict(public.facets["status"]) == {"accepted": 1, "contracted": 1}  # the two approved samples only
    assert office.total == 4  # and the ones under review and submitted for the office
    assert load_samples(session, actor=SYSTEM) == 0  # a second load changes nothing, the index stays whole
    assert search.search(session, search.SearchQuery(text="示例", kinds=["project"]),
                         search.reader_tokens(SYSTEM)).total == 4
