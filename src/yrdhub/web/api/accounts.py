"""/api/v1/me, /api/v1/tokens, /api/v1/users — accounts and API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from yrdhub.accounts import service as accounts
from yrdhub.accounts.models import User
from yrdhub.accounts.policy import PermissionDenied, authorize
from yrdhub.accounts.schemas import GrantRequest, TokenCreate, TokenCreated, TokenRead, UserCreate, UserRead
from yrdhub.web.api.common import bounded, policy
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep

router = APIRouter(tags=["accounts 账户"])


def _me(session: SessionDep, actor: ActorDep) -> User:
    if actor.user_id is None:
        raise PermissionDenied("me", actor)
    user = session.execute(select(User).where(User.id == actor.user_id).options(selectinload(User.grants))
                           ).scalar_one()
    return user


@router.get("/me", response_model=UserRead)
def me(session: SessionDep, actor: ActorDep) -> Any:
    return _me(session, actor)


@router.get("/tokens", response_model=list[TokenRead], openapi_extra=bounded("the caller's own tokens"))
def list_tokens(session: SessionDep, actor: ActorDep) -> Any:
    return accounts.list_tokens(session, user=_me(session, actor))


@router.post("/tokens", response_model=TokenCreated, status_code=201, openapi_extra=policy("token.create"),
             dependencies=[CsrfApi])
def create_token(body: TokenCreate, session: SessionDep, actor: ActorDep) -> Any:
    row, secret = accounts.create_token(session, actor=actor, user=_me(session, actor), data=body)
    session.commit()
    return TokenCreated(**TokenRead.model_validate(row).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", response_model=TokenRead, openapi_extra=policy("token.revoke"),
               dependencies=[CsrfApi])
def revoke_token(token_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    row = accounts.revoke_token(session, actor=actor, token_id=token_id)
    session.commit()
    return row


@router.post("/users", response_model=UserRead, status_code=201, openapi_extra=policy("user.create"),
             dependencies=[CsrfApi])
def create_user(body: UserCreate, session: SessionDep, actor: ActorDep) -> Any:
    user = accounts.create_user(session, actor=actor, data=body)
    session.commit()
    return user


@router.post("/users/{username}/grants", response_model=UserRead, openapi_extra=policy("user.grant"),
             dependencies=[CsrfApi])
def grant_role(username: str, body: GrantRequest, session: SessionDep, actor: ActorDep) -> Any:
    authorize(actor, "user.grant")  # before the look-up, so strangers cannot probe usernames
    user = accounts.require_user(session, username=username)
    accounts.grant(session, actor=actor, user=user, data=body)
    session.commit()
    return user


@router.delete("/users/{username}/grants", response_model=UserRead, openapi_extra=policy("user.revoke"),
               dependencies=[CsrfApi])
def revoke_role(username: str, role: str, session: SessionDep, actor: ActorDep, scope: str = "") -> Any:
    authorize(actor, "user.revoke")
    user = accounts.require_user(session, username=username)
    accounts.revoke(session, actor=actor, user=user, data=GrantRequest(role=role, scope=scope))
    session.commit()
    return user
