"""Reports and achievements in the full-text search. A report is two documents — its record (title, abstract,
keywords, authors) and its full text — each with the readers of its read rule (`outputs.access`), so that search
shows exactly what the pages show. Re-indexed on every change of the record, its state or its file.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub import search
from yrdhub.outputs.access import ACHIEVEMENT, REPORT, REPORT_TEXT
from yrdhub.outputs.models import Achievement, Report

BATCH = 500


def _grants(rule: object, session: Session, row: object) -> list[search.AccessGrant]:
    return [search.AccessGrant(token, since) for token, since in rule.grants(session, row)]  # type: ignore[attr-defined]


def report_documents(session: Session, report: Report) -> list[search.SearchDocument]:
    facets = {"type": report.type, "year": str(report.year), "province": report.province_code or "",
              "openness": report.openness}
    meta = "\n".join([report.abstract, " ".join(report.keywords), " ".join(report.authors)])
    return [
        search.SearchDocument(kind="report", ref=str(report.id), title=report.title, body=meta,
                              grants=_grants(REPORT, session, report), facets=facets),
        search.SearchDocument(kind="report_text", ref=str(report.id), title=report.title, body=report.full_text,
                              grants=_grants(REPORT_TEXT, session, report), facets=facets),
    ]


def achievement_document(session: Session, row: Achievement) -> search.SearchDocument:
    return search.SearchDocument(
        kind="achievement", ref=str(row.id), title=row.title, body=" ".join(a["name"] for a in row.applicants),
        grants=_grants(ACHIEVEMENT, session, row),
        facets={"type": row.kind, "year": str(row.year),
                "province": sorted({a["province"] or "" for a in row.applicants})})


def reindex(session: Session, report: Report) -> None:
    """(Re-)index a report's record and full text (after any write to it: the grants follow its state)."""
    session.flush()
    search.index_many(session, report_documents(session, report))


def reindex_achievement(session: Session, row: Achievement) -> None:
    session.flush()
    search.index(session, achievement_document(session, row))


def reindex_all(session: Session) -> int:
    """Every report and achievement again (e.g. after the read rules changed); returns the documents written."""
    def chunks(model: type[Report] | type[Achievement]) -> Iterator[list[int]]:
        ids = list(session.execute(select(model.id).order_by(model.id)).scalars())
        for start in range(0, len(ids), BATCH):
            yield ids[start:start + BATCH]

    def documents() -> Iterator[search.SearchDocument]:
        for ids in chunks(Report):
            for report in session.execute(select(Report).where(Report.id.in_(ids)).order_by(Report.id)).scalars():
                yield from report_documents(session, report)
        for ids in chunks(Achievement):
            for row in session.execute(select(Achievement).where(Achievement.id.in_(ids))
                                       .order_by(Achievement.id)).scalars():
                yield achievement_document(session, row)
    return search.index_many(session, documents())
