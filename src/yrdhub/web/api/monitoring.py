"""/api/v1/monitoring — frameworks, accepted values and indicators, and the submission cycle."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.monitoring import evaluations, measurements, service, templates
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.monitoring.models import Framework, Submission
from yrdhub.monitoring.schemas import (
    CommentIn,
    CompletenessRead,
    FrameworkDetail,
    FrameworkRead,
    ReturnIn,
    SubmissionOpen,
    SubmissionRead,
    TaskRead,
    TaskReportIn,
    ValuesIn,
)
from yrdhub.monitoring.validation import Entry
from yrdhub.web.api.common import ExportFormat, export, policy
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep
from yrdhub.web.errors import ApiError, body
from yrdhub.web.i18n import split

Version = Annotated[int | None, Query(ge=1, le=10_000)]
router = APIRouter(prefix="/monitoring", tags=["monitoring 监测评估"])


def _framework(session: SessionDep, code: str, version: int | None = None) -> Framework:
    framework = service.get_framework(session, code, version)
    if framework is None:
        raise ApiError(404, "not_found", f"指标体系不存在 / no such framework: {code}")
    return framework


def _submission(session: SessionDep, actor: Actor, submission_id: int) -> Submission:
    submission = service.get_submission(session, submission_id)
    if submission is None or not service.can_read(actor, submission):
        raise ApiError(404, "not_found", f"填报记录不存在 / no such submission: {submission_id}")
    return submission


def _refused(exc: service.MonitoringError) -> ApiError:
    return ApiError(409, "conflict", str(exc))


def _problems(exc: service.ValidationFailed) -> JSONResponse:
    fields: dict[str, str] = {}
    for p in exc.problems:
        fields[p.element] = f"{fields[p.element]}；{p.message}" if p.element in fields else p.message
    return JSONResponse(body("validation_error", "数据未通过校验，未保存 / values failed validation; nothing saved",
                             fields), status_code=422)


@router.get("/frameworks", response_model=list[FrameworkRead])
def frameworks(session: SessionDep) -> Any:
    return list(session.execute(select(Framework).order_by(Framework.code, Framework.version)).scalars())


@router.get("/frameworks/{code}/{version}", response_model=FrameworkDetail)
def framework_detail(code: str, version: Annotated[int, Path(ge=1, le=10_000)], session: SessionDep) -> Any:
    return _framework(session, code, version)


@router.get("/values")
def values(session: SessionDep, framework: str = "yrd-monitoring", version: Version = None,
           region: str | None = None, format: ExportFormat = "json") -> Any:
    """Accepted data-element values (the latest accepted version of each jurisdiction and period)."""
    fw = _framework(session, framework, version)
    rows = [{"region_code": r, "period": p, "element": e, "value": v}
            for (r, p), vals in sorted(service.accepted_values(session, fw).items()) for e, v in sorted(vals.items())
            if region is None or r == region]
    if format != "json":
        fields = ["region_code", "period", "element", "value"]
        return export(format, "monitoring_values", fields, ([row[f] for f in fields] for row in rows))
    return rows


@router.get("/indicators")
def indicators(session: SessionDep, framework: str = "yrd-monitoring", version: Version = None,
               region: str | None = None, format: ExportFormat = "json") -> Any:
    """Indicators computed from accepted values by the framework's formulas."""
    fw = _framework(session, framework, version)
    rows = [r for r in service.indicator_values(session, fw) if region is None or r["region_code"] == region]
    if format != "json":
        fields = ["region_code", "period", "dimension", "indicator", "value", "unit"]
        return export(format, "monitoring_indicators", fields, ([row[f] for f in fields] for row in rows))
    return rows


@router.get("/evaluations/{ref}")
def evaluation(ref: Annotated[str, Path(pattern=r"^(latest|\d{1,9})$")], session: SessionDep) -> Any:
    """An evaluation: method, input hash and results (index over time, ranks with intervals, contributions)."""
    row = evaluations.get(session, ref)
    if row is None:
        raise ApiError(404, "not_found", f"评估不存在 / no such evaluation: {ref}")
    return {"id": row.id, "framework_id": row.framework_id, "created_at": row.created_at, "created_by": row.created_by,
            "method": row.method, "inputs_hash": row.inputs_hash, "results_hash": row.results_hash,
            "results": row.results}


