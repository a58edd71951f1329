"""One typed Settings object, read from the environment (prefix YRDHUB_)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YRDHUB_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default="sqlite:///./var/yrdhub.db")
    secret_key: str = DEV_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    # Session cookies are marked Secure unless explicitly running plain-HTTP development.
    cookie_secure: bool | None = None
    session_max_age_s: int = 8 * 3600
    login_max_failures: int = 5
    login_lockout_s: int = 15 * 60
    token_default_days: int = 90
    default_lang: Literal["zh", "en"] = "zh"
    # Largest file accepted for upload (report files, import files, templates), in MB.
    max_upload_mb: int = Field(default=50, ge=1, le=1024)
    # Most rows accepted in one import file.
    max_import_rows: int = Field(default=200_000, ge=1)
    # Database connections: the web server runs sync handlers on up to 40 threads.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=50, ge=0)
    db_busy_timeout_s: float = Field(default=30, gt=0)

    @model_validator(mode="after")
    def _refuse_unsafe_secret(self) -> Settings:
        if self.environment == "production" and os.environ.get("YRDHUB_PASSWORD_HASH") == "test-only-cheap":
            raise ValueError("生产环境不得使用测试用的弱密码哈希 / "
                             "the test-only password hash is refused in production")
        if self.environment == "production" and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ValueError(
                "YRDHUB_SECRET_KEY 必须设置为至少 32 个字符的随机值 / "
                "YRDHUB_SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        return self

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or ":memory:" in self.database_url:
            return None
        return Path(self.database_url.split("///", 1)[1])


@lru_cache
def get_settings() -> Settings:
    return Settings()
