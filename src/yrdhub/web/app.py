"""The web application: pages and the JSON API over the same services."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from yrdhub import __version__
from yrdhub.config import Settings, get_settings
from yrdhub.db import make_engine, session_factory
from yrdhub.errors import DomainError
from yrdhub.web import errors
from yrdhub.web.api import accounts as api_accounts
from yrdhub.web.api import monitoring as api_monitoring
from yrdhub.web.api import organisations as api_orgs
from yrdhub.web.api import outputs as api_outputs
from yrdhub.web.api import programmes as api_programmes
from yrdhub.web.api import regions as api_regions
from yrdhub.web.api import resources as api_resources
from yrdhub.web.api import search as api_search
from yrdhub.web.pages import accounts as page_accounts
from yrdhub.web.pages import home as page_home
from yrdhub.web.pages import monitoring as page_monitoring
from yrdhub.web.pages import organisations as page_orgs
from yrdhub.web.pages import outputs as page_outputs
from yrdhub.web.pages import programmes as page_programmes
from yrdhub.web.pages import regions as page_regions
from yrdhub.web.pages import resources as page_resources
from yrdhub.web.pages import search as page_search
from yrdhub.web.security import BodyLimit, SecurityHeaders
from yrdhub.web.templating import render

STATIC = Path(__file__).parent / "static"
API_DESCRIPTION = """长三角科技创新共同体信息平台 JSON API。

读取接口对所有人开放；写入接口需要登录会话（并带 `X-CSRF-Token` 头）或 API 令牌（`Authorization: Bearer yrd_…`，
在"我的账户"页面创建）。每个写入操作由统一的授权策略判定并写入审计日志。列表接口支持 `format=csv|xlsx` 导出全部结果。

Reads are public; writes need a signed-in session (plus the `X-CSRF-Token` header) or an API token. Every write
is decided by one policy and audited. List endpoints export all matching rows with `format=csv|xlsx`.
Errors: `{"error": {"code", "message", "fields": [{"field", "code", "message"}]}}`, the message in the request's
language (`Accept-Language` or `?lang=en`); `code` is stable and documented in docs/api.md.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="yrdhub API", version=__version__, description=API_DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json")
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size,
                         max_overflow=settings.db_max_overflow, busy_timeout_s=settings.db_busy_timeout_s)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)  # writes (POST, PUT, PATCH, DELETE, background tasks)
    app.state.read_session_factory = session_factory(engine, write=False)  # everything else

    app.add_middleware(BodyLimit, max_bytes=(settings.max_upload_mb + 1) * 2**20)  # the file and its form
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="yrdhub_session",
                       max_age=settings.session_max_age_s, same_site="lax", https_only=settings.secure_cookies)
    _install_error_handlers(app)

    for router in (api_regions.router, api_orgs.router, api_accounts.router, api_monitoring.router,
                   api_programmes.router, api_outputs.router, api_resources.router, api_search.router):
        app.include_router(router, prefix="/api/v1")
    for router in (page_home.router, page_regions.router, page_orgs.router, page_accounts.router,
                   page_monitoring.router, page_programmes.router, page_outputs.router, page_resources.router,
                   page_search.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/v1/openapi.json", title="yrdhub API",
                                   swagger_js_url="/static/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui.css", swagger_favicon_url="")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


def _install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(errors.ApiError, _api_or_page(errors.api_error_handler))
    app.add_exception_handler(DomainError, _api_or_page(errors.domain_handler))
    app.add_exception_handler(RequestValidationError, _api_or_page(errors.validation_handler))
    app.add_exception_handler(IntegrityError, _api_or_page(errors.integrity_handler))
    app.add_exception_handler(StaleDataError, _api_or_page(errors.stale_handler))

    async def http_exception(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        body = errors.http_payload(errors.lang_of(request), exc.status_code)
        if errors.is_api(request):
            return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return _error_page(request, exc.status_code, body)

    app.add_exception_handler(StarletteHTTPException, http_exception)


Handler = Callable[[Request, Exception], Awaitable[Response]]


def _api_or_page(handler: Handler) -> Handler:
    """API paths get the JSON error; pages get the same error rendered (or a redirect to sign in)."""
    async def dispatch(request: Request, exc: Exception) -> Response:
        response = await handler(request, exc)
        if errors.is_api(request):
            return response
        if response.status_code == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error_page(request, response.status_code, json.loads(bytes(response.body)))

    return dispatch


def _error_page(request: Request, status: int, payload: dict[str, object]) -> Response:
    return render(request, "error.html", status_code=status, error=payload["error"], status=status)
