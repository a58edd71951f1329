"""The downloadable data-entry template (XLSX or CSV) and reading it back, with every problem's cell."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.monitoring import service
from yrdhub.monitoring.framework import Spec
from yrdhub.monitoring.models import Submission
from yrdhub.monitoring.validation import Entry
from yrdhub.tabular import TableError, csv_stream, read_rows

HEADER = ["代码 code", "名称 name", "单位 unit", "上年值 previous", "数值 value", "说明 reason"]
COLUMNS = {"code": ("代码 code", "代码", "code", "element"), "value": ("数值 value", "数值", "value"),
           "reason": ("说明 reason", "说明", "reason")}
LETTER = {"code": "A", "value": "E", "reason": "F"}


def rows_for(spec: Spec, previous: dict[str, float], current: dict[str, tuple[float, str]]) -> list[list[object]]:
    out: list[list[object]] = []
    for e in spec.elements:
        value, reason = current.get(e.code, (None, ""))
        out.append([e.code, f"{e.name} {e.name_en}", e.unit, previous.get(e.code), value, reason])
    return out


def xlsx(spec: Spec, region: str, period: int, previous: dict[str, float],
         current: dict[str, tuple[float, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{region}-{period}"
    sheet.append(HEADER)
    for row in rows_for(spec, previous, current):
        sheet.append(row)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True)
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.fill = fill  # the cells to fill in
    for letter, width in zip("ABCDEF", (28, 44, 10, 16, 16, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(spec: Spec, previous: dict[str, float], current: dict[str, tuple[float, str]]) -> str:
    return "".join(csv_stream(HEADER, rows_for(spec, previous, current)))


@dataclass(frozen=True)
class CellError:
    line: int
    column: str  # "A" code, "E" value, "F" reason
    element: str
    message: str


@dataclass
class UploadReport:
    filename: str
    saved: bool = False
    errors: list[CellError] = field(default_factory=list)
    file_error: str | None = None


def upload(session: Session, *, actor: Actor, submission: Submission, data: bytes, filename: str) -> UploadReport:
    """Read a filled template into the draft: all values or none; every problem with its line and column."""
    report = UploadReport(filename=filename)
    try:
        header, body, _ = read_rows(data, filename)
    except TableError as exc:
        report.file_error = str(exc)
        return report
    index = {}
    for key, names in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h.strip().lower() in {n.lower() for n in names}]
        if key != "reason" and not found:
            report.file_error = f"缺少列 missing column: {names[0]}（请使用下载的模板 use the downloaded template）"
            return report
        if found:
            index[key] = found[0]
    framework = session.get(service.Framework, submission.framework_id)
    assert framework is not None
    known = {e.code for e in service.spec_of(framework).elements}
    entries: dict[str, Entry] = {}
    lines: dict[str, int] = {}
    for line, cells in body:
        def cell(key: str, cells: list[str] = cells) -> str:
            i = index.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        code, raw, reason = cell("code"), cell("value"), cell("reason")
        if code not in known:
            report.errors.append(CellError(line, "A", code, f"未知数据项 {code!r} / unknown data element"))
            continue
        if code in lines:
            duplicate = f"与第 {lines[code]} 行重复 / duplicate of line {lines[code]}"
            report.errors.append(CellError(line, "A", code, duplicate))
            continue
        lines[code] = line
        value = None
        if raw:
            try:
                value = float(raw.replace(",", "").replace("，", ""))
            except ValueError:
                report.errors.append(CellError(line, "E", code, f"不是数字：{raw!r} / not a number"))
                continue
        entries[code] = Entry(value, reason)
    if report.errors:
        return report
    try:
        service.set_values(session, actor=actor, submission=submission, entries=entries)
    except service.ValidationFailed as exc:
        for p in exc.problems:
            report.errors.append(CellError(lines.get(p.element, 0), "E", p.element, p.message))
        report.errors.sort(key=lambda e: e.line)
        return report
    report.saved = True
    return report
