"""Shared API helpers: policy declaration on write routes, list export, error translation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal

from fastapi.responses import Response, StreamingResponse

from yrdhub.tabular import csv_stream, xlsx_bytes

ExportFormat = Literal["json", "csv", "xlsx"]


def policy(action: str) -> dict[str, Any]:
    """Declare the policy action a write route is decided by (read by the policy-matrix test and the docs)."""
    return {"x-policy-action": action}


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
