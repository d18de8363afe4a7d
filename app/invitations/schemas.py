import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from app.text import Moment

MAX_TOKENS_PER_REQUEST = 10_000


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "unit_id": "5d0c3c2e-8b1f-4b53-9a57-0f3f5a8d2c11", "layer_id": "9f8e7d6c-5b4a-4f3e-8d2c-1b0a9f8e7d6c",
        "count": 120, "expires_at": "2027-04-01T00:00:00Z"}]})

    unit_id: uuid.UUID = Field(description="A unit of the organisation that is not archived")
    layer_id: uuid.UUID = Field(description="One of the organisation's leadership layers")
    count: StrictInt = Field(ge=1, le=MAX_TOKENS_PER_REQUEST, description="How many tokens to issue")
    expires_at: Moment | None = Field(default=None, description="The tokens stop working at this moment "
                                                                       "(in the future); none: when the survey closes")


class InvitationLink(BaseModel):
    token: str = Field(description="The secret; shown only now, stored only as a hash")
    url: str = Field(description="The respondent's link: the web form, with the token in the URL fragment")


class InvitationBatch(BaseModel):
    unit_id: uuid.UUID
    layer_id: uuid.UUID
    count: int
    expires_at: datetime | None
    invitations: list[InvitationLink]


class InvitationImportResult(BaseModel):
    count: int = Field(description="Tokens issued in all")
    batches: list[InvitationBatch] = Field(description="One per line of the file, in file order")


class RateGroup(BaseModel):
    unit_id: uuid.UUID
    unit_path: list[str]
    layer_id: uuid.UUID
    layer_key: str
    issued: int
    submitted: int
    rate: float = Field(description="submitted / issued")


class InvitationSummary(BaseModel):
    """Response rates. Counts only: which token answered what is not stored anywhere."""

    survey_id: uuid.UUID
    issued: int
    submitted: int
    rate: float | None = Field(description="submitted / issued; null before any token is issued")
    groups: list[RateGroup] = Field(description="Per unit and layer, by unit path and layer rank")


class MailedInvitations(BaseModel):
    mailed: int = Field(description="Invitations issued and mailed, one per line of the file")


class CheckedLine(BaseModel):
    line: int = Field(description="The line's number in the file (the row Excel shows, for a workbook)")
    email: str = Field(description="The address as it will be mailed (trimmed, domain in lower case)")
    unit_id: uuid.UUID
    unit_path: list[str] = Field(description="The unit's path from the top of the tree")
    layer_key: str
    language: str = Field(description="The language of the mail and the form")


class CheckedInvitations(BaseModel):
    """An invitation list checked as `mail_invitations` would check it, with nothing stored or mailed."""

    count: int = Field(description="The invitations the file would mail, one per line")
    lines: list[CheckedLine]


class SentReminders(BaseModel):
    reminded: int = Field(description="Reminders mailed: to every mailed invitation that is unused and unexpired, "
                                      "except those reminded in the last 20 hours")


class MailDelivery(BaseModel):
    """The mailed invitations of a survey while it is open (the addresses are deleted when it closes), by the
    state of each one's latest mail. No address is shown, and nothing about answers."""

    addresses: int = Field(description="Invitations mailed to an address")
    sent: int = Field(description="Their latest mail was accepted by the mail server")
    waiting: int = Field(description="Their latest mail is waiting to be sent (or to be tried again)")
    failed: int = Field(description="Their latest mail could not be delivered after several tries")