@router.get("/evaluations/{ref}/scores")
def evaluation_scores(ref: Annotated[str, Path(pattern=r"^(latest|\d{1,9})$")], session: SessionDep,
                      format: ExportFormat = "json") -> Any:
    """Index and dimension scores of every unit and year, with the latest year's rank statistics."""
    row = evaluations.get(session, ref)
    if row is None:
        raise ApiError(404, "not_found", f"评估不存在 / no such evaluation: {ref}")
    ranks = {r["uCode"]: r for r in row.results["ranks"]}
    last = row.method["last_year"]
    present = [c for c in row.results["scores"][0] if c not in ("uCode", "Time")] if row.results["scores"] else []
    # Index first, then the dimensions (upper-case codes), then the normalised indicators
    columns = sorted(present, key=lambda c: (c != "Index", not c.isupper(), present.index(c)))
    rows = []
    for r in row.results["scores"]:
        rank = ranks.get(r["uCode"]) if r["Time"] == last else None
        rows.append([r["uCode"], r["Time"], *(r[c] for c in columns),
                     *((rank["Nominal"], rank["Mean"], rank["Q5"], rank["Q95"]) if rank else (None,) * 4)])
    header = ["unit", "year", *columns, "rank", "rank_mean", "rank_q5", "rank_q95"]
    if format != "json":
        return export(format, f"evaluation_{row.id}_scores", header, rows)
    return [dict(zip(header, r, strict=True)) for r in rows]


@router.get("/evaluations/{ref}/verify")
def verify_evaluation(ref: Annotated[str, Path(pattern=r"^(latest|\d{1,9})$")], session: SessionDep) -> Any:
    """Recompute the evaluation from its frozen inputs and compare with what was stored."""
    row = evaluations.get(session, ref)
    if row is None:
        raise ApiError(404, "not_found", f"评估不存在 / no such evaluation: {ref}")
    result = evaluations.verify(session, row)
    zh, en = split(result.message)
    return {"id": row.id, "ok": result.ok, "inputs_ok": result.inputs_ok, "results_ok": result.results_ok,
            "current_data_same": result.current_data_same, "message": zh, "message_en": en}


@router.post("/evaluations", status_code=201, openapi_extra=policy("monitoring.evaluate"), dependencies=[CsrfApi])
def run_evaluation(session: SessionDep, actor: ActorDep, framework: str = "yrd-monitoring") -> Any:
    row = evaluations.run(session, actor=actor, framework=_framework(session, framework))
    session.commit()
    return {"id": row.id, "inputs_hash": row.inputs_hash, "results_hash": row.results_hash}


@router.get("/tasks", response_model=list[TaskRead])
def tasks(session: SessionDep, area: str | None = None,
          region: Annotated[str | None, Query(pattern=r"^3[1-4]0000$")] = None, format: ExportFormat = "json") -> Any:
    """The plan's tasks with status, progress and overdue flags."""
    rows = [_task(t) for t in plan_tasks.list_tasks(session, area=area, region=region)]
    if format != "json":
        header = ["code", "area", "title", "responsible", "due", "status", "progress", "overdue", "quote"]
        return export(format, "plan_tasks", header, ([t.code, t.area, t.title, "、".join(t.responsible), t.due,
                                                     t.status, t.progress, t.overdue, t.quote] for t in rows))
    return rows


def _task(task: Any) -> TaskRead:
    read = TaskRead.model_validate(task)
    read.overdue = plan_tasks.is_overdue(task)
    return read


@router.get("/tasks/{code}", response_model=TaskRead)
def task(code: str, session: SessionDep) -> Any:
    row = plan_tasks.get(session, code)
    if row is None:
        raise ApiError(404, "not_found", f"任务不存在 / no such task: {code}")
    return _task(row)


@router.post("/tasks/{code}/updates", response_model=TaskRead, status_code=201,
             openapi_extra=policy("monitoring.task_report"), dependencies=[CsrfApi])
def report_task(code: str, body_in: TaskReportIn, session: SessionDep, actor: ActorDep) -> Any:
    row = plan_tasks.get(session, code)
    if row is None:
        raise ApiError(404, "not_found", f"任务不存在 / no such task: {code}")
    try:
        plan_tasks.report(session, actor=actor, task=row, **body_in.model_dump(exclude={"region"}),
                          region=body_in.region)
    except plan_tasks.TaskError as exc:
        raise ApiError(422, "validation_error", str(exc)) from exc
    session.commit()
    return _task(row)


@router.get("/completeness", response_model=list[CompletenessRead])
def completeness(session: SessionDep, actor: ActorDep, framework: str = "yrd-monitoring",
                 periods: Annotated[list[Annotated[int, Query(ge=1900, le=2200)]] | None, Query()] = None) -> Any:
    if actor.user_id is None:
        raise PermissionDenied("monitoring.completeness", actor)
    fw = _framework(session, framework)
    end = service.spec_of(fw).periods[1]
    return service.completeness(session, fw, periods or [end - 1, end, end + 1])


