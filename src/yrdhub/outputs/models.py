"""Output tables: S&T reports (with their lifecycle and an optimistic lock), achievements (with a unique natural
key), de-duplicated usage events and reports' original files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yrdhub.db import Base, utcnow
from yrdhub.outputs.lifecycle import LIFECYCLE, ReportStatus
from yrdhub.programmes import models as _programmes  # noqa: F401  (tables our foreign keys point to)
from yrdhub.regions import models as _regions  # noqa: F401


class Report(Base):
    __tablename__ = "out_report"
    __table_args__ = (LIFECYCLE.constraint(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(16))
    authors: Mapped[list[Any]] = mapped_column(default=list)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the submitting organisation
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("prog_project.id"), index=True)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    abstract: Mapped[str] = mapped_column(Text, default="")
    full_text: Mapped[str] = mapped_column(Text, default="")
    openness: Mapped[str] = mapped_column(String(12), index=True)
    embargo_until: Mapped[date | None]
    year: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_sample: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.DRAFT.value, server_default="draft",
                                        index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # the last return/withdrawal
    accepted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012  (SQLAlchemy's declarative form)


class Achievement(Base):
    __tablename__ = "out_achievement"
    # One record per achievement: the natural key of imports (service.achievement_key), unique in the database.
    __table_args__ = (Index("ix_out_achievement_natural_key", "natural_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    natural_key: Mapped[str] = mapped_column(String(700))
    title: Mapped[str] = mapped_column(String(500))
    identifier: Mapped[str] = mapped_column(String(120), default="")  # DOI, patent number, standard number …
    year: Mapped[int]
    project_id: Mapped[int | None] = mapped_column(ForeignKey("prog_project.id"), index=True)
    applicants: Mapped[list[Any]] = mapped_column(default=list)  # [{"org_id", "name", "province"}]
    trl: Mapped[int | None]
    transfer_status: Mapped[str] = mapped_column(String(16), default="none")  # none | licensed | transferred
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_sample: Mapped[bool] = mapped_column(default=False)


class UsageEvent(Base):
    """A view or download, counted once per reader and day."""

    __tablename__ = "out_usage"
    __table_args__ = (UniqueConstraint("report_id", "reader", "day", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("out_report.id", ondelete="CASCADE"), index=True)
    reader: Mapped[str] = mapped_column(String(80))  # "user:<id>" or "anon:<hash of address>"
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(10))  # view | download


class ReportFile(Base):
    """A report's original file (one per report; a new upload replaces it). The bytes live in the database so
    one backup (pg_dump / sqlite .backup) holds them with the record, and the write is atomic with the record's
    new full text. `content` is deferred: listing files never loads the bytes."""

    __tablename__ = "out_report_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("out_report.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))  # pdf | docx | txt (from the content, not the name)
    media_type: Mapped[str] = mapped_column(String(120))
    encoding: Mapped[str] = mapped_column(String(16), default="")
    pages: Mapped[int | None]
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    text_chars: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
