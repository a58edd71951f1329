"""Monitoring tables: framework versions, submissions (one per jurisdiction, period and version), values,
evaluation runs, plan tasks and values measured from records.

States are guarded by CHECK constraints from the lifecycles; submissions, runs and tasks carry a `row_version`
(SQLAlchemy's version counter: every UPDATE compares and sets it, so of two simultaneous writes one fails).
Submitted and measured values are exact numbers (`Decimal`): NUMERIC on PostgreSQL, their decimal text on SQLite
(which has no exact decimal type)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine

from yrdhub.db import Base, utcnow
from yrdhub.monitoring.lifecycle import EVALUATION, REPORTED, SUBMISSION, TASK
from yrdhub.regions import models as _regions  # noqa: F401  (tables our foreign keys point to)


class Exact(TypeDecorator[Decimal]):
    """An exact decimal number: NUMERIC (no fixed scale) on PostgreSQL, its decimal text on SQLite."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(64))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = value if isinstance(value, Decimal) else Decimal(str(value))
        return format(exact, "f") if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


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
    __table_args__ = (UniqueConstraint("framework_id", "region_code", "period", "version"), SUBMISSION.constraint())

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("mon_framework.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    period: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why a correction (version > 1) was opened
    # The history: [{at, by, role, province, step, text, note}]: `step` and `note` are keys of the labels
    # (shown translated), `text` is what the person typed (shown as typed).
    comments: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012  (SQLAlchemy reads it once)

    values: Mapped[list[DataValue]] = relationship(back_populates="submission", cascade="all, delete-orphan",
                                                   order_by="DataValue.element")


class DataValue(Base):
    __tablename__ = "mon_value"
    __table_args__ = (UniqueConstraint("submission_id", "element"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("mon_submission.id", ondelete="CASCADE"), index=True)
    element: Mapped[str] = mapped_column(String(64), index=True)
    value: Mapped[Decimal] = mapped_column(Exact)
    reason: Mapped[str] = mapped_column(Text, default="")  # required when a validation rule asks for one
    source: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship(back_populates="values")


class EvaluationRun(Base):
    """One evaluation: its method, a frozen copy of its inputs with their hash, and its results. Computed runs are
    the office's; a published one is the public evaluation (at most one per framework at a time)."""

    __tablename__ = "mon_evaluation"
    __table_args__ = (EVALUATION.constraint(),
                      Index("ix_mon_evaluation_one_published", "framework_id", unique=True,
                            sqlite_where=text("status = 'published'"),
                            postgresql_where=text("status = 'published'")))

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("mon_framework.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[dict[str, Any]]
    inputs: Mapped[str] = mapped_column(Text)  # exact JSON of the indicator table the run used
    inputs_hash: Mapped[str] = mapped_column(String(64))
    results: Mapped[dict[str, Any]]
    results_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="computed", index=True)
    published_at: Mapped[datetime | None]
    published_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012  (SQLAlchemy reads it once)


class PlanTask(Base):
    """A task of the plan (督促检查), quoting the sentence that sets it."""

    __tablename__ = "mon_plan_task"
    __table_args__ = (TASK.constraint(),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    area: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(400), default="")  # translation by yrdhub
    quote: Mapped[str] = mapped_column(Text)
    quote_en: Mapped[str] = mapped_column(Text, default="")  # translation by yrdhub
    responsible: Mapped[list[Any]] = mapped_column(default=list)  # province codes or bodies
    items: Mapped[list[Any]] = mapped_column(default=list)  # [{name, site}]
    due: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="unreported")
    progress: Mapped[int] = mapped_column(default=0)  # per cent, from the latest update
    updated_at: Mapped[datetime | None]
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012  (SQLAlchemy reads it once)

    updates: Mapped[list[TaskUpdate]] = relationship(back_populates="task", order_by="TaskUpdate.id",
                                                     cascade="all, delete-orphan", lazy="raise_on_sql")


class TaskUpdate(Base):
    """A status report on a task, with its evidence; the task's status is its latest update's."""

    __tablename__ = "mon_task_update"
    __table_args__ = (CheckConstraint("status IN (" + ", ".join(f"'{s.value}'" for s in REPORTED) + ")",
                                      name="status"),)

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
    value: Mapped[Decimal] = mapped_column(Exact)
    n_links: Mapped[Decimal | None] = mapped_column(Exact)  # the denominator of a share, where there is one
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
