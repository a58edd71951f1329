"""A joint programme driven through the JSON API with bearer tokens, as its users would (the surface every shell
shares): the tests of the audit's defects build their worlds with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import User
from yrdhub.accounts.schemas import TokenCreate
from yrdhub.db import utcnow
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate


@dataclass
class Joint:
    """A programme owned by Shanghai and Jiangsu with an open call; people with tokens; helpers to move a project."""

    client: TestClient
    session: Session
    lead: Any
    partner: Any
    other: Any
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    programme: int = 0
    call: int = 0

    def as_(self, who: str) -> dict[str, str]:
        return self.headers[who]

    def post(self, who: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(f"/api/v1{path}", headers=self.as_(who), json=body)

    def apply(self, code: str, funders: dict[str, dict[str, Any]] | None = None, **extra: Any) -> int:
        body = {"code": code, "title": f"联合攻关 {code}", "lead_org_id": self.lead.id,
                "funders": funders if funders is not None else {"310000": {"2026": 100}, "320000": {"2026": 200}},
                **extra}
        answer = self.post("applicant", f"/calls/{self.call}/projects", body)
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])

    def to_review(self, project: int, reviewed: bool = True) -> None:
        assert self.post("applicant", f"/projects/{project}/submit").status_code == 200
        assert self.post("office", f"/projects/{project}/review/start").status_code == 200
        assert self.post("office", f"/projects/{project}/reviewers", {"username": "jt_expert"}).status_code == 200
        if reviewed:
            answer = self.post("expert", f"/projects/{project}/review", {"score": 85, "comment": "可行"})
            assert answer.status_code == 200, answer.text

    def approve(self, project: int, *provinces: str) -> None:
        for province in provinces or ("310000", "320000"):
            who = {"310000": "sh", "320000": "js"}[province]
            answer = self.post(who, f"/projects/{project}/funding/{province}", {"approve": True})
            assert answer.status_code == 200, answer.text

    def get(self, who: str, project: int) -> dict[str, Any]:
        answer = self.client.get(f"/api/v1/projects/{project}", headers=self.as_(who))
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result


@pytest.fixture
def joint(client: TestClient, session: Session, make_user: Callable[..., tuple[User, Actor]]) -> Joint:
    lead = orgs.create(session, actor=_office(), data=OrgCreate(name="缺陷测试牵头大学", type="university",
                                                               region="合肥"))
    partner = orgs.create(session, actor=_office(), data=OrgCreate(name="缺陷测试合作研究所", type="institute",
                                                                  region="上海"))
    other = orgs.create(session, actor=_office(), data=OrgCreate(name="缺陷测试另一企业", type="enterprise",
                                                                region="苏州"))
    world = Joint(client, session, lead, partner, other)
    for who, role, scope in (("office", "office_admin", ""), ("sh", "jurisdiction_admin", "310000"),
                             ("js", "jurisdiction_admin", "320000"), ("zj", "jurisdiction_admin", "330000"),
                             ("applicant", "member", f"org:{lead.id}"), ("expert", "expert", ""),
                             ("outsider", "member", f"org:{other.id}")):
        user, actor = make_user(role, scope, username=f"jt_{who}")
        _, secret = accounts.create_token(session, actor=actor, user=user,
                                          data=TokenCreate(name="t", scopes=["read", "write"]))
        world.headers[who] = {"Authorization": f"Bearer {secret}"}
        world.actors[who] = actor
    answer = world.post("office", "/programmes", {"code": "JT-PROG", "name": "沪苏联合攻关计划",
                                                  "owners": ["310000", "320000"]})
    assert answer.status_code == 201, answer.text
    world.programme = answer.json()["id"]
    now = utcnow()
    answer = world.post("office", f"/programmes/{world.programme}/calls", {
        "code": "JT-CALL", "title": "沪苏联合攻关指南", "opens_at": (now - timedelta(days=1)).isoformat(),
        "deadline": (now + timedelta(days=30)).isoformat()})
    assert answer.status_code == 201, answer.text
    world.call = answer.json()["id"]
    return world


def _office() -> Actor:
    from yrdhub.accounts.actor import SYSTEM

    return SYSTEM


# --- the services directly ----------------------------------------------------------------------------------------

def programme(session: Session, actor: Actor, code: str, owners: list[str], name: str = "") -> Any:
    from yrdhub.programmes import writes
    from yrdhub.programmes.schemas import ProgrammeCreate

    return writes.create_programme(session, actor=actor, data=ProgrammeCreate(code=code, name=name or code,
                                                                              owners=owners))


def open_call(session: Session, actor: Actor, programme_: Any, code: str, days: int = 30, **extra: Any) -> Any:
    from yrdhub.programmes import writes
    from yrdhub.programmes.schemas import CallCreate

    now = utcnow()
    return writes.create_call(session, actor=actor, programme=programme_, data=CallCreate(
        code=code, title=extra.pop("title", code), opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=days), **extra))


def apply_for(session: Session, actor: Actor, call: Any, code: str, lead: int, **extra: Any) -> Any:
    from yrdhub.programmes import writes
    from yrdhub.programmes.schemas import ProjectCreate

    return writes.create_project(session, actor=actor, call=call, data=ProjectCreate(
        code=code, title=extra.pop("title", code), lead_org_id=lead, **extra))


def reviewed(session: Session, project: Any, owner: Actor, applicant: Actor, expert: tuple[User, Actor]) -> None:
    """Submitted, under review, one expert assigned who has scored it."""
    from yrdhub.programmes import moves, review
    from yrdhub.programmes.schemas import ReviewIn

    moves.submit(session, actor=applicant, project=project)
    moves.move(session, actor=owner, project=project, name="start_review")
    review.assign_reviewer(session, actor=owner, project=project, expert=expert[0])
    review.submit_review(session, actor=expert[1], project=project, data=ReviewIn(score=80, comment="可行"))


def admin(province: str) -> Actor:
    from yrdhub.accounts.actor import Grant

    return Actor(username=f"admin-{province}", grants=(Grant("jurisdiction_admin", province),), via="system")
