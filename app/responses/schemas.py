import enum

from pydantic import BaseModel, Field


class UnknownUnits(enum.StrEnum):
    refuse = "refuse"
    create = "create"


class ResponseImportResult(BaseModel):
    imported: int = Field(description="Responses stored")
    units_created: int = Field(description="Units created for unknown unit paths (with `unknown_units=create`)")
