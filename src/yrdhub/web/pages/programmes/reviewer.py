"""The assigned expert's own page: score and comment, or declare a conflict of interest."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from yrdhub.accounts.actor import Actor
from yrdhub.errors import NotFound
from yrdhub.programmes import offers, queries, review
from yrdhub.programmes.schemas import ConflictIn, ReviewIn
from yrdhub.regions.models import Organisation
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep
from yrdhub.web.pages.programmes.common import build, names, page
from yrdhub.web.pages.programmes.projects import step

router = APIRouter()


def review_page(request: Request, session: SessionDep, actor: Actor, project_id: int, status_code: int = 200,
                refused: Any = None) -> Response:
    if actor.user_id is None:
        return RedirectResponse(f"/login?next=/projects/{project_id}/review", status_code=303)
    project = queries.get_project(session, actor=actor, project_id=project_id)
    mine = review.own_review(project, actor)
    if mine is None:
        raise NotFound("not_found")
    ids = [p.org_id for p in project.participants]
    organisations = {o.id: o for o in session.execute(select(Organisation).where(Organisation.id.in_(ids))).scalars()}
    return page(request, "programmes/review.html", status_code=status_code, project=project, review=mine,
                offers=offers.for_project(session, actor=actor, project=project), names=names(session),
                refused=refused, orgs=organisations)


@router.get("/projects/{project_id}/review")
def review_view(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return review_page(request, session, actor, project_id)


@router.post("/projects/{project_id}/review", dependencies=[CsrfForm], openapi_extra=policy("project.review"))
def submit_review(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                  score: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "") -> Response:
    return step(request, session, actor, project_id, lambda p: review.submit_review(
        session, actor=actor, project=p, data=build(ReviewIn, {"score": score or None, "comment": comment})),
        "reviewed", render=review_page)


@router.post("/projects/{project_id}/conflict", dependencies=[CsrfForm], openapi_extra=policy("project.review"))
def declare_conflict(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                     reason: Annotated[str, Form()] = "") -> Response:
    return step(request, session, actor, project_id, lambda p: review.declare_conflict(
        session, actor=actor, project=p, data=build(ConflictIn, {"reason": reason})), "conflict",
        render=review_page)
