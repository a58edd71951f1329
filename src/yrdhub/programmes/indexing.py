"""Projects in the full-text search: one document per project (kind `project`) whose grants mirror exactly who
may read the project (`service.can_read`, hence `list_projects`):

- in a public state (approved and after, see `service.PUBLIC`): everyone (`public`);
- before that (draft, submitted, under review, rejected): the joint office (`office`), the lead organisation and
  its ancestors (`org:<id>`: the tokens of their members and admins), each assigned reviewer (`user:<id>`), and
  each active jurisdiction admin of an owner jurisdiction of the programme (`user:<id>` — the search tokens
  `prov:<code>` would also admit the jurisdiction's statisticians, who may not read drafts).

The service re-indexes a project on every change of state, participants or reviewers. Role changes
(a new jurisdiction admin, a revoked expert) are outside this module: run `reindex_all` after them (the
`yrdhub data load` command and the sample data do so).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from yrdhub import search
from yrdhub.accounts.models import RoleGrant, User
from yrdhub.programmes import service
from yrdhub.programmes.models import Call, Programme, Project
from yrdhub.regions import orgs

KIND = "project"


def _holders(session: Session, role: str, scopes: list[str] | None = None,
             user_ids: list[int] | None = None) -> list[int]:
    """Active users holding `role` (with one of `scopes`; among `user_ids`)."""
    stmt = (select(RoleGrant.user_id).join(User, User.id == RoleGrant.user_id)
            .where(RoleGrant.role == role, User.is_active))
    if scopes is not None:
        stmt = stmt.where(RoleGrant.scope.in_(scopes))
    if user_ids is not None:
        stmt = stmt.where(RoleGrant.user_id.in_(user_ids))
    return sorted(set(session.execute(stmt).scalars()))


def grants(session: Session, project: Project) -> list[search.AccessGrant | str]:
    if project.status in service.PUBLIC:
        return [search.PUBLIC]
    programme = _programme(session, project)
    lead = orgs.get(session, project.lead_org_id)
    out: list[search.AccessGrant | str] = [search.OFFICE]
    out += [search.org(i) for i in (orgs.ancestors(session, lead) if lead is not None else ())]
    reviewers = [r.expert_user_id for r in project.reviews]
    if reviewers:  # an assigned reviewer reads while they hold the expert role
        out += [search.user(u) for u in _holders(session, "expert", user_ids=reviewers)]
    out += [search.user(u) for u in _holders(session, "jurisdiction_admin", scopes=list(programme.owners))]
    return out


def _programme(session: Session, project: Project) -> Programme:
    call = session.get(Call, project.call_id)
    assert call is not None
    programme = session.get(Programme, call.programme_id)
    assert programme is not None
    return programme


def facets(project: Project) -> dict[str, Any]:
    year = project.start_on.year if project.start_on else project.created_at.year
    return {"province": sorted({p.province_code for p in project.participants if p.province_code}),
            "funder": sorted(f.province_code for f in project.funders),
            "year": str(year), "type": "joint" if len(project.funders) > 1 else "single",
            "discipline": project.discipline or "", "status": project.status}


def document(session: Session, project: Project) -> search.SearchDocument:
    """Title; summary, keywords, discipline, programme and call, lead organisation and participants' names."""
    programme = _programme(session, project)
    call = session.get(Call, project.call_id)
    names = []
    for p in project.participants:  # the lead first (it is the first participant)
        org = orgs.get(session, p.org_id)
        if org is not None:
            names.append(org.name)
    body = "\n".join(part for part in [
        project.summary, " ".join(project.keywords), project.discipline, programme.name,
        call.title if call else "", " ".join(names)] if part)
    return search.SearchDocument(kind=KIND, ref=str(project.id), title=project.title, body=body,
                                 grants=grants(session, project), facets=facets(project))


def index_project(session: Session, project: Project) -> None:
    search.index(session, document(session, project))


def reindex_all(session: Session) -> int:
    """Index every project again (after a bulk load, or after role changes). Returns the count."""
    stmt = select(Project).order_by(Project.id).options(
        selectinload(Project.participants), selectinload(Project.funders), selectinload(Project.reviews))
    return search.index_many(session, (document(session, p) for p in session.execute(stmt).scalars()))
