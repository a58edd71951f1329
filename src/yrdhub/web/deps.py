"""Request dependencies: settings, a database session, the acting user, the language, CSRF checks."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Form, Header, Path, Request
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import ANONYMOUS, Actor
from yrdhub.accounts.models import User
from yrdhub.config import Settings
from yrdhub.db import transaction
from yrdhub.i18n import Lang
from yrdhub.web.errors import ApiError


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """One session per request. Handlers that write call session.commit() once; anything else rolls back.
    A GET reads (on SQLite without taking the write lock); a GET that records something asks for
    `WriteSessionDep` instead."""
    state = request.app.state
    factory = state.read_session_factory if request.method in READING_METHODS else state.session_factory
    yield from _session(factory)


def get_write_session(request: Request) -> Iterator[Session]:
    yield from _session(request.app.state.session_factory)


def _session(factory: sessionmaker[Session]) -> Iterator[Session]:
    session: Session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


# Database ids are INTEGER (32-bit on PostgreSQL); anything larger is a 422, not a driver overflow.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]


def session_user(request: Request, session: Session) -> User | None:
    uid = request.session.get("uid")
    if uid is None:
        return None
    user = session.execute(select(User).where(User.id == uid).options(selectinload(User.grants))).scalar_one_or_none()
    # A password change (or deactivation) ends every other session of that user.
    if user is None or not user.is_active or request.session.get("pwd") != user.password_changed_at.isoformat():
        request.session.clear()
        return None
    return user


def _note_token_use(factory: sessionmaker[Session], token_id: int) -> None:
    with transaction(factory) as session:
        accounts.note_token_use(session, token_id=token_id)


def get_actor(request: Request, session: SessionDep, background: BackgroundTasks,
              authorization: Annotated[str | None, Header()] = None) -> Actor:
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        actor = accounts.actor_for_token(session, secret.strip()) if scheme.lower() == "bearer" else None
        if actor is None:
            raise ApiError(401, "invalid_token")
        assert actor.token_id is not None
        # Its own unit of work after the response: the request's transaction stays the handler's.
        background.add_task(_note_token_use, request.app.state.session_factory, actor.token_id)
        request.state.actor = actor
        return actor
    user = session_user(request, session)
    actor = accounts.actor_for(user) if user is not None else ANONYMOUS
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(get_actor)]


def get_lang(request: Request) -> Lang:
    lang: Lang = request.state.lang
    return lang


LangDep = Annotated[Lang, Depends(get_lang)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def _valid_csrf(request: Request, supplied: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and supplied and hmac.compare_digest(str(expected), supplied))


def check_csrf_form(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Every page form carries the session's CSRF token (HTMX sends it as a header instead)."""
    if not _valid_csrf(request, csrf_token or request.headers.get("x-csrf-token")):
        raise ApiError(403, "csrf")


def check_csrf_api(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """API writes with the browser's session cookie need the CSRF header; bearer tokens do not."""
    if authorization:
        return
    if request.session.get("uid") is not None and not _valid_csrf(request, request.headers.get("x-csrf-token")):
        raise ApiError(403, "csrf_header")


CsrfForm = Depends(check_csrf_form)
CsrfApi = Depends(check_csrf_api)
