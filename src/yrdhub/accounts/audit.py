"""Append-only, hash-chained audit log of every write.

Each event's hash covers its content and the previous event's hash, so editing or deleting any stored event
breaks the chain from that point on; `verify` finds the first broken link. Database triggers (see the
migration) additionally refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import AuditEvent, AuditHead
from yrdhub.db import utcnow
from yrdhub.i18n import N_, Msg

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-round-trip a snapshot so what is hashed is exactly what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))


def _digest(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "note": event.note,
        "prev_hash": event.prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    action: str
    object_type: str
    object_id: str | int
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""


def _head(session: Session) -> AuditHead:
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def record_many(session: Session, actor: Actor, changes: list[Change]) -> int:
    """Append many events with one round trip for the chain's tip (bulk imports)."""
    return _append(session, [(actor, change) for change in changes])


def _append(session: Session, items: list[tuple[Actor, Change]]) -> int:
    if not items:
        return 0
    head = _head(session)
    seq, prev, at = head.last_seq, head.last_hash, utcnow()
    events = []
    for actor, change in items:
        seq += 1
        event = AuditEvent(seq=seq, at=at, actor_id=actor.user_id, actor_name=actor.username,
                           action=change.action, object_type=change.object_type, object_id=str(change.object_id),
                           before=_canonical(change.before), after=_canonical(change.after), note=change.note,
                           prev_hash=prev)
        event.hash = prev = _digest(event)
        events.append(event)
    session.add_all(events)
    head.last_seq, head.last_hash = seq, prev
    session.flush()
    return len(events)


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent | None:
    """Append one event to the chain (in the caller's transaction; inside `batched`, at the batch's end)."""
    buffer = session.info.get(_BUFFER)
    if buffer is not None:
        buffer.append((actor, Change(action, object_type, object_id, before, after, note)))
        return None
    head = _head(session)
    event = AuditEvent(
        seq=head.last_seq + 1,
        at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_canonical(before),
        after=_canonical(after),
        note=note,
        prev_hash=head.last_hash,
    )
    event.hash = _digest(event)
    session.add(event)
    head.last_seq, head.last_hash = event.seq, event.hash
    session.flush()
    return event


_BUFFER = "yrdhub.audit.buffer"


@contextmanager
def batched(session: Session) -> Iterator[list[tuple[Actor, Change]]]:
    """Collect the events recorded inside, and append them to the chain in one go when the block ends without
    an error (a bulk import: one read of the chain's tip instead of one per row). The caller may drop events of
    work it rolled back by truncating the yielded list."""
    if session.info.get(_BUFFER) is not None:  # already batching: the outer batch writes
        yield session.info[_BUFFER]
        return
    buffer: list[tuple[Actor, Change]] = []
    session.info[_BUFFER] = buffer
    try:
        yield buffer
    except BaseException:
        session.info.pop(_BUFFER, None)
        raise
    session.info.pop(_BUFFER, None)
    _append(session, buffer)


# Why a chain does not check out (msgids: the CLI shows them in its language).
MISSING = N_("the event is missing")
BROKEN_LINK = N_("its link to the previous event is broken")
ALTERED = N_("its content does not match its hash")
TAIL_REMOVED = N_("events after the last one were removed")


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: Msg | None = None


def verify(session: Session) -> Verification:
    """Walk the chain in order; report the first event whose link or content does not check out."""
    prev, count, expected_seq = GENESIS, 0, 1
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
    for event in rows.scalars():
        if event.seq != expected_seq:
            return Verification(False, count, expected_seq, MISSING)
        if event.prev_hash != prev:
            return Verification(False, count, event.seq, BROKEN_LINK)
        if _digest(event) != event.hash:
            return Verification(False, count, event.seq, ALTERED)
        prev, count, expected_seq = event.hash, count + 1, expected_seq + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != count or head.last_hash != prev):
        return Verification(False, count, count + 1, TAIL_REMOVED)
    return Verification(True, count)
