from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.models import AuditEvent


def test_events_chain_and_verify(session: Session) -> None:
    before = audit.verify(session)
    assert before.ok
    first = audit.record(session, SYSTEM, "thing.create", "thing", 1, after={"name": "甲", "n": 1.5})
    second = audit.record(session, SYSTEM, "thing.update", "thing", 1, before={"name": "甲"}, after={"name": "乙"})
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    session.expire_all()
    result = audit.verify(session)
    assert result.ok and result.events == before.events + 2


def test_record_many_continues_the_chain(session: Session) -> None:
    audit.record(session, SYSTEM, "a", "thing", 1)
    n = audit.record_many(session, SYSTEM, [audit.Change("b", "thing", i, after={"i": i}) for i in range(5)])
    assert n == 5
    audit.record(session, SYSTEM, "c", "thing", 9)
    session.expire_all()
    assert audit.verify(session).ok


def test_database_refuses_changes_to_the_log(session: Session) -> None:
    event = audit.record(session, SYSTEM, "thing.create", "thing", 7, after={"x": 1})
    session.commit()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE audit_event SET note = 'forged' WHERE seq = :s"), {"s": event.seq})
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": event.seq})


def test_tampering_is_detected(session: Session) -> None:
    """Someone with database superpowers drops the trigger and edits an event: verify finds the event."""
    audit.record(session, SYSTEM, "thing.create", "thing", 1, after={"amount": 100})
    target = audit.record(session, SYSTEM, "thing.update", "thing", 1, after={"amount": 200})
    audit.record(session, SYSTEM, "thing.update", "thing", 1, after={"amount": 300})
    session.flush()
    _drop_triggers(session)
    session.execute(text("UPDATE audit_event SET after = :a WHERE seq = :s"),
                    {"a": '{"amount": 999}', "s": target.seq})
    session.expire_all()
    result = audit.verify(session)
    assert not result.ok
    assert result.first_bad_seq == target.seq
    assert "hash" in result.reason


def test_removed_tail_is_detected(session: Session) -> None:
    audit.record(session, SYSTEM, "thing.create", "thing", 1)
    last = audit.record(session, SYSTEM, "thing.update", "thing", 1)
    session.flush()
    _drop_triggers(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": last.seq})
    session.expire_all()
    assert not audit.verify(session).ok


def _drop_triggers(session: Session) -> None:
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        session.execute(text("DROP TRIGGER audit_event_no_change ON audit_event"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_snapshot_values_are_stored_as_hashed(session: Session) -> None:
    event = audit.record(session, SYSTEM, "x", "thing", 1, after={"when": __import__("datetime").date(2024, 1, 2)})
    session.flush()
    session.expire_all()
    stored = session.get(AuditEvent, event.seq)
    assert stored is not None and stored.after == {"when": "2024-01-02"}
    assert audit.verify(session).ok
