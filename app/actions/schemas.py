import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.actions.models import ActionStatus
from app.text import CleanStr, ShortText, not_null_in_schema

Notes = Annotated[CleanStr, Field(max_length=4000)]
KeyText = Annotated[str, Field(min_length=1, max_length=100)]
_EXAMPLE: dict[str, Any] = {"unit_id": "5d0c3c2e-8b1f-4b53-9a57-0f3f5a8d2c11", "dimension_key": "openness",
            "item_key": "openness_2", "title": "Monthly 'what went wrong' lunch in the team",
            "owner_person_id": None, "owner_name": "A. de Vries", "due_date": "2027-03-31", "status": "planned",
            "notes": "Start with the team leader sharing a mistake of their own."}


class ActionCreate(BaseModel):
    """An action of the plan: for a unit (or, leaving `unit_id` out, the whole organisation; organisation admins
    only), aimed at a dimension or one statement (`item_key`; the dimension then follows from it)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [dict(_EXAMPLE)]})

    unit_id: uuid.UUID | None = Field(default=None, description="The unit the action is for; null: the whole "
                                                                "organisation (organisation admins only)")
    dimension_key: KeyText | None = Field(default=None, description="The dimension the action addresses (a key of "
                                                                    "the survey's questionnaire); may be left out "
                                                                    "when `item_key` is given")
    item_key: KeyText | None = Field(default=None, description="The statement the action addresses, if one")
    title: ShortText
    owner_person_id: uuid.UUID | None = Field(default=None, description="The owner, a person of the organisation")
    owner_name: ShortText | None = Field(default=None, description="The owner's name when they are not a person "
                                                                   "of the service (ignored with a person)")
    due_date: date | None = None
    status: ActionStatus = ActionStatus.planned
    notes: Notes = ""

    @model_validator(mode="after")
    def _aimed(self) -> "ActionCreate":
        if self.dimension_key is None and self.item_key is None:
            raise ValueError("name the dimension (`dimension_key`) or the statement (`item_key`) the action "
                             "addresses")
        return self


_NOT_NULL = ("dimension_key", "title", "status", "notes")


class ActionUpdate(BaseModel):
    """The fields to change; those left out stay. `item_key`, `owner_person_id`, `owner_name`, `due_date` and
    `unit_id` may be set to null."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=not_null_in_schema(*_NOT_NULL, examples=[
        {"status": "in_progress", "notes": "First lunch held on 12 February."}]))

    unit_id: uuid.UUID | None = None
    dimension_key: KeyText | None = None
    item_key: KeyText | None = None
    title: ShortText | None = None
    owner_person_id: uuid.UUID | None = None
    owner_name: ShortText | None = None
    due_date: date | None = None
    status: ActionStatus | None = None
    notes: Notes | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [name for name in _NOT_NULL if name in data and data[name] is None]
            if nulls:
                raise ValueError(f"{', '.join(nulls)} may be left out but not null")
        return data


class Owner(BaseModel):
    person_id: uuid.UUID | None = Field(description="The owner as a person of the organisation; null for a free "
                                                    "name (or a person since deleted)")
    name: str | None = Field(description="The owner's name (the person's current name)")


class ActionRead(BaseModel):
    id: uuid.UUID
    survey_id: uuid.UUID
    unit_id: uuid.UUID | None = Field(description="Null: the whole organisation")
    unit_path: list[str] = Field(description="Names from the top of the tree down to the unit; empty for the "
                                             "whole organisation")
    dimension_key: str
    dimension_names: dict[str, str] = Field(description="The dimension's name per language")
    item_key: str | None
    item_texts: dict[str, str] | None = Field(description="The statement per language, when the action is aimed "
                                                          "at one")
    title: str
    owner: Owner | None = Field(description="Null: nobody owns it yet")
    due_date: date | None
    status: ActionStatus
    notes: str
    created_at: datetime
    updated_at: datetime
