"""Account services: users, grants, password login with throttling, API tokens. The caller commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import argon2.profiles
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor, Grant
from yrdhub.accounts.models import ROLE_SCOPE, ApiToken, LoginAttempt, RoleGrant, User
from yrdhub.accounts.policy import Target, authorize
from yrdhub.accounts.schemas import GrantRequest, PasswordChange, TokenCreate, UserCreate
from yrdhub.config import get_settings
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, NotFound


@lru_cache
def _make_hasher(profile: str) -> PasswordHasher:
    """Argon2id with its recommended cost; the test-suite alone may ask for the cheapest profile
    (Settings.password_hash, YRDHUB_PASSWORD_HASH=test-only-cheap), which Settings refuses in production."""
    if profile == "test-only-cheap":
        return PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)
    return PasswordHasher()


def _hasher() -> PasswordHasher:
    return _make_hasher(get_settings().password_hash)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def snapshot(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "email": user.email,
            "is_active": user.is_active, "grants": sorted(f"{g.role}@{g.scope}" for g in user.grants)}


def actor_for(user: User, *, via: str = "session", token_scopes: frozenset[str] | None = None,
              token_id: int | None = None) -> Actor:
    grants = tuple(Grant(g.role, g.scope) for g in user.grants)
    return Actor(user_id=user.id, username=user.username, grants=grants, token_scopes=token_scopes, via=via,
                 token_id=token_id)


def get_user(session: Session, *, username: str) -> User | None:
    stmt = select(User).where(User.username == username).options(selectinload(User.grants))
    return session.execute(stmt).scalar_one_or_none()


def require_user(session: Session, *, username: str) -> User:
    user = get_user(session, username=username)
    if user is None:
        raise NotFound("user.not_found", username=username)
    return user


def create_user(session: Session, *, actor: Actor, data: UserCreate) -> User:
    authorize(actor, "user.create")
    if get_user(session, username=data.username) is not None:
        raise Conflict("user.username_taken", field="username", username=data.username)
    user = User(username=data.username, display_name=data.display_name or data.username, email=data.email,
                password_hash=hash_password(data.password))
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, after=snapshot(user))
    return user


def grant(session: Session, *, actor: Actor, user: User, data: GrantRequest) -> RoleGrant:
    role, scope = data.role, data.scope
    authorize(actor, "user.grant", Target(province=scope if ROLE_SCOPE[role] == "province" else None))
    before = snapshot(user)
    existing = next((g for g in user.grants if g.role == role and g.scope == scope), None)
    if existing is not None:
        return existing
    row = RoleGrant(role=role, scope=scope)
    user.grants.append(row)
    session.flush()
    audit.record(session, actor, "user.grant", "user", user.id, before=before, after=snapshot(user))
    return row


def revoke(session: Session, *, actor: Actor, user: User, data: GrantRequest) -> bool:
    role, scope = data.role, data.scope
    authorize(actor, "user.revoke", Target(province=scope if ROLE_SCOPE[role] == "province" else None))
    before = snapshot(user)
    match = [g for g in user.grants if g.role == role and g.scope == scope]
    for g in match:
        user.grants.remove(g)
    session.flush()
    if match:
        audit.record(session, actor, "user.revoke", "user", user.id, before=before, after=snapshot(user))
    return bool(match)


def change_password(session: Session, *, actor: Actor, user: User, data: PasswordChange) -> None:
    authorize(actor, "user.update", Target(owner_user_id=user.id))
    if not check_password(user.password_hash, data.old_password):
        raise DomainError("user.password_wrong", field="old_password")
    user.password_hash = hash_password(data.new_password)
    user.password_changed_at = utcnow()
    session.flush()
    audit.record(session, actor, "user.password", "user", user.id, note="password changed")


# --- login with throttling -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked_until: datetime | None = None


def _recent_failures(session: Session, key: str, since: datetime) -> tuple[int, datetime | None]:
    stmt = select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.key == key, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
    count, last = session.execute(stmt).one()
    return int(count), last


def authenticate(session: Session, *, username: str, password: str, client: str, max_failures: int = 5,
                 lockout_s: int = 900) -> LoginResult:
    """Check a password; after `max_failures` failures per user or per client address, refuse for a while."""
    now = utcnow()
    since = now - timedelta(seconds=lockout_s)
    for key in (f"user:{username}", f"ip:{client}"):
        failures, last = _recent_failures(session, key, since)
        if failures >= max_failures and last is not None:
            return LoginResult(None, locked_until=last + timedelta(seconds=lockout_s))
    user = get_user(session, username=username)
    ok = user is not None and user.is_active and check_password(user.password_hash, password)
    if user is None:  # same work either way: no user enumeration by timing
        check_password(_dummy_hash(get_settings().password_hash), password)
    for key in (f"user:{username}", f"ip:{client}"):
        session.add(LoginAttempt(key=key, at=now, succeeded=ok))
    if ok and user is not None:
        session.execute(delete(LoginAttempt).where(LoginAttempt.key == f"user:{username}",
                                                   LoginAttempt.succeeded.is_(False)))
        return LoginResult(user)
    return LoginResult(None)


@lru_cache
def _dummy_hash(profile: str) -> str:
    return _make_hasher(profile).hash(secrets.token_urlsafe(16))


# --- API tokens --------------------------------------------------------------------------------------

TOKEN_PREFIX = "yrd_"


def _token_digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is safe here (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, *, actor: Actor, user: User, data: TokenCreate) -> tuple[ApiToken, str]:
    """Returns the stored row and the secret, which is shown once and never stored."""
    authorize(actor, "token.create", Target(owner_user_id=user.id))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=data.name, prefix=secret[:10], token_hash=_token_digest(secret),
                   scopes=data.scopes, expires_at=utcnow() + timedelta(days=data.days))
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.create", "api_token", row.id,
                 after={"user_id": user.id, "name": data.name, "prefix": row.prefix, "scopes": row.scopes,
                        "expires_at": row.expires_at.isoformat()})
    return row, secret


def list_tokens(session: Session, *, user: User) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    return list(session.execute(stmt).scalars())


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("token.not_found", id=token_id)
    authorize(actor, "token.revoke", Target(owner_user_id=row.user_id))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        audit.record(session, actor, "token.revoke", "api_token", row.id, note=row.prefix)
    return row


def actor_for_token(session: Session, secret: str) -> Actor | None:
    """The actor a bearer token stands for, or None when it is unknown, expired or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == _token_digest(secret))).scalar_one_or_none()
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.execute(select(User).where(User.id == row.user_id).options(selectinload(User.grants))
                           ).scalar_one()
    if not user.is_active:
        return None
    return actor_for(user, via="token", token_scopes=frozenset(row.scopes), token_id=row.id)


def note_token_use(session: Session, *, token_id: int, at: datetime | None = None) -> None:
    """Record when a token was last used (at most once a minute: a busy client does not write on every call)."""
    now = at or utcnow()
    session.execute(update(ApiToken).where(ApiToken.id == token_id)
                    .where(or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - timedelta(minutes=1)))
                    .values(last_used_at=now))


def bootstrap_admin(session: Session, *, actor: Actor, username: str = "admin") -> tuple[str, str] | None:
    """When nobody can administer the platform yet (no office_admin), create one with a random password and
    return its (username, password) once. Other users — e.g. the sample data's expert — do not count."""
    admins = select(func.count()).select_from(RoleGrant).where(RoleGrant.role == "office_admin")
    if session.execute(admins).scalar_one():
        return None
    if get_user(session, username=username) is not None:
        username = f"{username}-{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(15)
    user = create_user(session, actor=actor, data=UserCreate(username=username, password=password,
                                                            display_name="联合办公室管理员"))
    grant(session, actor=actor, user=user, data=GrantRequest(role="office_admin"))
    return username, password
