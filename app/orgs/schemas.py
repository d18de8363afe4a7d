import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.text import Label, ShortText


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "Gemeente Zuidhaven"}]})

    name: ShortText
    slug: str | None = Field(default=None, min_length=2, max_length=100, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
                             description="URL-friendly unique name; derived from the name when left out")


class OrganisationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    slug: str
    created_at: datetime


class LayerNames(BaseModel):
    model_config = ConfigDict(extra="forbid")

    en: Label = Field(examples=["Team leader"])
    nl: Label = Field(examples=["Teamleider"])


class LayerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$", examples=["team_leader"])
    names: LayerNames


class LayersReplace(BaseModel):
    """The full ordered list of layers, top (rank 1) first."""

    model_config = ConfigDict(extra="forbid")

    layers: list[LayerIn] = Field(min_length=1, max_length=20)


class LayerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    key: str
    rank: int = Field(description="1 is the top of the organisation")
    names: LayerNames
