"""Who is acting: the authenticated user with their role grants, or the anonymous public."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Grant:
    role: str
    scope: str = ""  # "" | province code "320000" | "org:<id>"

    @property
    def province(self) -> str | None:
        return self.scope if self.scope and not self.scope.startswith("org:") else None

    @property
    def org_id(self) -> int | None:
        return int(self.scope[4:]) if self.scope.startswith("org:") else None


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = "anonymous"
    grants: tuple[Grant, ...] = ()
    # None for a browser session (the user's full rights); a set of scopes for an API token.
    token_scopes: frozenset[str] | None = None
    via: str = "anonymous"  # anonymous | session | token | cli | system
    token_id: int | None = None  # the API token acting, if any
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.via == "anonymous"

    def has_role(self, role: str) -> bool:
        return any(g.role == role for g in self.grants)

    def provinces(self, *roles: str) -> set[str]:
        return {g.province for g in self.grants if g.role in roles and g.province}

    def org_ids(self, *roles: str) -> set[int]:
        return {g.org_id for g in self.grants if g.role in roles and g.org_id is not None}


ANONYMOUS = Actor()
# The platform itself (data loading, migrations): audited under this name.
SYSTEM = Actor(user_id=None, username="system", grants=(Grant("office_admin"),), via="system")
