"""Jinja2 environment shared by all pages, with the helpers every template needs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from yrdhub.web.deps import csrf_token
from yrdhub.web.i18n import pick, t

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


templates.env.filters["num"] = _number
templates.env.filters["dt"] = _date


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    lang = request.state.lang
    actor = getattr(request.state, "actor", None)
    base = {
        "lang": lang,
        "t": lambda key: t(key, lang),
        "pick": lambda text: pick(text, lang),
        "csrf": csrf_token(request),
        "actor": actor,
        "path": request.url.path,
        "query": request.url.query,
        "other_lang": "en" if lang == "zh" else "zh",
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
