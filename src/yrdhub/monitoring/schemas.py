"""Pydantic schemas of monitoring: what the API, the pages and the importers build and the services take (every
field rule lives here), and what the API returns."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError


def as_number(value: Decimal | None) -> int | float | None:
    """An exact value as a JSON number: whole numbers exactly (any size), others by their shortest float."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


Number = Annotated[Decimal, PlainSerializer(as_number, return_type=int | float, when_used="json")]


class FrameworkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    version: int
    name: str
    name_en: str
    spec_hash: str


class FrameworkDetail(FrameworkRead):
    spec: dict[str, Any]


class ValueRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    element: str
    value: Number
    reason: str
    source: str


class SubmissionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    framework_id: int
    region_code: str
    period: int
    version: int
    status: str
    reason: str
    comments: list[dict[str, Any]] = Field(description="the history: {at, by, role, province, step, text, note}")
    created_by: str
    created_at: datetime
    updated_at: datetime
    row_version: int
    submitted_at: datetime | None
    approved_at: datetime | None
    accepted_at: datetime | None
    values: list[ValueRead]


class SubmissionPage(BaseModel):
    items: list[SubmissionRead]
    next_cursor: str | None


class SubmissionOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    framework: str = "yrd-monitoring"
    version: int | None = Field(None, ge=1, le=10_000)
    region: str = Field(pattern=r"^3[1-4]0000$", description="province code of the submitting jurisdiction")
    period: int = Field(ge=2000, le=2100)
    reason: str = Field("", max_length=2000, description="required when correcting accepted data")


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Decimal | None = Field(allow_inf_nan=False)
    reason: str = Field("", max_length=2000)


class ValuesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: dict[str, EntryIn]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field("", max_length=2000)


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class CompletenessRead(BaseModel):
    region_code: str
    period: int
    status: str | None
    version: int | None
    submitted_at: datetime | None
    accepted: bool
    due: date
    late: bool


class TaskUpdateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    region_code: str | None
    status: str
    progress: int
    note: str
    evidence: str
    milestone: str
    milestone_due: date | None
    created_by: str
    created_at: datetime


class TaskUpdatePage(BaseModel):
    items: list[TaskUpdateRead]
    next_cursor: str | None


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    area: str
    title: str
    title_en: str
    quote: str
    quote_en: str
    responsible: list[str]
    items: list[dict[str, Any]]
    due: date | None
    status: str
    progress: int
    overdue: bool = False


TaskReported = Literal["not_started", "in_progress", "delayed", "completed"]


class TaskReportIn(BaseModel):
    """A progress report: the status it reports must agree with its per cent and evidence."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    region: str | None = Field(None, pattern=r"^3[1-4]0000$", description="the reporting jurisdiction (None: the "
                                                                           "joint office)")
    status: TaskReported
    progress: int = Field(ge=0, le=100)
    note: str = Field(min_length=1, max_length=4000)
    evidence: str = Field("", max_length=4000, validate_default=True)
    milestone: str = Field("", max_length=300)
    milestone_due: date | None = None

    @field_validator("region", mode="before")
    @classmethod
    def _blank_region(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("milestone_due", mode="before")
    @classmethod
    def _blank_day(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("progress")
    @classmethod
    def _progress_agrees(cls, progress: int, info: ValidationInfo) -> int:
        status = info.data.get("status")
        if status == "completed" and progress != 100:
            raise PydanticCustomError("task.completion_progress", "A completed task is at 100 %; this report says "
                                      "{progress} %.", {"progress": progress})
        if status == "not_started" and progress != 0:
            raise PydanticCustomError("task.not_started_progress", "A task not started is at 0 %; this report "
                                      "says {progress} %.", {"progress": progress})
        if status in ("in_progress", "delayed") and progress == 100:
            raise PydanticCustomError("task.open_progress", "100 % means completed: mark the task completed, with "
                                      "its evidence.")
        return progress

    @field_validator("evidence")
    @classmethod
    def _evidence_to_complete(cls, evidence: str, info: ValidationInfo) -> str:
        if info.data.get("status") == "completed" and not evidence:
            raise PydanticCustomError("task.completion_evidence", "Marking a task completed needs evidence "
                                      "(documents, links, figures).")
        return evidence


class MeasuredValueIn(BaseModel):
    """One value counted from records (a row of `indicators_<level>`)."""

    model_config = ConfigDict(extra="forbid")

    indicator: str = Field(max_length=80)
    year: int = Field(ge=1949, le=2100)
    value: Decimal = Field(ge=0, allow_inf_nan=False)
    n_links: Decimal | None = Field(None, ge=0, allow_inf_nan=False)

    @field_validator("indicator")
    @classmethod
    def _code(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"[a-z][a-z0-9_]{1,79}", value):
            raise PydanticCustomError("measurement.indicator", "Not an indicator code: {value} (lower-case letters, "
                                      "digits and _).", {"value": value})
        return value


class RecordIn(BaseModel):
    """One record behind a counted value (a row of `indicator_records_<level>`)."""

    model_config = ConfigDict(extra="forbid")

    indicator: str = Field(max_length=80)
    year: int = Field(ge=1949, le=2100)
    work_id: str = Field(min_length=1)
    record_id: str = ""
    source: str = ""
    file: str = ""
    line: int | None = Field(None, ge=0)
