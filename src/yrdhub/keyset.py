"""Keyset pagination in SQL: a page of any select, ordered by columns ending in a unique one, and an opaque
cursor for the next page. Lists are never loaded whole and filtered in Python."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import Session

from yrdhub.errors import DomainError, register
from yrdhub.i18n import N_

T = TypeVar("T")
MAX_LIMIT = 500

register({"page.cursor": N_("The page cursor is not valid; start again from the first page.")})


@dataclass(frozen=True)
class Order:
    column: Any  # a mapped attribute or column expression
    descending: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode(values: Sequence[Any]) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, (datetime, date)):
            return {"t": v.isoformat()}
        if isinstance(v, Decimal):
            return {"d": str(v)}
        return v
    return base64.urlsafe_b64encode(json.dumps([plain(v) for v in values], ensure_ascii=False).encode()).decode()


def _decode(cursor: str, orders: Sequence[Order]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(raw, list) or len(raw) != len(orders):
            raise ValueError
        out = []
        for value, order in zip(raw, orders, strict=True):
            python_type = order.column.type.python_type
            if isinstance(value, dict) and "t" in value:
                value = (datetime if python_type is datetime else date).fromisoformat(value["t"])
            elif isinstance(value, dict) and "d" in value:
                value = Decimal(value["d"])
            elif value is not None and python_type in (int, str, float) and not isinstance(value, python_type):
                raise ValueError
            if isinstance(value, int) and not -(2**63) <= value < 2**63:
                raise ValueError
            out.append(value)
        return out
    except (ValueError, TypeError, NotImplementedError, UnicodeDecodeError) as exc:
        raise DomainError("page.cursor", field="cursor") from exc


def after(orders: Sequence[Order], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order (a, b, c): a > x or (a = x and (b > y or (b = y and c > z)))."""
    condition: ColumnElement[bool] | None = None
    for order, value in reversed(list(zip(orders, values, strict=True))):
        beyond = order.column < value if order.descending else order.column > value
        condition = beyond if condition is None else or_(beyond, and_(order.column == value, condition))
    assert condition is not None
    return condition


def paginate(session: Session, stmt: Select[Any], orders: Sequence[Order], *, cursor: str | None = None,
             limit: int = 50, scalars: bool = True) -> Page[Any]:
    """One page of `stmt` in the given order (its last column must be unique, e.g. the id)."""
    limit = max(1, min(limit, MAX_LIMIT))
    if cursor:
        stmt = stmt.where(after(orders, _decode(cursor, orders)))
    stmt = stmt.order_by(*(o.column.desc() if o.descending else o.column for o in orders)).limit(limit + 1)
    result = session.execute(stmt)
    rows = list(result.scalars() if scalars else result)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = _encode([_value_of(last, o.column) for o in orders])
    return Page(rows, next_cursor)


def _value_of(row: Any, column: Any) -> Any:
    key = getattr(column, "key", None) or getattr(column, "name", None)
    if hasattr(row, "_mapping") and key in row._mapping:
        return row._mapping[key]
    return getattr(row, key)  # type: ignore[arg-type]
