"""States as data: every object with a lifecycle declares, in its module's `lifecycle.py`, a `StrEnum` of states
and a table of moves — from which states, to which, decided by which policy action, on which conditions — and
takes every state change through `Lifecycle.move`. Pages offer exactly `Lifecycle.allowed(...)`.

    class Status(StrEnum): DRAFT = "draft"; SUBMITTED = "submitted"; ...
    LIFECYCLE = Lifecycle(Status, [
        Move("submit", {Status.DRAFT}, Status.SUBMITTED, action="project.apply", label=N_("Submit"),
             check=lambda project, ctx: ... a DomainError or None),
        ...])

Concurrency: the object's table carries a `row_version` column mapped as SQLAlchemy's `version_id_col`, so every
UPDATE of the row (a move, or any edit that touches it) compares and sets the version: of two simultaneous
writes exactly one commits, the other fails (`StaleDataError`, reported as `state_changed`, 409). A write that
changes only child rows (a funder's share, a value) touches the parent (`touch`) so that it takes part too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import CheckConstraint

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize, can
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, register
from yrdhub.i18n import N_, Msg

S = TypeVar("S", bound=StrEnum)
Check = Callable[[Any, Mapping[str, Any]], DomainError | None]

register({
    "state.move_not_allowed": N_("“{move}” is not possible while the record is {state}."),
    "state.reason_required": N_("Give a reason for “{move}”."),
})


@dataclass(frozen=True)
class Move(Generic[S]):
    name: str
    sources: frozenset[S]
    target: S
    action: str  # the policy action that decides who may make the move
    label: Msg
    needs_reason: bool = False
    check: Check | None = None  # a condition on the object now (None: always); returns the refusal

    def refusal(self, obj: Any, context: Mapping[str, Any]) -> DomainError | None:
        return self.check(obj, context) if self.check is not None else None


@dataclass
class Lifecycle(Generic[S]):
    states: type[S]
    moves: Iterable[Move[S]]
    labels: Mapping[S, Msg]
    column: str = "status"
    by_name: dict[str, Move[S]] = field(init=False)

    def __post_init__(self) -> None:
        self.moves = list(self.moves)
        self.by_name = {m.name: m for m in self.moves}
        if len(self.by_name) != len(self.moves):
            raise ValueError("two moves share a name")
        missing = set(self.states) - set(self.labels)
        if missing:
            raise ValueError(f"states without a label: {sorted(missing)}")

    def state_of(self, obj: Any) -> S:
        return self.states(getattr(obj, self.column))

    def constraint(self, name: str = "status") -> CheckConstraint:
        """The database's guard: the column holds one of the states (name it in the model's __table_args__)."""
        values = ", ".join(f"'{s.value}'" for s in self.states)
        return CheckConstraint(f"{self.column} IN ({values})", name=name)

    def allowed(self, actor: Actor, obj: Any, target: Target, context: Mapping[str, Any] | None = None
                ) -> list[Move[S]]:
        """The moves this actor may make on the object now: the state allows them, the policy lets this actor,
        and their conditions hold. What the pages offer."""
        state = self.state_of(obj)
        ctx = context or {}
        return [m for m in self.moves if state in m.sources and can(actor, m.action, target)
                and m.refusal(obj, ctx) is None]

    def move(self, obj: Any, name: str, *, actor: Actor, target: Target, reason: str = "",
             context: Mapping[str, Any] | None = None) -> tuple[S, S]:
        """Check and make a move: policy first, then the state, then the move's condition. Sets the new state
        (the flush compares and sets the row's version). Returns (from, to); the caller records history."""
        move = self.by_name.get(name)
        if move is None:
            raise DomainError("state.move_not_allowed", move=name, state=self.labels[self.state_of(obj)])
        authorize(actor, move.action, target)
        state = self.state_of(obj)
        if state not in move.sources:
            raise Conflict("state.move_not_allowed", move=move.label, state=self.labels[state])
        if move.needs_reason and not reason.strip():
            raise DomainError("state.reason_required", field="reason", move=move.label)
        refusal = move.refusal(obj, context or {})
        if refusal is not None:
            raise refusal
        setattr(obj, self.column, move.target.value)
        touch(obj)
        return state, move.target


def touch(obj: Any) -> None:
    """Mark the object changed, so that its row is updated (and its version compared and set) at the flush,
    also when only its child rows changed."""
    if hasattr(obj, "updated_at"):
        obj.updated_at = utcnow()
