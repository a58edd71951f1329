"""Translations and locale formatting, for every shell (pages, API, CLI, documents).

Messages are gettext catalogues kept with Babel (`locale/<zh_CN|en>/LC_MESSAGES/messages.po`; `make messages`
extracts and updates them). msgids are English; the zh_CN catalogue translates every one, and the en catalogue
holds them as they are (English wording can change there without touching code). Numbers and dates go through
Babel's locale formatting, and every moment is shown in Beijing time.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment
from markupsafe import escape

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
LOCALES: dict[str, str] = {"zh": "zh_CN", "en": "en"}
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
BEIJING = ZoneInfo("Asia/Shanghai")


class Msg(str):
    """A msgid passed as a parameter or a label: translated when shown (plain strings are shown as they are).
    `context` tells apart one English word with two Chinese renderings (pgettext)."""

    context: str | None = None

    def __new__(cls, message: str, context: str | None = None) -> Msg:
        obj = super().__new__(cls, message)
        obj.context = context
        return obj


def N_(message: str) -> Msg:
    """Mark a string for the catalogues where it is defined; it is translated where it is shown."""
    return Msg(message)


def NP_(context: str, message: str) -> Msg:
    """As N_, with a disambiguating context."""
    return Msg(message, context)


def lang_of(value: str | None) -> Lang:
    """"en", "en-GB", "en_US" → en; anything else → zh (the platform is Chinese first)."""
    return "en" if (value or "").lower().replace("_", "-").split("-")[0] == "en" else "zh"


def _mo_path(lang: Lang) -> Path:
    return LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _compile_if_stale(lang: Lang) -> Path | None:
    """The compiled catalogue, rebuilt from the .po when that is newer (a checkout without `make` still works)."""
    po, mo = _mo_path(lang).with_suffix(".po"), _mo_path(lang)
    if not po.exists():
        return mo if mo.exists() else None
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=LOCALES[lang])
        tmp = mo.with_suffix(".mo.partial")
        with tmp.open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        tmp.replace(mo)
    return mo


@lru_cache(maxsize=4)
def translations(lang: Lang) -> NullTranslations:
    mo = _compile_if_stale(lang)
    if mo is None:
        return NullTranslations()
    with mo.open("rb") as fh:
        return Translations(fh, domain=DOMAIN)


def gettext(lang: Lang, message: str) -> str:
    if not message:
        return message
    context = getattr(message, "context", None)
    if context:
        return str(translations(lang).pgettext(context, message))
    return str(translations(lang).gettext(message))


def pgettext(lang: Lang, context: str, message: str) -> str:
    return str(translations(lang).pgettext(context, message))


def ngettext(lang: Lang, singular: str, plural: str, n: int) -> str:
    return translations(lang).ngettext(singular, plural, n)


def locale(lang: Lang) -> Locale:
    return Locale.parse(LOCALES[lang])


def format_number(value: float | int | Decimal | None, lang: Lang, digits: int | None = None) -> str:
    """Grouped digits, never scientific notation; `digits` fixes the decimals (default: up to 3)."""
    if value is None:
        return "—"
    if isinstance(value, float) and value != value:
        return "—"
    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=LOCALES[lang])
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, format="#,##0.###", locale=LOCALES[lang])


def beijing(moment: datetime) -> datetime:
    """A moment in Beijing time (naive datetimes are UTC, as the database stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING)


def format_datetime(moment: datetime | None, lang: Lang, *, seconds: bool = False) -> str:
    """`2026-12-07 22:25` in Beijing time, in both languages (the form the users' documents use)."""
    if moment is None:
        return "—"
    return beijing(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_date(day: date | None, lang: Lang, form: Literal["iso", "long"] = "iso") -> str:
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = beijing(day).date()
    if form == "long":
        return _babel_date(day, format="long", locale=LOCALES[lang])
    return day.isoformat()


YES, NO = N_("yes"), N_("no")


def format_value(value: Any, lang: Lang) -> str:
    """A message parameter as the reader should see it."""
    if isinstance(value, Msg):
        return gettext(lang, value)
    if isinstance(value, bool):
        return gettext(lang, YES if value else NO)
    if isinstance(value, (int, float, Decimal)):
        return format_number(value, lang)
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ("、" if lang == "zh" else ", ").join(format_value(v, lang) for v in value)
    return str(value)



class _Params(string.Formatter):
    """Fills `{name}` from the params; a placeholder without a param stays visible instead of failing."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        return kwargs.get(key, "{" + str(key) + "}") if isinstance(key, str) else super().get_value(key, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> str:
        return format_value(value, self.lang) if not format_spec else format(value, format_spec)


def format_message(message: str, params: Mapping[str, Any], lang: Lang) -> str:
    """Translate a msgid and fill its placeholders with the params, formatted for the language."""
    return _Params(lang).vformat(gettext(lang, message), (), dict(params))


# --- templates: the same helpers for the pages and the documents ---------------------------------------------

def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def local(obj: Any, lang: Lang, field: str = "name", chinese: str | None = None) -> str:
    """A text of an object in the reader's language: `<field>_en` in English when it has one, else the Chinese
    (`chinese` names another Chinese field, e.g. a short name). Data, not UI text: proper names keep their form."""
    if obj is None:
        return "—"
    english = _field(obj, f"{field}_en")
    if lang == "en" and english:
        return str(english)
    value = _field(obj, chinese or field)
    return str(value if value is not None else _field(obj, field) or "")


def install(env: Environment, lang: Lang) -> Environment:
    """Give a Jinja environment (with `jinja2.ext.i18n`) the language's catalogue and the house's filters: `num`,
    `dt` (Beijing time), `day`, `name`, `short_name`, `local`, `msg`. The catalogues hold text, never markup: a
    translation is escaped like any other value ("R&D" → "R&amp;D")."""
    catalogue = translations(lang)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: escape(catalogue.gettext(message)),
        lambda singular, plural, n: escape(catalogue.ngettext(singular, plural, n)),
        pgettext=lambda context, message: escape(catalogue.pgettext(context, message)),
        newstyle=True)

    def num(value: Any, digits: int = 1) -> str:
        integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        return format_number(value, lang, None if integral else digits)

    env.filters.update({
        "num": num,
        "dt": lambda value: format_datetime(value, lang),
        "day": lambda value: format_date(value, lang) if isinstance(value, (date, datetime)) else value,
        "name": lambda obj: local(obj, lang),
        "short_name": lambda obj: local(obj, lang, chinese="short_name"),
        "local": lambda obj, field: local(obj, lang, field),
        "msg": lambda value: gettext(lang, value),
    })
    env.globals["lang"] = lang
    return env
