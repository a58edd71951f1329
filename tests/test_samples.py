"""`yrdhub data load --samples`: every generated record is visibly a sample, and loading twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import SYSTEM
from yrdhub.cli.samples import load_samples
from yrdhub.outputs.models import Achievement, Report
from yrdhub.programmes.models import Call, Programme, Project
from yrdhub.resources.models import Instrument


def test_samples_are_marked_and_idempotent(session: Session) -> None:
    assert load_samples(session, actor=SYSTEM) == 1
    for model in (Programme, Call, Project, Report, Achievement, Instrument):
        rows = list(session.execute(select(model)).scalars())
        assert rows and all(r.is_sample for r in rows), model
        assert all("示例" in (getattr(r, "title", None) or getattr(r, "name", "")) for r in rows), model
    statuses = {p.status for p in session.execute(select(Project)).scalars()}
    assert statuses == {"accepted", "contracted", "under_review", "submitted"}
    tables = (Project, Report, Instrument)
    counts = [session.execute(select(func.count()).select_from(m)).scalar_one() for m in tables]
    assert load_samples(session, actor=SYSTEM) == 0
    assert counts == [session.execute(select(func.count()).select_from(m)).scalar_one() for m in tables]
