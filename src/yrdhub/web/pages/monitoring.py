"""Monitoring pages: the public dashboard (accepted data only) and the data-submission workspace."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from yrdhub.accounts.policy import Target, can
from yrdhub.monitoring import evaluations, measurements, service, templates
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.monitoring.models import Framework, Submission
from yrdhub.monitoring.targets import plan_targets
from yrdhub.monitoring.validation import Entry
from yrdhub.regions import service as regions
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)


def _framework(session: SessionDep) -> Framework:
    framework = service.get_framework(session, "yrd-monitoring")
    if framework is None:
        raise HTTPException(404)
    return framework



@router.get("/monitoring")
def dashboard(request: Request, session: SessionDep, actor: ActorDep, period: int | None = None,
              region: str = "") -> Response:
    framework = _framework(session)
    spec = service.spec_of(framework)
    rows = service.indicator_values(session, framework)
    names = regions.provinces(session)
    data: dict[str, Any] = {
        "indicators": [{"code": i.code, "name": i.name, "name_en": i.name_en, "unit": i.unit,
                        "dimension": i.dimension} for i in spec.indicators],
        "dimensions": [{"code": d.code, "name": d.name, "name_en": d.name_en} for d in spec.dimensions],
        "provinces": {c: {"zh": r.short_name, "en": r.name_en, "name": r.name} for c, r in names.items() if r},
        "values": [[r["region_code"], r["period"], r["indicator"], round(r["value"], 4)] for r in rows],
    }
    # National comparison where a national figure is published (R&D intensity, from the statistical bulletin).
    data["national"] = {"rd_intensity": service.national_series("rd_intensity_published")}
    # The latest year every jurisdiction has accepted data for.
    years = {p for p in {r["period"] for r in rows}
             if {r["region_code"] for r in rows if r["period"] == p} >= set(service.PROVINCES)}
    latest = max(years, default=None)
    if period in years:
        latest = period
    region = region if region in service.PROVINCES else ""
    data["period"], data["region"] = latest, region
    table: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["period"] == latest:
            table.setdefault(r["indicator"], {})[r["region_code"]] = r["value"]
    run = evaluations.latest(session, framework)
    evaluation = None
    if run is not None:
        last = run.method["last_year"]
        data["evaluation"] = {"scores": [[r["uCode"], r["Time"], r["Index"]] + [r.get(d.code) for d in spec.dimensions]
                                         for r in run.results["scores"]],
                              "contributions": run.results["contributions"], "last_year": last}
        ranks = {r["uCode"]: r for r in run.results["ranks"]}
        latest_scores = {r["uCode"]: r for r in run.results["scores"] if r["Time"] == last}
        evaluation = {"run": run, "last": last, "ranks": ranks, "scores": latest_scores,
                      "sw": run.results["strengths_weaknesses"],
                      "indicator_names": {i.code: (i.name, i.name_en) for i in spec.indicators}}
    shown = {c: r for c, r in names.items() if not region or c == region}
    return render(request, "monitoring/dashboard.html", spec=spec, data=data, latest=latest, table=table,
                  names=shown, all_names=names, targets=plan_targets(session, framework), evaluation=evaluation,
                  years=sorted(years, reverse=True), region=region)


@router.get("/monitoring/data")
def workspace(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    if actor.user_id is None:
        return RedirectResponse("/login?next=/monitoring/data", status_code=303)
    framework = _framework(session)
    end = service.spec_of(framework).periods[1]
    periods = list(range(end - 2, end + 3))
    grid: dict[tuple[str, int], Any] = {(c.region_code, c.period): c
                                        for c in service.completeness(session, framework, periods)}
    own = [p for p in service.PROVINCES if can(actor, "monitoring.edit", Target(province=p))]
    return render(request, "monitoring/workspace.html", periods=periods, grid=grid, names=regions.provinces(session),
                  submissions=service.list_submissions(session, actor=actor, framework=framework)[:60],
                  own=own, error=request.query_params.get("error"), can_evaluate=can(actor, "monitoring.evaluate"))


@router.post("/monitoring/evaluations", dependencies=[CsrfForm])
def run_evaluation(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    evaluations.run(session, actor=actor, framework=_framework(session))
    session.commit()
    return RedirectResponse("/monitoring", status_code=303)


@router.post("/monitoring/data/open", dependencies=[CsrfForm])
def open_period(request: Request, session: SessionDep, actor: ActorDep, region: Annotated[str, Form()],
                period: Annotated[int, Form()], reason: Annotated[str, Form()] = "") -> Response:
    framework = _framework(session)
    try:
        sub = service.open_submission(session, actor=actor, framework=framework, region=region, period=period,
                                      reason=reason)
    except service.MonitoringError as exc:
        return render(request, "error.html", status_code=409, status=409,
                      error={"message": str(exc).split(" / ")[0], "message_en": str(exc).split(" / ")[-1],
                             "fields": []})
    session.commit()
    return RedirectResponse(f"/monitoring/submissions/{sub.id}", status_code=303)


def _submission(session: SessionDep, actor: ActorDep, submission_id: int) -> Submission:
    sub = service.get_submission(session, submission_id)
    if sub is None or not service.can_read(actor, sub):
        raise HTTPException(404)
    return sub


def _page(request: Request, session: SessionDep, actor: ActorDep, sub: Submission, status_code: int = 200,
          problems: dict[str, list[str]] | None = None, entered: dict[str, tuple[str, str]] | None = None,
          upload_errors: list[Any] | None = None, file_error: str | None = None) -> Response:
    framework = session.get(Framework, sub.framework_id)
    assert framework is not None
    spec = service.spec_of(framework)
    target = Target(province=sub.region_code)
    actions = {name: can(actor, f"monitoring.{name}", target) for name in
               ("edit", "submit", "approve", "accept", "return")}
    current = {v.element: (f"{v.value:g}", v.reason) for v in sub.values}
    return render(request, "monitoring/submission.html", status_code=status_code, sub=sub, spec=spec,
                  region=regions.get(session, sub.region_code), actions=actions,
                  previous=service.previous_values(session, framework, sub.region_code, sub.period),
                  current=entered or current, problems=problems or {}, upload_errors=upload_errors or [],
                  file_error=file_error)


@router.get("/monitoring/submissions/{submission_id}")
def submission_page(submission_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _page(request, session, actor, _submission(session, actor, submission_id))


@router.post("/monitoring/submissions/{submission_id}/values", dependencies=[CsrfForm])
async def save_values(submission_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    sub = _submission(session, actor, submission_id)
    form = await request.form()
    entered: dict[str, tuple[str, str]] = {}
    entries: dict[str, Entry] = {}
    problems: dict[str, list[str]] = {}
    framework = session.get(Framework, sub.framework_id)
    assert framework is not None
    for element in service.spec_of(framework).elements:
        raw = str(form.get(f"value__{element.code}", "")).strip()
        reason = str(form.get(f"reason__{element.code}", "")).strip()
        entered[element.code] = (raw, reason)
        try:
            entries[element.code] = Entry(float(raw.replace(",", "")) if raw else None, reason)
        except ValueError:
            problems.setdefault(element.code, []).append(f"不是数字 / not a number: {raw}")
    if not problems:
        try:
            service.set_values(session, actor=actor, submission=sub, entries=entries)
            session.commit()
            return RedirectResponse(f"/monitoring/submissions/{sub.id}?saved=1", status_code=303)
        except service.ValidationFailed as exc:
            for p in exc.problems:
                problems.setdefault(p.element, []).append(p.message)
        except service.MonitoringError as exc:
            problems["_"] = [str(exc)]
    session.rollback()
    return _page(request, session, actor, sub, status_code=422, problems=problems, entered=entered)


@router.post("/monitoring/submissions/{submission_id}/upload", dependencies=[CsrfForm])
async def upload(submission_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                 file: Annotated[UploadFile, File()]) -> Response:
    sub = _submission(session, actor, submission_id)
    data = await file.read(10 * 1024 * 1024 + 1)
    try:
        report = templates.upload(session, actor=actor, submission=sub, data=data,
                                  filename=file.filename or "upload.xlsx")
    except service.MonitoringError as exc:
        return _page(request, session, actor, sub, status_code=409, file_error=str(exc))
    if report.saved:
        session.commit()
        return RedirectResponse(f"/monitoring/submissions/{sub.id}?saved=1", status_code=303)
    session.rollback()
    return _page(request, session, actor, sub, status_code=422, upload_errors=report.errors,
                 file_error=report.file_error)


@router.post("/monitoring/submissions/{submission_id}/{step}", dependencies=[CsrfForm])
def step(submission_id: RowId, step: str, request: Request, session: SessionDep, actor: ActorDep,
         comment: Annotated[str, Form()] = "") -> Response:
    sub = _submission(session, actor, submission_id)
    try:
        if step == "submit":
            service.submit(session, actor=actor, submission=sub)
        elif step == "approve":
            service.approve(session, actor=actor, submission=sub, comment=comment)
        elif step == "accept":
            service.accept(session, actor=actor, submission=sub, comment=comment)
        elif step == "return":
            service.return_for_correction(session, actor=actor, submission=sub, reason=comment)
        else:
            raise HTTPException(404)
    except service.ValidationFailed as exc:
        session.rollback()
        problems: dict[str, list[str]] = {}
        for p in exc.problems:
            problems.setdefault(p.element, []).append(p.message)
        return _page(request, session, actor, sub, status_code=422, problems=problems)
    except service.MonitoringError as exc:
        session.rollback()
        return _page(request, session, actor, sub, status_code=409, problems={"_": [str(exc)]})
    session.commit()
    return RedirectResponse(f"/monitoring/submissions/{sub.id}", status_code=303)


@router.get("/monitoring/evaluations/{ref}/report")
def report_html(ref: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    from fastapi.responses import HTMLResponse

    from yrdhub.publishing.report import evaluation_report

    run = evaluations.get(session, ref)
    if run is None:
        raise HTTPException(404)
    return HTMLResponse(evaluation_report(session, run).html)


@router.get("/monitoring/evaluations/{ref}/report.pdf")
def report_pdf(ref: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    from yrdhub.publishing.report import evaluation_report

    run = evaluations.get(session, ref)
    if run is None:
        raise HTTPException(404)
    return Response(evaluation_report(session, run).pdf(), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="yrdhub-evaluation-{run.id}.pdf"'})


@router.get("/monitoring/tasks")
def task_board(request: Request, session: SessionDep, actor: ActorDep, region: str = "") -> Response:
    region = region if region in service.PROVINCES else ""
    tasks = plan_tasks.list_tasks(session, region=region or None)
    everything = plan_tasks.list_tasks(session)
    return render(request, "monitoring/tasks.html", tasks=tasks, areas=plan_tasks.areas(), region=region,
                  overdue={t.code: plan_tasks.is_overdue(t) for t in tasks}, names=regions.provinces(session),
                  area_names={a["code"]: a["name_en" if request.state.lang == "en" else "name"]
                              for a in plan_tasks.areas()},
                  by_area=plan_tasks.progress_by(tasks, "area"), by_region=plan_tasks.progress_by(everything, "region"),
                  source=plan_tasks.bundled()["source"])


def _task_page(request: Request, session: SessionDep, actor: ActorDep, code: str, error: str | None = None,
               status_code: int = 200) -> Response:
    task = plan_tasks.get(session, code)
    if task is None:
        raise HTTPException(404)
    regions_ = sorted(r for r in plan_tasks.provinces_of(task)
                      if can(actor, "monitoring.task_report", Target(province=r)))
    can_report = bool(regions_) or actor.has_role("office_admin")
    return render(request, "monitoring/task.html", status_code=status_code, task=task, names=regions.provinces(session),
                  overdue=plan_tasks.is_overdue(task), can_report=can_report, report_regions=regions_,
                  statuses=plan_tasks.STATUSES, error=error, source=plan_tasks.bundled()["source"])


@router.get("/monitoring/tasks/{code}")
def task_page(code: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _task_page(request, session, actor, code)


@router.post("/monitoring/tasks/{code}", dependencies=[CsrfForm])
def task_report(code: str, request: Request, session: SessionDep, actor: ActorDep,
                status: Annotated[str, Form()], progress: Annotated[int, Form()], note: Annotated[str, Form()],
                region: Annotated[str, Form()] = "", evidence: Annotated[str, Form()] = "",
                milestone: Annotated[str, Form()] = "", milestone_due: Annotated[str, Form()] = "") -> Response:
    from datetime import date

    task = plan_tasks.get(session, code)
    if task is None:
        raise HTTPException(404)
    try:
        due = date.fromisoformat(milestone_due) if milestone_due else None
        plan_tasks.report(session, actor=actor, task=task, status=status, progress=progress, note=note,
                          evidence=evidence, region=region or None, milestone=milestone, milestone_due=due)
    except (plan_tasks.TaskError, ValueError) as exc:
        session.rollback()
        return _task_page(request, session, actor, code, error=str(exc), status_code=422)
    session.commit()
    return RedirectResponse(f"/monitoring/tasks/{code}", status_code=303)


RECORDS_PER_PAGE = 100


@router.get("/monitoring/measurements/{measurement_id}")
def measurement_page(measurement_id: RowId, request: Request, session: SessionDep,
                     page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """A value counted from records, with the records behind it (public: the office publishes these counts)."""
    row = measurements.get(session, measurement_id)
    if row is None:
        raise HTTPException(404)
    names = {t.code: (t.name_en if request.state.lang == "en" else t.name)
             for t in plan_targets(session, _framework(session))}
    pages = max(1, -(-row.n_records // RECORDS_PER_PAGE))
    records = measurements.records_of(session, row, limit=RECORDS_PER_PAGE, offset=(page - 1) * RECORDS_PER_PAGE)
    return render(request, "monitoring/measurement.html", m=row, label=names.get(row.indicator, row.indicator),
                  records=records, page=page, pages=pages)
