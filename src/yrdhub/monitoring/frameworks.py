"""Storing framework versions and loading the bundled official statistics."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize
from yrdhub.db import utcnow
from yrdhub.errors import Conflict
from yrdhub.monitoring.framework import BUNDLED, bundled_raw, parse, spec_hash
from yrdhub.monitoring.history import entry
from yrdhub.monitoring.lifecycle import SubmissionStatus
from yrdhub.monitoring.models import DataValue, Framework, Submission
from yrdhub.monitoring.queries import PROVINCES, get_framework


def ensure_framework(session: Session, *, actor: Actor, raw: dict[str, Any]) -> Framework:
    """Store a framework version once; a published version never changes (a change needs a new version)."""
    spec = parse(raw)
    digest = spec_hash(raw)
    existing = get_framework(session, spec.code, spec.version)
    if existing is not None:
        if existing.spec_hash != digest:
            raise Conflict("framework.immutable", code=spec.code, version=spec.version)
        return existing
    authorize(actor, "monitoring.framework")
    row = Framework(code=spec.code, version=spec.version, name=spec.name, name_en=spec.name_en, spec=raw,
                    spec_hash=digest)
    session.add(row)
    session.flush()
    audit.record(session, actor, "monitoring.framework", "framework", row.id,
                 after={"code": spec.code, "version": spec.version, "hash": digest})
    return row


def load_bundled(session: Session, *, actor: Actor) -> int:
    """The bundled framework and its official values, as accepted version-1 submissions (idempotent)."""
    framework = ensure_framework(session, actor=actor, raw=bundled_raw())
    by_key: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
    with (BUNDLED / "data_values.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["region_code"] in PROVINCES:
                by_key[(row["region_code"], int(row["year"]))].append(row)
    have = {(region, period) for region, period in session.execute(
        select(Submission.region_code, Submission.period).where(Submission.framework_id == framework.id))}
    added = 0
    for (region, period), rows in sorted(by_key.items()):
        if (region, period) in have:
            continue
        now = utcnow()
        submission = Submission(framework_id=framework.id, region_code=region, period=period, version=1,
                                status=SubmissionStatus.ACCEPTED.value, created_by=actor.username, submitted_at=now,
                                approved_at=now, accepted_at=now, reason="",
                                comments=[entry(actor, region, "load", note="bundled")],
                                values=[DataValue(element=r["element"], value=Decimal(r["value"]),
                                                  source=r["source"]) for r in rows])
        session.add(submission)
        added += 1
    session.flush()
    if added:
        audit.record(session, actor, "monitoring.load", "framework", framework.id,
                     after={"submissions": added}, note="bundled official statistics")
    return added
