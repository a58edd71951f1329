"""Monitoring pages: the public dashboard (accepted data and the published evaluation), the data-submission
workspace, plan tasks, measured values and the evaluation report. Thin: the same schemas and services as the API;
each page offers exactly the moves the lifecycles allow this reader now."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from yrdhub import imports
from yrdhub.accounts.policy import Target, can
from yrdhub.errors import Conflict, DomainError, FieldError, Invalid, field_errors
from yrdhub.i18n import Lang
from yrdhub.monitoring import evaluations, history, measurements, service, templates
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.monitoring.labels import OFFICE, PERIODICITY, UNIT, label
from yrdhub.monitoring.models import EvaluationRun, Framework, Submission
from yrdhub.monitoring.schemas import TaskReportIn
from yrdhub.monitoring.targets import plan_targets
from yrdhub.monitoring.validation import Entry
from yrdhub.monitoring.views import dashboard_data, task_view
from yrdhub.regions import service as regions
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep, SettingsDep
from yrdhub.web.templating import render
from yrdhub.web.uploads import read_upload

router = APIRouter(include_in_schema=False)
READ_CELL = imports.decimal()


def _framework(session: SessionDep) -> Framework:
    framework = service.get_framework(session, "yrd-monitoring")
    if framework is None:
        raise HTTPException(404)
    return framework


def _lang(request: Request) -> Lang:
    lang: Lang = request.state.lang
    return lang


async def form_data(request: Request) -> dict[str, str]:
    """A form's fields (read before the handler, which runs on a thread)."""
    form = await request.form()
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


FormData = Annotated[dict[str, str], Depends(form_data)]


