"""A report's original file: upload (its extracted text becomes the report's full text) and download.

Who may download is exactly who may read the full text (`access.REPORT_TEXT`): the file is one more door to the
same content. A file is part of the report's draft: it is uploaded (or replaced) while the report is a draft.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize, can
from yrdhub.db import utcnow
from yrdhub.errors import Conflict
from yrdhub.lifecycle import touch
from yrdhub.outputs.extract import EXTENSIONS, Extracted, extract
from yrdhub.outputs.indexing import reindex
from yrdhub.outputs.lifecycle import LIFECYCLE, ReportStatus
from yrdhub.outputs.models import Report, ReportFile
from yrdhub.outputs.service import target

__all__ = ["attach", "content_of", "download_name", "file_of", "may_upload", "safe_filename"]


def safe_filename(name: str, kind: str) -> str:
    """The client's file name without any path, control characters or odd length; the extension follows the
    content (a PDF named .txt is stored as .pdf)."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem = re.sub(r"\s+", " ", base.rsplit(".", 1)[0] if "." in base else base).strip(" .")[:200]
    return (stem or "report") + EXTENSIONS[kind]


def may_upload(session: Session, actor: Actor, report: Report) -> bool:
    """What the report page offers: the policy allows it and the report is a draft."""
    return report.status == ReportStatus.DRAFT and can(actor, "output.upload", target(session, report))


def attach(session: Session, *, actor: Actor, report: Report, data: bytes, filename: str) -> ReportFile:
    """Check, extract and store the file; its text replaces the report's full text and is re-indexed for search
    with the report's grants. Refused (nothing stored) by the policy, the report's state or the file. Never
    commits."""
    authorize(actor, "output.upload", target(session, report))
    if report.status != ReportStatus.DRAFT:
        raise Conflict("report.not_draft", status=LIFECYCLE.labels[LIFECYCLE.state_of(report)])
    extracted: Extracted = extract(data)
    row = file_of(session, report.id)
    before = _snapshot(row) if row is not None else None
    if row is None:
        row = ReportFile(report_id=report.id)
        session.add(row)
    row.filename = safe_filename(filename, extracted.kind)
    row.kind, row.media_type, row.encoding = extracted.kind, extracted.media_type, extracted.encoding
    row.pages, row.size, row.sha256, row.content = extracted.pages, len(data), hashlib.sha256(data).hexdigest(), data
    row.text_chars, row.uploaded_by, row.uploaded_at = len(extracted.text), actor.username, utcnow()
    report.full_text = extracted.text
    touch(report)
    session.flush()
    audit.record(session, actor, "output.report_file", "report", report.id, before=before, after=_snapshot(row))
    reindex(session, report)
    return row


def _snapshot(row: ReportFile) -> dict[str, object]:
    return {"filename": row.filename, "kind": row.kind, "size": row.size, "sha256": row.sha256,
            "text_chars": row.text_chars}


def file_of(session: Session, report_id: int) -> ReportFile | None:
    """The file's record, without its bytes."""
    return session.execute(select(ReportFile).where(ReportFile.report_id == report_id)).scalar_one_or_none()


def content_of(session: Session, report_id: int) -> ReportFile | None:
    """The file's record with its bytes (for a download the caller has already allowed)."""
    stmt = select(ReportFile).where(ReportFile.report_id == report_id).options(undefer(ReportFile.content))
    return session.execute(stmt).scalar_one_or_none()


def download_name(report: Report, row: ReportFile) -> str:
    """An ASCII name for old clients (the UTF-8 name goes in filename*)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", report.number) + EXTENSIONS[row.kind]
