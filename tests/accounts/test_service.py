from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.models import User
from yrdhub.accounts.schemas import GrantRequest, TokenCreate, UserCreate
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, field_errors


def test_passwords_are_argon2_hashed(session: Session) -> None:
    user = accounts.create_user(session, actor=SYSTEM,
                                data=UserCreate(username="li.ming", password="a-long-password-1"))
    assert user.password_hash.startswith("$argon2id$")
    assert "a-long-password-1" not in user.password_hash
    assert accounts.check_password(user.password_hash, "a-long-password-1")
    assert not accounts.check_password(user.password_hash, "a-long-password-2")


@pytest.mark.parametrize(("username", "password", "expected"), [
    ("ab", "a-long-password-1", [("username", "user.username")]),
    ("有中文", "a-long-password-1", [("username", "user.username")]),
    ("valid_name", "short", [("password", "user.password_short")]),
    ("x", "y", [("username", "user.username"), ("password", "user.password_short")]),
])
def test_bad_user_input_is_refused(username: str, password: str, expected: list[tuple[str, str]]) -> None:
    with pytest.raises(ValidationError) as info:
        UserCreate(username=username, password=password)
    assert [(f.field, f.code) for f in field_errors(info.value)] == expected


def test_a_taken_username_is_a_conflict(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user()
    with pytest.raises(Conflict) as info:
        accounts.create_user(session, actor=SYSTEM, data=UserCreate(username=user.username,
                                                                    password="a-long-password-1"))
    assert (info.value.code, info.value.field) == ("user.username_taken", "username")


def test_scopes_are_checked(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user()
    for role, scope, code in [("jurisdiction_admin", "", "role.province_scope"),
                              ("jurisdiction_admin", "110000", "role.province_scope"),
                              ("org_admin", "320000", "role.org_scope"), ("office_admin", "320000", "role.no_scope"),
                              ("superuser", "", "role.unknown")]:
        with pytest.raises(ValidationError) as info:
            GrantRequest(role=role, scope=scope)
        assert [f.code for f in field_errors(info.value)] == [code]
    accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role="member", scope="org:5"))
    assert [(g.role, g.scope) for g in user.grants] == [("member", "org:5")]
    assert accounts.revoke(session, actor=SYSTEM, user=user, data=GrantRequest(role="member", scope="org:5"))
    assert user.grants == []


def test_login_throttling_locks_after_repeated_failures(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="wang")
    for _ in range(5):
        assert accounts.authenticate(session, username="wang", password="wrong", client="10.0.0.1").user is None
    locked = accounts.authenticate(session, username="wang", password="correct horse battery staple",
                                   client="10.0.0.2")
    assert locked.user is None and locked.locked_until is not None
    assert locked.locked_until > utcnow() + timedelta(minutes=10)


def test_successful_login_clears_failures(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    """The user's failures before a successful login no longer count towards the lockout (limit 5)."""
    make_user(username="zhao")
    good = "correct horse battery staple"
    for _ in range(3):
        assert accounts.authenticate(session, username="zhao", password="wrong", client="a").user is None
    assert isinstance(accounts.authenticate(session, username="zhao", password=good, client="a").user, User)
    # From another address (whose own counter starts at zero), four more failures stay under the limit only if
    # the three before the success were cleared: 3 + 4 would lock the account.
    for attempt in range(4):
        result = accounts.authenticate(session, username="zhao", password="wrong", client="b")
        assert result.user is None and result.locked_until is None, f"locked at failure {attempt + 1} after success"
    assert isinstance(accounts.authenticate(session, username="zhao", password=good, client="b").user, User)


def test_tokens_shown_once_stored_hashed_and_revocable(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user, actor = make_user()
    row, secret = accounts.create_token(session, actor=actor, user=user,
                                        data=TokenCreate(name="ci", scopes=["read"], days=30))
    assert secret.startswith("yrd_") and secret not in row.token_hash and len(secret) > 40
    resolved = accounts.actor_for_token(session, secret)
    assert resolved is not None and resolved.user_id == user.id and resolved.token_scopes == frozenset({"read"})
    assert accounts.actor_for_token(session, secret + "x") is None
    accounts.revoke_token(session, actor=actor, token_id=row.id)
    assert accounts.actor_for_token(session, secret) is None


def test_expired_token_is_refused(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user, actor = make_user()
    row, secret = accounts.create_token(session, actor=actor, user=user,
                                        data=TokenCreate(name="old", scopes=["read"], days=1))
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    assert accounts.actor_for_token(session, secret) is None


def test_bootstrap_creates_admin_only_once(session: Session) -> None:
    from sqlalchemy import delete

    from yrdhub.accounts.models import RoleGrant

    session.execute(delete(RoleGrant))
    session.execute(delete(User))
    accounts.create_user(session, actor=SYSTEM, data=UserCreate(username="sample_expert", password="a-long-password-1"))
    created = accounts.bootstrap_admin(session, actor=SYSTEM)  # other users do not count, an admin does
    assert created is not None and created[0] == "admin" and len(created[1]) >= 16
    admin = accounts.get_user(session, username="admin")
    assert admin is not None and [g.role for g in admin.grants] == ["office_admin"]
    assert accounts.bootstrap_admin(session, actor=SYSTEM) is None


def test_standard_argon2_profile_outside_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import extract_parameters

    from yrdhub.config import get_settings

    monkeypatch.delenv("YRDHUB_PASSWORD_HASH")
    get_settings.cache_clear()
    standard = accounts.hash_password("a-long-password-1")
    params = extract_parameters(standard)
    assert params.memory_cost >= 65536 and params.time_cost >= 2


def test_production_refuses_the_cheap_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    from yrdhub.config import Settings

    monkeypatch.setenv("YRDHUB_PASSWORD_HASH", "test-only-cheap")
    with pytest.raises(ValueError, match="test-only"):
        Settings(environment="production", secret_key="x" * 40)
