import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

EventName = Literal["survey.opened", "survey.closed", "survey.published", "survey.responses_reached",
                    "survey.responses_imported"]

URL_DESCRIPTION = ("Where to POST the events: https:// (or http://); the host's addresses must be public unless the "
                   "operator allows private ones")
SECRET_FIELD = Field(default=None, pattern=r"^whsec_[A-Za-z0-9+/]{32,88}={0,2}$",
                     description="The signing secret in the Standard Webhooks form `whsec_<base64 of 24 to 64 "
                     "bytes>`; left out, the service makes one (shown once, in the answer)")


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description=URL_DESCRIPTION, examples=["https://hr.example.nl/hooks"])
    events: list[EventName] = Field(min_length=1, description="The events this endpoint takes")
    description: str = Field(default="", max_length=200)
    secret: str | None = SECRET_FIELD


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(default=None, max_length=2000, description=URL_DESCRIPTION)  # type: ignore[assignment]
    events: list[EventName] = Field(default=None, min_length=1)  # type: ignore[arg-type]
    description: str = Field(default=None, max_length=200)  # type: ignore[assignment]
    enabled: bool = Field(default=None,  # type: ignore[assignment]
                          description="false: no new deliveries for it (those written before are still sent)")
    secret: str | None = SECRET_FIELD


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    events: list[str]
    description: str
    enabled: bool
    created_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="The signing secret, shown this once")


class Attempt(BaseModel):
    at: datetime
    status: int | None = Field(description="The endpoint's HTTP status; null when there was no answer")
    error: str | None
    ms: int = Field(description="How long the attempt took, milliseconds")


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="The `webhook-id` of every attempt")
    event_type: str
    created_at: datetime
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None
    last_status: int | None
    last_error: str | None
    attempt_log: list[Attempt]
    payload: dict[str, Any] = Field(description="The body that was (or will be) sent")


class TestQueued(BaseModel):
    delivery_id: uuid.UUID
