import enum
import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from app.text import ShortText

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def normalise_email(value: str) -> str:
    """An address as people are stored by: trimmed and lower-cased; ValueError when it isn't one."""
    value = value.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("not an e-mail address")
    return value


Email = Annotated[str, Field(min_length=3, max_length=254, examples=["j.jansen@gemeente.nl"]),
                  AfterValidator(normalise_email)]


class PersonRole(enum.StrEnum):
    org_admin = "org_admin"
    analyst = "analyst"
    leader = "leader"


ROLE_TEXT = ("`org_admin` manages the organisation; `analyst` reads results (of the whole organisation, or with "
             "`unit_ids` of those units' subtrees); `leader` reads the results of their own units' subtrees "
             "(`unit_ids` required)")
UnitIds = Annotated[list[uuid.UUID], Field(max_length=50)]


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"email": "hr@gemeente.nl", "name": "Hanna de Vries", "role": "org_admin"},
        {"email": "t.bakker@gemeente.nl", "name": "Tom Bakker", "role": "leader",
         "unit_ids": ["2b1f6a44-0c1e-4f4b-9f67-3c8f0d5f9a10"]},
    ]})

    email: Email
    name: ShortText
    role: PersonRole = Field(description=ROLE_TEXT)
    unit_ids: UnitIds = Field(default_factory=list, description="The units whose subtrees the person reaches")


class PersonUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    name: ShortText | None = None
    role: PersonRole | None = Field(default=None, description=ROLE_TEXT)
    unit_ids: UnitIds | None = None
    active: StrictBool | None = Field(default=None, description="false: the person can't sign in, and their sessions "
                                                          "end at once; true: they can again")


class PersonRead(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    name: str
    role: PersonRole
    unit_ids: list[uuid.UUID]
    unit_paths: list[list[str]] = Field(description="Each unit's path from the top of the tree")
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None


class PeopleImportResult(BaseModel):
    created: int
    updated: int
    people: list[PersonRead]
