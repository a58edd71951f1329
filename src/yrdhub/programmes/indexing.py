"""Projects in the full-text search: one document per project (kind `project`) whose grants mirror exactly who
may read the project (`service.can_read`, hence `list_projects`):

- in a public state (approved and after, see `service.PUBLIC`): everyone (`public`);
- before that (draft, submitted, under review, rejected): the joint office (`office`), the lead organisation and
  its ancestors (`org:<id>`: the tokens of their members and admins), each assigned reviewer (`user:<id>`), and
  each active jurisdiction admin of an owner jurisdiction of the programme (`user:<id>` — the search tokens
  `prov:<code>` would also admit the jurisdiction's statisticians, who may not read drafts).

The service re-indexes a project at once on every change of state, participants or reviewers (so a search in
the same transaction sees it). As a safety net for every other writer — bulk imports that write rows directly,
role grants and revocations, deactivated users — session hooks note, at each flush, the projects whose rows
(project, participants, funders, reviews, transitions) changed and whether a jurisdiction-admin or expert role
(or a user's activity) changed, and re-index those projects (for a role change: every project not yet public)
just before the transaction commits. `reindex_all` re-indexes everything (after a bulk load).
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, selectinload

from yrdhub import search
from yrdhub.accounts.models import RoleGrant, User
from yrdhub.programmes.models import Call, Funding, Participant, Programme, Project, Review, Transition
from yrdhub.regions import orgs

KIND = "project"
PENDING = "yrdhub.programmes.reindex"  # session.info keys: project ids to re-index at commit
ROLES_CHANGED = "yrdhub.programmes.roles_changed"


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
    from yrdhub.programmes.service import PUBLIC  # the service's visibility rule (it imports this module)

    if project.status in PUBLIC:
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
    """Index every project again (after a bulk load). Returns the count."""
    return search.index_many(session, (document(session, p) for p in _load(session)))


def _load(session: Session, ids: set[int] | None = None, private_only: bool = False) -> list[Project]:
    stmt = select(Project).order_by(Project.id).options(
        selectinload(Project.participants), selectinload(Project.funders), selectinload(Project.reviews))
    if ids is not None:
        stmt = stmt.where(Project.id.in_(ids))
    if private_only:
        from yrdhub.programmes.service import PUBLIC

        stmt = stmt.where(Project.status.not_in(PUBLIC))
    return list(session.execute(stmt).scalars())


def _access_changed(obj: object) -> bool:
    """A grant or revocation of a role the draft grants depend on, or a user (de)activated."""
    if isinstance(obj, RoleGrant):
        return obj.role in ("jurisdiction_admin", "expert")
    return isinstance(obj, User) and inspect(obj).attrs.is_active.history.has_changes()


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context: Any) -> None:
    ids: set[int] = session.info.setdefault(PENDING, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Project):
            ids.add(obj.id)
        elif isinstance(obj, (Participant, Funding, Review, Transition)) and obj.project_id is not None:
            ids.add(obj.project_id)
        elif _access_changed(obj):
            session.info[ROLES_CHANGED] = True
    if not ids:
        session.info.pop(PENDING)


@event.listens_for(Session, "before_commit")
def _reindex_noted(session: Session) -> None:
    if not (session.info.get(PENDING) or session.info.get(ROLES_CHANGED)):
        return
    session.flush()  # the last changes, noted by _note_changes
    ids: set[int] = session.info.pop(PENDING, set())
    projects = {p.id: p for p in _load(session, ids)} if ids else {}
    if session.info.pop(ROLES_CHANGED, False):
        projects.update({p.id: p for p in _load(session, private_only=True)})
    for gone in ids - set(projects):
        search.remove(session, KIND, str(gone))
    if projects:
        search.index_many(session, (document(session, p) for p in projects.values()))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the whole transaction ended (a savepoint's end keeps what was noted)
        session.info.pop(PENDING, None)
        session.info.pop(ROLES_CHANGED, None)
