"""Consistent error bodies for the JSON API: {"error": {code, message, message_en, fields: [...]}}."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from yrdhub.accounts.policy import PermissionDenied
from yrdhub.web.i18n import split


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    zh, en = split(message)
    field_list = []
    for name, text in (fields or {}).items():
        fzh, fen = split(text)
        field_list.append({"field": name, "message": fzh, "message_en": fen})
    return {"error": {"code": code, "message": zh, "message_en": en, "fields": field_list}}


STATUS_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                422: "validation_error", 429: "too_many_requests"}
STATUS_MESSAGES = {401: "需要登录或有效的 API 令牌 / authentication required",
                   403: "没有权限执行此操作 / not allowed", 404: "未找到 / not found",
                   405: "不支持该方法 / method not allowed"}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(body(exc.code, exc.message, exc.fields), status_code=exc.status)


async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = {}
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        fields[loc or "request"] = f"输入无效 / {err.get('msg', 'invalid')}"
    return JSONResponse(body("validation_error", "请求参数有误 / invalid request", fields), status_code=422)


async def integrity_handler(request: Request, exc: Exception) -> JSONResponse:
    """A unique or foreign-key constraint refused the write (e.g. a duplicate code): the transaction is rolled
    back and the client is told, instead of a 500."""
    return JSONResponse(body("conflict", "与已有记录冲突（编号或代码重复，或引用的记录不存在），未写入任何数据 / "
                                         "conflicts with existing records (a duplicate number or code, or a missing "
                                         "referenced record); nothing was written"), status_code=409)


async def permission_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PermissionDenied)
    anonymous = exc.actor.user_id is None
    status = 401 if anonymous else 403
    return JSONResponse(body(STATUS_CODES[status], STATUS_MESSAGES[status]), status_code=status,
                        headers={"WWW-Authenticate": "Bearer"} if anonymous else None)


def http_error_body(status: int, detail: Any) -> dict[str, Any]:
    message = STATUS_MESSAGES.get(status) or (detail if isinstance(detail, str) else "请求失败 / request failed")
    return body(STATUS_CODES.get(status, "error"), message)


def is_http_exception(exc: Exception) -> bool:
    return isinstance(exc, StarletteHTTPException)
