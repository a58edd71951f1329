"""Who may see a document: the reader's tokens (`accounts.access.reader_tokens`, the vocabulary of every read
rule) matched against a document's grants, which come from the same rules (`ReadRule.grants`).

A document carries grants (token, visible_from). A reader sees it when one of the reader's tokens has a grant
whose visible_from is empty or not after `now` — so an embargo ends by itself at query time. Tokens: `public`,
`registered`, `user:<id>`, `user:<id>@<role>`, `role:<role>`, `role:<role>@<province>`, `org:<id>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from yrdhub.accounts.access import PUBLIC, REGISTERED, org_token, reader_tokens, role_token, user_token
from yrdhub.search.types import AccessGrant

OFFICE = role_token("office_admin")  # the joint office (role:office_admin)
_TOKEN = re.compile(r"^[a-z]+(:[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+)?)?$")

__all__ = ["OFFICE", "PUBLIC", "REGISTERED", "normalise_grants", "org", "reader_tokens", "role", "user"]


def org(org_id: int) -> str:
    return org_token(org_id)


def user(user_id: int, role: str | None = None) -> str:
    return user_token(user_id, role)


def role(name: str, province: str | None = None) -> str:
    return role_token(name, province)


def normalise_grants(grants: Iterable[AccessGrant | str]) -> list[AccessGrant]:
    """Validate tokens and keep, per token, the earliest moment it becomes visible."""
    earliest: dict[str, AccessGrant] = {}
    for item in grants:
        grant = AccessGrant(item) if isinstance(item, str) else item
        if not _TOKEN.match(grant.token):
            raise ValueError(f"bad access token {grant.token!r} (expected e.g. public, org:12, "
                             "role:jurisdiction_admin@320000)")
        if grant.visible_from is not None and grant.visible_from.tzinfo is None:
            raise ValueError("visible_from must be timezone-aware")
        current = earliest.get(grant.token)
        if current is None or _before(grant.visible_from, current.visible_from):
            earliest[grant.token] = grant
    return list(earliest.values())


def _before(a: datetime | None, b: datetime | None) -> bool:
    return b is not None and (a is None or a < b)
