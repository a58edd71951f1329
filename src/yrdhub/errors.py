"""Refusals as codes. Every module raises `DomainError(code, **params)`; the shells render it in the reader's
language from the catalogues (`yrdhub.i18n`), and tests assert the code, never the prose.

A module declares its codes once, with the English message that is their catalogue msgid, in its own
`errors.py` (`register({...})`), imported by the module's `__init__` so that a code is known wherever it can be
raised. `DomainError` is not a `ValueError`: a programming error is never mistaken for a bad row or an empty
result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from pydantic_core import PydanticCustomError

from yrdhub.i18n import N_, Lang, format_message

_MESSAGES: dict[str, str] = {}


def register(messages: Mapping[str, str]) -> None:
    """Declare codes and their English messages (`{name}` placeholders take the error's params)."""
    for code, message in messages.items():
        if _MESSAGES.get(code, message) != message:
            raise RuntimeError(f"error code {code!r} registered twice with different messages")
        _MESSAGES[code] = message


def message_of(code: str) -> str | None:
    """The English message (catalogue msgid) of a code; None for an unknown code."""
    return _MESSAGES.get(code)


def codes() -> dict[str, str]:
    return dict(_MESSAGES)


def render(code: str, params: Mapping[str, Any], lang: Lang) -> str:
    """The message of a code in a language (the code itself when unknown: a test fails on that)."""
    message = message_of(code)
    return format_message(message, params, lang) if message is not None else code


@dataclass(frozen=True)
class FieldError:
    """One field's refusal: the field (a form input, an API body path, an import column), a code, its params."""

    field: str
    code: str
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)


