"""Programme pages: programmes and calls, projects by funding or participating jurisdiction, project detail."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from yrdhub.programmes import service
from yrdhub.programmes.models import Call, Programme
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.web.deps import ActorDep, RowId, SessionDep
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)



@router.get("/programmes")
def programme_list(request: Request, session: SessionDep, actor: ActorDep, funder: str = "",
                   participant: str = "") -> Response:
    funder = funder if funder in service.PROVINCES else ""
    participant = participant if participant in service.PROVINCES else ""
    programmes = list(session.execute(select(Programme).order_by(Programme.code)).scalars())
    projects = service.list_projects(session, actor=actor, funder=funder or None,
                                     participant_province=participant or None)
    lead_names = {p.lead_org_id: (o.name if (o := orgs.get(session, p.lead_org_id)) else "") for p in projects}
    return render(request, "programmes/list.html", programmes=programmes, projects=projects,
                  names=regions.provinces(session),
                  funder=funder, participant=participant, lead_names=lead_names,
                  collaboration=service.collaboration_counts(session))


@router.get("/projects/{project_id}")
def project_page(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    project = service.get_project(session, project_id)
    if project is None or not service.can_read(session, actor, project):
        raise HTTPException(404)
    call = session.get(Call, project.call_id)
    programme = session.get(Programme, call.programme_id) if call else None
    org_names = {p.org_id: (o.name if (o := orgs.get(session, p.org_id)) else "") for p in project.participants}
    return render(request, "programmes/project.html", project=project, call=call, programme=programme,
                  org_names=org_names, names=regions.provinces(session), reviews=service.review_summary(project))
