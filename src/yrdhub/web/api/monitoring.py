"""/api/v1/monitoring — frameworks, accepted values and indicators, the submission cycle, evaluations, plan tasks
and values counted from records. Thin: parse into the schema, call the service, return the schema; refusals are
codes (`yrdhub.monitoring.errors`), rendered in the request's language by the error handlers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from yrdhub import errors
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied, readable
from yrdhub.errors import NotFound
from yrdhub.imports import RowError
from yrdhub.monitoring import evaluations, measurements, service, templates
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.monitoring.models import EvaluationRun, Framework, Submission
from yrdhub.monitoring.schemas import (
    CommentIn,
    CompletenessRead,
    FrameworkDetail,
    FrameworkRead,
    ReturnIn,
    SubmissionOpen,
    SubmissionPage,
    SubmissionRead,
    TaskRead,
    TaskReportIn,
    TaskUpdatePage,
    ValuesIn,
    as_number,
)
from yrdhub.monitoring.validation import Entry
from yrdhub.web.api.common import ExportFormat, bounded, export, policy
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep, SettingsDep
from yrdhub.web.errors import lang_of
from yrdhub.web.uploads import read_upload

Version = Annotated[int | None, Query(ge=1, le=10_000)]
RunRef = Annotated[str, Path(pattern=r"^(latest|\d{1,9})$")]
Cursor = Annotated[str | None, Query(max_length=2000)]
router = APIRouter(prefix="/monitoring", tags=["monitoring 监测评估"])


def _framework(session: SessionDep, code: str, version: int | None = None) -> Framework:
    framework = service.get_framework(session, code, version)
    if framework is None:
        raise NotFound("framework.not_found", code=code)
    return framework


def _submission(session: SessionDep, actor: Actor, submission_id: int) -> Submission:
    submission = service.get_submission(session, actor=actor, submission_id=submission_id)
    if submission is None:
        raise NotFound("not_found")
    return submission


def rows_body(request: Request, code: str, problems: list[tuple[str | None, RowError]]) -> JSONResponse:
    """An import's refusal: every bad row with its line, column, code and message (and file, for two tables)."""
    lang = lang_of(request)
    body = errors.render(code, {"count": len(problems)}, lang)
    rows = []
    for file, e in problems:
        row: dict[str, Any] = {"line": e.line, "column": e.column, "code": e.code,
                               "message": errors.render(e.code, e.params, lang), "field": e.params.get("element")}
        if file is not None:
            row["file"] = file
        rows.append(row)
    return JSONResponse({"error": {"code": code, "message": body, "fields": [], "rows": rows}}, status_code=422)


@router.get("/frameworks", response_model=list[FrameworkRead],
            openapi_extra=bounded("the versions of the indicator frameworks"))
def frameworks(session: SessionDep, actor: ActorDep) -> Any:
    stmt = select(Framework).where(readable(actor, Framework)).order_by(Framework.code, Framework.version)
    return list(session.execute(stmt).scalars())


@router.get("/frameworks/{code}/{version}", response_model=FrameworkDetail)
def framework_detail(code: str, version: Annotated[int, Path(ge=1, le=10_000)], session: SessionDep) -> Any:
    return _framework(session, code, version)


@router.get("/values")
def values(session: SessionDep, framework: str = "yrd-monitoring", version: Version = None,
           region: str | None = None, format: ExportFormat = "json") -> Any:
    """Accepted data-element values (the latest accepted version of each jurisdiction and period), exact."""
    fw = _framework(session, framework, version)
    rows = [(r, p, e, v) for (r, p), vals in sorted(service.accepted_values(session, fw, exact=True).items())
            for e, v in sorted(vals.items()) if region is None or r == region]
    if format != "json":  # exact decimal text in the files
        fields = ["region_code", "period", "element", "value"]
        return export(format, "monitoring_values", fields, ([r, p, e, f"{v.normalize():f}"]
                                                            for r, p, e, v in rows))
    return [{"region_code": r, "period": p, "element": e, "value": as_number(v)} for r, p, e, v in rows]


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


# --- evaluations ------------------------------------------------------------------------------------------------

def _run(session: SessionDep, actor: Actor, ref: str) -> EvaluationRun:
    row = evaluations.get(session, actor=actor, ref=ref)
    if row is None:
        raise NotFound("not_found")  # unknown, or not yet published: the same answer
    return row


