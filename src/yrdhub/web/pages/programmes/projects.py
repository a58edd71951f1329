"""A project's page and every step on it: edit the draft, submit, start the review, assign reviewers, each
funder's sign-off, contract, mid-term check, acceptance, termination, milestones and change requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from yrdhub import i18n
from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import User
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import Conflict, DomainError, NotFound
from yrdhub.programmes import labels, moves, offers, queries, review, writes
from yrdhub.programmes.common import get_call, get_programme
from yrdhub.programmes.models import Call, Project
from yrdhub.programmes.schemas import ChangeIn, MilestoneDoneIn, MilestoneIn, ProjectUpdate, plain_decimal
from yrdhub.regions.models import Organisation
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep
from yrdhub.web.errors import status_of
from yrdhub.web.pages.programmes.common import build, names, page, problems, project_form, years

router = APIRouter()
Step = Callable[[Project], object]
EDIT_FIELDS = ("title", "summary", "keywords", "discipline", "partners", "start_on", "end_on")


def _draft_form(project: Project, organisations: dict[int, Organisation]) -> dict[str, Any]:
    """The edit form's values as stored (the same names as the application form)."""
    partners = [organisations[p.org_id].name if p.org_id in organisations else str(p.org_id)
                for p in project.participants if p.role == "partner"]
    entered: dict[str, Any] = {"title": project.title, "summary": project.summary,
                               "keywords": " ".join(project.keywords), "discipline": project.discipline,
                               "start_on": str(project.start_on or ""), "end_on": str(project.end_on or ""),
                               "partners": "\n".join(partners)}
    for f in project.funders:
        for year, amount in f.yearly.items():
            entered[f"fund__{f.province_code}__{year}"] = plain_decimal(amount)
    return entered


def _edit_grid(call: Call, project: Project, owners: list[str]) -> tuple[list[str], list[int]]:
    """The funder rows and year columns of the edit form: the programme's owners and the call's years, and any
    other the draft names (so that saving the form never drops a share it does not show)."""
    provinces = list(dict.fromkeys([*owners, *(f.province_code for f in project.funders)]))
    shown = set(years(call.deadline.year)) | {int(y) for f in project.funders for y in f.yearly}
    return provinces, sorted(shown)


def notes(project: Project, lang: i18n.Lang) -> dict[int, str]:
    """What the system noted in the history (codes with params), in the page's language."""
    out = {}
    for tr in project.transitions:
        if tr.note in labels.TRANSITION_NOTE:
            params = {k: labels.province(v) if k == "province" else v for k, v in tr.note_params.items()}
            out[tr.id] = i18n.format_message(labels.TRANSITION_NOTE[tr.note], params, lang)
    return out


def project_page(request: Request, session: SessionDep, actor: Actor, project_id: int, status_code: int = 200,
                 refused: Any = None, edit_errors: list[Any] | None = None,
                 entered: dict[str, Any] | None = None) -> Response:
    project = queries.get_project(session, actor=actor, project_id=project_id)
    call = get_call(session, project.call_id)
    programme = get_programme(session, call.programme_id)
    offered = offers.for_project(session, actor=actor, project=project)
    reviewers = {u.id: u for u in session.execute(select(User).where(
        User.id.in_([r.expert_user_id for r in project.reviews]))).scalars()}
    grid = _edit_grid(call, project, programme.owners) if offered["edit"] else ([], [])
    org_ids = [p.org_id for p in project.participants]
    organisations = {o.id: o for o in session.execute(select(Organisation).where(Organisation.id.in_(org_ids)))
                     .scalars()}
    return page(request, "programmes/project.html", status_code=status_code, project=project, call=call,
                programme=programme, names=names(session), reviews=review.review_summary(project), offers=offered,
                candidates=review.expert_candidates(session, project) if offered["assign"] else [],
                reviewers=reviewers, refused=refused, done=request.query_params.get("done"),
                edit_errors=edit_errors or [],
                entered=entered or (_draft_form(project, organisations) if offered["edit"] else {}),
                edit_provinces=grid[0], edit_years=grid[1], notes=notes(project, request.state.lang),
                orgs=organisations, today=moves.today().isoformat())


