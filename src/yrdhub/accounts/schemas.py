"""Pydantic schemas for users and tokens."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from yrdhub.accounts.models import ROLE_SCOPE, ROLES
from yrdhub.errors import schema_error


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    role: str
    scope: str


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    email: str | None
    is_active: bool
    grants: list[GrantRead]


MIN_PASSWORD = 12
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
TOKEN_SCOPES = ("read", "write")


def _password(value: str) -> str:
    if len(value) < MIN_PASSWORD:
        raise schema_error("user.password_short", min_length=MIN_PASSWORD)
    return value


class UserCreate(BaseModel):
    """A new user — the one schema of the API and the CLI (every field rule here)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    display_name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=254)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not USERNAME.match(value):
            raise schema_error("user.username")
        return value

    _check_password = field_validator("password")(_password)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    old_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)

    _check_password = field_validator("new_password")(_password)


class GrantRequest(BaseModel):
    """A role and its scope (a province code for jurisdiction roles, org:<id> for organisation roles)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: str
    scope: str = ""

    @model_validator(mode="after")
    def _scope_fits_the_role(self) -> GrantRequest:
        if self.role not in ROLES:
            raise schema_error("role.unknown", role=self.role, roles=list(ROLES))
        kind = ROLE_SCOPE[self.role]
        if kind is None and self.scope:
            raise schema_error("role.no_scope", role=self.role)
        if kind == "province" and not re.fullmatch(r"3[1-4]0000", self.scope):
            raise schema_error("role.province_scope")
        if kind == "organisation" and not re.fullmatch(r"org:\d{1,10}", self.scope):
            raise schema_error("role.org_scope")
        return self


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=lambda: ["read"], min_length=1, max_length=2)
    days: int = Field(90, ge=1, le=366)

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str]) -> list[str]:
        if any(s not in TOKEN_SCOPES for s in value):
            raise schema_error("token.scopes", accepted=list(TOKEN_SCOPES))
        return sorted(set(value))


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="the secret; shown only in this response")
