"""One typed Settings object, read from the environment (prefix YRDHUB_). Nothing else in yrdhub reads
os.environ: a setting is a field here, read through get_settings()."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret-do-not-use-in-production"


class Settings(BaseSettings):
    # An empty variable counts as unset (YRDHUB_DUCKDB_THREADS= means the default, as it always has).
    model_config = SettingsConfigDict(env_prefix="YRDHUB_", env_file=".env", extra="ignore", env_ignore_empty=True)

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
    # The platform's CSTR registry prefix (科技资源标识, GB/T 32843), once assigned: instruments then show their
    # identifiers "CSTR:<prefix>.14.<code>". Empty: none is shown.
    cstr_prefix: str = Field(default="", pattern=r"^(\d{5})?$")
    # Largest file accepted for upload (report files, import files, templates), in MB.
    max_upload_mb: int = Field(default=50, ge=1, le=1024)
    # Most rows accepted in one import file.
    max_import_rows: int = Field(default=200_000, ge=1)
    # Database connections: the web server runs sync handlers on up to 40 threads.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=50, ge=0)
    db_busy_timeout_s: float = Field(default=30, gt=0)
    # Argon2id password hashing: "standard" (argon2-cffi's recommended cost) or, for the test suite alone,
    # "test-only-cheap" (refused in production).
    password_hash: Literal["standard", "test-only-cheap"] = "standard"

    # analytics (yrdhub.analytics): the engine of the one pipeline, its workspace and the engines' resources
    analytics_engine: Literal["duckdb", "spark"] = "duckdb"
    analytics_dir: Path = Path("var/analytics")  # the workspace of ingested records (Parquet)
    analytics_ingest_workers: int = Field(default=1, ge=1)  # files read at a time, in worker processes
    duckdb_memory_limit: str = "3GB"  # DuckDB spills to duckdb_temp_dir beyond it; a 10 M-record run stays < 4 GiB
    duckdb_threads: int | None = Field(default=None, ge=1)  # None: all cores
    duckdb_temp_dir: Path | None = None  # None: <system temp dir>/yrdhub-duckdb (never the current directory)
    spark_master: str = "local[2]"  # bound to 127.0.0.1 with the UI off; a cluster URL in production
    spark_partitions: int = Field(default=8, ge=1)  # spark.sql.shuffle.partitions
    spark_driver_memory: str = "2g"

    @field_validator("analytics_engine", mode="before")
    @classmethod
    def _engine_in_lower_case(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        # Plain English: settings are read before any reader's language is known.
        if self.environment != "production":
            return self
        if self.password_hash == "test-only-cheap":
            raise ValueError("YRDHUB_PASSWORD_HASH=test-only-cheap is for the test suite and refused in production")
        if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
            raise ValueError("YRDHUB_SECRET_KEY must be set to a random value of at least 32 characters in production")
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
