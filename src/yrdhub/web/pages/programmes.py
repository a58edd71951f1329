"""Programme pages: programmes and calls, applications, review, each funder's sign-off, the lifecycle steps,
milestones and change requests, and each jurisdiction's view.

Thin: every form is offered only when the service (the policy) says the user may take the step, and every POST
calls the same service function, which authorises again. A refused step re-renders the page with the rule's
bilingual reason and nothing written (the transaction is rolled back); a successful one redirects (POST → GET).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import User
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.programmes import service
from yrdhub.programmes.models import Call, Programme, Project
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.regions.models import ORG_TYPES
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
LOCAL = ZoneInfo("Asia/Shanghai")  # form times are Beijing time; stored in UTC
DUPLICATE = "编号已被使用，未写入任何数据 / that code is already in use; nothing was written"
Step = Callable[[Project], object]


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    return render(request, name, status_code=status_code, tz=LOCAL, **context)


def _names(session: SessionDep) -> dict[str, Any]:
    return regions.provinces(session)


def _org_names(session: SessionDep, ids: set[int]) -> dict[int, str]:
    return {i: (o.name if (o := orgs.get(session, i)) else "") for i in ids}


# --- programmes -------------------------------------------------------------------------------------------


def _list_page(request: Request, session: SessionDep, actor: Actor, funder: str = "", participant: str = "",
               status_code: int = 200, errors: list[str] | None = None, entered: dict[str, Any] | None = None
               ) -> Response:
    programmes = list(session.execute(select(Programme).order_by(Programme.code)).scalars())
    projects = service.list_projects(session, actor=actor, funder=funder or None,
                                     participant_province=participant or None)
    lead_names = _org_names(session, {p.lead_org_id for p in projects})
    return _render(request, "programmes/list.html", status_code=status_code, programmes=programmes,
                  projects=projects, names=_names(session), funder=funder, participant=participant,
                  lead_names=lead_names, collaboration=service.collaboration_counts(session),
                  owners_allowed=service.owners_allowed(actor), my_reviews=service.my_reviews(session, actor=actor),
                  errors=errors or [], entered=entered or {})


@router.get("/programmes")
def programme_list(request: Request, session: SessionDep, actor: ActorDep, funder: str = "",
                   participant: str = "") -> Response:
    funder = funder if funder in service.PROVINCES else ""
    participant = participant if participant in service.PROVINCES else ""
    return _list_page(request, session, actor, funder, participant)


@router.post("/programmes", dependencies=[CsrfForm])
async def create_programme(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    form = await request.form()
    entered: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in ("code", "name", "name_en", "description")}
    owners = [str(o) for o in form.getlist("owners")]
    entered["owners"] = owners
    errors = []
    if len(entered["code"]) < 2:
        errors.append("计划编号至少 2 个字符 / the code needs 2+ characters")
    if not entered["name"]:
        errors.append("须填写计划名称 / a name is required")
    if not errors:
        try:
            programme = service.create_programme(session, actor=actor, code=entered["code"], name=entered["name"],
                                                 name_en=entered["name_en"], description=entered["description"],
                                                 owners=owners)
            session.commit()
            return RedirectResponse(f"/programmes/{programme.id}?done=created", status_code=303)
        except service.ProgrammeError as exc:
            errors.append(str(exc))
        except IntegrityError:
            errors.append(DUPLICATE)
        except PermissionDenied as exc:
            errors.append(_denied(exc))
    session.rollback()
    return _list_page(request, session, actor, status_code=422, errors=errors, entered=entered)


def _programme(session: SessionDep, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise HTTPException(404)
    return programme


def _programme_page(request: Request, session: SessionDep, actor: Actor, programme: Programme,
                    status_code: int = 200, errors: list[str] | None = None,
                    entered: dict[str, Any] | None = None) -> Response:
    now = datetime.now(LOCAL).replace(second=0, microsecond=0)
    return _render(request, "programmes/programme.html", status_code=status_code, programme=programme,
                  names=_names(session), can_manage=service.can_manage(actor, programme), org_types=ORG_TYPES,
                  errors=errors or [], entered=entered or {}, now=now,
                  default_deadline=(now + timedelta(days=60)).replace(hour=17, minute=0))


@router.get("/programmes/{programme_id}")
def programme_page(programme_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _programme_page(request, session, actor, _programme(session, programme_id))


def _local(value: str, label: str, errors: list[str]) -> datetime | None:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=LOCAL)
    except ValueError:
        errors.append(f"{label}格式不正确（YYYY-MM-DD HH:MM）/ {label}: expected a date and time")
        return None


@router.post("/programmes/{programme_id}/calls", dependencies=[CsrfForm])
async def open_call(programme_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    programme = _programme(session, programme_id)
    form = await request.form()
    entered: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in
                               ("code", "title", "description", "opens_at", "deadline", "max_budget_wan")}
    entered["eligible_provinces"] = [str(v) for v in form.getlist("eligible_provinces")]
    entered["eligible_org_types"] = [str(v) for v in form.getlist("eligible_org_types")]
    errors: list[str] = []
    if len(entered["code"]) < 2 or not entered["title"]:
        errors.append("须填写指南编号（至少 2 个字符）和标题 / a code (2+ characters) and a title are required")
    opens_at = _local(entered["opens_at"], "开始时间 opens", errors)
    deadline = _local(entered["deadline"], "截止时间 deadline", errors)
    budget = None
    if entered["max_budget_wan"]:
        try:
            budget = float(entered["max_budget_wan"])
            if budget < 0:
                raise ValueError
        except ValueError:
            errors.append("经费上限须为非负数（万元）/ the maximum budget must be a non-negative number")
    bad = set(entered["eligible_provinces"]) - set(service.PROVINCES)
    bad |= set(entered["eligible_org_types"]) - set(ORG_TYPES)
    if bad:
        errors.append(f"申报条件无效 / invalid eligibility: {', '.join(sorted(bad))}")
    if not errors and opens_at and deadline:
        try:
            call = service.create_call(session, actor=actor, programme=programme, code=entered["code"],
                                       title=entered["title"], description=entered["description"],
                                       opens_at=opens_at, deadline=deadline,
                                       eligible_provinces=entered["eligible_provinces"],
                                       eligible_org_types=entered["eligible_org_types"], max_budget_wan=budget)
            session.commit()
            return RedirectResponse(f"/calls/{call.id}?done=created", status_code=303)
        except service.ProgrammeError as exc:
            errors.append(str(exc))
        except IntegrityError:
            errors.append(DUPLICATE)
        except PermissionDenied as exc:
            errors.append(_denied(exc))
    session.rollback()
    return _programme_page(request, session, actor, _programme(session, programme_id), status_code=422,
                           errors=errors, entered=entered)


# --- calls and applications ---------------------------------------------------------------------------------


def _call(session: SessionDep, call_id: int) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise HTTPException(404)
    return call


def _years(call: Call) -> list[int]:
    start = call.deadline.astimezone(LOCAL).year
    return list(range(start, start + 4))


def _call_page(request: Request, session: SessionDep, actor: Actor, call: Call, status_code: int = 200,
               errors: list[str] | None = None, entered: dict[str, Any] | None = None) -> Response:
    programme = _programme(session, call.programme_id)
    projects = [p for p in service.list_projects(session, actor=actor) if p.call_id == call.id]
    now = datetime.now(LOCAL)
    return _render(request, "programmes/call.html", status_code=status_code, call=call, programme=programme,
                  names=_names(session), projects=projects, lead_names=_org_names(session,
                                                                                  {p.lead_org_id for p in projects}),
                  applicant_orgs=service.applicant_orgs(session, actor), years=_years(call),
                  is_open=call.opens_at <= now <= call.deadline, errors=errors or [], entered=entered or {},
                  org_types=ORG_TYPES)


@router.get("/calls/{call_id}")
def call_page(call_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _call_page(request, session, actor, _call(session, call_id))


def _date(value: str, label: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label}格式不正确 / {label}: expected YYYY-MM-DD")
        return None


@router.post("/calls/{call_id}/projects", dependencies=[CsrfForm])
async def apply(call_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    call = _call(session, call_id)
    programme = _programme(session, call.programme_id)
    form = await request.form()
    entered: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in
                               ("code", "title", "summary", "keywords", "discipline", "lead_org_id", "partners",
                                "start_on", "end_on")}
    errors: list[str] = []
    if len(entered["code"]) < 2 or not entered["title"]:
        errors.append("须填写项目编号（至少 2 个字符）和名称 / a code (2+ characters) and a title are required")
    if not entered["lead_org_id"].isdigit():
        errors.append("须选择牵头单位 / choose the lead organisation")
    partners = []
    for line in entered["partners"].replace("，", "\n").replace(",", "\n").splitlines():
        if line.strip():
            org = orgs.resolve(session, line.strip())
            if org is None:
                errors.append(f"参与单位未找到：{line.strip()} / no such organisation: {line.strip()}")
            else:
                partners.append(org.id)
    funders: dict[str, dict[str, float]] = {}
    for province in programme.owners:
        for year in _years(call):
            raw = str(form.get(f"fund__{province}__{year}", "")).strip()
            entered[f"fund__{province}__{year}"] = raw
            if not raw:
                continue
            try:
                amount = float(raw.replace(",", ""))
                if amount < 0:
                    raise ValueError
            except ValueError:
                errors.append(f"{province} {year} 年经费须为非负数 / {province} {year}: not a non-negative number")
                continue
            if amount > 0:
                funders.setdefault(province, {})[str(year)] = amount
    start_on = _date(entered["start_on"], "开始日期 start", errors)
    end_on = _date(entered["end_on"], "结束日期 end", errors)
    if not errors:
        try:
            project = service.create_project(
                session, actor=actor, call=call, code=entered["code"], title=entered["title"],
                lead_org_id=int(entered["lead_org_id"]), partner_org_ids=partners, funders=funders,
                summary=entered["summary"], discipline=entered["discipline"], start_on=start_on, end_on=end_on,
                keywords=[k for k in entered["keywords"].replace("，", " ").replace(",", " ").split() if k])
            session.commit()
            return RedirectResponse(f"/projects/{project.id}?done=created", status_code=303)
        except service.ProgrammeError as exc:
            errors.append(str(exc))
        except IntegrityError:
            errors.append(DUPLICATE)
        except PermissionDenied as exc:
            errors.append(_denied(exc))
    session.rollback()
    return _call_page(request, session, actor, _call(session, call_id), status_code=422, errors=errors,
                      entered=entered)


# --- projects -----------------------------------------------------------------------------------------------


def _readable(session: SessionDep, actor: Actor, project_id: int) -> Project:
    project = service.get_project(session, project_id)
    if project is None or not service.can_read(session, actor, project):
        raise HTTPException(404)
    return project


def _denied(exc: PermissionDenied) -> str:
    return f"没有权限执行此操作（{exc.action}）/ you are not allowed to do this ({exc.action})"


def _draft_form(session: SessionDep, project: Project) -> dict[str, Any]:
    """The edit form's values as stored (the same names as the application form)."""
    entered: dict[str, Any] = {"title": project.title, "summary": project.summary,
                               "keywords": " ".join(project.keywords), "discipline": project.discipline,
                               "start_on": str(project.start_on or ""), "end_on": str(project.end_on or ""),
                               "partners": "\n".join(_org_names(session, {p.org_id for p in project.participants
                                                                          if p.role == "partner"}).values())}
    for f in project.funders:
        for year, amount in f.yearly.items():
            entered[f"fund__{f.province_code}__{year}"] = f"{float(amount):g}"
    return entered


