import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.audit.actions import AuditAction, ObjectType
from app.text import Moment


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: list[AuditAction] | None = Field(default=None, description="Only these actions (repeat the parameter)")
    object_type: ObjectType | None = Field(default=None, description="Only events about this kind of object")
    object_id: uuid.UUID | None = Field(default=None, description="Only events about this object")
    actor_key_id: uuid.UUID | None = Field(default=None, description="Only events caused by this key or person")
    since: Moment | None = Field(default=None, description="Events at or after this time")
    until: Moment | None = Field(default=None, description="Events before this time")
    limit: int = Field(default=100, ge=1, le=500, description="Events per page")
    cursor: str | None = Field(default=None, pattern=r"^[0-9]{1,18}$",
                               description="`next_cursor` of the previous page, for the next (older) events")


class PlatformAuditQuery(AuditQuery):
    organisation_id: uuid.UUID | None = Field(default=None, description="Only this organisation's events (and its "
                                                                        "deletion, which outlives them)")


class AuditActor(BaseModel):
    kind: str = Field(default="key", description="`key` (an API key), `person` (a signed-in person) or `none` "
                                                 "(nobody was signed in: a failed sign-in, or `culturegap worker` "
                                                 "acting on a survey's schedule)")
    key_id: uuid.UUID | None = Field(description="The key's or the person's id; null when nobody was signed in")
    key_name: str = Field(description="The key's or the person's name when they acted")


class AuditEventRead(BaseModel):
    id: int = Field(description="Grows with every event")
    occurred_at: datetime
    organisation_id: uuid.UUID | None = Field(description="Null for an organisation's deletion, which outlives it")
    actor: AuditActor
    action: AuditAction
    object_type: ObjectType
    object_id: uuid.UUID
    details: dict[str, Any] | None = Field(description="Counts, ids, roles, statuses or the names of changed "
                                                       "fields; never the values themselves")


class AuditPage(BaseModel):
    events: list[AuditEventRead] = Field(description="Newest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
