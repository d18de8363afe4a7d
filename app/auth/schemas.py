import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.auth.models import Role
from app.auth.service import ActorKind
from app.text import Moment, ShortText


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "HR analytics", "role": "analyst"},
        {"name": "Head of Ruimte", "role": "analyst", "unit_id": "2b1f6a44-0c1e-4f4b-9f67-3c8f0d5f9a10"},
    ]})

    name: ShortText = Field(description="What the key is for")
    role: Role = Field(description="`org_admin` manages the organisation; `analyst` reads results, of the whole "
                                   "organisation or, with `unit_id`, of that unit's subtree only")
    unit_id: uuid.UUID | None = Field(default=None, description="Scope an analyst key to this unit's subtree")
    expires_at: Moment | None = Field(default=None, description="The key stops working at this time")


class KeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: Role
    organisation_id: uuid.UUID | None
    unit_id: uuid.UUID | None
    prefix: str = Field(description="The key's first characters, to recognise it")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyRead):
    key: str = Field(description="The key itself. It is shown only now: store it safely.")


class Me(BaseModel):
    kind: ActorKind = Field(description="`key`: an API key; `person`: a person signed in with a session")
    key_id: uuid.UUID | None = Field(description="The key's id (null for a person)")
    person_id: uuid.UUID | None = Field(default=None, description="The person's id (null for a key)")
    name: str = Field(default="", description="The key's or the person's name")
    role: Role
    organisation_id: uuid.UUID | None
    unit_id: uuid.UUID | None = Field(description="The one unit whose subtree the caller reaches; null for the "
                                                  "whole organisation, or when there are several (`unit_ids`)")
    unit_ids: list[uuid.UUID] | None = Field(default=None, description="Every unit whose subtree the caller "
                                                                       "reaches; null for the whole organisation")