def _edit_provinces(session: SessionDep, call: Call | None, project: Project) -> list[str]:
    """The funder rows of the edit form: the programme's owners, and any other jurisdiction the draft names (so
    saving the form never drops a share it does not show)."""
    owners = _programme(session, call.programme_id).owners if call else []
    return list(dict.fromkeys([*owners, *(f.province_code for f in project.funders)]))


def _edit_years(call: Call | None, project: Project) -> list[int]:
    years = set(_years(call)) if call else set()
    years |= {int(y) for f in project.funders for y in f.yearly if str(y).isdigit()}
    return sorted(years)


def _project_page(request: Request, session: SessionDep, actor: Actor, project_id: int, status_code: int = 200,
                  refused: str | None = None, edit_errors: list[str] | None = None,
                  entered: dict[str, Any] | None = None) -> Response:
    project = _readable(session, actor, project_id)
    call = session.get(Call, project.call_id)
    programme = session.get(Programme, call.programme_id) if call else None
    actions = service.actions_for(session, actor=actor, project=project)
    reviewers = {u.id: u for u in session.execute(select(User).where(
        User.id.in_([r.expert_user_id for r in project.reviews]))).scalars()}
    return _render(request, "programmes/project.html", status_code=status_code, project=project, call=call,
                  programme=programme, org_names=_org_names(session, {p.org_id for p in project.participants}),
                  names=_names(session), reviews=service.review_summary(project), actions=actions,
                  candidates=service.expert_candidates(session, project) if actions["assign"] else [],
                  reviewers=reviewers, show_reviews=bool(actions["assign"] or actions["fund"] or actions["moves"]),
                  refused=refused, done=request.query_params.get("done"), edit_errors=edit_errors or [],
                  entered=entered or (_draft_form(session, project) if actions["edit"] else {}),
                  edit_years=_edit_years(call, project) if actions["edit"] else [],
                  edit_provinces=_edit_provinces(session, call, project) if actions["edit"] else [])


