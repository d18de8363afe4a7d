import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.text import ShortText, not_null_in_schema

UnitName = Annotated[ShortText, Field(pattern=r"^[^/]*$",
                                      description="Unique among its siblings; no slashes (they separate a path)")]
ExternalKey = Field(default=None, min_length=1, max_length=100, pattern=r"^\S+$",
                    description="The unit's code in another system (HR, finance); unique in the organisation")


class UnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"name": "Team Wonen", "parent_id": "2b1f6a44-0c1e-4f4b-9f67-3c8f0d5f9a10"}]})

    name: UnitName
    parent_id: uuid.UUID | None = Field(default=None, description="Leave out for a top-level unit")
    external_key: str | None = ExternalKey


class UnitUpdate(BaseModel):
    """Rename, move (`parent_id`; `null` moves it to the top), re-key or (un)archive a unit."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=not_null_in_schema(  # null: "a unit needs a name"
        "name", examples=[{"name": "Team Wonen & Bouwen"}]))

    name: UnitName | None = None
    parent_id: uuid.UUID | None = None
    external_key: str | None = ExternalKey
    archived: StrictBool | None = None


class UnitRead(BaseModel):
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    external_key: str | None
    path: list[str] = Field(description="Names from the top of the tree down to this unit")
    depth: int = Field(description="0 for a top-level unit")
    archived: bool
    created_at: datetime


class UnitImportResult(BaseModel):
    created: int = Field(description="Units created by this import")
    existing: int = Field(description="Rows that named a unit that already existed (nothing changed)")
    units: list[UnitRead] = Field(description="Every unit the file names, in file order")
