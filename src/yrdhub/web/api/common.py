"""Shared API helpers: policy declaration on write routes, list export, error translation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal

from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from yrdhub import errors
from yrdhub.i18n import Lang
from yrdhub.imports import LIMIT_CODES, ImportReport
from yrdhub.tabular import csv_stream, xlsx_bytes

ExportFormat = Literal["json", "csv", "xlsx"]


def policy(action: str) -> dict[str, Any]:
    """Declare the policy action a write route is decided by (read by the policy-matrix test and the docs)."""
    return {"x-policy-action": action}


ROWS_SHOWN = 1000  # the first problems of a file (a file of 200,000 bad rows is refused just the same)


def bounded(reason: str) -> dict[str, Any]:
    """Declare a GET that answers a whole list (not keyset pages) and why it stays small (docs/api.md)."""
    return {"x-bounded-list": reason}


def export(fmt: ExportFormat, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    if fmt == "xlsx":
        return Response(xlsx_bytes(header, rows, sheet=name),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return StreamingResponse(csv_stream(header, rows), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def rows_of(items: Iterable[Any], fields: Sequence[str], get: Callable[[Any, str], Any] = getattr
            ) -> Iterator[list[Any]]:
    for item in items:
        yield [get(item, f) for f in fields]


class ImportRowError(BaseModel):
    line: int = Field(description="the file's line (0: the file as a whole); for JSON, the item's number")
    column: str | None = Field(description="the column as headed in the file")
    code: str
    message: str


class ImportResult(BaseModel):
    filename: str
    format: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool = False


def import_answer(report: ImportReport, lang: Lang) -> Any:
    """The API's answer to any import: 200 with the counts; or, nothing written, 413 for a file beyond a limit,
    422 for a file refused as a whole (its code) or for bad rows (`import.refused`) — every problem in `rows`."""
    if report.ok:
        return ImportResult(filename=report.filename, format=report.fmt, rows=report.rows, created=report.created,
                            updated=report.updated, unchanged=report.unchanged, dry_run=report.dry_run)
    whole = report.file_error
    code, params = (whole.code, whole.params) if whole else ("import.refused", {"count": len(report.errors)})
    body = {"error": {"code": code, "message": errors.render(code, params, lang), "fields": [], "rows": [
        {"line": e.line, "column": e.column, "code": e.code, "message": errors.render(e.code, e.params, lang)}
        for e in report.errors[:ROWS_SHOWN]]}}
    return JSONResponse(body, status_code=413 if whole and whole.code in LIMIT_CODES else 422)
