from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_ANSWERS = 500

AnswerMap = Annotated[
    dict[Annotated[str, Field(max_length=100)], Any],
    Field(default_factory=dict, max_length=MAX_ANSWERS,
          description='Item key → a whole number on the scale, "dont_know" (where offered) or null (no answer)',
          examples=[{"openness_1": 4, "openness_2": "dont_know"}]),
]


class Answers(BaseModel):
    """Answers keyed by item key; items left out are unanswered."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "language": "nl", "current": {"openness_1": 4, "openness_2": 2, "collegiality_1": "dont_know"},
        "desired": {"openness_1": 5}}]})

    language: str = Field(max_length=16, description="The language answered in; one of the survey's")
    current: AnswerMap
    desired: AnswerMap = Field(description="Only when the survey asks how it should be; otherwise empty")
    comments: dict[Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=4000)] | None] = Field(
        default_factory=dict, max_length=10,
        description="Answers to the survey's open questions (optional), by question key. At most 2000 characters "
                    "each; e-mail addresses and phone numbers are masked before anything is stored. Stored like "
                    "the answers: no time, no token, no link to them.")


class SurveyInfo(BaseModel):
    title: str
    ask_desired: bool
    languages: list[str]


class Draft(BaseModel):
    language: str
    current: dict[str, int | str]
    desired: dict[str, int | str]
    comments: dict[str, str] = Field(default_factory=dict, description="Open answers, as masked")
    saved_at: datetime | None


class QuestionnaireToAnswer(BaseModel):
    """Everything the respondent's form needs, and nothing more."""

    survey: SurveyInfo
    language: str = Field(description="The language of `questionnaire`")
    questionnaire: dict[str, Any] = Field(description="The questionnaire in that language: title, scale with labels "
                                                      "and don't-know label, frame labels, dimensions with items")
    draft: Draft | None = Field(description="Answers saved earlier with this token, to resume")
    unit_name: str | None = Field(default=None, description="The unit the invitation is for")
    open_questions: list[dict[str, str]] = Field(default_factory=list, description="The survey's optional open "
                                                 "questions in that language: `key` and `text`")


class DraftSaved(BaseModel):
    saved_at: datetime


class Submitted(BaseModel):
    status: Literal["submitted"] = "submitted"
