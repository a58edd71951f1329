"""Reads under the policy, in SQL: one page of a list of projects costs the same number of statements whether
the list holds 100 projects or 1,000, for an outsider (who may read none of the drafts) and for a member (who may
read them all); the page holds only what the reader may read; `/programmes` is a page, not the whole list."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.programmes import queries, records
from yrdhub.programmes.common import Later
from yrdhub.programmes.schemas import ProjectRecord
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from .conftest import apply_for, open_call, programme


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    connection = session.connection()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


@pytest.fixture
def world(session: Session, make_user):  # type: ignore[no-untyped-def]
    lead = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="列表测试牵头大学", type="university", region="合肥"))
    other = orgs.create(session, actor=SYSTEM,
                        data=OrgCreate(name="列表测试无关企业", type="enterprise", region="杭州"))
    prog = programme(session, SYSTEM, "LIST-PROG", ["340000"])
    call = open_call(session, SYSTEM, prog, "LIST-CALL")
    member = make_user("member", f"org:{lead.id}", username="list_member")
    outsider = make_user("member", f"org:{other.id}", username="list_outsider")
    return {"lead": lead, "call": call, "member": member, "outsider": outsider, "made": 0}


def grow(session: Session, world: dict[str, Any], total: int) -> None:
    """Drafts of the lead organisation (private) and recorded projects (public), half each, up to `total`."""
    applicant = world["member"][1]
    later = Later()
    while world["made"] < total:
        i = world["made"]
        if i % 2:
            apply_for(session, applicant, world["call"], f"LIST-{i:05d}", world["lead"].id,
                      funders={"340000": {"2026": 1}})
        else:
            records.record_project(session, actor=SYSTEM, call=world["call"], data=ProjectRecord(
                code=f"LIST-{i:05d}", title=f"公开项目 {i}", lead_org_id=world["lead"].id,
                funders={"340000": {"2026": Decimal("1.5")}}), later=later)
        world["made"] += 1
    later.run(session, SYSTEM)
    session.flush()


def cost(session: Session, read: Callable[[], Any]) -> int:
    session.expire_all()
    with statements(session) as seen:
        read()
    return len(seen)


def test_one_page_costs_the_same_for_100_or_1000_projects(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    costs: dict[str, list[int]] = {"outsider": [], "member": []}
    for total in (100, 1000):
        grow(session, world, total)
        for who in costs:
            actor: Actor = world[who][1]
            page = queries.list_projects(session, actor=actor, limit=20)
            assert len(page.items) == 20 and page.next_cursor
            if who == "outsider":  # only public projects reach the outsider's page
                assert {p.status for p in page.items} == {"contracted"}
            else:
                assert {p.status for p in page.items} == {"contracted", "draft"}
            costs[who].append(cost(session, lambda actor=actor: [
                (p.lead.name, [f.yearly for f in p.funders], [x.org_id for x in p.participants])
                for p in queries.list_projects(session, actor=actor, limit=20).items]))
    assert costs["outsider"][0] == costs["outsider"][1] and costs["member"][0] == costs["member"][1], costs
    assert max(costs["outsider"] + costs["member"]) <= 8, costs


def test_the_list_page_is_a_page(session: Session, world, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    grow(session, world, 130)
    counts = []
    for who in ("list_outsider", "list_member"):
        client.cookies.clear()
        login(client, who)
        session.expire_all()
        with statements(session) as seen:
            html = client.get("/programmes").text
        counts.append(len(seen))
        rows = re.findall(r'<tr><td><a href="/projects/\d+">', html)
        assert len(rows) == 50 and 'rel="next"' in html
        if who == "list_outsider":
            assert "LIST-00001" not in html  # a draft
        follow = re.search(r'href="(/programmes\?cursor=[^"]+)"', html)
        assert follow
        second = client.get(follow.group(1).replace("&amp;", "&")).text
        assert len(re.findall(r'<tr><td><a href="/projects/\d+">', second)) == (15 if who == "list_outsider" else 50)
    grow(session, world, 400)
    for i, who in enumerate(("list_outsider", "list_member")):
        client.cookies.clear()
        login(client, who)
        session.expire_all()
        with statements(session) as seen:
            client.get("/programmes")
        assert len(seen) == counts[i] <= 20, (who, len(seen), counts[i])
