"""Read models: every get and list of projects takes the actor and filters with the read rule in SQL; lists are
keyset pages with what a page shows loaded in a bounded number of statements; a jurisdiction's totals are summed
by the database over the projects its reader may see."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from itertools import combinations
from typing import Any

from sqlalchemy import Select, case, distinct, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from yrdhub.accounts.actor import Actor
from yrdhub.errors import NotFound
from yrdhub.keyset import MAX_LIMIT, Order, Page, paginate
from yrdhub.programmes.access import readable
from yrdhub.programmes.labels import PROVINCES
from yrdhub.programmes.lifecycle import APPLIED, FUNDED, Status
from yrdhub.programmes.models import Funding, FundingYear, Participant, Programme, Project, Review

ORDER = [Order(Project.code), Order(Project.id)]
LISTED = (selectinload(Project.participants), selectinload(Project.funders), selectinload(Project.lead))
WHOLE = (*LISTED, selectinload(Project.reviews), selectinload(Project.milestones), selectinload(Project.changes),
         selectinload(Project.transitions))


def get_project(session: Session, *, actor: Actor, project_id: int) -> Project:
    """The project, if the actor may read it; otherwise NotFound (never revealing that it exists)."""
    stmt = select(Project).where(Project.id == project_id, readable(actor)).options(*WHOLE)
    project = session.execute(stmt).scalar_one_or_none()
    if project is None:
        raise NotFound("not_found")
    return project


def _listed(actor: Actor, *, funder: str | None = None, participant_province: str | None = None,
            status: str | None = None, call_id: int | None = None) -> Select[Any]:
    stmt = select(Project).where(readable(actor)).options(*LISTED)
    if status:
        stmt = stmt.where(Project.status == status)
    if call_id is not None:
        stmt = stmt.where(Project.call_id == call_id)
    if funder:
        stmt = stmt.where(Project.id.in_(select(Funding.project_id).where(Funding.province_code == funder)))
    if participant_province:
        stmt = stmt.where(Project.id.in_(select(Participant.project_id)
                                         .where(Participant.province_code == participant_province)))
    return stmt


def list_projects(session: Session, *, actor: Actor, cursor: str | None = None, limit: int = 50,
                  **filters: Any) -> Page[Project]:
    """A page of the projects the actor may read, by code (filters: funder, participant_province, status,
    call_id)."""
    return paginate(session, _listed(actor, **filters), ORDER, cursor=cursor, limit=limit)


def each_project(session: Session, *, actor: Actor, **filters: Any) -> Iterator[Project]:
    """Every project the actor may read, a page at a time (exports)."""
    cursor: str | None = None
    while True:
        page = list_projects(session, actor=actor, cursor=cursor, limit=MAX_LIMIT, **filters)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def programmes(session: Session) -> list[Programme]:
    """Every programme with its calls (programmes and calls are public)."""
    stmt = select(Programme).order_by(Programme.code).options(selectinload(Programme.calls))
    return list(session.execute(stmt).scalars())


def my_reviews(session: Session, *, actor: Actor, limit: int = 100) -> list[Project]:
    """Projects under review where the actor (an expert) has an assigned review still to write."""
    if actor.user_id is None or not actor.has_role("expert"):
        return []
    mine = select(Review.project_id).where(Review.expert_user_id == actor.user_id, Review.submitted_at.is_(None))
    stmt = (select(Project).where(Project.id.in_(mine), Project.status == Status.UNDER_REVIEW, readable(actor))
            .order_by(Project.code).limit(limit))
    return list(session.execute(stmt).scalars())


def collaboration_counts(session: Session) -> dict[int, dict[str, Any]]:
    """Cross-region collaboration in approved projects (public; the monitoring module's input): projects with
    participants from several provinces, and province pairs, by start year (else the year of application)."""
    stmt = (select(Project.id, Project.start_on, Project.created_at, Participant.province_code)
            .join(Participant, Participant.project_id == Project.id).where(Project.status.in_(sorted(FUNDED))))
    projects: dict[int, tuple[int, set[str]]] = {}
    for pid, start_on, created_at, province in session.execute(stmt):
        year = start_on.year if start_on else created_at.year
        projects.setdefault(pid, (year, set()))[1].add(province or "")
    by_year: dict[int, dict[str, Any]] = {}
    for year, provinces in projects.values():
        entry = by_year.setdefault(year, {"projects": 0, "cross_province": 0, "pairs": Counter()})
        entry["projects"] += 1
        present = sorted(p for p in provinces if p)
        if len(present) > 1:
            entry["cross_province"] += 1
            entry["pairs"].update("-".join(pair) for pair in combinations(present, 2))
    return {year: {**v, "pairs": dict(v["pairs"])} for year, v in sorted(by_year.items())}


def jurisdiction_totals(session: Session, *, actor: Actor, province: str) -> dict[str, Any]:
    """What a jurisdiction funds and where its organisations take part, over the projects the actor may read:
    its shares by year (approved and after: running; submitted or under review: applied; else other), what it
    has committed, and cross-region projects (approved and after) by partner jurisdiction."""
    seen = readable(actor)
    bucket = case((Project.status.in_(sorted(FUNDED)), "running"), (Project.status.in_(sorted(APPLIED)), "applied"),
                  else_="other")
    shares = (select(FundingYear.year, bucket, func.sum(FundingYear.amount_wan))
              .join(Funding, Funding.id == FundingYear.funding_id).join(Project, Project.id == Funding.project_id)
              .where(Funding.province_code == province, seen).group_by(FundingYear.year, bucket))
    by_year: dict[str, dict[str, Decimal]] = {}
    for year, kind, amount in session.execute(shares):
        by_year.setdefault(str(year), {"running": Decimal(0), "applied": Decimal(0), "other": Decimal(0)})[kind] = \
            Decimal(amount or 0)
    funded = (select(func.count(Project.id), func.sum(case((Project.status.in_(sorted(FUNDED)), Funding.amount_wan),
                                                            else_=0)))
              .join(Funding, Funding.project_id == Project.id).where(Funding.province_code == province, seen))
    funded_count, committed = session.execute(funded).one()
    mine = aliased(Participant)
    theirs = aliased(Participant)
    taking_part = (select(func.count(distinct(Project.id)),
                          func.count(distinct(case((Project.status.in_(sorted(FUNDED)), Project.id)))))
                   .join(mine, mine.project_id == Project.id).where(mine.province_code == province, seen))
    part_count, running = session.execute(taking_part).one()
    shared = (select(theirs.province_code, func.count(distinct(Project.id)))
              .join(mine, mine.project_id == Project.id).join(theirs, theirs.project_id == Project.id)
              .where(mine.province_code == province, theirs.province_code.is_not(None),
                     theirs.province_code != province, Project.status.in_(sorted(FUNDED)), seen)
              .group_by(theirs.province_code))
    partners = {code: n for code, n in session.execute(shared)}
    cross = session.execute(
        select(func.count(distinct(Project.id))).join(mine, mine.project_id == Project.id)
        .join(theirs, theirs.project_id == Project.id)
        .where(mine.province_code == province, theirs.province_code.is_not(None), theirs.province_code != province,
               Project.status.in_(sorted(FUNDED)), seen)).scalar_one()
    return {"by_year": dict(sorted(by_year.items())), "funded": int(funded_count or 0),
            "committed": Decimal(committed or 0), "taking_part": int(part_count or 0), "running": int(running or 0),
            "cross_region": int(cross or 0),
            "partners": {code: int(partners.get(code, 0)) for code in PROVINCES if code != province}}
