"""The one upload shell of the API and the pages: a size limit from `Settings` checked before anything is
parsed, the import engine run, and the transaction committed once (or rolled back on any bad row or a dry run)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import UploadFile
from sqlalchemy.orm import Session

from yrdhub import imports
from yrdhub.accounts.actor import Actor
from yrdhub.config import Settings
from yrdhub.errors import DomainError, TooLarge, register
from yrdhub.i18n import N_

register({
    "upload.too_large": N_("The file is larger than {limit_mb} MB."),
    "upload.missing": N_("Choose a file to upload."),
})


def read_upload(upload: UploadFile | None, settings: Settings) -> tuple[bytes, str]:
    """The file's bytes and name; refused beyond `max_upload_mb` without reading further (call from a sync
    handler: it reads the spooled file directly, off the event loop)."""
    if upload is None or not upload.filename:
        raise DomainError("upload.missing", field="file")
    limit = settings.max_upload_mb * 2**20
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge("upload.too_large", limit_mb=settings.max_upload_mb)
    return data, upload.filename


def run_import(session: Session, importer: Callable[[Session, Actor], imports.Importer], *, actor: Actor,
               upload: UploadFile | None, settings: Settings, dry_run: bool = False,
               mapping: dict[str, str] | None = None, ignore_unknown: bool = False) -> imports.ImportReport:
    data, filename = read_upload(upload, settings)
    report = imports.run(session, importer, actor=actor, data=data, filename=filename, dry_run=dry_run,
                         mapping=mapping, ignore_unknown=ignore_unknown, max_rows=settings.max_import_rows)
    return finish_import(session, report)


def finish_import(session: Session, report: imports.ImportReport) -> imports.ImportReport:
    """The request's one commit: the import's rows, unless the file was refused or it was a dry run."""
    if report.ok and not report.dry_run:
        session.commit()
    else:
        session.rollback()
    return report
