"""Pydantic schemas for users and tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


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


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=12, max_length=200)
    display_name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=254)


class GrantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str
    scope: str = ""


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=lambda: ["read"])
    days: int = Field(90, ge=1, le=366)


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
