"""Outputs services. Who sees what:

- 公开 public: everyone sees the record and abstract; signed-in users read the full text.
- 延期公开 delayed: until `embargo_until` only insiders see anything; from that date it is public, automatically
  (visibility is computed at read time; the search index carries the date in its grants).
- 限制 restricted: insiders only.
Insiders are the joint office and the members and admins of the submitting organisation. Everything else —
pages, API, search hits, snippets, suggestions, facet counts, totals and exports — applies the same rules.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from itertools import combinations
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub import search
from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize, can
from yrdhub.outputs.models import ACHIEVEMENT_KINDS, OPENNESS, REPORT_TYPES, Achievement, Report, UsageEvent
from yrdhub.regions import orgs

NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9\-/]{3,59}$")


class OutputError(ValueError):
    pass


def _today(now: datetime | None) -> date:
    return (now or datetime.now(UTC)).date()


def released(report: Report, now: datetime | None = None) -> bool:
    if report.openness == "public":
        return True
    return report.openness == "delayed" and report.embargo_until is not None and report.embargo_until <= _today(now)


def insider(actor: Actor, report: Report) -> bool:
    return can(actor, "output.insider", Target(org_ids=(report.org_id,)))


def can_see(actor: Actor, report: Report, now: datetime | None = None) -> bool:
    """The record and its abstract."""
    return released(report, now) or insider(actor, report)


def can_read(actor: Actor, report: Report, now: datetime | None = None) -> bool:
    """The full text."""
    return (released(report, now) and actor.user_id is not None) or insider(actor, report)


def _embargo_moment(report: Report) -> datetime | None:
    return datetime.combine(report.embargo_until, time.min, tzinfo=UTC) if report.embargo_until else None


def search_documents(report: Report) -> list[search.SearchDocument]:
    """Two documents: the record (title, abstract, keywords) and the full text, each with its own readers."""
    insiders: list[search.AccessGrant | str] = [search.OFFICE, search.org(report.org_id)]
    record: list[search.AccessGrant | str]
    text: list[search.AccessGrant | str]
    if report.openness == "public":
        record, text = [search.PUBLIC], [search.REGISTERED]
    elif report.openness == "delayed":
        at = _embargo_moment(report)
        record, text = [search.AccessGrant(search.PUBLIC, at)], [search.AccessGrant(search.REGISTERED, at)]
    else:
        record, text = [], []
    facets = {"type": report.type, "year": str(report.year), "province": report.province_code or "",
              "openness": report.openness}
    meta = "\n".join([report.abstract, " ".join(report.keywords), " ".join(report.authors)])
    return [
        search.SearchDocument(kind="report", ref=str(report.id), title=report.title, body=meta,
                              grants=[*record, *insiders], facets=facets),
        search.SearchDocument(kind="report_text", ref=str(report.id), title=report.title, body=report.full_text,
                              grants=[*text, *insiders], facets=facets),
    ]


def reindex(session: Session, report: Report) -> None:
    """(Re-)index the record and its full text, e.g. after an upload replaced the text."""
    for doc in search_documents(report):
        search.index(session, doc)


def _report_problems(number: str, type: str, openness: str, embargo_until: date | None) -> None:
    problems = []
    if not NUMBER.match(number):
        problems.append("报告编号格式不正确（大写字母、数字、-、/，4–60 位）/ report number: A-Z 0-9 - /, 4-60")
    if type not in REPORT_TYPES:
        problems.append(f"报告类型无效 / type must be one of {REPORT_TYPES}")
    if openness not in OPENNESS:
        problems.append(f"公开类别无效 / openness must be one of {OPENNESS}")
    if openness == "delayed" and embargo_until is None:
        problems.append("延期公开须给出解密日期 / a delayed report needs embargo_until")
    if openness != "delayed" and embargo_until is not None:
        problems.append("只有延期公开的报告有解密日期 / only delayed reports have an embargo date")
    if problems:
        raise OutputError("；".join(p.split(" / ")[0] for p in problems) + " / " +
                          "; ".join(p.split(" / ")[-1] for p in problems))


def create_report(session: Session, *, actor: Actor, number: str, title: str, type: str, org_id: int,
                  openness: str, year: int, abstract: str = "", full_text: str = "", authors: Sequence[str] = (),
                  keywords: Sequence[str] = (), embargo_until: date | None = None, project_id: int | None = None,
                  is_sample: bool = False) -> Report:
    org = orgs.get(session, org_id)
    if org is None or org.merged_into_id is not None:
        raise OutputError(f"单位不存在 / no such organisation: {org_id}")
    authorize(actor, "output.create", Target(org_ids=orgs.ancestors(session, org)))
    _report_problems(number, type, openness, embargo_until)
    report = Report(number=number, title=title.strip(), type=type, org_id=org.id, province_code=org.province_code,
                    openness=openness, year=year, abstract=abstract, full_text=full_text, authors=list(authors),
                    keywords=list(keywords), embargo_until=embargo_until, project_id=project_id,
                    created_by=actor.username, is_sample=is_sample)
    session.add(report)
    session.flush()
    reindex(session, report)
    audit.record(session, actor, "output.report", "report", report.id,
                 after={"number": number, "title": report.title, "openness": openness,
                        "embargo_until": embargo_until.isoformat() if embargo_until else None})
    return report


REPORT_FIELDS = ("title", "type", "org_id", "openness", "year", "abstract", "full_text", "authors", "keywords",
                 "embargo_until", "project_id")


def report_snapshot(report: Report) -> dict[str, Any]:
    """What an audit event records of a report (the full text by its digest: it may be megabytes)."""
    out: dict[str, Any] = {f: getattr(report, f) for f in REPORT_FIELDS if f != "full_text"}
    out["number"] = report.number
    out["embargo_until"] = report.embargo_until.isoformat() if report.embargo_until else None
    out["full_text_sha256"] = hashlib.sha256(report.full_text.encode("utf-8")).hexdigest()
    return out


def update_report(session: Session, *, actor: Actor, report: Report, changes: dict[str, Any]) -> bool:
    """Change some of a report's fields (insiders of both the current and the new organisation). False when
    nothing changed (nothing is written)."""
    unknown = set(changes) - set(REPORT_FIELDS)
    if unknown:
        raise OutputError(f"不能修改的字段 / fields that cannot be changed: {sorted(unknown)}")
    current = orgs.get(session, report.org_id)
    # checked even when nothing changes: an import may only name reports its importer could write
    authorize(actor, "output.create", Target(org_ids=orgs.ancestors(session, current) if current else ()))
    changed = {k: v for k, v in changes.items() if getattr(report, k) != (list(v) if isinstance(v, tuple) else v)}
    if not changed:
        return False
    org = current
    if "org_id" in changed:
        org = orgs.get(session, changed["org_id"])
        if org is None or org.merged_into_id is not None:
            raise OutputError(f"单位不存在 / no such organisation: {changed['org_id']}")
        authorize(actor, "output.create", Target(org_ids=orgs.ancestors(session, org)))
    merged = {f: changes.get(f, getattr(report, f)) for f in ("type", "openness", "embargo_until")}
    _report_problems(report.number, merged["type"], merged["openness"], merged["embargo_until"])
    before = report_snapshot(report)
    for key, value in changed.items():
        setattr(report, key, list(value) if isinstance(value, (list, tuple)) else value)
    if isinstance(changed.get("title"), str):
        report.title = changed["title"].strip()
    if org is not None:
        report.province_code = org.province_code
    session.flush()
    reindex(session, report)
    audit.record(session, actor, "output.report_update", "report", report.id, before=before,
                 after=report_snapshot(report))
    return True


def visible_reports(session: Session, *, actor: Actor, now: datetime | None = None, type: str | None = None,
                    province: str | None = None, year: int | None = None) -> list[Report]:
    stmt = select(Report).order_by(Report.year.desc(), Report.id.desc())
    if type:
        stmt = stmt.where(Report.type == type)
    if province:
        stmt = stmt.where(Report.province_code == province)
    if year:
        stmt = stmt.where(Report.year == year)
    return [r for r in session.execute(stmt).scalars() if can_see(actor, r, now)]


def record_use(session: Session, *, report: Report, actor: Actor, client: str, kind: str) -> bool:
    """Count a view or download once per reader and day; True when it was counted."""
    reader = f"user:{actor.user_id}" if actor.user_id is not None else \
        "anon:" + hashlib.sha256(client.encode()).hexdigest()[:16]
    try:
        with session.begin_nested():
            session.add(UsageEvent(report_id=report.id, reader=reader, day=date.today(), kind=kind))
    except IntegrityError:
        return False
    return True


def usage(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """Views and downloads per report, within the manager's scope (office: all; a jurisdiction admin: reports of
    the jurisdiction; an organisation admin: the organisation's). Titles of reports the manager may not see are
    not shown."""
    rows = session.execute(select(UsageEvent.report_id, UsageEvent.kind, func.count()).group_by(
        UsageEvent.report_id, UsageEvent.kind)).all()
    counts: dict[int, Counter[str]] = {}
    for report_id, kind, n in rows:
        counts.setdefault(report_id, Counter())[kind] = n
    out = []
    for report in session.execute(select(Report).where(Report.id.in_(counts))).scalars():
        if not can(actor, "output.usage", Target(province=report.province_code, org_ids=(report.org_id,))):
            continue
        out.append({"report_id": report.id, "number": report.number,
                    "title": report.title if can_see(actor, report) else "（受限 restricted）",
                    "province_code": report.province_code, "org_id": report.org_id,
                    "views": counts[report.id]["view"], "downloads": counts[report.id]["download"]})
    return sorted(out, key=lambda r: -(r["views"] + r["downloads"]))


USAGE_GROUPS = {"org": "org_id", "province": "province_code"}


def usage_by(session: Session, *, actor: Actor, by: str) -> list[dict[str, Any]]:
    """The same counts summed per organisation (`org`) or per jurisdiction (`province`), within the same scope."""
    if by not in USAGE_GROUPS:
        raise OutputError(f"分组须为 org 或 province / group by org or province, not {by!r}")
    key = USAGE_GROUPS[by]
    totals: dict[Any, dict[str, Any]] = {}
    for row in usage(session, actor=actor):
        group = totals.setdefault(row[key], {key: row[key], "reports": 0, "views": 0, "downloads": 0})
        group["reports"] += 1
        group["views"] += row["views"]
        group["downloads"] += row["downloads"]
    return sorted(totals.values(), key=lambda r: (-(r["views"] + r["downloads"]), str(r[key])))


# --- achievements -------------------------------------------------------------------------------------------


def achievement_document(row: Achievement) -> search.SearchDocument:
    return search.SearchDocument(
        kind="achievement", ref=str(row.id), title=row.title, body=" ".join(a["name"] for a in row.applicants),
        grants=[search.PUBLIC], facets={"type": row.kind, "year": str(row.year),
                                        "province": sorted({a["province"] or "" for a in row.applicants})})


def _applicants(session: Session, applicant_org_ids: Sequence[int]) -> tuple[list[dict[str, Any]], set[int]]:
    applicants: list[dict[str, Any]] = []
    org_ids: set[int] = set()
    for org_id in dict.fromkeys(applicant_org_ids):
        org = orgs.get(session, org_id)
        if org is None:
            raise OutputError(f"单位不存在 / no such organisation: {org_id}")
        org_ids.update(orgs.ancestors(session, org))
        applicants.append({"org_id": org.id, "name": org.name, "province": org.province_code})
    if not applicants:
        raise OutputError("至少一个完成单位 / at least one applicant")
    return applicants, org_ids


def _achievement_problems(kind: str, trl: int | None, transfer_status: str) -> None:
    if kind not in ACHIEVEMENT_KINDS:
        raise OutputError(f"成果类型无效 / kind must be one of {ACHIEVEMENT_KINDS}")
    if trl is not None and not 1 <= trl <= 9:
        raise OutputError("技术成熟度须为 1–9 / TRL must be 1-9")
    if transfer_status not in ("none", "licensed", "transferred"):
        raise OutputError("转化状态无效 / transfer status: none, licensed or transferred")


def create_achievement(session: Session, *, actor: Actor, kind: str, title: str, year: int,
                       applicant_org_ids: Sequence[int], identifier: str = "", trl: int | None = None,
                       transfer_status: str = "none", project_id: int | None = None,
                       is_sample: bool = False) -> Achievement:
    _achievement_problems(kind, trl, transfer_status)
    applicants, org_ids = _applicants(session, applicant_org_ids)
    authorize(actor, "output.create", Target(org_ids=tuple(org_ids)))
    row = Achievement(kind=kind, title=title.strip(), identifier=identifier.strip(), year=year,
                      applicants=applicants, trl=trl, transfer_status=transfer_status, project_id=project_id,
                      created_by=actor.username, is_sample=is_sample)
    session.add(row)
    session.flush()
    search.index(session, achievement_document(row))
    audit.record(session, actor, "output.achievement", "achievement", row.id,
                 after={"kind": kind, "title": row.title, "applicants": [a["org_id"] for a in applicants]})
    return row


ACHIEVEMENT_FIELDS = ("title", "year", "applicant_org_ids", "identifier", "trl", "transfer_status", "project_id")


def achievement_snapshot(row: Achievement) -> dict[str, Any]:
    return {"kind": row.kind, "title": row.title, "identifier": row.identifier, "year": row.year,
            "applicants": [a["org_id"] for a in row.applicants], "trl": row.trl,
            "transfer_status": row.transfer_status, "project_id": row.project_id}


def update_achievement(session: Session, *, actor: Actor, achievement: Achievement, changes: dict[str, Any]
                       ) -> bool:
    """Change some fields (the kind is part of its identity and stays). Insiders of the current applicants and,
    when the applicants change, of the new ones. False when nothing changed."""
    unknown = set(changes) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise OutputError(f"不能修改的字段 / fields that cannot be changed: {sorted(unknown)}")
    row = achievement
    changed = dict(changes)
    if "applicant_org_ids" in changed:
        ids = list(dict.fromkeys(changed.pop("applicant_org_ids")))
        if ids != [a["org_id"] for a in row.applicants]:
            changed["applicant_org_ids"] = ids
    if isinstance(changed.get("title"), str):
        changed["title"] = changed["title"].strip()
    if isinstance(changed.get("identifier"), str):
        changed["identifier"] = changed["identifier"].strip()
    current: set[int] = set()
    for applicant in row.applicants:
        org = orgs.get(session, applicant["org_id"])
        current.update(orgs.ancestors(session, org) if org is not None else (applicant["org_id"],))
    authorize(actor, "output.create", Target(org_ids=tuple(current)))  # even when nothing changes
    changed = {k: v for k, v in changed.items() if k == "applicant_org_ids" or getattr(row, k) != v}
    if not changed:
        return False
    _achievement_problems(row.kind, changed.get("trl", row.trl), changed.get("transfer_status", row.transfer_status))
    before = achievement_snapshot(row)
    if "applicant_org_ids" in changed:
        applicants, org_ids = _applicants(session, changed.pop("applicant_org_ids"))
        authorize(actor, "output.create", Target(org_ids=tuple(org_ids)))
        row.applicants = applicants
    for key, value in changed.items():
        setattr(row, key, value)
    session.flush()
    search.index(session, achievement_document(row))
    audit.record(session, actor, "output.achievement_update", "achievement", row.id, before=before,
                 after=achievement_snapshot(row))
    return True


def cross_province_patents(session: Session) -> dict[int, dict[str, Any]]:
    """Patents co-applied by organisations of several provinces, and province pairs, by year (for monitoring)."""
    out: dict[int, dict[str, Any]] = {}
    for row in session.execute(select(Achievement).where(Achievement.kind == "patent")).scalars():
        provinces = sorted({a["province"] for a in row.applicants if a.get("province")})
        entry = out.setdefault(row.year, {"patents": 0, "cross_province": 0, "pairs": Counter()})
        entry["patents"] += 1
        if len(provinces) > 1:
            entry["cross_province"] += 1
            entry["pairs"].update("-".join(p) for p in combinations(provinces, 2))
    return {y: {**v, "pairs": dict(v["pairs"])} for y, v in sorted(out.items())}
