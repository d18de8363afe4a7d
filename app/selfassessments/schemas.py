import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from app.respond.schemas import AnswerMap
from app.text import ShortText


class SelfAssessmentCreate(BaseModel):
    """A leader's own answers, named, entered by an organisation admin (e.g. HR) with the leader's consent."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "unit_id": "5d0c3c2e-8b1f-4b53-9a57-0f3f5a8d2c11", "layer_id": "9f8e7d6c-5b4a-4f3e-8d2c-1b0a9f8e7d6c",
        "leader_name": "A. de Vries", "consent": True, "language": "nl",
        "current": {"openness_1": 4, "openness_2": 2, "collegiality_1": 5}}]})

    unit_id: uuid.UUID = Field(description="The leader's unit: its whole subtree is the group they lead")
    layer_id: uuid.UUID = Field(description="The leader's own layer (e.g. `department_head`)")
    leader_name: ShortText = Field(description="The leader's name: a self-assessment is NOT anonymous")
    consent: StrictBool = Field(json_schema_extra={"const": True},
                                description="Must be `true`: the leader agreed to answer by name and to have their "
                                            "answers shown beside their group's. Withdrawing consent is deleting "
                                            "the self-assessment.")
    language: str = Field(max_length=16, description="The language answered in; one of the survey's")
    current: AnswerMap

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("the leader's explicit consent is required (true)")
        return value


class SelfAssessmentRead(BaseModel):
    id: uuid.UUID
    survey_id: uuid.UUID
    unit_id: uuid.UUID
    unit_path: list[str]
    layer_id: uuid.UUID
    layer_key: str
    leader_name: str
    anonymous: Literal[False] = Field(default=False, description="Always false: the leader answered by name")
    consent_given_at: datetime
    language: str
    current: dict[str, int | str] = Field(description="Item key → answer; unanswered items are left out")
    created_at: datetime
