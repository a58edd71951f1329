"""What the programme routes share: a write committed once, with a concurrent write reported as 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from yrdhub.errors import Conflict

T = TypeVar("T")


def commit(session: Session, write: Callable[[], T]) -> T:
    """Run one service call and commit; another write that changed the project first → 409 state_changed
    (the project row's version did not match), with nothing written."""
    try:
        result = write()
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict("state_changed") from None
    return result
