"""Jinja2 environments for the pages, one per language (gettext through `jinja2.ext.i18n`), with the helpers
every template needs: locale numbers and Beijing times, names in the reader's language, labels of values."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import escape
from starlette.responses import Response

from yrdhub import i18n
from yrdhub.errors import render as render_error
from yrdhub.i18n import Lang
from yrdhub.web.deps import csrf_token
from yrdhub.web.i18n import pick
from yrdhub.web.labels import TABLES

TEMPLATES = Path(__file__).parent / "templates"


def _name(obj: Any, lang: Lang, short: bool = False) -> str:
    """An object's name in the reader's language: `name_en` in English when it has one, else the Chinese."""
    if obj is None:
        return "—"
    english = getattr(obj, "name_en", "") if not isinstance(obj, dict) else obj.get("name_en", "")
    if lang == "en" and english:
        return str(english)
    field = "short_name" if short else "name"
    value = obj.get(field) if isinstance(obj, dict) else getattr(obj, field, None)
    return str(value if value is not None else (obj.get("name") if isinstance(obj, dict) else obj.name))


def _message(error: Any, lang: Lang) -> str:
    """A refusal shown in the page's language: a DomainError, a FieldError or a row error (code and params)."""
    if isinstance(error, str):
        return pick(error, lang)
    return render_error(error.code, getattr(error, "params", {}), lang)


def _integral(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def make_environment(lang: Lang) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]),
                      extensions=["jinja2.ext.i18n"], auto_reload=True)
    # The catalogues hold text, never markup: a translation is escaped like any other value ("R&D" → "R&amp;D").
    catalogue = i18n.translations(lang)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: escape(catalogue.gettext(message)),
        lambda singular, plural, n: escape(catalogue.ngettext(singular, plural, n)),
        pgettext=lambda context, message: escape(catalogue.pgettext(context, message)),
        newstyle=True)

    def label(table: str, value: Any) -> str:
        msgid = TABLES[table].get(str(value))
        return i18n.gettext(lang, msgid) if msgid is not None else str(value)

    def num(value: Any, digits: int = 1) -> str:
        return i18n.format_number(value, lang, None if _integral(value) else digits)

    env.filters.update({
        "num": num,
        "dt": lambda value: i18n.format_datetime(value, lang),
        "day": lambda value: i18n.format_date(value, lang) if isinstance(value, (date, datetime)) else value,
        "name": lambda obj: _name(obj, lang),
        "short_name": lambda obj: _name(obj, lang, short=True),
        "msg": lambda value: i18n.gettext(lang, value),
        "message": lambda error: _message(error, lang),
    })
    env.globals["pick"] = lambda text: pick(text, lang)  # legacy bilingual service messages
    env.globals.update({"label": label, "lang": lang})
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
