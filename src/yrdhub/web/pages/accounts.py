"""Login, logout, the account page and API-token management."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from yrdhub.accounts import service as accounts
from yrdhub.accounts.schemas import PasswordChange, TokenCreate
from yrdhub.errors import DomainError, NotFound, field_errors
from yrdhub.i18n import N_
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep, SettingsDep, session_user
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
FAILED, LOCKED = N_("Wrong username or password"), N_("Too many attempts; try again later")
PASSWORD_CHANGED = N_("Password changed")


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_form(request: Request, actor: ActorDep, next: str = "/") -> Response:
    return render(request, "accounts/login.html", next=_safe_next(next), error=None)


@router.post("/login", dependencies=[CsrfForm])
def login(request: Request, session: SessionDep, settings: SettingsDep, username: Annotated[str, Form()],
          password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    client = request.client.host if request.client else "unknown"
    result = accounts.authenticate(session, username=username.strip(), password=password, client=client,
                                   max_failures=settings.login_max_failures, lockout_s=settings.login_lockout_s)
    session.commit()  # failed attempts must be remembered for throttling
    if result.user is None:
        key = LOCKED if result.locked_until else FAILED
        return render(request, "accounts/login.html", next=_safe_next(next), error=key,
                      status_code=429 if result.locked_until else 401)
    csrf = request.session.get("csrf")
    request.session.clear()  # new session on login: no fixation
    request.session.update(uid=result.user.id, pwd=result.user.password_changed_at.isoformat())
    if csrf:
        request.session["csrf"] = csrf
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfForm])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/account")
def account(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    return _account_page(request, session, user)


def _account_page(request: Request, session: SessionDep, user: accounts.User, status_code: int = 200,
                  **extra: object) -> Response:
    return render(request, "accounts/account.html", user=user, tokens=accounts.list_tokens(session, user=user),
                  status_code=status_code, **{"new_token": None, "message": None, "errors": [], **extra})


@router.post("/account/tokens", dependencies=[CsrfForm], openapi_extra=policy("token.create"))
def create_token(request: Request, session: SessionDep, actor: ActorDep, name: Annotated[str, Form()],
                 days: Annotated[int, Form()] = 90, scope_write: Annotated[str, Form()] = "") -> Response:
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    scopes = ["read", "write"] if scope_write else ["read"]
    try:
        row, secret = accounts.create_token(session, actor=actor, user=user,
                                            data=TokenCreate(name=name, scopes=scopes, days=days))
    except ValidationError as exc:
        return _account_page(request, session, user, status_code=422, errors=field_errors(exc))
    session.commit()
    return _account_page(request, session, user, new_token=secret, new_token_name=row.name)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[CsrfForm], openapi_extra=policy("token.revoke"))
def revoke_token(token_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    try:
        accounts.revoke_token(session, actor=actor, token_id=token_id)
    except NotFound as exc:
        return _account_page(request, session, user, status_code=404, errors=[exc])
    session.commit()
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password", dependencies=[CsrfForm], openapi_extra=policy("user.update"))
def change_password(request: Request, session: SessionDep, actor: ActorDep, old_password: Annotated[str, Form()],
                    new_password: Annotated[str, Form()]) -> Response:
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    try:
        accounts.change_password(session, actor=actor, user=user,
                                 data=PasswordChange(old_password=old_password, new_password=new_password))
    except ValidationError as exc:
        return _account_page(request, session, user, status_code=422, errors=field_errors(exc))
    except DomainError as exc:
        return _account_page(request, session, user, status_code=422, errors=[exc])
    session.commit()
    request.session["pwd"] = user.password_changed_at.isoformat()
    return _account_page(request, session, user, message=PASSWORD_CHANGED)
