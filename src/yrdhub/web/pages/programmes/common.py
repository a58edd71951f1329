"""What the programme pages share: rendering, form values into schemas, refusals into what a page shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from yrdhub.errors import DomainError, FieldError, field_errors
from yrdhub.programmes.labels import PROVINCES
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.web.templating import render

M = TypeVar("M", bound=BaseModel)
FUND = re.compile(r"^fund__([^_]+)__(.+)$")
WORDS = re.compile(r"[\s,，;；、]+")


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    return render(request, name, status_code=status_code, **context)


def names(session: Session) -> dict[str, Any]:
    """The four jurisdictions' regions (names in both languages), by code."""
    return regions.provinces(session)


def build(schema: type[M], values: dict[str, Any]) -> M:
    """The schema from a form's values; its refusals as coded field errors (one Invalid)."""
    try:
        return schema(**values)
    except ValidationError as exc:
        raise _invalid(field_errors(exc)) from None


def _invalid(errors: list[FieldError]) -> DomainError:
    from yrdhub.errors import Invalid

    return Invalid(errors)


def problems(exc: DomainError) -> list[Any]:
    """What a form shows: each field's refusal, or the refusal itself."""
    return list(exc.field_errors) or [exc]


def text(form: FormData, key: str) -> str:
    return str(form.get(key, "")).strip()


def optional(form: FormData, key: str) -> str | None:
    return text(form, key) or None


def words(raw: str) -> list[str]:
    return [w for w in WORDS.split(raw) if w]


def funders(form: FormData) -> dict[str, dict[str, str]]:
    """Every `fund__<province>__<year>` field of the form (blank ones left out), as the schema takes them."""
    out: dict[str, dict[str, str]] = {}
    for key in form:
        match = FUND.match(key)
        value = text(form, key).replace(",", "")
        if match and value:
            out.setdefault(match[1], {})[match[2]] = value
    return out


def fund_entered(form: FormData) -> dict[str, str]:
    return {key: text(form, key) for key in form if FUND.match(key)}


def partners(session: Session, raw: str) -> list[int]:
    """Partner organisations by name, alias, USCC or id, one a line."""
    found, unknown = [], []
    for line in re.split(r"[\n,，]", raw):
        if line.strip():
            org = orgs.resolve(session, line.strip())
            if org is None:
                unknown.append(FieldError("partner_org_ids", "project.no_such_org", {"org": line.strip()}))
            else:
                found.append(org.id)
    if unknown:
        raise _invalid(unknown)
    return found


PROJECT_FIELDS = ("code", "title", "summary", "keywords", "discipline", "lead_org_id", "partners", "start_on", "end_on")


def project_form(session: Session, form: FormData, schema: type[M], fields: tuple[str, ...] = PROJECT_FIELDS
                 ) -> tuple[dict[str, Any], M]:
    """What was entered in an application (or a draft's edit) form, and its schema: every refusal of the form
    at once (unknown partners and the schema's rules)."""
    entered: dict[str, Any] = {k: text(form, k) for k in fields}
    entered.update(fund_entered(form))
    values: dict[str, Any] = {k: entered[k] for k in ("code", "title", "summary", "discipline", "lead_org_id")
                              if k in fields and entered[k] != ""}
    values.update({"keywords": words(entered["keywords"]), "funders": funders(form),
                   "start_on": entered["start_on"] or None, "end_on": entered["end_on"] or None})
    if "title" in fields:
        values.setdefault("title", "")
    errors: list[Any] = []
    try:
        values["partner_org_ids"] = partners(session, entered["partners"])
    except DomainError as exc:
        errors += problems(exc)
    try:
        data = build(schema, values)
    except DomainError as exc:
        errors += problems(exc)
    if errors:
        raise _invalid(errors)
    return entered, data


def years(first: int) -> list[int]:
    return list(range(first, first + 4))


def amount_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def provinces_ok(code: str) -> bool:
    return code in PROVINCES


Step = Callable[[], object]