@router.get("/submissions", response_model=list[SubmissionRead])
def submissions(session: SessionDep, actor: ActorDep, framework: str = "yrd-monitoring",
                region: str | None = None, period: Annotated[int | None, Query(ge=1900, le=2200)] = None,
                status: str | None = None) -> Any:
    return service.list_submissions(session, actor=actor, framework=_framework(session, framework), region=region,
                                    period=period, status=status)


@router.get("/submissions/{submission_id}", response_model=SubmissionRead)
def submission(submission_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    return _submission(session, actor, submission_id)


@router.get("/submissions/{submission_id}/template")
def template(submission_id: RowId, session: SessionDep, actor: ActorDep,
             format: Annotated[str, Query(pattern="^(xlsx|csv)$")] = "xlsx") -> Response:
    """The data-entry template, pre-filled with last year's accepted values and this draft's values."""
    sub = _submission(session, actor, submission_id)
    framework = session.get(Framework, sub.framework_id)
    assert framework is not None
    spec = service.spec_of(framework)
    previous = service.previous_values(session, framework, sub.region_code, sub.period)
    current = {v.element: (v.value, v.reason) for v in sub.values}
    name = f"{framework.code}-v{framework.version}-{sub.region_code}-{sub.period}"
    if format == "csv":
        return Response(templates.csv_text(spec, previous, current), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(templates.xlsx(spec, sub.region_code, sub.period, previous, current),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


@router.post("/submissions", response_model=SubmissionRead, status_code=201, openapi_extra=policy("monitoring.edit"),
             dependencies=[CsrfApi])
def open_submission(body_in: SubmissionOpen, session: SessionDep, actor: ActorDep) -> Any:
    fw = _framework(session, body_in.framework, body_in.version)
    try:
        sub = service.open_submission(session, actor=actor, framework=fw, region=body_in.region,
                                      period=body_in.period, reason=body_in.reason)
    except service.MonitoringError as exc:
        raise _refused(exc) from exc
    session.commit()
    return sub


@router.put("/submissions/{submission_id}/values", response_model=SubmissionRead,
            openapi_extra=policy("monitoring.edit"), dependencies=[CsrfApi])
def put_values(submission_id: RowId, body_in: ValuesIn, session: SessionDep, actor: ActorDep) -> Any:
    sub = _submission(session, actor, submission_id)
    entries = {k: Entry(v.value, v.reason) for k, v in body_in.values.items()}
    try:
        service.set_values(session, actor=actor, submission=sub, entries=entries)
    except service.ValidationFailed as exc:
        return _problems(exc)
    except service.MonitoringError as exc:
        raise _refused(exc) from exc
    session.commit()
    return sub


@router.post("/submissions/{submission_id}/upload", response_model=SubmissionRead,
             openapi_extra=policy("monitoring.edit"), dependencies=[CsrfApi])
async def upload(submission_id: RowId, session: SessionDep, actor: ActorDep,
                 file: Annotated[UploadFile, File()]) -> Any:
    sub = _submission(session, actor, submission_id)
    data = await file.read(10 * 1024 * 1024 + 1)
    try:
        report = templates.upload(session, actor=actor, submission=sub, data=data,
                                  filename=file.filename or "upload.xlsx")
    except service.MonitoringError as exc:
        raise _refused(exc) from exc
    if report.file_error:
        raise ApiError(422, "bad_file", report.file_error)
    if not report.saved:
        session.rollback()
        count = len(report.errors)
        payload = body("bad_rows", f"{count} 处有误，未保存 / {count} problems, nothing saved")
        payload["error"]["rows"] = [{"line": e.line, "column": e.column, "field": e.element,
                                     "message": split(e.message)[0], "message_en": split(e.message)[1]}
                                    for e in report.errors]
        return JSONResponse(payload, status_code=422)
    session.commit()
    return sub


def _step(session: SessionDep, actor: Actor, submission_id: int, step: str, text: str = "") -> Submission:
    sub = _submission(session, actor, submission_id)
    try:
        if step == "submit":
            service.submit(session, actor=actor, submission=sub)
        elif step == "approve":
            service.approve(session, actor=actor, submission=sub, comment=text)
        elif step == "accept":
            service.accept(session, actor=actor, submission=sub, comment=text)
        else:
            service.return_for_correction(session, actor=actor, submission=sub, reason=text)
    except service.MonitoringError as exc:
        raise _refused(exc) from exc
    session.commit()
    return sub


@router.post("/submissions/{submission_id}/submit", response_model=SubmissionRead,
             openapi_extra=policy("monitoring.submit"), dependencies=[CsrfApi])
def submit(submission_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    try:
        return _step(session, actor, submission_id, "submit")
    except service.ValidationFailed as exc:
        return _problems(exc)


@router.post("/submissions/{submission_id}/approve", response_model=SubmissionRead,
             openapi_extra=policy("monitoring.approve"), dependencies=[CsrfApi])
def approve(submission_id: RowId, body_in: CommentIn, session: SessionDep, actor: ActorDep) -> Any:
    return _step(session, actor, submission_id, "approve", body_in.comment)


@router.post("/submissions/{submission_id}/accept", response_model=SubmissionRead,
             openapi_extra=policy("monitoring.accept"), dependencies=[CsrfApi])
def accept(submission_id: RowId, body_in: CommentIn, session: SessionDep, actor: ActorDep) -> Any:
    return _step(session, actor, submission_id, "accept", body_in.comment)


@router.post("/submissions/{submission_id}/return", response_model=SubmissionRead,
             openapi_extra=policy("monitoring.return"), dependencies=[CsrfApi])
def return_(submission_id: RowId, body_in: ReturnIn, session: SessionDep, actor: ActorDep) -> Any:
    return _step(session, actor, submission_id, "return", body_in.reason)


# --- values counted from records (yrdhub analytics) ----------------------------------------------------

MEASUREMENT_FIELDS = ["id", "indicator", "year", "value", "n_links", "n_records", "batch_id", "source"]
RECORD_FIELDS = ["work_id", "record_id", "source", "file", "line"]
MAX_TABLE_BYTES = 200 * 1024 * 1024


def _measurement_row(row: Any) -> dict[str, Any]:
    return {"id": row.id, "indicator": row.indicator, "year": row.year, "value": row.value, "n_links": row.n_links,
            "n_records": row.n_records, "batch_id": row.batch_id, "source": row.batch.source}


@router.get("/measurements")
def measurement_list(session: SessionDep, format: ExportFormat = "json") -> Any:
    """Values counted from paper and patent records (the plan-target counts), the one in force per year."""
    rows = [_measurement_row(r) for rows in measurements.current(session).values() for r in rows]
    if format != "json":
        return export(format, "measurements", MEASUREMENT_FIELDS, ([r[f] for f in MEASUREMENT_FIELDS] for r in rows))
    return rows


@router.get("/measurements/{measurement_id}/records")
def measurement_records(measurement_id: RowId, session: SessionDep, format: ExportFormat = "json",
                        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> Any:
    """The records behind one value (drill-down); exports hold them all."""
    row = measurements.get(session, measurement_id)
    if row is None:
        raise ApiError(404, "not_found", f"测算值不存在 / no such measurement: {measurement_id}")
    if format != "json":
        return export(format, f"{row.indicator}_{row.year}_records", RECORD_FIELDS,
                      ([getattr(r, f) for f in RECORD_FIELDS] for r in measurements.records_of(session, row)))
    records = measurements.records_of(session, row, limit=limit, offset=offset)
    return {**_measurement_row(row), "records": [{f: getattr(r, f) for f in RECORD_FIELDS} for r in records]}


@router.post("/measurements", openapi_extra=policy("monitoring.measure"), dependencies=[CsrfApi])
async def measurement_import(session: SessionDep, actor: ActorDep, source: Annotated[str, Form(max_length=4000)],
                             values: Annotated[UploadFile, File()],
                             records: Annotated[UploadFile | None, File()] = None, dry_run: bool = False) -> Any:
    """Take `indicators_<level>` (and `indicator_records_<level>`) from `yrdhub analytics collaboration`."""
    tables = [(f.filename or "table.csv", await f.read(MAX_TABLE_BYTES + 1)) for f in (values, records) if f]
    if any(len(data) > MAX_TABLE_BYTES for _, data in tables):
        raise ApiError(413, "too_large", "文件过大 / file too large")
    try:
        parsed = measurements.parse(tables[0], tables[1] if len(tables) > 1 else None)
        outcome = measurements.record(session, actor=actor, values=parsed, source=source,
                                      method=f"yrdhub analytics · {tables[0][0]}", dry_run=dry_run)
    except measurements.MeasurementError as exc:
        payload = body("bad_rows", f"{len(exc.problems)} 个问题，未导入 / {len(exc.problems)} problems, nothing "
                                   "imported")
        payload["error"]["rows"] = [{"file": p.file, "line": p.line, "message": split(p.reason)[0],
                                     "message_en": split(p.reason)[1]} for p in exc.problems]
        return JSONResponse(payload, status_code=422)
    session.commit()
    return {"batch_id": outcome.batch.id if outcome.batch else None, "created": outcome.created,
            "dry_run": dry_run, "values": len(parsed), "records": sum(len(v.records) for v in parsed)}
