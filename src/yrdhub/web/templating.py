"""Jinja2 environments for the pages, one per language (gettext through `jinja2.ext.i18n`), with the helpers
every template needs: locale numbers and Beijing times, names in the reader's language, labels of values."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import Response

from yrdhub import i18n
from yrdhub.errors import render as render_error
from yrdhub.i18n import Lang
from yrdhub.web.deps import csrf_token
from yrdhub.web.labels import TABLES

TEMPLATES = Path(__file__).parent / "templates"


def _message(error: Any, lang: Lang) -> str:
    """A refusal shown in the page's language: a DomainError, a FieldError or a row error (code and params)."""
    return render_error(error.code, getattr(error, "params", {}), lang)


def make_environment(lang: Lang) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]),
                      extensions=["jinja2.ext.i18n"], auto_reload=True)
    i18n.install(env, lang)

    def label(table: str, value: Any) -> str:
        msgid = TABLES[table].get(str(value))
        return i18n.gettext(lang, msgid) if msgid is not None else str(value)

    env.filters["message"] = lambda error: _message(error, lang)
    env.globals["label"] = label
    return env


@lru_cache(maxsize=2)
def templates(lang: Lang) -> Jinja2Templates:
    return Jinja2Templates(env=make_environment(lang))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    lang: Lang = request.state.lang
    base = {
        "lang": lang,
        "csrf": csrf_token(request),
        "actor": getattr(request.state, "actor", None),
        "path": request.url.path,
        "query": request.url.query,
        "other_lang": "en" if lang == "zh" else "zh",
    }
    return templates(lang).TemplateResponse(request, name, {**base, **context}, status_code=status_code)
