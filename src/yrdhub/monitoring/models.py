"""Monitoring tables: framework versions, submissions (one per jurisdiction, period and version), values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yrdhub.db import Base, utcnow
from yrdhub.regions import models as _regions  # noqa: F401  (tables our foreign keys point to)

STATUSES = ("draft", "submitted", "approved", "accepted", "returned")


class Framework(Base):
    """A published framework version: its data elements, indicators (formulas), weights and methods, pinned."""

    __tablename__ = "mon_framework"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    spec: Mapped[dict[str, Any]]
    spec_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(Base):
    """One jurisdiction's data for one period. Accepted submissions are locked; a correction is a new version."""

    __tablename__ = "mon_submission"
    __table_args__ = (UniqueConstraint("framework_id", "region_code", "period", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("mon_framework.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    period: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why a correction (version > 1) was opened
    comments: Mapped[list[Any]] = mapped_column(default=list)  # [{at, by, action, text}]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]

    values: Mapped[list[DataValue]] = relationship(back_populates="submission", cascade="all, delete-orphan",
                                                   order_by="DataValue.element")


class DataValue(Base):
    __tablename__ = "mon_value"
    __table_args__ = (UniqueConstraint("submission_id", "element"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("mon_submission.id", ondelete="CASCADE"), index=True)
    element: Mapped[str] = mapped_column(String(64), index=True)
    value: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")  # required when a validation rule asks for one
    source: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship(back_populates="values")


class EvaluationRun(Base):
    """One evaluation: its method, a frozen copy of its inputs with their hash, and its results."""

    __tablename__ = "mon_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("mon_framework.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[dict[str, Any]]
    inputs: Mapped[str] = mapped_column(Text)  # exact JSON of the indicator table the run used
    inputs_hash: Mapped[str] = mapped_column(String(64))
    results: Mapped[dict[str, Any]]
    results_hash: Mapped[str] = mapped_column(String(64))


class PlanTask(Base):
    """A task of the plan (督促检查), quoting the sentence that sets it."""

    __tablename__ = "mon_plan_task"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    area: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(300))
    quote: Mapped[str] = mapped_column(Text)
    responsible: Mapped[list[Any]] = mapped_column(default=list)  # province codes or bodies
    items: Mapped[list[Any]] = mapped_column(default=list)  # [{name, site}]
    due: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="unreported")
    progress: Mapped[int] = mapped_column(default=0)  # per cent, from the latest update
    updated_at: Mapped[datetime | None]

    updates: Mapped[list[TaskUpdate]] = relationship(back_populates="task", order_by="TaskUpdate.id",
                                                     cascade="all, delete-orphan")


class TaskUpdate(Base):
    """A status report on a task, with its evidence; the task's status is its latest update's."""

    __tablename__ = "mon_task_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_code: Mapped[str] = mapped_column(ForeignKey("mon_plan_task.code"), index=True)
    region_code: Mapped[str | None] = mapped_column(String(6))  # the reporting jurisdiction (None: the office)
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int]
    note: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")  # documents, links, figures
    milestone: Mapped[str] = mapped_column(String(300), default="")
    milestone_due: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[PlanTask] = relationship(back_populates="updates")


class MeasurementBatch(Base):
    """One import of values measured from records (papers, patents) by yrdhub analytics, with its provenance.

    A later batch with a value for the same indicator and year supersedes it; history is kept."""

    __tablename__ = "mon_measure_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(Text)  # what was exported, from where, when (coverage of the count)
    method: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)  # re-importing the same tables is a no-op
    n_values: Mapped[int]
    n_records: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    values: Mapped[list[Measurement]] = relationship(back_populates="batch", order_by="Measurement.id")


class Measurement(Base):
    __tablename__ = "mon_measure"
    __table_args__ = (UniqueConstraint("batch_id", "indicator", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("mon_measure_batch.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(80), index=True)
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    n_links: Mapped[float | None] = mapped_column(Float)  # the denominator of a share, where there is one
    n_records: Mapped[int] = mapped_column(default=0)

    batch: Mapped[MeasurementBatch] = relationship(back_populates="values")


class MeasurementRecord(Base):
    """A source record behind a measured value (the drill-down): which work, from which file and line."""

    __tablename__ = "mon_measure_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    measurement_id: Mapped[int] = mapped_column(ForeignKey("mon_measure.id"), index=True)
    work_id: Mapped[str] = mapped_column(String(300))
    record_id: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(40), default="")
    file: Mapped[str] = mapped_column(String(300), default="")  # the file's name only, never the analyst's path
    line: Mapped[int | None]