@router.get("/projects/{project_id}")
def project_page(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _project_page(request, session, actor, project_id)


def _step(request: Request, session: SessionDep, actor: Actor, project_id: int, fn: Step, done: str,
          back: str = "") -> Response:
    """Run one lifecycle step; refused by a rule or the policy: roll back, show the reason on the page."""
    project = _readable(session, actor, project_id)
    try:
        fn(project)
    except (service.ProgrammeError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied) and actor.user_id is None:
            raise
        session.rollback()
        session.expire_all()
        reason = _denied(exc) if isinstance(exc, PermissionDenied) else str(exc)
        status = 403 if isinstance(exc, PermissionDenied) else 409
        if back == "review":
            return _review_page(request, session, actor, project_id, status_code=status, refused=reason)
        return _project_page(request, session, actor, project_id, status_code=status, refused=reason)
    session.commit()
    return RedirectResponse(f"/projects/{project_id}?done={done}", status_code=303)


@router.post("/projects/{project_id}/submit", dependencies=[CsrfForm])
def submit(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _step(request, session, actor, project_id,
                 lambda p: service.submit(session, actor=actor, project=p), "submitted")


@router.post("/projects/{project_id}/edit", dependencies=[CsrfForm])
async def edit_draft(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The draft's edit form: every field is sent; what differs is changed (audited, re-indexed). Bad values or a
    refusal (submitted already, another organisation) re-render the form with what was entered and the reason;
    nothing is written."""
    project = _readable(session, actor, project_id)
    call = session.get(Call, project.call_id)
    form = await request.form()
    entered: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in
                               ("title", "summary", "keywords", "discipline", "partners", "start_on", "end_on")}
    errors: list[str] = []
    if not entered["title"]:
        errors.append("须填写项目名称 / a title is required")
    partners = []
    for line in entered["partners"].replace("，", "\n").replace(",", "\n").splitlines():
        if line.strip():
            org = orgs.resolve(session, line.strip())
            if org is None:
                errors.append(f"参与单位未找到：{line.strip()} / no such organisation: {line.strip()}")
            else:
                partners.append(org.id)
    funders: dict[str, dict[str, float]] = {}
    for province in _edit_provinces(session, call, project):
        for year in _edit_years(call, project):
            raw = str(form.get(f"fund__{province}__{year}", "")).strip()
            entered[f"fund__{province}__{year}"] = raw
            if not raw:
                continue
            try:
                amount = float(raw.replace(",", ""))
                if not amount >= 0:
                    raise ValueError
            except ValueError:
                errors.append(f"{province} {year} 年经费须为非负数 / {province} {year}: not a non-negative number")
                continue
            if amount > 0:
                funders.setdefault(province, {})[str(year)] = amount
    start_on = _date(entered["start_on"], "开始日期 start", errors)
    end_on = _date(entered["end_on"], "结束日期 end", errors)
    status = 422
    if not errors:
        try:
            service.update_draft(session, actor=actor, project=project, changes={
                "title": entered["title"], "summary": entered["summary"], "discipline": entered["discipline"],
                "keywords": [k for k in entered["keywords"].replace("，", " ").replace(",", " ").split() if k],
                "start_on": start_on, "end_on": end_on, "partner_org_ids": partners, "funders": funders})
            session.commit()
            return RedirectResponse(f"/projects/{project_id}?done=edited", status_code=303)
        except service.ProgrammeError as exc:
            errors.append(str(exc))
            status = 409 if project.status != "draft" else 422
        except PermissionDenied as exc:
            if actor.user_id is None:
                raise
            errors.append(_denied(exc))
            status = 403
    session.rollback()
    session.expire_all()
    if status != 422:  # refused: the form is no longer offered; the reason shows at the top
        return _project_page(request, session, actor, project_id, status_code=status, refused=errors[-1])
    return _project_page(request, session, actor, project_id, status_code=status, edit_errors=errors,
                         entered=entered)


@router.post("/projects/{project_id}/review/start", dependencies=[CsrfForm])
def start_review(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _step(request, session, actor, project_id,
                 lambda p: service.start_review(session, actor=actor, project=p), "review_started")


@router.post("/projects/{project_id}/reviewers", dependencies=[CsrfForm])
def assign_reviewer(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                    username: Annotated[str, Form()] = "") -> Response:
    def run(project: Project) -> object:
        expert = accounts.get_user(session, username=username.strip())
        if expert is None:
            raise service.ProgrammeError(f"用户不存在 / no such user: {username.strip()}")
        return service.assign_reviewer(session, actor=actor, project=project, expert=expert)

    return _step(request, session, actor, project_id, run, "assigned")


@router.post("/projects/{project_id}/funding/{province}", dependencies=[CsrfForm])
def sign_off(project_id: RowId, province: str, request: Request, session: SessionDep, actor: ActorDep,
             decision: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    if province not in service.PROVINCES or decision not in ("approve", "refuse"):
        raise HTTPException(404)
    return _step(request, session, actor, project_id,
                 lambda p: service.decide_funding(session, actor=actor, project=p, province=province,
                                                  approve=decision == "approve", reason=reason), "signed")


@router.post("/projects/{project_id}/transitions", dependencies=[CsrfForm])
def transition(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
               action: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    return _step(request, session, actor, project_id,
                 lambda p: service.move(session, actor=actor, project=p, action=action, reason=reason), action)


@router.post("/projects/{project_id}/milestones", dependencies=[CsrfForm])
def add_milestone(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                  title: Annotated[str, Form()] = "", due: Annotated[str, Form()] = "") -> Response:
    def run(project: Project) -> object:
        if not title.strip():
            raise service.ProgrammeError("须填写里程碑名称 / a milestone needs a title")
        try:
            when = date.fromisoformat(due)
        except ValueError:
            raise service.ProgrammeError("到期日期格式不正确 / due: expected YYYY-MM-DD") from None
        return service.add_milestone(session, actor=actor, project=project, title=title, due=when)

    return _step(request, session, actor, project_id, run, "milestone")


@router.post("/projects/{project_id}/milestones/{milestone_id}/done", dependencies=[CsrfForm])
def milestone_done(project_id: RowId, milestone_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                   evidence: Annotated[str, Form()] = "", done_on: Annotated[str, Form()] = "") -> Response:
    def run(project: Project) -> object:
        try:
            when = date.fromisoformat(done_on) if done_on else None
        except ValueError:
            raise service.ProgrammeError("完成日期格式不正确 / done on: expected YYYY-MM-DD") from None
        return service.complete_milestone(session, actor=actor, project=project, milestone_id=milestone_id,
                                          evidence=evidence, done_on=when)

    return _step(request, session, actor, project_id, run, "milestone_done")


@router.post("/projects/{project_id}/changes", dependencies=[CsrfForm])
def request_change(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                   kind: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "") -> Response:
    def run(project: Project) -> object:
        if kind not in CHANGE_KINDS:
            raise service.ProgrammeError("变更类型无效 / kind: budget, schedule, participants or content")
        if not description.strip():
            raise service.ProgrammeError("须说明变更内容 / describe the change")
        return service.request_change(session, actor=actor, project=project, kind=kind, description=description)

    return _step(request, session, actor, project_id, run, "change")


CHANGE_KINDS = ("budget", "schedule", "participants", "content")


@router.post("/projects/{project_id}/changes/{change_id}/decision", dependencies=[CsrfForm])
def decide_change(project_id: RowId, change_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                  decision: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    if decision not in ("approve", "refuse"):
        raise HTTPException(404)
    return _step(request, session, actor, project_id,
                 lambda p: service.decide_change(session, actor=actor, project=p, change_id=change_id,
                                                 approve=decision == "approve", reason=reason), "change_decided")


# --- the reviewer's own page ----------------------------------------------------------------------------------


def _review_page(request: Request, session: SessionDep, actor: Actor, project_id: int, status_code: int = 200,
                 refused: str | None = None) -> Response:
    project = _readable(session, actor, project_id)
    if actor.user_id is None:
        return RedirectResponse(f"/login?next=/projects/{project_id}/review", status_code=303)
    review = next((r for r in project.reviews if r.expert_user_id == actor.user_id), None)
    if review is None:
        raise HTTPException(404)
    return _render(request, "programmes/review.html", status_code=status_code, project=project, review=review,
                  actions=service.actions_for(session, actor=actor, project=project), names=_names(session),
                  org_names=_org_names(session, {p.org_id for p in project.participants}), refused=refused)


@router.get("/projects/{project_id}/review")
def review_page(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _review_page(request, session, actor, project_id)


@router.post("/projects/{project_id}/review", dependencies=[CsrfForm])
def submit_review(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                  score: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "") -> Response:
    def run(project: Project) -> object:
        try:
            value = float(score)
        except ValueError:
            raise service.ProgrammeError("评分须为 0–100 的数字 / score must be a number 0-100") from None
        return service.submit_review(session, actor=actor, project=project, score=value, comment=comment)

    return _step(request, session, actor, project_id, run, "reviewed", back="review")


@router.post("/projects/{project_id}/conflict", dependencies=[CsrfForm])
def declare_conflict(project_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                     reason: Annotated[str, Form()] = "") -> Response:
    return _step(request, session, actor, project_id,
                 lambda p: service.declare_conflict(session, actor=actor, project=p, reason=reason), "conflict",
                 back="review")


# --- each jurisdiction's view ---------------------------------------------------------------------------------


@router.get("/programmes/jurisdictions/{code}")
def jurisdiction_page(code: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    if code not in service.PROVINCES:
        raise HTTPException(404)
    view = service.jurisdiction_view(session, actor=actor, province=code)
    names = _names(session)
    zh = request.state.lang != "en"
    chart = {
        "lang": "zh" if zh else "en",
        "years": list(view["by_year"]),
        "running": [round(v["running"], 2) for v in view["by_year"].values()],
        "applied": [round(v["applied"], 2) for v in view["by_year"].values()],
        "partners": [{"code": c, "name": (names[c].short_name if zh else names[c].name_en) if names.get(c) else c,
                      "count": n} for c, n in view["partners"].items()],
    }
    org_ids = {p.lead_org_id for p in view["funded"]} | {p.lead_org_id for p in view["taking_part"]}
    return _render(request, "programmes/jurisdiction.html", code=code, region=names.get(code), names=names,
                  view=view, chart=chart, lead_names=_org_names(session, org_ids))
