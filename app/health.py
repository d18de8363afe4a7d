from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from app.db import READ_ONLY, get_engine
from app.errors import AppError, problem_responses
from app.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])


class Status(BaseModel):
    status: str


class NotReady(AppError):
    status_code, code, title = 503, "not-ready", "Not ready"


@router.get("/health", name="health")
async def health() -> Status:
    """The process is up. Answered on the event loop: a liveness probe must not wait for a worker thread."""
    return Status(status="ok")


@router.get("/ready", name="ready", responses=problem_responses(503))
def ready() -> Status:
    """The database is reachable and migrated to the version this code expects."""
    try:
        with get_engine().connect() as conn:
            conn.execution_options(**{READ_ONLY: True})  # on SQLite: not queued behind a writer
            conn.execute(text("SELECT 1"))
            revision = current_revision(conn)
    except Exception:  # any failure to reach the database means "not ready", never a 500
        raise NotReady("The database is unreachable.") from None
    if revision != head_revision():
        raise NotReady("The database is not migrated to the current version; run `culturegap migrate`.")
    return Status(status="ready")
