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
    max_body_bytes: int = Field(default=2_000_000, ge=1024, description="Largest JSON request body accepted")
    max_upload_bytes: int = Field(default=50_000_000, ge=1024, description="Largest CSV upload accepted")
    log_level: str = "info"
    access_log: bool = Field(default=True, description="Log a line per request (uvicorn's access log)")
    keep_alive_seconds: int = Field(
        default=75, ge=1, description="How long an idle client connection stays open; above a load balancer's idle "
        "timeout (often 60 s), so the balancer never reuses a connection the server is closing")


@lru_cache
def get_settings() -> Settings:
    return Settings()
