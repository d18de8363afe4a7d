import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

from app.questionnaires.schemas import MAX_LANGUAGES, Lang
from app.surveys.models import SurveyStatus
from app.text import Moment, ShortText, not_null_in_schema

MIN_GROUP_SIZE = 3
MAX_GROUP_SIZE = 1000
MAX_REMINDERS = 10
ReminderDay = Annotated[StrictInt, Field(ge=1, le=365)]
_REMINDER_DAYS = ("Days after the survey begins to accept responses (its opening, or a later `opens_at`) on which "
                  "`culturegap worker` mails a reminder to every mailed invitation not used yet, e.g. `[3, 7]`; "
                  "at most 10, each 1-365, no repeats. Changeable while open: days already past are not sent")


def _distinct(days: list[int] | None) -> list[int] | None:
    if days is not None and len(set(days)) != len(days):
        raise ValueError("reminder days must not repeat")
    return days


class SurveyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "Cultuurmeting voorjaar 2027", "questionnaire_id": "0b7c5c1e-59a4-5f6e-9d0a-3c2b1a0f9e8d",
        "languages": ["nl", "en"], "ask_desired": True, "min_group_size": 5,
        "opens_at": "2027-03-01T08:00:00Z", "closes_at": "2027-03-22T17:00:00Z", "reminder_days": [3, 7]}]})

    title: ShortText
    questionnaire_id: uuid.UUID = Field(description="A built-in questionnaire or one of the organisation's own")
    languages: list[Lang] | None = Field(default=None, min_length=1, max_length=MAX_LANGUAGES,
                                         description="Offered to respondents, first is the default; a subset of "
                                                     "the questionnaire's languages (all of them when left out)")
    ask_desired: StrictBool = Field(default=False, description="Also ask every item in the \"how it should be\" "
                                                               "frame, next to \"how it is now\"")
    min_group_size: StrictInt = Field(default=5, ge=MIN_GROUP_SIZE, le=MAX_GROUP_SIZE,
                                      description="Reports never show a group with fewer respondents (at least 3)")
    opens_at: Moment | None = Field(default=None, description="Responses accepted from (when open). A draft "
                                    "with `opens_at` opens itself then (`culturegap worker`)")
    closes_at: Moment | None = Field(default=None, description="Responses accepted until (exclusive); "
                                                                      "after `opens_at`")
    reminder_days: list[ReminderDay] = Field(default_factory=list, max_length=MAX_REMINDERS,
                                             description=_REMINDER_DAYS)

    _distinct_days = field_validator("reminder_days")(_distinct)


NOT_NULL = ("title", "questionnaire_id", "languages", "ask_desired", "min_group_size", "reminder_days")


class SurveyUpdate(BaseModel):
    """Change a survey. A draft: any field. An open or closed survey: `title`, `closes_at` and `reminder_days`.
    `opens_at` and `closes_at` may be set to `null` to remove the bound."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=not_null_in_schema(
        *NOT_NULL, examples=[{"closes_at": "2027-03-29T17:00:00Z"}]))

    title: ShortText | None = None
    questionnaire_id: uuid.UUID | None = None
    languages: list[Lang] | None = Field(default=None, min_length=1, max_length=MAX_LANGUAGES)
    ask_desired: StrictBool | None = None
    min_group_size: StrictInt | None = Field(default=None, ge=MIN_GROUP_SIZE, le=MAX_GROUP_SIZE)
    opens_at: Moment | None = None
    closes_at: Moment | None = None
    reminder_days: list[ReminderDay] | None = Field(default=None, max_length=MAX_REMINDERS,
                                                    description=_REMINDER_DAYS)

    _distinct_days = field_validator("reminder_days")(_distinct)

    @field_validator(*NOT_NULL)
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("can't be null; leave the field out to keep it")
        return value


class SurveyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    questionnaire_id: uuid.UUID
    title: str
    languages: list[str]
    ask_desired: bool
    min_group_size: int
    status: SurveyStatus = Field(description="draft → open → closed; a closed survey can be reopened")
    accepting: bool = Field(description="Open, and now is within [opens_at, closes_at): responses are accepted")
    opens_at: datetime | None
    closes_at: datetime | None
    opened_at: datetime | None = Field(description="When it was first opened")
    closed_at: datetime | None = Field(description="When it was closed (null again after a reopen)")
    reminder_days: list[int] = Field(description="Days after its start on which reminders are mailed")
    next_reminder_at: datetime | None = Field(description="When the next of `reminder_days` is due (open surveys)")
    published_at: datetime | None = Field(description="When its figures were last published: reports show the "
                                                      "responses published when the survey stopped taking "
                                                      "responses (at its close, or after an import while it is "
                                                      "not open); null until then. Responses that arrive after "
                                                      "a publication wait for the next one that takes them")
    key_changed: bool = Field(description="Its invitations were made under another SECRET_KEY than the server "
                                          "holds now: its links, new invitations and reminders are refused (503 "
                                          "`secret-key-changed`) until the service's operator restores that key")
    created_at: datetime