@router.get("/projects/{project_id}")
def project_view(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return project_page(request, session, actor, project_id)


def refusal_page(request: Request, session: SessionDep, actor: Actor, project_id: int, exc: Exception,
                 render: Callable[..., Response] = project_page) -> Response:
    """A refused step: nothing written; the page again, with the refusal in its language."""
    session.rollback()
    session.expire_all()
    error = Conflict("state_changed") if isinstance(exc, StaleDataError) else exc
    assert isinstance(error, DomainError)
    return render(request, session, actor, project_id, status_code=status_of(error), refused=error)


def step(request: Request, session: SessionDep, actor: Actor, project_id: int, run: Step, done: str,
         render: Callable[..., Response] = project_page) -> Response:
    """Run one step; refused by a rule or the policy: the page again with the refusal; done: redirect."""
    project = queries.get_project(session, actor=actor, project_id=project_id)
    try:
        run(project)
        session.commit()
    except (DomainError, StaleDataError) as exc:
        if isinstance(exc, NotFound) or (isinstance(exc, PermissionDenied) and actor.user_id is None):
            raise  # a missing record, or the public asked to sign in
        return refusal_page(request, session, actor, project_id, exc, render)
    return RedirectResponse(f"/projects/{project_id}?done={done}", status_code=303)


@router.post("/projects/{project_id}/edit", dependencies=[CsrfForm], openapi_extra=policy("project.apply"))
async def edit_draft(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The draft's edit form: every field is sent; what differs is changed (audited, re-indexed). Bad values
    re-render the form with what was entered and why; a refusal (submitted already, another organisation) shows
    at the top; nothing is written."""
    project = queries.get_project(session, actor=actor, project_id=project_id)
    form = await request.form()
    try:
        entered, data = project_form(session, form, ProjectUpdate, EDIT_FIELDS)
    except DomainError as exc:
        entered = {k: str(form.get(k, "")) for k in form}
        return project_page(request, session, actor, project_id, status_code=422, edit_errors=problems(exc),
                            entered=entered)
    return step(request, session, actor, project.id,
                lambda p: writes.update_draft(session, actor=actor, project=p, data=data), "edited")


@router.post("/projects/{project_id}/submit", dependencies=[CsrfForm], openapi_extra=policy("project.apply"))
def submit(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return step(request, session, actor, project_id, lambda p: moves.submit(session, actor=actor, project=p),
                "submitted")


@router.post("/projects/{project_id}/review/start", dependencies=[CsrfForm], openapi_extra=policy("programme.manage"))
def start_review(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return step(request, session, actor, project_id,
                lambda p: moves.move(session, actor=actor, project=p, name="start_review"), "review_started")


@router.post("/projects/{project_id}/reviewers", dependencies=[CsrfForm], openapi_extra=policy("programme.manage"))
def assign_reviewer(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                    username: Annotated[str, Form()] = "") -> Response:
    def run(project: Project) -> object:
        expert = accounts.get_user(session, username=username.strip())
        if expert is None:
            raise DomainError("review.no_such_expert", field="username", username=username.strip())
        return review.assign_reviewer(session, actor=actor, project=project, expert=expert)

    return step(request, session, actor, project_id, run, "assigned")


@router.post("/projects/{project_id}/funding/{province}", dependencies=[CsrfForm], openapi_extra=policy("project.fund"))
def sign_off(project_id: RowId, province: str, request: Request, session: SessionDep, actor: ActorDep,
             decision: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    if province not in labels.PROVINCES or decision not in ("approve", "refuse"):
        raise NotFound("not_found")
    return step(request, session, actor, project_id,
                lambda p: review.decide_funding(session, actor=actor, project=p, province=province,
                                                approve=decision == "approve", reason=reason), "signed")


@router.post("/projects/{project_id}/transitions", dependencies=[CsrfForm], openapi_extra=policy("lifecycle"))
def transition(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
               action: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    return step(request, session, actor, project_id,
                lambda p: moves.move(session, actor=actor, project=p, name=action, reason=reason),
                action if action in labels.PROJECT_DONE else "saved")


@router.post("/projects/{project_id}/milestones", dependencies=[CsrfForm], openapi_extra=policy("project.apply"))
def add_milestone(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                  title: Annotated[str, Form()] = "", due: Annotated[str, Form()] = "") -> Response:
    return step(request, session, actor, project_id, lambda p: moves.add_milestone(
        session, actor=actor, project=p, data=build(MilestoneIn, {"title": title, "due": due or None})),
        "milestone")


@router.post("/projects/{project_id}/milestones/{milestone_id}/done", dependencies=[CsrfForm],
             openapi_extra=policy("project.apply"))
def milestone_done(project_id: RowId, milestone_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                   evidence: Annotated[str, Form()] = "", done_on: Annotated[str, Form()] = "") -> Response:
    return step(request, session, actor, project_id, lambda p: moves.complete_milestone(
        session, actor=actor, project=p, milestone_id=milestone_id,
        data=build(MilestoneDoneIn, {"evidence": evidence, "done_on": done_on or None})), "milestone_done")


@router.post("/projects/{project_id}/changes", dependencies=[CsrfForm], openapi_extra=policy("project.apply"))
def request_change(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                   kind: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "") -> Response:
    return step(request, session, actor, project_id, lambda p: moves.request_change(
        session, actor=actor, project=p, data=build(ChangeIn, {"kind": kind, "description": description})), "change")


@router.post("/projects/{project_id}/changes/{change_id}/decision", dependencies=[CsrfForm],
             openapi_extra=policy("programme.manage"))
def decide_change(project_id: RowId, change_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                  decision: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    if decision not in ("approve", "refuse"):
        raise NotFound("not_found")
    return step(request, session, actor, project_id,
                lambda p: moves.decide_change(session, actor=actor, project=p, change_id=change_id,
                                              approve=decision == "approve", reason=reason), "change_decided")
