"""Who may see a document: reader tokens, derived from an Actor, matched against a document's grants.

A document carries grants (token, visible_from). A reader sees it when one of the reader's tokens has a grant
whose visible_from is empty or not after `now` — so an embargo ends by itself at query time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from yrdhub.accounts import access as read_rules
from yrdhub.accounts.actor import Actor
from yrdhub.search.types import AccessGrant

PUBLIC = "public"
REGISTERED = "registered"
OFFICE = "office"
_TOKEN = re.compile(r"^[a-z]+(:[A-Za-z0-9_.@-]+)?$")  # e.g. role:jurisdiction_admin@320000, user:7@expert


def org(org_id: int) -> str:
    return f"org:{org_id}"


def prov(code: str) -> str:
    return f"prov:{code}"


def user(user_id: int) -> str:
    return f"user:{user_id}"


def reader_tokens(actor: Actor) -> frozenset[str]:
    """anonymous → {public}; signed in → also registered, user:<id>, org:<id> and prov:<code> of each scoped
    grant, office for an office admin; and every token of `accounts.access.reader_tokens` (role:<role>[@<province>],
    user:<id>@<role>), which documents whose grants come from a model's ReadRule carry. An API token without the
    "read" scope reads as the public."""
    if actor.is_anonymous or (actor.token_scopes is not None and "read" not in actor.token_scopes):
        return frozenset({PUBLIC})
    tokens = {PUBLIC, REGISTERED}
    if actor.user_id is not None:
        tokens.add(user(actor.user_id))
    for grant in actor.grants:
        if grant.org_id is not None:
            tokens.add(org(grant.org_id))
        elif grant.province:
            tokens.add(prov(grant.province))
    if actor.has_role("office_admin"):
        tokens.add(OFFICE)
    return frozenset(tokens) | read_rules.reader_tokens(actor)


def normalise_grants(grants: Iterable[AccessGrant | str]) -> list[AccessGrant]:
    """Validate tokens and keep, per token, the earliest moment it becomes visible."""
    earliest: dict[str, AccessGrant] = {}
    for item in grants:
        grant = AccessGrant(item) if isinstance(item, str) else item
        if not _TOKEN.match(grant.token):
            raise ValueError(f"bad access token {grant.token!r} (expected e.g. public, org:12, prov:320000)")
        if grant.visible_from is not None and grant.visible_from.tzinfo is None:
            raise ValueError("visible_from must be timezone-aware")
        current = earliest.get(grant.token)
        if current is None or _before(grant.visible_from, current.visible_from):
            earliest[grant.token] = grant
    return list(earliest.values())


def _before(a: datetime | None, b: datetime | None) -> bool:
    return b is not None and (a is None or a < b)