def _run_body(row: EvaluationRun, results: bool = True) -> dict[str, Any]:
    body = {"id": row.id, "framework_id": row.framework_id, "status": row.status, "created_at": row.created_at,
            "created_by": row.created_by, "published_at": row.published_at, "method": row.method,
            "inputs_hash": row.inputs_hash, "results_hash": row.results_hash}
    return {**body, "results": row.results} if results else body


@router.get("/evaluations/{ref}")
def evaluation(ref: RunRef, session: SessionDep, actor: ActorDep) -> Any:
    """An evaluation ("latest": the published one): method, input hash and results (index over time, ranks with
    intervals, contributions). A run not yet published is the joint office's."""
    return _run_body(_run(session, actor, ref))


@router.get("/evaluations/{ref}/scores")
def evaluation_scores(ref: RunRef, session: SessionDep, actor: ActorDep, format: ExportFormat = "json") -> Any:
    """Index and dimension scores of every unit and year, with the latest year's rank statistics."""
    row = _run(session, actor, ref)
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
def verify_evaluation(ref: RunRef, request: Request, session: SessionDep, actor: ActorDep) -> Any:
    """Recompute the evaluation from its frozen inputs and compare with what was stored."""
    row = _run(session, actor, ref)
    result = evaluations.verify(session, row)
    return {"id": row.id, "ok": result.ok, "inputs_ok": result.inputs_ok, "results_ok": result.results_ok,
            "current_data_same": result.current_data_same, "code": result.code,
            "message": errors.render(result.code, {}, lang_of(request))}


@router.post("/evaluations", status_code=201, openapi_extra=policy("monitoring.evaluate"), dependencies=[CsrfApi])
def run_evaluation(session: SessionDep, actor: ActorDep, framework: str = "yrd-monitoring") -> Any:
    """Compute an evaluation from the accepted data (the joint office reviews it, then publishes it)."""
    row = evaluations.run(session, actor=actor, framework=_framework(session, framework))
    session.commit()
    return _run_body(row, results=False)


