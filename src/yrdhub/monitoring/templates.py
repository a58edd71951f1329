"""The data-entry template (XLSX or CSV, in the reader's language) and reading it back through the one import
engine: every problem of the file in one report — unreadable cells, unknown or repeated elements, and the
validation rules' problems of every row that could be read — each with its line and column; all values or none.

The template is one submission's values, so the rows are read (`TemplateImporter.apply` checks a row and keeps it)
and then written by one call of the submission service (`submissions.set_values`), which validates them with the
same rules as the form and the API.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy.orm import Session

from yrdhub import imports
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize
from yrdhub.errors import DomainError
from yrdhub.i18n import Lang, Msg, gettext
from yrdhub.imports import Column, Importer, ImportReport, Outcome, Row, RowError
from yrdhub.monitoring import submissions
from yrdhub.monitoring.framework import Spec
from yrdhub.monitoring.labels import UNIT
from yrdhub.monitoring.models import Submission
from yrdhub.monitoring.queries import framework_of, spec_of
from yrdhub.monitoring.validation import Entry
from yrdhub.tabular import csv_stream

# The template's columns; the headers of earlier templates ("代码 code", …) are still accepted.
COLUMNS = (
    Column("code", ("代码", "代码 code", "数据项代码", "element"), imports.text(64), required=True),
    Column("name", ("名称", "名称 name")),
    Column("unit", ("单位", "单位 unit")),
    Column("previous", ("上年值", "上年值 previous")),
    Column("value", ("数值", "数值 value")),
    Column("reason", ("说明", "说明 reason", "note"), imports.text(2000)),
)
HEADERS: dict[Lang, list[str]] = {"zh": ["代码", "名称", "单位", "上年值", "数值", "说明"],
                                  "en": ["code", "name", "unit", "previous", "value", "reason"]}
READ_VALUE = imports.decimal()


def _name(element: Any, lang: Lang) -> str:
    return str(element.name_en if lang == "en" and element.name_en else element.name)


def _unit(unit: str, lang: Lang) -> str:
    msgid: Msg | None = UNIT.get(unit)
    return gettext(lang, msgid) if msgid is not None else unit


def rows_for(spec: Spec, previous: dict[str, Decimal], current: dict[str, tuple[Decimal, str]], lang: Lang
             ) -> list[list[object]]:
    out: list[list[object]] = []
    for e in spec.elements:
        value, reason = current.get(e.code, (None, ""))
        prev = previous.get(e.code)
        out.append([e.code, _name(e, lang), _unit(e.unit, lang), float(prev) if prev is not None else None,
                    float(value) if value is not None else None, reason])
    return out


def xlsx(spec: Spec, region: str, period: int, previous: dict[str, Decimal],
         current: dict[str, tuple[Decimal, str]], lang: Lang = "zh") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{region}-{period}"
    sheet.append(HEADERS[lang])
    for row in rows_for(spec, previous, current, lang):
        sheet.append(row)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True)
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.fill = fill  # the cells to fill in
    for letter, width in zip("ABCDEF", (28, 44, 18, 16, 16, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(spec: Spec, previous: dict[str, Decimal], current: dict[str, tuple[Decimal, str]],
             lang: Lang = "zh") -> str:
    return "".join(csv_stream(HEADERS[lang], rows_for(spec, previous, current, lang)))


class TemplateImporter(Importer):
    """Reads the rows of a filled template for one submission: each row's element must exist and appear once, and
    its value must be a number; the rows are kept for the submission service, which validates and writes them."""

    action: ClassVar[str] = "monitoring.import"
    columns: ClassVar[tuple[Column, ...]] = COLUMNS

    def __init__(self, session: Session, actor: Actor, submission: Submission) -> None:
        super().__init__(session, actor)
        self.submission = submission
        self.known = {e.code for e in spec_of(framework_of(session, submission)).elements}
        self.current = {v.element: (v.value, v.reason) for v in submission.values}
        self.entries: dict[str, Entry] = {}
        self.lines: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        self.unreadable: set[str] = set()
        self.value_column = False

    def key(self, row: Row) -> str | None:
        return str(row.values.get("code") or "") or None

    def apply(self, row: Row) -> Outcome:
        code = str(row.values["code"])
        self.titles.update(row.titles)
        self.value_column = self.value_column or row.has("value")
        if code not in self.known:
            raise DomainError("value.unknown_element", field="code", element=code)
        self.lines[code] = row.line
        try:
            value = READ_VALUE(row.values.get("value"))
        except DomainError as exc:
            self.unreadable.add(code)
            raise DomainError(exc.code, field="value", element=code, **exc.params) from None
        item = Entry(value, str(row.values.get("reason") or ""))
        self.entries[code] = item
        before = self.current.get(code)
        return "unchanged" if before is not None and (before[0], before[1]) == (item.value, item.reason) else "updated"


def upload(session: Session, *, actor: Actor, submission: Submission, data: bytes, filename: str,
           dry_run: bool = False, max_rows: int = 10_000) -> ImportReport:
    """Read a filled template into the draft: all values or none; every problem with its line and column."""
    authorize(actor, "monitoring.edit", Target(province=submission.region_code))
    holder: list[TemplateImporter] = []

    def make(s: Session, a: Actor) -> TemplateImporter:
        holder.append(TemplateImporter(s, a, submission))
        return holder[-1]

    factory: Callable[[Session, Actor], Importer] = make
    report = imports.run(session, factory, actor=actor, data=data, filename=filename, dry_run=True, max_rows=max_rows)
    if report.file_error is not None or not holder:
        return report
    importer = holder[-1]
    if report.rows and not importer.value_column:
        report.errors = [RowError(0, None, "import.missing_columns",
                                  {"columns": [HEADERS["zh"][4]], "accepted": imports.accepted(COLUMNS)})]
        return report
    value_title = importer.titles.get("value", "value")
    for problem in submissions.check_values(session, submission=submission, entries=importer.entries):
        if problem.field in importer.unreadable:
            continue  # its cell is reported as unreadable already
        line = importer.lines.get(problem.field)
        if line is None:
            report.errors.append(RowError(0, None, "value.no_row" if problem.code == "value.required" else problem.code,
                                          {"element": problem.field, **problem.params}))
        else:
            report.errors.append(RowError(line, value_title, problem.code, {"element": problem.field,
                                                                             **problem.params}))
    report.errors.sort(key=lambda e: (e.line, e.column or ""))
    report.dry_run = dry_run
    if report.errors or dry_run:
        return report
    submissions.set_values(session, actor=actor, submission=submission, entries=importer.entries)
    return report
