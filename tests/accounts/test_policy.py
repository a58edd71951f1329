from __future__ import annotations

import pytest

from yrdhub.accounts.actor import ANONYMOUS, Actor, Grant
from yrdhub.accounts.policy import POLICY, PermissionDenied, Target, authorize, can

OFFICE = Actor(user_id=1, username="office", grants=(Grant("office_admin"),))
JS_ADMIN = Actor(user_id=2, username="js", grants=(Grant("jurisdiction_admin", "320000"),))
ZJ_ADMIN = Actor(user_id=3, username="zj", grants=(Grant("jurisdiction_admin", "330000"),))
ORG_ADMIN = Actor(user_id=4, username="orgadmin", grants=(Grant("org_admin", "org:10"),))
STATISTICIAN = Actor(user_id=5, username="stat", grants=(Grant("statistician", "320000"),))


def test_unknown_action_is_denied_even_for_the_office() -> None:
    assert not can(OFFICE, "no.such.action")


@pytest.mark.parametrize("action", sorted(POLICY))
def test_anonymous_may_write_nothing(action: str) -> None:
    assert not can(ANONYMOUS, action, Target(province="320000", org_ids=(10,), owner_user_id=None))


def test_jurisdiction_admin_only_in_own_province() -> None:
    assert can(JS_ADMIN, "org.create", Target(province="320000"))
    assert not can(JS_ADMIN, "org.create", Target(province="330000"))
    assert not can(JS_ADMIN, "org.create", Target(province=None))
    assert can(ZJ_ADMIN, "org.update", Target(province="330000"))


def test_merge_needs_both_provinces() -> None:
    assert can(JS_ADMIN, "org.merge", Target(province="320000", other_province="320000"))
    assert not can(JS_ADMIN, "org.merge", Target(province="320000", other_province="330000"))


def test_org_admin_updates_own_org_and_descendants_only() -> None:
    assert can(ORG_ADMIN, "org.update", Target(province="310000", org_ids=(10,)))
    assert can(ORG_ADMIN, "org.update", Target(province="310000", org_ids=(12, 10)))  # a child of org 10
    assert not can(ORG_ADMIN, "org.update", Target(province="310000", org_ids=(11,)))
    assert not can(ORG_ADMIN, "org.create", Target(province="310000"))


def test_statistician_cannot_edit_registry() -> None:
    assert not can(STATISTICIAN, "org.create", Target(province="320000"))


def test_read_only_token_cannot_write() -> None:
    read_only = Actor(user_id=1, username="office", grants=(Grant("office_admin"),), token_scopes=frozenset({"read"}))
    writer = Actor(user_id=1, username="office", grants=(Grant("office_admin"),),
                   token_scopes=frozenset({"read", "write"}))
    assert not can(read_only, "org.create", Target(province="320000"))
    assert can(writer, "org.create", Target(province="320000"))


def test_tokens_are_personal() -> None:
    assert can(JS_ADMIN, "token.create", Target(owner_user_id=2))
    assert not can(JS_ADMIN, "token.create", Target(owner_user_id=3))
    assert can(OFFICE, "token.revoke", Target(owner_user_id=3))
    with pytest.raises(PermissionDenied):
        authorize(ZJ_ADMIN, "token.revoke", Target(owner_user_id=2))
