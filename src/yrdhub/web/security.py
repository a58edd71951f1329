"""Security headers and the language of each request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yrdhub.errors import TooLarge
from yrdhub.i18n import Lang, lang_of
from yrdhub.web.errors import payload

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


class SecurityHeaders(BaseHTTPMiddleware):
    def __init__(self, app: object, hsts: bool) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.hsts = hsts

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if _has_nul(request):  # PostgreSQL text cannot hold NUL; no legitimate request carries one
            return JSONResponse(payload(request_lang(request), "nul_character"), status_code=400)
        request.state.lang = request_lang(request)
        response = await call_next(request)
        headers = response.headers
        if not request.url.path.startswith(("/api/docs", "/api/redoc")):
            headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if self.hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "lang" in request.query_params and request.query_params["lang"] in ("zh", "en"):
            response.set_cookie("lang", request.query_params["lang"], max_age=365 * 86400, samesite="lax")
        return response


def request_lang(request: Request) -> Lang:
    """zh-CN first: pages are English only when asked for (`?lang=en`, remembered in a cookie), whatever the
    browser's default; an API client may also ask with Accept-Language."""
    asked = request.query_params.get("lang") or request.cookies.get("lang")
    if asked is None and request.url.path.startswith("/api/"):
        asked = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
    return lang_of(asked)


def _has_nul(request: Request) -> bool:
    raw = request.scope.get("raw_path", b"") + b"?" + request.scope.get("query_string", b"")
    return b"%00" in raw or b"\x00" in raw or "\x00" in request.url.path


class BodyLimit:
    """Refuses a request body beyond the upload limit before anything reads it: by its Content-Length at once,
    and a body sent without one as soon as it grows past the limit (an upload is never parsed beyond it)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            request = Request(scope)
            response = JSONResponse(payload(request_lang(request), "too_large"), status_code=413)
            await response(scope, receive, send)
            return
        seen, exceeded, answered = 0, False, False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise TooLarge("too_large")  # stops the parser, whatever answer it then makes is replaced
            return message

        async def replying(message: Message) -> None:
            nonlocal answered
            if not exceeded:
                await send(message)
            elif not answered:
                answered = True
                response = JSONResponse(payload(request_lang(Request(scope)), "too_large"), status_code=413)
                await response(scope, receive, send)

        await self.app(scope, counted, replying)
