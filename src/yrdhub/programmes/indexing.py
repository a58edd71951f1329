"""Projects in the full-text search: one document per project (kind `project`) — title; summary, keywords,
discipline, programme and call, the lead organisation and every participant's name — whose readers are exactly
those of the project's read rule (`access.RULE.grants`). The services index a project whenever they change it
(the import engine once, at the end of its file); nothing else writes projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from yrdhub import search
from yrdhub.programmes.access import RULE
from yrdhub.programmes.models import Call, Programme, Project
from yrdhub.regions.models import Organisation

KIND = "project"
BATCH = 1000


def facets(project: Project) -> dict[str, Any]:
    year = project.start_on.year if project.start_on else project.created_at.year
    return {"province": sorted({p.province_code for p in project.participants if p.province_code}),
            "funder": sorted(f.province_code for f in project.funders),
            "year": str(year), "type": "joint" if len(project.funders) > 1 else "single",
            "discipline": project.discipline or "", "status": project.status}


def _documents(session: Session, projects: Sequence[Project]) -> list[search.SearchDocument]:
    call_ids = {p.call_id for p in projects}
    places = {cid: (title, name) for cid, title, name in session.execute(
        select(Call.id, Call.title, Programme.name).join(Programme, Programme.id == Call.programme_id)
        .where(Call.id.in_(call_ids)))}
    org_ids = {x.org_id for p in projects for x in p.participants}
    names = {i: n for i, n in session.execute(select(Organisation.id, Organisation.name)
                                              .where(Organisation.id.in_(org_ids)))} if org_ids else {}
    readers = RULE.grants_many(session, projects)
    docs = []
    for project in projects:
        call_title, programme_name = places.get(project.call_id, ("", ""))
        people = [names.get(x.org_id, "") for x in project.participants]  # the lead first
        body = "\n".join(part for part in [project.summary, " ".join(project.keywords), project.discipline,
                                           programme_name, call_title, " ".join(people)] if part)
        grants = [search.AccessGrant(token, since) for token, since in readers[project.id]]
        docs.append(search.SearchDocument(kind=KIND, ref=str(project.id), title=project.title, body=body,
                                          grants=grants, facets=facets(project)))
    return docs


def index_projects(session: Session, projects: Sequence[Project]) -> int:
    """(Re-)index these projects (flushed: their ids are known). Returns the count."""
    if not projects:
        return 0
    return search.index_many(session, _documents(session, projects))


def reindex_all(session: Session) -> int:
    """Index every project again (after a bulk load, or to repair the index), a batch at a time."""
    count, last = 0, 0
    while True:
        batch = list(session.execute(
            select(Project).where(Project.id > last).order_by(Project.id).limit(BATCH)
            .options(selectinload(Project.participants), selectinload(Project.funders))).scalars())
        if not batch:
            return count
        count += index_projects(session, batch)
        last = batch[-1].id