class DomainError(Exception):
    """A request the rules refuse (422 in the API unless a subclass says otherwise)."""

    def __init__(self, code: str, /, *, field: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params: dict[str, Any] = params

    @property
    def field_errors(self) -> list[FieldError]:
        return [FieldError(self.field, self.code, self.params)] if self.field else []

    def __str__(self) -> str:  # logs and tracebacks: the code and its params, never prose
        return f"{self.code} {self.params}" if self.params else self.code


class Invalid(DomainError):
    """Several fields refused at once (a form or a row with more than one problem)."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("invalid", count=len(errors))
        self.errors = list(errors)

    @property
    def field_errors(self) -> list[FieldError]:
        return self.errors

    def __str__(self) -> str:
        return "invalid: " + "; ".join(f"{e.field}: {e.code}" for e in self.errors)


class NotFound(DomainError):
    """The object does not exist, or the reader may not know that it does (404)."""


class Conflict(DomainError):
    """The object's state does not allow the request now, or another write came first (409)."""


class TooLarge(DomainError):
    """An upload beyond a limit, refused before it is parsed (413)."""


register({
    "invalid": N_("The input has problems; nothing was saved."),
    "not_found": N_("Not found."),
    "state_changed": N_("Someone else changed this record at the same time; reload it and try again."),
    "duplicate": N_("This conflicts with an existing record (a duplicate code or number); nothing was written."),
    "db.empty": N_("The database has no tables yet. Run “yrdhub db upgrade” first."),
    "db.behind": N_("The database schema is at revision {current}; this version needs {head}. Run "
                    "“yrdhub db upgrade” first."),
})


# --- input validation (Pydantic) as codes: the same rule gives the same code through a form, the API or an import

_PYDANTIC: dict[str, tuple[str, tuple[str, ...]]] = {  # pydantic error type -> (code, params kept from its ctx)
    "missing": ("validation.required", ()),
    "string_too_short": ("validation.too_short", ("min_length",)),
    "string_too_long": ("validation.too_long", ("max_length",)),
    "too_short": ("validation.too_few", ("min_length",)),
    "too_long": ("validation.too_many", ("max_length",)),
    "greater_than_equal": ("validation.min", ("ge",)),
    "greater_than": ("validation.above", ("gt",)),
    "less_than_equal": ("validation.max", ("le",)),
    "less_than": ("validation.below", ("lt",)),
    "int_parsing": ("validation.integer", ()),
    "int_type": ("validation.integer", ()),
    "int_from_float": ("validation.integer", ()),
    "float_parsing": ("validation.number", ()),
    "float_type": ("validation.number", ()),
    "decimal_parsing": ("validation.number", ()),
    "decimal_type": ("validation.number", ()),
    "decimal_max_places": ("validation.decimal_places", ("decimal_places",)),
    "finite_number": ("validation.number", ()),
    "date_parsing": ("validation.date", ()),
    "date_from_datetime_parsing": ("validation.date", ()),
    "date_type": ("validation.date", ()),
    "datetime_parsing": ("validation.datetime", ()),
    "datetime_from_date_parsing": ("validation.datetime", ()),
    "datetime_type": ("validation.datetime", ()),
    "bool_parsing": ("validation.boolean", ()),
    "bool_type": ("validation.boolean", ()),
    "string_pattern_mismatch": ("validation.pattern", ()),
    "string_type": ("validation.text", ()),
    "literal_error": ("validation.choice", ("expected",)),
    "enum": ("validation.choice", ("expected",)),
    "extra_forbidden": ("validation.unknown_field", ()),
    "list_type": ("validation.list", ()),
    "dict_type": ("validation.object", ()),
    "model_type": ("validation.object", ()),
    "json_invalid": ("validation.json", ()),
}

register({
    "validation.required": N_("This field is required."),
    "validation.too_short": N_("Enter at least {min_length} characters."),
    "validation.too_long": N_("Enter at most {max_length} characters."),
    "validation.too_few": N_("Give at least {min_length} entries."),
    "validation.too_many": N_("Give at most {max_length} entries."),
    "validation.min": N_("Enter a value of at least {ge}."),
    "validation.above": N_("Enter a value above {gt}."),
    "validation.max": N_("Enter a value of at most {le}."),
    "validation.below": N_("Enter a value below {lt}."),
    "validation.integer": N_("Enter a whole number."),
    "validation.number": N_("Enter a number."),
    "validation.decimal_places": N_("Enter at most {decimal_places} decimal places."),
    "validation.date": N_("Enter a date such as 2026-03-01."),
    "validation.datetime": N_("Enter a date and time such as 2026-03-01 09:00."),
    "validation.boolean": N_("Enter yes or no."),
    "validation.pattern": N_("This value does not have the expected form."),
    "validation.text": N_("Enter text."),
    "validation.choice": N_("Choose one of: {expected}."),
    "validation.unknown_field": N_("This field is not accepted here."),
    "validation.list": N_("Give a list."),
    "validation.object": N_("Give an object."),
    "validation.json": N_("This is not valid JSON."),
    "validation.invalid": N_("This value is not valid."),
})


def schema_error(code: str, **params: Any) -> PydanticCustomError:
    """A schema rule's refusal (raise it inside a Pydantic validator): its type is the registered code, so the
    same code comes out of a form, the API and an import."""
    return PydanticCustomError(code, message_of(code) or code, params)


def field_errors(exc: Any, *, skip: tuple[str, ...] = ("body", "query", "path", "form")) -> list[FieldError]:
    """A Pydantic ValidationError (or FastAPI's RequestValidationError) as coded field errors. A schema's own
    rule raises `PydanticCustomError(code, message, params)` with a registered code, which is kept as it is."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in skip) or "request"
        kind = str(err.get("type", ""))
        ctx = dict(err.get("ctx") or {})
        if message_of(kind) is not None:
            out.append(FieldError(loc, kind, {k: v for k, v in ctx.items() if k != "error"}))
            continue
        if kind == "value_error" and isinstance(ctx.get("error"), DomainError):
            inner: DomainError = ctx["error"]
            out.append(FieldError(loc, inner.code, inner.params))
            continue
        code, keep = _PYDANTIC.get(kind, ("validation.invalid", ()))
        out.append(FieldError(loc, code, {k: _plain(ctx[k]) for k in keep if k in ctx}))
    return out


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, float, str)) else str(value)
