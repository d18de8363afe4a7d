"""Runtime configuration, read only from environment variables (and an optional `.env`)."""

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_DIR / "data" / "culturegap.db"


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask, which containers and `taskset` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default_factory=cpu_count, ge=1,
                         description="Worker processes of `culturegap serve`; the CPUs this process may use")
    public_base_url: str = Field(
        default="",
        description="Base URL used in links handed to respondents; empty means the request's own base URL",
    )
    db_pool_size: int = Field(default=6, ge=1, description="Connections each worker keeps open for most routes, "
                              "and (PostgreSQL) as many more for the respondent's token routes, which a worker "
                              "runs that many at a time")
    db_max_overflow: int = Field(default=4, ge=0, description="Connections a worker may open beyond the first pool "
                                 "in a burst, closed again when returned")
    db_pool_timeout: float = Field(default=30, gt=0, description="Seconds a request waits for a pooled connection "
                                   "before it gets 503 with Retry-After")
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
    access_log: bool = Field(default=True, description="Log a line per request (uvicorn's access log)")
    keep_alive_seconds: int = Field(
        default=75, ge=1, description="How long an idle client connection stays open; above a load balancer's idle "
        "timeout (often 60 s), so the balancer never reuses a connection the server is closing")


@lru_cache
def get_settings() -> Settings:
    return Settings()
