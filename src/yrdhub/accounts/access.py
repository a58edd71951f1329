"""Who may read what, stated once per model as a `ReadRule`; from it come both the SQL condition every `get` and
`list` filters with (`policy.readable`) and the grants of the model's search documents.

A rule is a list of clauses, each naming readers the same way a reader's tokens do (`reader_tokens`):

    ReadRule(Project,
             Everyone(when=Project.status.in_(PUBLIC)),                    # token "public"
             Role("office_admin"),                                         # "role:office_admin"
             Members(Project.lead_org_id, parent=Organisation.parent_id),   # "org:<id>" of the lead and above
             Users(select(Review.expert_user_id).where(Review.project_id == Project.id), role="expert"),
             Role("jurisdiction_admin", provinces=owners_of_the_programme))  # "role:jurisdiction_admin@<code>"

`rule.condition(actor)` is an SQL expression over the model's table (lists filter and paginate in the database);
`rule.grants(session, obj)` evaluates the same clauses for one row, as search grants (token, visible_from).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, and_, exists, false, null, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from yrdhub.accounts.actor import Actor
from yrdhub.db import utcnow

PUBLIC = "public"
REGISTERED = "registered"
Grant = tuple[str, datetime | None]  # (token, visible from; None: at once)


def org_token(org_id: int) -> str:
    return f"org:{org_id}"


def user_token(user_id: int, role: str | None = None) -> str:
    return f"user:{user_id}" + (f"@{role}" if role else "")


def role_token(role: str, province: str | None = None) -> str:
    return f"role:{role}" + (f"@{province}" if province else "")


def reader_tokens(actor: Actor) -> frozenset[str]:
    """Every name the actor reads under: anonymous → {public}; signed in → also registered, user:<id> (and
    user:<id>@<role> for each role held), role:<role> (role:<role>@<province> for a province-scoped grant), and
    org:<id> for each organisation grant. An API token without the "read" scope reads as the public."""
    if actor.is_anonymous or (actor.token_scopes is not None and "read" not in actor.token_scopes):
        return frozenset({PUBLIC})
    tokens = {PUBLIC, REGISTERED}
    if actor.user_id is not None:
        tokens.add(user_token(actor.user_id))
        tokens.update(user_token(actor.user_id, g.role) for g in actor.grants)
    for grant in actor.grants:
        if grant.org_id is not None:
            tokens.add(org_token(grant.org_id))
        elif grant.province:
            tokens.add(role_token(grant.role, grant.province))
        else:
            tokens.add(role_token(grant.role))
    return frozenset(tokens)


def _reads(actor: Actor) -> bool:
    return not (actor.token_scopes is not None and "read" not in actor.token_scopes)


class Clause(ABC):
    @abstractmethod
    def condition(self, actor: Actor, now: datetime) -> ColumnElement[bool]:
        """Rows this clause lets the actor read (an SQL condition over the model's table)."""

    @abstractmethod
    def grants(self, session: Session, model: Any, row_id: Any) -> list[Grant]:
        """The tokens this clause gives one row's readers."""

    def grants_many(self, session: Session, model: Any, ids: Sequence[Any]) -> dict[Any, list[Grant]]:
        """The same for many rows, in a fixed number of statements (bulk indexing)."""
        return {i: self.grants(session, model, i) for i in ids}


def _scalar(session: Session, model: Any, row_id: Any, expr: Any) -> Any:
    return session.execute(select(expr).where(_pk(model) == row_id)).scalar_one_or_none()


def _pk(model: Any) -> InstrumentedAttribute[Any]:
    return model.id


@dataclass(frozen=True)
class Everyone(Clause):
    """Anyone (signed in or not; `registered`: signed in only), when `when` holds, from the moment `since`."""

    when: ColumnElement[bool] | None = None
    since: ColumnElement[Any] | None = None  # a timezone-aware moment column/expression; NULL: at once
    registered: bool = False

    def condition(self, actor: Actor, now: datetime) -> ColumnElement[bool]:
        if self.registered and (actor.user_id is None or not _reads(actor)):
            return false()
        parts: list[ColumnElement[bool]] = [self.when] if self.when is not None else []
        if self.since is not None:
            moment: date = now.date() if isinstance(self.since.type, Date) else now
            parts.append(or_(self.since.is_(None), self.since <= moment))
        return and_(true(), *parts)

    def grants(self, session: Session, model: Any, row_id: Any) -> list[Grant]:
        if self.when is not None and not _scalar(session, model, row_id, self.when):
            return []
        since = _scalar(session, model, row_id, self.since) if self.since is not None else None
        return [(REGISTERED if self.registered else PUBLIC, _moment(since))]

    def grants_many(self, session: Session, model: Any, ids: Sequence[Any]) -> dict[Any, list[Grant]]:
        when = self.when if self.when is not None else true()
        since = self.since if self.since is not None else null()
        token = REGISTERED if self.registered else PUBLIC
        rows = session.execute(select(_pk(model), when, since).where(_pk(model).in_(ids)))
        return {row_id: [(token, _moment(moment))] if ok else [] for row_id, ok, moment in rows}


def _moment(since: Any) -> datetime | None:
    if isinstance(since, date) and not isinstance(since, datetime):  # a day: from its first moment (UTC)
        return datetime.combine(since, time.min, tzinfo=UTC)
    return since if isinstance(since, datetime) else None


@dataclass(frozen=True)
class Role(Clause):
    """Holders of a role: unscoped (the joint office), or scoped to one of the row's provinces — a column, or a
    correlated select of province codes (e.g. a joint programme's owners)."""

    role: str
    provinces: ColumnElement[Any] | Select[Any] | None = None

    def condition(self, actor: Actor, now: datetime) -> ColumnElement[bool]:
        if not _reads(actor):
            return false()
        if self.provinces is None:
            return true() if actor.has_role(self.role) else false()
        mine = sorted(actor.provinces(self.role))
        if not mine:
            return false()
        if isinstance(self.provinces, Select):
            return exists(self.provinces.where(self.provinces.selected_columns[0].in_(mine)))
        return self.provinces.in_(mine)

    def grants(self, session: Session, model: Any, row_id: Any) -> list[Grant]:
        if self.provinces is None:
            return [(role_token(self.role), None)]
        if isinstance(self.provinces, Select):
            values = session.execute(self.provinces.where(_pk(model) == row_id)).scalars().all()
        else:
            values = [_scalar(session, model, row_id, self.provinces)]
        return [(role_token(self.role, v), None) for v in sorted({v for v in values if v})]

    def grants_many(self, session: Session, model: Any, ids: Sequence[Any]) -> dict[Any, list[Grant]]:
        if self.provinces is None:
            return {i: [(role_token(self.role), None)] for i in ids}
        pk = _pk(model)
        stmt = self.provinces.add_columns(pk) if isinstance(self.provinces, Select) else select(self.provinces, pk)
        found: dict[Any, set[str]] = defaultdict(set)
        for value, row_id in session.execute(stmt.where(pk.in_(ids))):
            if value:
                found[row_id].add(value)
        return {i: [(role_token(self.role, v), None) for v in sorted(found[i])] for i in ids}


@dataclass(frozen=True)
class Members(Clause):
    """Members (and admins) of the row's organisation or of any organisation above it (`parent` is the
    organisation table's parent column: a member of a university reads what its institutes registered)."""

    org: ColumnElement[Any] | InstrumentedAttribute[Any]
    parent: InstrumentedAttribute[Any]
    roles: tuple[str, ...] = ("org_admin", "member")
    # Its name in SQL: a rule with two Members clauses (e.g. the paying and the hosting organisation) needs two.
    name: str = "readable_orgs"

    def _tree(self) -> tuple[Any, Any]:
        table = self.parent.class_.__table__
        return table.c.id, table.c[self.parent.key]

    def condition(self, actor: Actor, now: datetime) -> ColumnElement[bool]:
        mine = sorted(actor.org_ids(*self.roles))
        if not mine or not _reads(actor):
            return false()
        node, up = self._tree()
        below = select(node.label("id")).where(node.in_(mine)).cte(self.name, recursive=True)
        below = below.union(select(node).where(up == below.c.id))
        return self.org.in_(select(below.c.id))

    def grants(self, session: Session, model: Any, row_id: Any) -> list[Grant]:
        start = _scalar(session, model, row_id, self.org)
        if start is None:
            return []
        node, up = self._tree()
        above = select(node.label("id"), up.label("up")).where(node == start).cte("org_chain", recursive=True)
        above = above.union(select(node, up).where(node == above.c.up))
        ids = session.execute(select(above.c.id)).scalars().all()
        return [(org_token(i), None) for i in sorted(set(ids))]

    def grants_many(self, session: Session, model: Any, ids: Sequence[Any]) -> dict[Any, list[Grant]]:
        starts = {row_id: org for row_id, org in session.execute(select(_pk(model), self.org)
                                                                 .where(_pk(model).in_(ids)))}
        origins = sorted({o for o in starts.values() if o is not None})
        chains: dict[Any, set[Any]] = defaultdict(set)
        if origins:
            node, up = self._tree()
            above = (select(node.label("start"), node.label("id"), up.label("up")).where(node.in_(origins))
                     .cte("org_chains", recursive=True))
            above = above.union(select(above.c.start, node, up).where(node == above.c.up))
            for start, org in session.execute(select(above.c.start, above.c.id)):
                chains[start].add(org)
        return {i: [(org_token(o), None) for o in sorted(chains.get(starts.get(i), ()))] for i in ids}


@dataclass(frozen=True)
class Users(Clause):
    """Named users of the row (a correlated select of user ids, e.g. its assigned reviewers), while they hold
    `role` when one is given."""

    ids: Select[Any]
    role: str | None = None

    def condition(self, actor: Actor, now: datetime) -> ColumnElement[bool]:
        if actor.user_id is None or not _reads(actor) or (self.role and not actor.has_role(self.role)):
            return false()
        return exists(self.ids.where(self.ids.selected_columns[0] == actor.user_id))

    def grants(self, session: Session, model: Any, row_id: Any) -> list[Grant]:
        ids = session.execute(self.ids.where(_pk(model) == row_id)).scalars()
        return [(user_token(u, self.role), None) for u in sorted(set(ids))]

    def grants_many(self, session: Session, model: Any, ids: Sequence[Any]) -> dict[Any, list[Grant]]:
        found: dict[Any, set[Any]] = defaultdict(set)
        for user_id, row_id in session.execute(self.ids.add_columns(_pk(model)).where(_pk(model).in_(ids))):
            found[row_id].add(user_id)
        return {i: [(user_token(u, self.role), None) for u in sorted(found[i])] for i in ids}


class ReadRule:
    """Who may read rows of `model`: anyone any clause admits."""

    def __init__(self, model: Any, *clauses: Clause) -> None:
        self.model = model
        self.clauses: Sequence[Clause] = clauses

    def condition(self, actor: Actor, now: datetime | None = None) -> ColumnElement[bool]:
        moment = now or utcnow()
        return or_(false(), *(c.condition(actor, moment) for c in self.clauses))

    def grants(self, session: Session, obj: Any) -> list[Grant]:
        """The row's readers as search grants; the row must be flushed (its id known)."""
        return _merge(g for clause in self.clauses for g in clause.grants(session, self.model, obj.id))

    def grants_many(self, session: Session, objs: Iterable[Any], chunk: int = 500) -> dict[Any, list[Grant]]:
        """`grants` of many rows (by id), each clause answering for a chunk of rows in one or two statements:
        what bulk indexing uses."""
        ids = [obj.id for obj in objs]
        out: dict[Any, list[Grant]] = {}
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            found = [clause.grants_many(session, self.model, part) for clause in self.clauses]
            out.update({i: _merge(g for each in found for g in each.get(i, [])) for i in part})
        return out


def _merge(grants: Iterable[Grant]) -> list[Grant]:
    """One grant per token, visible from the earliest moment any clause gives it."""
    out: dict[str, datetime | None] = {}
    for token, since in grants:
        current = out.get(token)
        if token not in out or (current is not None and (since is None or since < current)):
            out[token] = since
    return sorted(out.items())