@router.post("/evaluations/{run_id}/publish", openapi_extra=policy("monitoring.publish"), dependencies=[CsrfApi])
def publish_evaluation(run_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    """Make a computed run the public evaluation (the one published before it is superseded)."""
    row = evaluations.publish(session, actor=actor, run=_run(session, actor, str(run_id)))
    session.commit()
    return _run_body(row, results=False)


# --- plan tasks -------------------------------------------------------------------------------------------------

def _task(task: Any) -> TaskRead:
    read = TaskRead.model_validate(task)
    read.overdue = plan_tasks.is_overdue(task)
    return read


def _get_task(session: SessionDep, actor: Actor, code: str) -> Any:
    row = plan_tasks.get(session, actor=actor, code=code)
    if row is None:
        raise NotFound("task.not_found", code=code)
    return row


@router.get("/tasks", response_model=list[TaskRead], openapi_extra=bounded("the 24 tasks of the plan"))
def tasks(session: SessionDep, actor: ActorDep, area: str | None = None,
          region: Annotated[str | None, Query(pattern=r"^3[1-4]0000$")] = None, format: ExportFormat = "json") -> Any:
    """The plan's tasks with status, progress and overdue flags."""
    rows = [_task(t) for t in plan_tasks.list_tasks(session, actor=actor, area=area, region=region)]
    if format != "json":
        header = ["code", "area", "title", "title_en", "responsible", "due", "status", "progress", "overdue",
                  "quote"]
        return export(format, "plan_tasks", header, ([t.code, t.area, t.title, t.title_en, "、".join(t.responsible),
                                                     t.due, t.status, t.progress, t.overdue, t.quote] for t in rows))
    return rows


@router.get("/tasks/{code}", response_model=TaskRead)
def task(code: str, session: SessionDep, actor: ActorDep) -> Any:
    return _task(_get_task(session, actor, code))


@router.get("/tasks/{code}/updates", response_model=TaskUpdatePage)
def task_updates(code: str, session: SessionDep, actor: ActorDep, cursor: Cursor = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 20) -> Any:
    """A task's progress reports, newest first (keyset pages: pass `next_cursor` back as `cursor`)."""
    page = plan_tasks.updates(session, actor=actor, task=_get_task(session, actor, code), cursor=cursor,
                              limit=limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/tasks/{code}/updates", response_model=TaskRead, status_code=201,
             openapi_extra=policy("monitoring.task_report"), dependencies=[CsrfApi])
def report_task(code: str, body_in: TaskReportIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _get_task(session, actor, code)
    plan_tasks.report(session, actor=actor, task=row, data=body_in)
    session.commit()
    return _task(row)


# --- the submission cycle ---------------------------------------------------------------------------------------

@router.get("/completeness", response_model=list[CompletenessRead],
            openapi_extra=bounded("four jurisdictions by the years asked"))
def completeness(session: SessionDep, actor: ActorDep, framework: str = "yrd-monitoring",
                 periods: Annotated[list[Annotated[int, Query(ge=1900, le=2200)]] | None, Query()] = None) -> Any:
    if actor.user_id is None:
        raise PermissionDenied("monitoring.completeness", actor)
    fw = _framework(session, framework)
    end = service.spec_of(fw).periods[1]
    return service.completeness(session, fw, periods or [end - 1, end, end + 1])


@router.get("/submissions", response_model=SubmissionPage)
def submissions(session: SessionDep, actor: ActorDep, framework: str = "yrd-monitoring",
                region: str | None = None, period: Annotated[int | None, Query(ge=1900, le=2200)] = None,
                status: str | None = None, cursor: Cursor = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Any:
    """The submissions you may read (accepted ones: everyone), newest period first, a keyset page at a time."""
    page = service.list_submissions(session, actor=actor, framework=_framework(session, framework), region=region,
                                    period=period, status=status, cursor=cursor, limit=limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/submissions/{submission_id}", response_model=SubmissionRead)
def submission(submission_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    return _submission(session, actor, submission_id)


@router.get("/submissions/{submission_id}/template")
def template(submission_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
             format: Annotated[str, Query(pattern="^(xlsx|csv)$")] = "xlsx") -> Response:
    """The data-entry template in the request's language, pre-filled with last year's accepted values and this
    draft's values."""
    sub = _submission(session, actor, submission_id)
    framework = session.get(Framework, sub.framework_id)
    assert framework is not None
    spec = service.spec_of(framework)
    lang = lang_of(request)
    previous = service.previous_values(session, framework, sub.region_code, sub.period)
    current = {v.element: (v.value, v.reason) for v in sub.values}
    name = f"{framework.code}-v{framework.version}-{sub.region_code}-{sub.period}"
    if format == "csv":
        return Response(templates.csv_text(spec, previous, current, lang), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(templates.xlsx(spec, sub.region_code, sub.period, previous, current, lang),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


@router.post("/submissions", response_model=SubmissionRead, status_code=201, openapi_extra=policy("monitoring.edit"),
             dependencies=[CsrfApi])
def open_submission(body_in: SubmissionOpen, session: SessionDep, actor: ActorDep) -> Any:
    fw = _framework(session, body_in.framework, body_in.version)
    sub = service.open_submission(session, actor=actor, framework=fw, region=body_in.region, period=body_in.period,
                                  reason=body_in.reason)
    session.commit()
    return sub


@router.put("/submissions/{submission_id}/values", response_model=SubmissionRead,
            openapi_extra=policy("monitoring.edit"), dependencies=[CsrfApi])
def put_values(submission_id: RowId, body_in: ValuesIn, session: SessionDep, actor: ActorDep) -> Any:
    """Replace the draft's values; every problem comes back as a field error on its data element."""
    sub = _submission(session, actor, submission_id)
    entries = {k: Entry(v.value, v.reason) for k, v in body_in.values.items()}
    service.set_values(session, actor=actor, submission=sub, entries=entries)
    session.commit()
    return sub


@router.post("/submissions/{submission_id}/upload", response_model=SubmissionRead,
             openapi_extra=policy("monitoring.edit"), dependencies=[CsrfApi],
             responses={413: {"description": "the file exceeds the upload limit"},
                        422: {"description": "bad rows: every problem with its line and column; nothing saved"}})
def upload(submission_id: RowId, request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
           file: Annotated[UploadFile, File()]) -> Any:
    """Fill the draft from the template (XLSX or CSV): all values or none."""
    sub = _submission(session, actor, submission_id)
    data, filename = read_upload(file, settings)
    report = templates.upload(session, actor=actor, submission=sub, data=data, filename=filename,
                              max_rows=settings.max_import_rows)
    if report.errors:
        session.rollback()
        return rows_body(request, "submission.rejected", [(None, e) for e in report.errors])
    session.commit()
    return sub


def _step(session: SessionDep, actor: Actor, submission_id: int, name: str, text: str = "") -> Submission:
    sub = _submission(session, actor, submission_id)
    if name == "return":
        service.return_for_correction(session, actor=actor, submission=sub, reason=text)
    else:
        service.move(session, actor=actor, submission=sub, name=name, text=text)
    session.commit()
    return sub


@router.post("/submissions/{submission_id}/submit", response_model=SubmissionRead,
             openapi_extra=policy("monitoring.submit"), dependencies=[CsrfApi])
def submit(submission_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    return _step(session, actor, submission_id, "submit")


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
    """Return a submitted submission (its jurisdiction's admin, the office) or an approved one (the office)."""
    return _step(session, actor, submission_id, "return", body_in.reason)


# --- values counted from records (yrdhub analytics) -------------------------------------------------------------

MEASUREMENT_FIELDS = ["id", "indicator", "year", "value", "n_links", "n_records", "batch_id", "source"]
RECORD_FIELDS = ["work_id", "record_id", "source", "file", "line"]


def _measurement_row(row: Any) -> dict[str, Any]:
    return {"id": row.id, "indicator": row.indicator, "year": row.year, "value": as_number(row.value),
            "n_links": as_number(row.n_links),
            "n_records": row.n_records, "batch_id": row.batch_id, "source": row.batch.source}


@router.get("/measurements")
def measurement_list(session: SessionDep, actor: ActorDep, format: ExportFormat = "json") -> Any:
    """Values counted from paper and patent records (the plan-target counts), the one in force per year."""
    rows = [_measurement_row(r) for rows in measurements.current(session, actor=actor).values() for r in rows]
    if format != "json":
        return export(format, "measurements", MEASUREMENT_FIELDS, ([r[f] for f in MEASUREMENT_FIELDS] for r in rows))
    return rows


@router.get("/measurements/{measurement_id}/records")
def measurement_records(measurement_id: RowId, session: SessionDep, actor: ActorDep, format: ExportFormat = "json",
                        cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Any:
    """The records behind one value (drill-down, keyset pages); exports hold them all."""
    row = measurements.get(session, actor=actor, measurement_id=measurement_id)
    if row is None:
        raise NotFound("measurement.not_found", id=measurement_id)
    if format != "json":
        return export(format, f"{row.indicator}_{row.year}_records", RECORD_FIELDS,
                      ([getattr(r, f) for f in RECORD_FIELDS]
                       for r in measurements.all_records(session, actor=actor, measurement=row)))
    page = measurements.records_of(session, actor=actor, measurement=row, cursor=cursor, limit=limit)
    return {**_measurement_row(row), "records": [{f: getattr(r, f) for f in RECORD_FIELDS} for r in page.items],
            "next_cursor": page.next_cursor}


@router.post("/measurements", openapi_extra=policy("monitoring.measure"), dependencies=[CsrfApi],
             responses={413: {"description": "a table exceeds the upload limit"},
                        422: {"description": "bad rows: every problem with its file, line and column"}})
def measurement_import(request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                       source: Annotated[str, Form(max_length=4000)], values: Annotated[UploadFile, File()],
                       records: Annotated[UploadFile | None, File()] = None, dry_run: bool = False) -> Any:
    """Take `indicators_<level>` (and `indicator_records_<level>`) from `yrdhub analytics collaboration`."""
    tables = [read_upload(f, settings)[::-1] for f in (values, records) if f]
    reading, stored = measurements.import_tables(session, actor=actor, values=tables[0],
                                                 records=tables[1] if len(tables) > 1 else None, source=source,
                                                 dry_run=dry_run, max_rows=settings.max_import_rows)
    if stored is None:
        session.rollback()
        return rows_body(request, "measurement.rejected", [(p.file, p.error) for p in reading.problems])
    session.commit()
    return {"batch_id": stored.batch.id if stored.batch else None, "created": stored.created,
            "dry_run": dry_run, "values": len(reading.values),
            "records": sum(len(v.records) for v in reading.values)}
