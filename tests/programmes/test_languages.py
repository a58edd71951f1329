"""Every programme page in one language at a time: in English nothing is Chinese (the data of this world has
English names), in Chinese no English UI word leaks (statuses, roles, decisions, change kinds, steps, notes);
times are shown in Beijing time."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.programmes import moves, review
from yrdhub.programmes.schemas import ChangeIn, MilestoneDoneIn, MilestoneIn, ReviewIn
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from .conftest import admin, apply_for, open_call, programme

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
DATA = ["Quantum Sensing Alliance", "Chip Design Pilot", "Refused Study", "Open Draft", "Joint Programme",
        "Call for Sensing", "Alpha University", "Beta Institute", "Prototype", "photos", "scope change",
        "looks sound", "double funding", "I18N-PROG", "I18N-CALL", "I18N-P1", "I18N-P2", "I18N-P3", "Sensing",
        *(f"lgx_{k}" for k in ("office", "applicant", "expert", "sh", "ah")), "admin-310000", "admin-340000",
        "中文", "English"]  # the data of this world (and the link to the other language)
ASCII_OK = {"yrdhub", "MIT", "CSV", "XLSX", "API", "ECharts", "svg", "html"}


def visible(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return html.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"')


def leaks(text: str, lang: str) -> list[str]:
    for item in sorted(DATA, key=len, reverse=True):
        text = text.replace(item, " ")
    if lang == "en":
        return sorted({m.group(0) for m in re.finditer(r".{0,12}[\u3400-\u9fff]+.{0,12}", text)})
    words = {w for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", text) if w not in ASCII_OK}
    return sorted(words)


@pytest.fixture
def world(session: Session, make_user):  # type: ignore[no-untyped-def]
    lead = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="甲大学", name_en="Alpha University",
                                                            type="university", region="合肥"))
    partner = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="乙研究所", name_en="Beta Institute",
                                                               type="institute", region="上海"))
    users = {k: make_user(role, scope, username=f"lgx_{k}") for k, role, scope in (
        ("office", "office_admin", ""), ("applicant", "member", f"org:{lead.id}"), ("expert", "expert", ""),
        ("sh", "jurisdiction_admin", "310000"), ("ah", "jurisdiction_admin", "340000"))}
    office, applicant = users["office"][1], users["applicant"][1]
    prog = programme(session, office, "I18N-PROG", ["310000", "340000"], name="Joint Programme")
    prog.name_en = "Joint Programme"
    call = open_call(session, office, prog, "I18N-CALL", title="Call for Sensing", max_budget_wan=Decimal("3000.5"))
    funders = {"310000": {"2026": "100.25"}, "340000": {"2026": 200, "2027": 50}}
    running = apply_for(session, applicant, call, "I18N-P1", lead.id, title="Quantum Sensing Alliance",
                        partner_org_ids=[partner.id], funders=funders, start_on=date(2026, 1, 1),
                        end_on=date(2027, 12, 31), keywords=["Sensing"], summary="Sensing")
    moves.submit(session, actor=applicant, project=running)
    moves.move(session, actor=office, project=running, name="start_review")
    review.assign_reviewer(session, actor=office, project=running, expert=users["expert"][0])
    review.submit_review(session, actor=users["expert"][1], project=running,
                         data=ReviewIn(score=88.5, comment="looks sound"))
    for p in ("310000", "340000"):
        review.decide_funding(session, actor=admin(p), project=running, province=p, approve=True)
    moves.move(session, actor=office, project=running, name="contract")
    done = moves.add_milestone(session, actor=applicant, project=running,
                               data=MilestoneIn(title="Prototype", due=date(2026, 6, 30)))
    moves.complete_milestone(session, actor=applicant, project=running, milestone_id=done.id,
                             data=MilestoneDoneIn(evidence="photos"))
    moves.add_milestone(session, actor=applicant, project=running, data=MilestoneIn(title="Chip Design Pilot",
                                                                                    due=date(2027, 6, 30)))
    moves.request_change(session, actor=applicant, project=running, data=ChangeIn(kind="content",
                                                                                   description="scope change"))
    refused = apply_for(session, applicant, call, "I18N-P2", lead.id, title="Refused Study",
                        funders={"310000": {"2026": 10}})
    moves.submit(session, actor=applicant, project=refused)
    moves.move(session, actor=office, project=refused, name="start_review")
    review.assign_reviewer(session, actor=office, project=refused, expert=users["expert"][0])
    draft = apply_for(session, applicant, call, "I18N-P3", lead.id, title="Open Draft",
                      funders={"310000": {"2026": 10}})
    session.flush()
    return {"running": running, "refused": refused, "draft": draft, "call": call, "programme": prog,
            "users": users}


def pages(world: dict[str, Any]) -> list[tuple[str, str]]:
    """(who, url) of every programme page, each seen by someone who gets its forms."""
    r, x, d = world["running"].id, world["refused"].id, world["draft"].id
    return [("lgx_office", "/programmes"), ("lgx_office", f"/programmes/{world['programme'].id}"),
            ("lgx_applicant", f"/calls/{world['call'].id}"), ("lgx_office", f"/projects/{r}"),
            ("lgx_applicant", f"/projects/{r}"), ("lgx_expert", f"/projects/{x}/review"),
            ("lgx_office", f"/projects/{x}"), ("lgx_applicant", f"/projects/{d}"), ("lgx_sh", f"/projects/{x}"),
            ("lgx_office", "/programmes/jurisdictions/340000"), ("lgx_expert", "/programmes")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_in_one_language(lang: str, world, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for who, url in pages(world):
        client.cookies.clear()
        login(client, who)
        page = client.get(url, params={"lang": lang})
        assert page.status_code == 200, (url, page.status_code)
        found = leaks(visible(page.text), lang)
        assert not found, (who, url, found)
        checked += 1
    assert checked == len(pages(world))


def test_refusals_and_the_history_in_each_language(session: Session, world, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    login(client, "lgx_office")
    url = f"/projects/{world['running'].id}"
    zh, en = (visible(client.get(url, params={"lang": lang}).text) for lang in ("zh", "en"))
    assert "全部出资方同意" in zh and "Every funder approved." in en  # a note the system wrote, as a code
    assert "已签约" in zh and "Contracted" in en and "内容" in zh
    assert "100.25" in en and "3,000.5" not in en  # exact amounts through the locale's format
    forged = client.post(f"{url}/transitions", data={"csrf_token": _csrf(client, url), "action": "terminate",
                                                      "reason": ""}, params={"lang": "en"})
    assert forged.status_code == 422 and "Give a reason for" in forged.text
    assert not leaks(visible(forged.text), "en")


def test_times_are_beijing_time(session: Session, world, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    world["call"].deadline = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 2027-01-01 00:30 in Beijing
    session.flush()
    page = client.get(f"/calls/{world['call'].id}", params={"lang": "en"}).text
    assert "2027-01-01 00:30" in page and "2026-12-31 16:30" not in page


def _csrf(client: TestClient, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert match
    return match.group(1)


def test_no_lang_switch_leaves_the_other_language(world, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    login(client, "lgx_office")
    zh = visible(client.get("/programmes").text)
    assert HAN.search(zh)
