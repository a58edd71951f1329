"""A submission's history: what happened (a step, a key of the labels), who did it under which role and for
which jurisdiction, and the text the person typed (kept as typed). Shown translated, times in Beijing time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from yrdhub.accounts.actor import Actor
from yrdhub.db import utcnow
from yrdhub.i18n import Msg
from yrdhub.monitoring.labels import HISTORY_NOTE, HISTORY_STEP, PROVINCE, ROLE


def acting_role(actor: Actor, province: str | None) -> str:
    """The role an actor acts under on a jurisdiction's record: its own role there first, then the office."""
    if actor.via == "system":
        return "system"
    for role in ("jurisdiction_admin", "statistician"):
        if province and province in actor.provinces(role):
            return role
    return "office_admin" if actor.has_role("office_admin") else ""


def entry(actor: Actor, province: str | None, step: str, *, text: str = "", note: str = "") -> dict[str, Any]:
    """One history entry to append (JSON)."""
    role = acting_role(actor, province)
    return {"at": utcnow().isoformat(), "by": actor.username, "role": role,
            "province": province if role in ("jurisdiction_admin", "statistician") else None,
            "step": step, "text": text, "note": note}


@dataclass(frozen=True)
class Row:
    at: datetime | None
    by: str
    role: Msg | None
    province: Msg | None
    step: Msg | str
    text: str  # as typed
    note: Msg | None


def rows(comments: list[dict[str, Any]]) -> list[Row]:
    """The entries as the pages show them (older entries written before steps had keys included)."""
    out = []
    for c in comments:
        step = str(c.get("step") or c.get("action") or "")
        at = c.get("at")
        moment = datetime.fromisoformat(at) if isinstance(at, str) and at else None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        out.append(Row(at=moment, by=str(c.get("by", "")), role=ROLE.get(str(c.get("role") or "")),
                       province=PROVINCE.get(str(c.get("province") or "")), step=HISTORY_STEP.get(step, step),
                       text=str(c.get("text") or ""), note=HISTORY_NOTE.get(str(c.get("note") or ""))))
    return out
