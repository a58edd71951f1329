"""The one place where authorisation is decided, from (actor, action, target).

Every write in every service calls `authorize`. Each action has exactly one rule; an action without a rule
is denied (and the policy-matrix test fails, so a new write route cannot ship without an entry here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement

from yrdhub.accounts.access import ReadRule
from yrdhub.accounts.actor import Actor
from yrdhub.errors import DomainError, register
from yrdhub.i18n import N_


@dataclass(frozen=True)
class Target:
    """What an action touches, reduced to what the rules need."""

    province: str | None = None  # province code of the object (or of the object to be created)
    org_ids: tuple[int, ...] = ()  # the organisation and its ancestors
    owner_user_id: int | None = None
    other_province: str | None = None  # e.g. the second organisation of a merge
    provinces: tuple[str, ...] = ()  # e.g. the owner jurisdictions of a (joint) programme


class PermissionDenied(DomainError):
    """The policy refuses the action (401 for the anonymous public, 403 for a signed-in user)."""

    def __init__(self, action: str, actor: Actor) -> None:
        super().__init__("policy.denied", action=action)
        self.action = action
        self.actor = actor


register({"policy.denied": N_("You are not allowed to do this ({action}).")})


Rule = Callable[[Actor, Target], bool]


def _office(actor: Actor, _t: Target) -> bool:
    return actor.has_role("office_admin")


def _province_admin(actor: Actor, t: Target) -> bool:
    if t.province is None or t.province not in actor.provinces("jurisdiction_admin"):
        return False
    return t.other_province is None or t.other_province in actor.provinces("jurisdiction_admin")


def _in_province(*roles: str) -> Rule:
    """An actor holding one of `roles` scoped to the target's province."""
    return lambda actor, t: t.province is not None and t.province in actor.provinces(*roles)


def _owner_admin(actor: Actor, t: Target) -> bool:
    """A jurisdiction admin of one of the owner jurisdictions (a joint programme has several)."""
    return bool(set(t.provinces) & actor.provinces("jurisdiction_admin"))


def _all_owners_admin(actor: Actor, t: Target) -> bool:
    """Creating a programme: a jurisdiction admin only for programmes owned by their own jurisdiction."""
    return bool(t.provinces) and set(t.provinces) <= actor.provinces("jurisdiction_admin")


def _org_member(actor: Actor, t: Target) -> bool:
    return bool(set(t.org_ids) & actor.org_ids("org_admin", "member"))


def _assigned_expert(actor: Actor, t: Target) -> bool:
    return actor.has_role("expert") and actor.user_id is not None and actor.user_id == t.owner_user_id


def _some_province_admin(actor: Actor, _t: Target) -> bool:
    """For whole-file actions; each row is then checked against its own province."""
    return bool(actor.provinces("jurisdiction_admin"))


def _some_org_member(actor: Actor, _t: Target) -> bool:
    """For whole-file imports of outputs; each row is then checked against its own organisation."""
    return bool(actor.org_ids("org_admin", "member"))


def _some_org_admin(actor: Actor, _t: Target) -> bool:
    """For whole-file imports of instruments; each row then by its host organisation."""
    return bool(actor.org_ids("org_admin"))


def _org_admin(actor: Actor, t: Target) -> bool:
    return bool(set(t.org_ids) & actor.org_ids("org_admin"))


def _self(actor: Actor, t: Target) -> bool:
    return actor.user_id is not None and actor.user_id == t.owner_user_id


def _any(*rules: Rule) -> Rule:
    return lambda actor, target: any(rule(actor, target) for rule in rules)


