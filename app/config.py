"""Runtime configuration, read only from environment variables (and an optional `.env`)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_DIR / "data" / "culturegap.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1)
    public_base_url: str = Field(
        default="",
        description="Base URL used in links handed to respondents; empty means the request's own base URL",
    )
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    max_body_bytes: int = Field(default=2_000_000, ge=1024, description="Largest JSON request body accepted")
    max_upload_bytes: int = Field(default=50_000_000, ge=1024, description="Largest CSV upload accepted")
    idempotency_ttl_hours: int = Field(default=24, ge=1, le=24 * 30,
                                       description="How long the answer to a request with an Idempotency-Key is kept")
    import_max_rows: int = Field(default=1_000_000, ge=1, description="Most rows one CSV import of responses takes")
    log_level: str = "info"
    respond_rate_limit: int = Field(
        default=1200, ge=0,
        description="Requests to the respondent's token endpoints per client address and window; 0 turns the "
                    "rate limits off (load benchmarks)",
    )
    respond_failed_limit: int = Field(
        default=30, ge=1,
        description="Failed token lookups (unknown or used token) per client address and window",
    )
    respond_rate_window: int = Field(default=60, ge=1, le=86_400, description="Rate-limit window, seconds")


@lru_cache
def get_settings() -> Settings:
    return Settings()