@router.get("/monitoring")
def dashboard(request: Request, session: SessionDep, actor: ActorDep, period: int | None = None,
              region: str = "", run: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    """Accepted data and the published evaluation; the office may preview a computed run (`?run=`)."""
    framework = _framework(session)
    spec = service.spec_of(framework)
    rows = service.indicator_values(session, framework)
    names = regions.provinces(session)
    years = {p for p in {r["period"] for r in rows}
             if {r["region_code"] for r in rows if r["period"] == p} >= set(service.PROVINCES)}
    latest = period if period in years else max(years, default=None)
    region = region if region in service.PROVINCES else ""
    table: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["period"] == latest:
            table.setdefault(r["indicator"], {})[r["region_code"]] = r["value"]
    shown_run = (evaluations.get(session, actor=actor, ref=str(run)) if run is not None
                 else evaluations.published(session, framework.id))
    lang = _lang(request)
    data = dashboard_data(spec, rows, names, lang, latest, region, shown_run)
    return render(request, "monitoring/dashboard.html", spec=spec, data=data, latest=latest, table=table,
                  names={c: r for c, r in names.items() if not region or c == region}, all_names=names,
                  targets=plan_targets(session, actor=actor, framework=framework),
                  evaluation=_evaluation_view(shown_run, spec), run_moves=(
                      evaluations.allowed_moves(actor, shown_run) if shown_run is not None else []),
                  pending=evaluations.pending(session, actor=actor, framework=framework),
                  years=sorted(years, reverse=True), region=region, office=OFFICE,
                  periodicity=label(PERIODICITY, spec.periodicity), units=UNIT)


def _evaluation_view(run: EvaluationRun | None, spec: Any) -> dict[str, Any] | None:
    if run is None:
        return None
    last = run.method["last_year"]
    return {"run": run, "last": last, "ranks": {r["uCode"]: r for r in run.results["ranks"]},
            "scores": {r["uCode"]: r for r in run.results["scores"] if r["Time"] == last},
            "sw": run.results["strengths_weaknesses"], "indicators": {i.code: i for i in spec.indicators}}


@router.post("/monitoring/evaluations", dependencies=[CsrfForm], openapi_extra=policy("monitoring.evaluate"))
def run_evaluation(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Compute a run and show it to the office for review (it is public once published)."""
    row = evaluations.run(session, actor=actor, framework=_framework(session))
    session.commit()
    return RedirectResponse(f"/monitoring?run={row.id}", status_code=303)


@router.post("/monitoring/evaluations/{run_id}/publish", dependencies=[CsrfForm],
             openapi_extra=policy("monitoring.publish"))
def publish_evaluation(run_id: RowId, session: SessionDep, actor: ActorDep) -> Response:
    row = evaluations.get(session, actor=actor, ref=str(run_id))
    if row is None:
        raise HTTPException(404)
    evaluations.publish(session, actor=actor, run=row)
    session.commit()
    return RedirectResponse("/monitoring", status_code=303)


@router.get("/monitoring/data")
def workspace(request: Request, session: SessionDep, actor: ActorDep,
              cursor: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    if actor.user_id is None:
        return RedirectResponse("/login?next=/monitoring/data", status_code=303)
    framework = _framework(session)
    end = service.spec_of(framework).periods[1]
    periods = list(range(end - 2, end + 3))
    grid = {(c.region_code, c.period): c for c in service.completeness(session, framework, periods)}
    own = [p for p in service.PROVINCES if can(actor, "monitoring.edit", Target(province=p))]
    page = service.list_submissions(session, actor=actor, framework=framework, cursor=cursor, limit=60)
    return render(request, "monitoring/workspace.html", periods=periods, grid=grid, names=regions.provinces(session),
                  submissions=page.items, next_cursor=page.next_cursor, own=own,
                  can_evaluate=can(actor, "monitoring.evaluate"))


@router.post("/monitoring/data/open", dependencies=[CsrfForm], openapi_extra=policy("monitoring.edit"))
def open_period(session: SessionDep, actor: ActorDep, region: Annotated[str, Form()],
                period: Annotated[int, Form()], reason: Annotated[str, Form()] = "") -> Response:
    sub = service.open_submission(session, actor=actor, framework=_framework(session), region=region, period=period,
                                  reason=reason)
    session.commit()
    return RedirectResponse(f"/monitoring/submissions/{sub.id}", status_code=303)


def _submission(session: SessionDep, actor: ActorDep, submission_id: int) -> Submission:
    sub = service.get_submission(session, actor=actor, submission_id=submission_id)
    if sub is None:
        raise HTTPException(404)
    return sub


def _page(request: Request, session: SessionDep, actor: ActorDep, sub: Submission, status_code: int = 200,
          problems: list[FieldError] | None = None, entered: dict[str, tuple[str, str]] | None = None,
          upload_errors: list[Any] | None = None, error: DomainError | None = None) -> Response:
    framework = session.get(Framework, sub.framework_id)
    assert framework is not None
    spec = service.spec_of(framework)
    moves = service.allowed_moves(session, actor=actor, submission=sub)
    editable = sub.status in ("draft", "returned") and can(actor, "monitoring.edit", Target(province=sub.region_code))
    current = {v.element: (format(v.value.normalize(), "f"), v.reason) for v in sub.values}
    by_element: dict[str, list[FieldError]] = {}
    for p in problems or []:
        by_element.setdefault(p.field, []).append(p)
    pending = []  # what stands between a draft and submitting it (shown instead of the submit button)
    if editable and not problems and not any(m.name == "submit" for m in moves):
        pending = service.check_values(session, submission=sub, entries=service.entries_of(sub))
    return render(request, "monitoring/submission.html", status_code=status_code, sub=sub, spec=spec,
                  region=regions.get(session, sub.region_code), moves=moves, editable=editable,
                  previous=service.previous_values(session, framework, sub.region_code, sub.period),
                  current=entered or current, problems=by_element, upload_errors=upload_errors or [],
                  error=error, pending=pending, history=history.rows(sub.comments), units=UNIT)


@router.get("/monitoring/submissions/{submission_id}")
def submission_page(submission_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _page(request, session, actor, _submission(session, actor, submission_id))


@router.post("/monitoring/submissions/{submission_id}/values", dependencies=[CsrfForm],
             openapi_extra=policy("monitoring.edit"))
def save_values(submission_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                form: FormData) -> Response:
    """The form's cells read with the import engine's number parser, then the same service as the API."""
    sub = _submission(session, actor, submission_id)
    framework = session.get(Framework, sub.framework_id)
    assert framework is not None
    entered: dict[str, tuple[str, str]] = {}
    entries: dict[str, Entry] = {}
    problems: list[FieldError] = []
    for element in service.spec_of(framework).elements:
        raw = form.get(f"value__{element.code}", "").strip()
        reason = form.get(f"reason__{element.code}", "").strip()
        entered[element.code] = (raw, reason)
        try:
            entries[element.code] = Entry(READ_CELL(raw), reason)
        except DomainError as exc:
            problems.append(FieldError(element.code, exc.code, exc.params))
    if not problems:
        try:
            service.set_values(session, actor=actor, submission=sub, entries=entries)
            session.commit()
            return RedirectResponse(f"/monitoring/submissions/{sub.id}?saved=1", status_code=303)
        except Invalid as exc:
            problems = exc.errors
    session.rollback()
    return _page(request, session, actor, sub, status_code=422, problems=problems, entered=entered)


@router.post("/monitoring/submissions/{submission_id}/upload", dependencies=[CsrfForm],
             openapi_extra=policy("monitoring.edit"))
def upload(submission_id: RowId, request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
           file: Annotated[UploadFile, File()]) -> Response:
    sub = _submission(session, actor, submission_id)
    data, filename = read_upload(file, settings)
    report = templates.upload(session, actor=actor, submission=sub, data=data, filename=filename,
                              max_rows=settings.max_import_rows)
    if not report.errors:
        session.commit()
        return RedirectResponse(f"/monitoring/submissions/{sub.id}?saved=1", status_code=303)
    session.rollback()
    return _page(request, session, actor, sub, status_code=422, upload_errors=report.errors)


@router.post("/monitoring/submissions/{submission_id}/{move}", dependencies=[CsrfForm],
             openapi_extra=policy("lifecycle"))
def step(submission_id: RowId, move: str, request: Request, session: SessionDep, actor: ActorDep,
         comment: Annotated[str, Form()] = "") -> Response:
    sub = _submission(session, actor, submission_id)
    try:
        service.move(session, actor=actor, submission=sub, name=move, text=comment)
    except Invalid as exc:
        session.rollback()
        return _page(request, session, actor, sub, status_code=422, problems=exc.errors)
    except Conflict as exc:
        session.rollback()
        return _page(request, session, actor, sub, status_code=409, error=exc)
    session.commit()
    return RedirectResponse(f"/monitoring/submissions/{sub.id}", status_code=303)


def _report_run(session: SessionDep, actor: ActorDep, ref: str) -> EvaluationRun:
    run = evaluations.get(session, actor=actor, ref=ref)
    if run is None:
        raise HTTPException(404)
    return run


@router.get("/monitoring/evaluations/{ref}/report")
def report_html(ref: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    from yrdhub.publishing.report import evaluation_report

    return HTMLResponse(evaluation_report(session, _report_run(session, actor, ref), lang=_lang(request),
                                          actor=actor).html)


@router.get("/monitoring/evaluations/{ref}/report.pdf")
def report_pdf(ref: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    from yrdhub.publishing.report import evaluation_report

    run = _report_run(session, actor, ref)
    lang = _lang(request)
    pdf = evaluation_report(session, run, lang=lang, actor=actor).pdf()
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="yrdhub-evaluation-{run.id}-{lang}.pdf"'})


@router.get("/monitoring/tasks")
def task_board(request: Request, session: SessionDep, actor: ActorDep, region: str = "") -> Response:
    region = region if region in service.PROVINCES else ""
    tasks = plan_tasks.list_tasks(session, actor=actor, region=region or None)
    everything = plan_tasks.list_tasks(session, actor=actor) if region else tasks
    lang = _lang(request)
    return render(request, "monitoring/tasks.html", tasks=[task_view(t, lang) for t in tasks],
                  areas=plan_tasks.areas(), region=region, names=regions.provinces(session),
                  area_names={a["code"]: a for a in plan_tasks.areas()},
                  by_area=plan_tasks.progress_by(tasks, "area"),
                  by_region=plan_tasks.progress_by(everything, "region"), source=_source(lang))


def _source(lang: Lang) -> str:
    raw = plan_tasks.bundled()
    return str(raw["source_en"] if lang == "en" else raw["source"])


def _task_page(request: Request, session: SessionDep, actor: ActorDep, code: str,
               errors: list[FieldError] | None = None, error: DomainError | None = None,
               cursor: str | None = None, status_code: int = 200) -> Response:
    task = plan_tasks.get(session, actor=actor, code=code)
    if task is None:
        raise HTTPException(404)
    reporters: dict[str, list[str]] = {}
    if actor.has_role("office_admin"):
        reporters[""] = plan_tasks.report_moves(session, actor=actor, task=task, region=None)
    for province in sorted(plan_tasks.provinces_of(task)):
        if can(actor, "monitoring.task_report", Target(province=province)):
            reporters[province] = plan_tasks.report_moves(session, actor=actor, task=task, region=province)
    reporters = {k: v for k, v in reporters.items() if v}
    page = plan_tasks.updates(session, actor=actor, task=task, cursor=cursor, limit=20)
    lang = _lang(request)
    return render(request, "monitoring/task.html", status_code=status_code, task=task_view(task, lang),
                  names=regions.provinces(session), reporters=reporters, updates=page.items,
                  next_cursor=page.next_cursor, errors=errors or [], error=error, source=_source(lang))


@router.get("/monitoring/tasks/{code}")
def task_page(code: str, request: Request, session: SessionDep, actor: ActorDep,
              cursor: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    return _task_page(request, session, actor, code, cursor=cursor)


@router.post("/monitoring/tasks/{code}", dependencies=[CsrfForm], openapi_extra=policy("monitoring.task_report"))
def task_report(code: str, request: Request, session: SessionDep, actor: ActorDep, form: FormData) -> Response:
    task = plan_tasks.get(session, actor=actor, code=code)
    if task is None:
        raise HTTPException(404)
    fields = {k: form.get(k, "") for k in ("region", "status", "progress", "note", "evidence", "milestone",
                                           "milestone_due")}
    try:
        plan_tasks.report(session, actor=actor, task=task, data=TaskReportIn.model_validate(fields))
    except ValidationError as exc:
        session.rollback()
        return _task_page(request, session, actor, code, errors=field_errors(exc), status_code=422)
    except Conflict as exc:
        session.rollback()
        return _task_page(request, session, actor, code, error=exc, status_code=409)
    except DomainError as exc:
        if exc.code == "policy.denied":
            raise
        session.rollback()
        return _task_page(request, session, actor, code, error=exc, status_code=422)
    session.commit()
    return RedirectResponse(f"/monitoring/tasks/{code}", status_code=303)


@router.get("/monitoring/measurements/{measurement_id}")
def measurement_page(measurement_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                     cursor: Annotated[str | None, Query(max_length=2000)] = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Response:
    """A value counted from records, with the records behind it (public: the office publishes these counts)."""
    row = measurements.get(session, actor=actor, measurement_id=measurement_id)
    if row is None:
        raise HTTPException(404)
    targets = {t.code: t for t in plan_targets(session, actor=actor, framework=_framework(session))}
    page = measurements.records_of(session, actor=actor, measurement=row, cursor=cursor, limit=limit)
    return render(request, "monitoring/measurement.html", m=row, target=targets.get(row.indicator),
                  records=page.items, next_cursor=page.next_cursor, limit=limit, first=cursor is None)