POLICY: dict[str, Rule] = {
    "region.update": _office,
    "org.create": _any(_office, _province_admin),
    "org.update": _any(_office, _province_admin, _org_admin),
    "org.merge": _any(_office, _province_admin),
    "org.import": _any(_office, _some_province_admin),
    "user.create": _office,
    "user.grant": _office,
    "user.revoke": _office,
    "user.update": _any(_office, _self),
    "token.create": _self,
    "token.revoke": _any(_office, _self),
    # monitoring: a jurisdiction's statisticians enter and submit, its admin approves, the joint office accepts
    "monitoring.framework": _office,
    "monitoring.edit": _in_province("statistician", "jurisdiction_admin"),
    "monitoring.import": lambda actor, _t: bool(actor.provinces("statistician", "jurisdiction_admin")),  # files
    "monitoring.submit": _in_province("statistician", "jurisdiction_admin"),
    "monitoring.approve": _in_province("jurisdiction_admin"),
    "monitoring.accept": _office,
    "monitoring.evaluate": _office,
    "monitoring.publish": _office,  # an evaluation run becomes the public evaluation (superseding the previous one)
    "monitoring.measure": _office,  # values measured from paper and patent records (analytics)
    "monitoring.task_report": _any(_office, _in_province("jurisdiction_admin")),
    "monitoring.task_reopen": _office,  # a completed plan task is reopened, with a reason
    "monitoring.return": _any(_office, _in_province("jurisdiction_admin")),
    # programmes: owners manage, applicants' organisations apply, each funder signs its own share
    "programme.create": _any(_office, _all_owners_admin),
    "programme.manage": _any(_office, _owner_admin),  # calls, review set-up, contract, checks, acceptance
    "project.apply": _org_member,  # create, edit, submit, change requests, milestones (the lead organisation)
    "project.fund": _in_province("jurisdiction_admin"),  # the funder's own sign-off only
    "project.review": _assigned_expert,
    "project.record_share": _any(_office, _in_province("jurisdiction_admin")),  # a funder's decision, recorded
    # outputs: an organisation's members register its reports (drafts) and achievements and submit the reports;
    # the jurisdiction's S&T department (or the joint office) accepts them; the joint office withdraws them
    "output.create": _any(_office, _org_member),  # register and edit drafts, achievements
    "output.submit": _any(_office, _org_member),  # submit a draft, recall a submitted report
    "output.accept": _any(_office, _in_province("jurisdiction_admin")),  # accept (收录) or return with a reason
    "output.withdraw": _office,  # withdraw an accepted report, reinstate it
    "output.usage": _any(_office, _in_province("jurisdiction_admin"), _org_admin),
    "output.upload": _any(_office, _org_member),  # a draft's original file (its text becomes the full text)
    "output.import": _any(_office, _some_org_member),  # bulk files; each row then as its single write
    "programme.import": _any(_office, _some_province_admin),  # bulk files; each row then by its owners' rules
    # resources: the joint office keeps the registry of facilities; a host organisation's admins (its instrument
    # managers) register its instruments, prices, training records and outages, and record the use of bookings;
    # members of an organisation book on its behalf; the booker or the host cancels
    "facility.manage": _office,
    "instrument.manage": _any(_office, _org_admin),
    "instrument.import": _any(_office, _some_org_admin),  # bulk files; each row then as its single write
    "booking.create": _org_member,
    "booking.cancel": _any(_office, _self, _org_admin),
    "booking.confirm": _office,  # from the waiting list, made by the platform when a slot frees
    "booking.record_use": _any(_office, _org_admin),
    # vouchers: a jurisdiction's department runs its schemes and issues their vouchers; a holder's members redeem
    # them for their organisation's bookings anywhere in the region; the joint office expires them
    "voucher.scheme": _any(_office, _in_province("jurisdiction_admin")),
    "voucher.issue": _any(_office, _in_province("jurisdiction_admin")),
    "voucher.redeem": _org_member,
    "voucher.expire": _office,
}

# Actions that only read (who reads a record is its read rule: accounts/access.py); everything else needs a
# token's "write" scope.
READ_ACTIONS: frozenset[str] = frozenset({"output.usage"})


def can(actor: Actor, action: str, target: Target | None = None) -> bool:
    rule = POLICY.get(action)
    if rule is None:
        return False
    if actor.token_scopes is not None and action not in READ_ACTIONS and "write" not in actor.token_scopes:
        return False
    return rule(actor, target or Target())


def authorize(actor: Actor, action: str, target: Target | None = None) -> None:
    if not can(actor, action, target):
        raise PermissionDenied(action, actor)


# --- reads: one ReadRule per model (or per named aspect, e.g. a report's full text), declared by its module -------

_READ_RULES: dict[Any, ReadRule] = {}


def read_rule(rule: ReadRule, name: str | None = None) -> ReadRule:
    """Declare who may read rows of `rule.model` (or, under `name`, one aspect of them)."""
    key = name or rule.model
    if key in _READ_RULES and _READ_RULES[key] is not rule:
        raise RuntimeError(f"a read rule for {key!r} is declared twice")
    _READ_RULES[key] = rule
    return rule


def readable(actor: Actor, model: Any, now: datetime | None = None) -> ColumnElement[bool]:
    """An SQL condition: the rows of `model` (or the named aspect) the actor may read. A model without a declared
    rule is a programming error (its module's `access.py` is not imported), not an empty result."""
    rule = _READ_RULES.get(model)
    if rule is None:
        raise RuntimeError(f"no read rule is declared for {model!r}")
    return rule.condition(actor, now)


def read_rule_of(model: Any) -> ReadRule:
    return _READ_RULES[model]
