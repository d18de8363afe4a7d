"""Runtime configuration, read only from environment variables (and an optional `.env`)."""

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_DIR / "data" / "culturegap.db"


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask, which containers and `taskset` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


API_PREFIX = "/api/v1"
# The database engines (and drivers) this service runs on.
DATABASE_SCHEMES = ("sqlite", "postgresql+psycopg", "postgresql")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    host: str = Field(default="127.0.0.1", description="Address `culturegap serve` listens on (0.0.0.0: all)")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `culturegap serve` listens on")
    workers: int = Field(default_factory=cpu_count, ge=1,
                         description="Worker processes of `culturegap serve`; the CPUs this process may use")
    chromium_path: str = Field(default="", description="Chromium to print the board report (PDF) with; empty: "
                               "`chromium` on the PATH (Debian's package)")
    public_base_url: str = Field(
        default="",
        description="Base URL used in links handed to respondents; empty means the request's own base URL",
    )
    db_pool_size: int = Field(default=6, ge=1, description="Connections each worker keeps open for most routes, "
                              "and (PostgreSQL) as many more for the respondent's token routes and as many for "
                              "the rate counters")
    db_max_overflow: int = Field(default=4, ge=0, description="Connections a worker may open beyond the first pool "
                                 "in a burst, closed again when returned")
    db_pool_timeout: float = Field(default=30, gt=0, description="Seconds a request waits for a pooled connection "
                                   "before it gets 503 with Retry-After")
    max_body_bytes: int = Field(default=2_000_000, ge=1024, description="Largest JSON request body accepted")
    max_upload_bytes: int = Field(default=50_000_000, ge=1024, description="Largest CSV upload accepted")
    idempotency_ttl_hours: int = Field(default=24, ge=1, le=24 * 30,
                                       description="How long the answer to a request with an Idempotency-Key is kept")
    import_max_rows: int = Field(default=1_000_000, ge=1, description="Most rows one CSV import of responses takes")
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = Field(
        default="info", description="How much the server and the worker log")
    migrate_on_start: bool = Field(
        default=False, description="`culturegap serve` first migrates the database (replicas starting together wait "
        "for one another); otherwise it refuses a database that is not at this version")
    worker_interval: float = Field(
        default=0, ge=0, le=3600,
        description="Seconds between the rounds each server process runs itself, as `culturegap worker` does: open, "
        "remind and close waves at their times, send and retry the mail and webhook outboxes. 0: none (run "
        "`culturegap worker` beside the servers); `make run` and the Docker image set 30")
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

    # Signing people in (app.people, app.sessions, app.oidc, app.mail)
    secret_key: str = Field(
        default="", description="A long random secret, the same on every worker and host: the keys that encrypt "
        "single sign-on client secrets, mailed links and drafts, and that key the used invitations, are derived "
        "from it. Without it single sign-on and mailed invitations can't be used. Don't change it while a survey "
        "takes answers: its links are refused until it is restored")
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60,
                                      description="A signed-in session ends after this long without a request")
    session_max_hours: int = Field(default=12, ge=1, le=24 * 30,
                                   description="A signed-in session ends this long after sign-in, however active")
    cookie_secure: bool | None = Field(
        default=None, description="Mark the session cookie Secure (and name it __Host-); by default it is when "
        "PUBLIC_BASE_URL or the request is https")
    sign_in_link_minutes: int = Field(default=15, ge=1, le=60, description="How long an e-mailed link is valid")
    sign_in_email_limit: int = Field(default=5, ge=1, description="Sign-in link requests per e-mail address and "
                                     "window")
    sign_in_address_limit: int = Field(default=30, ge=1, description="Sign-in link requests per client address "
                                       "and window")
    sign_in_window_minutes: int = Field(default=15, ge=1, le=24 * 60, description="The sign-in rate-limit window")
    smtp_host: str = Field(default="", description="SMTP server for sign-in links; empty: no mail is sent")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of the SMTP server")
    smtp_security: Literal["starttls", "tls", "none"] = Field(default="starttls",
                               description="starttls (port 587), tls (implicit, port 465) or none (a local relay)")
    smtp_username: str = Field(default="", description="SMTP user name; empty: no authentication")
    smtp_password: str = Field(default="", description="SMTP password")
    smtp_timeout: float = Field(default=10, gt=0, description="Seconds to wait for the SMTP server")
    mail_from: str = Field(default="culturegap@localhost", description="The From address of sign-in mails")
    oidc_timeout: float = Field(default=10, gt=0, description="Seconds to wait for an identity provider")
    oidc_allow_http_loopback: bool = Field(
        default=False, description="Accept an identity provider at plain http on this machine's loopback (tests and "
        "local trials only); otherwise an issuer must be https")

    webhook_timeout: float = Field(default=10, gt=0, le=60, description="Seconds a webhook endpoint has to answer "
                                   "an attempt")
    webhook_allow_private_addresses: bool = Field(
        default=False, description="Let webhooks call private, loopback and link-local addresses (an endpoint on "
        "the same network, tests); otherwise every address of an endpoint's host must be public")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            scheme = make_url(value).drivername
        except ArgumentError:
            raise ValueError("not a database URL") from None
        if scheme not in DATABASE_SCHEMES:
            raise ValueError(f"the engine {scheme!r} is not supported")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value):
            raise ValueError("not an http(s) URL")
        return value


@lru_cache
def get_settings() -> Settings:
    # SECRETS_DIR: a folder of files named after settings (`secret_key`), as Docker and Kubernetes mount secrets;
    # the environment and .env come first. `make run` keeps the key it makes there (`culturegap local-secret-key`).
    return Settings(_secrets_dir=os.environ.get("SECRETS_DIR") or None)
