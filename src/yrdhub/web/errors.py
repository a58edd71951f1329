"""Error bodies for the API and the pages, rendered from codes in the request's language:
`{"error": {"code", "message", "fields": [{"field", "code", "message"}]}}`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from yrdhub import errors
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import Conflict, DomainError, FieldError, NotFound, TooLarge
from yrdhub.i18n import N_, Lang

STATUS_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                422: "validation_error", 429: "too_many_requests"}
errors.register({
    "bad_request": N_("The request cannot be read."),
    "unauthenticated": N_("Sign in, or give a valid API token."),
    "forbidden": N_("You are not allowed to do this."),
    "method_not_allowed": N_("This method is not supported here."),
    "conflict": N_("The request conflicts with the record's current state."),
    "too_large": N_("The request is too large."),
    "unsupported_media_type": N_("This kind of content is not accepted here."),
    "validation_error": N_("The request has invalid values; nothing was saved."),
    "too_many_requests": N_("Too many requests; try again later."),
    "error": N_("The request failed."),
    "csrf": N_("The form expired; reload the page and try again."),
    "csrf_header": N_("The X-CSRF-Token header is missing or wrong."),
    "invalid_token": N_("The API token is invalid, expired or revoked."),
    "nul_character": N_("The request contains a NUL character."),
})


class ApiError(Exception):
    """A refusal decided in the web shell itself (a missing token, a bad CSRF header), with its HTTP status."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.params = status, code, params


def lang_of(request: Request) -> Lang:
    lang: Lang | None = getattr(request.state, "lang", None)
    return lang or "zh"


def field_payload(lang: Lang, fields: Iterable[FieldError]) -> list[dict[str, str]]:
    return [{"field": f.field, "code": f.code, "message": errors.render(f.code, f.params, lang)} for f in fields]


def payload(lang: Lang, code: str, params: Mapping[str, Any] | None = None,
            fields: Iterable[FieldError] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": errors.render(code, params or {}, lang),
                      "fields": field_payload(lang, fields)}}


def status_of(exc: DomainError) -> int:
    if isinstance(exc, PermissionDenied):
        return 401 if exc.actor.user_id is None else 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, TooLarge):
        return 413
    return 422


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(payload(lang_of(request), exc.code, exc.params), status_code=exc.status)


async def domain_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = status_of(exc)
    code = exc.code
    if isinstance(exc, PermissionDenied):
        code = STATUS_CODES[status]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(payload(lang_of(request), code, exc.params, exc.field_errors), status_code=status,
                        headers=headers)


async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(payload(lang_of(request), "validation_error", {}, errors.field_errors(exc)),
                        status_code=422)


async def stale_handler(request: Request, exc: Exception) -> JSONResponse:
    """Another write to the same row came first (its version changed under us): the write is refused."""
    return JSONResponse(payload(lang_of(request), "state_changed"), status_code=409)


async def integrity_handler(request: Request, exc: Exception) -> JSONResponse:
    """A unique or foreign-key constraint refused the write: the transaction is rolled back, the client told."""
    return JSONResponse(payload(lang_of(request), "duplicate"), status_code=409)




def http_payload(lang: Lang, status: int) -> dict[str, Any]:
    return payload(lang, STATUS_CODES.get(status, "error"))


def is_http_exception(exc: Exception) -> bool:
    return isinstance(exc, StarletteHTTPException)


__all__ = ["ApiError", "Conflict", "DomainError", "NotFound", "payload"]
