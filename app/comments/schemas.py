import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.text import CleanStr

MAX_COMMENT_CHARS = 2000
MAX_QUESTIONS = 5
DEFAULT_THRESHOLD = 10
QuestionKey = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_]*$")]
QuestionText = Annotated[CleanStr, Field(min_length=1, max_length=500)]
Keyword = Annotated[CleanStr, Field(min_length=1, max_length=60)]


class OpenQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: QuestionKey
    texts: dict[Annotated[str, Field(max_length=16)], QuestionText] = Field(
        description="The question per language; every language of the survey")


class CommentSettingsIn(BaseModel):
    """The survey's open questions (optional for respondents), the comment threshold and the theme lists."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "questions": [{"key": "share_knowledge", "texts": {
            "en": "What would help most to share knowledge in your team?",
            "nl": "Wat zou het meest helpen om kennis te delen in uw team?"}}],
        "threshold": 10}]})

    questions: list[OpenQuestion] = Field(default_factory=list, max_length=MAX_QUESTIONS)
    threshold: int | None = Field(default=None, ge=3, le=1000, description=(
        f"Comments are shown only for groups of at least this many respondents; default {DEFAULT_THRESHOLD}, and "
        "never below the survey's minimum group size (422)"))
    themes: dict[Annotated[str, Field(max_length=100)], dict[Annotated[str, Field(max_length=16)],
                 Annotated[list[Keyword], Field(max_length=50)]]] | None = Field(
        default=None, max_length=20, description=(
            "Per dimension key, keywords per language (a comment counts for a dimension when a word of it starts "
            "with one of them, in any language); the survey's own lists, kept as set. Null or left out: the built-in "
            "Dutch and English defaults (`default_themes`), which follow improvements to them"))


class CommentSettingsRead(BaseModel):
    survey_id: uuid.UUID
    questions: list[OpenQuestion]
    threshold: int
    themes: dict[str, dict[str, list[str]]] = Field(description="The theme lists in use: per dimension key, "
                                                                "keywords per language (the defaults when none were "
                                                                "set)")
    themes_are_defaults: bool = Field(description=(
        "`themes` are the built-in defaults (none were set, or `themes: null` set them back) and follow improvements "
        "to them; false: the survey's own lists, kept as set. A client that sends the form back sends `themes: null` "
        "while this is true, or it freezes today's defaults into the survey's own lists"))
    default_themes: dict[str, dict[str, list[str]]] = Field(description=(
        "The built-in Dutch and English lists for the built-in dimensions: what `themes: null` gives"))
    max_comment_chars: int = MAX_COMMENT_CHARS


class CommentRead(BaseModel):
    id: uuid.UUID
    question_key: str
    text: str = Field(description="As stored: e-mail addresses and phone numbers were masked before storage")
    hidden: bool = Field(description="Hidden by an organisation admin (listed only to admins, with `hidden=true`)")


class CountedElsewhere(BaseModel):
    """A unit whose own respondents (those attached to the unit itself, not to a sub-unit) count with another unit's
    own group at the comment threshold: the comments' roll-up, which at a threshold above the minimum group size
    differs from the reports' (their `own_counted_at`)."""

    unit_id: uuid.UUID
    unit_path: list[str]
    counted_at: list[str] = Field(description="Path of the unit they count with (`[]`: the organisation)")


COUNTED_ELSEWHERE = ("Where the comments' roll-up differs from the unit tree for this group (shown groups only): "
                     "every unit of the scope whose own respondents count outside it or further up, and every unit "
                     "outside it whose own respondents count inside; the group's comments are those of the "
                     "respondents counted in the scope")


class CommentsReport(BaseModel):
    survey_id: uuid.UUID
    unit_id: uuid.UUID | None
    layer_key: str | None
    threshold: int
    shown: bool = Field(description="The group is large enough to show its comments (at least the threshold, "
                                    "under the anonymity map built at that threshold)")
    reason: str | None = Field(description="Why not: `below_minimum` or `protects_smaller_group` at the comment "
                                           "threshold")
    comments: list[CommentRead] = Field(description="In random order (a new order every time): the order says "
                                                    "nothing about who answered when")
    counted_elsewhere: list[CountedElsewhere] = Field(description=COUNTED_ELSEWHERE)


class ThemeCount(BaseModel):
    key: str
    count: int | None = Field(description="Comments that mention one of the theme's keywords; null when fewer "
                                          "than the threshold")


class ThemesReport(BaseModel):
    survey_id: uuid.UUID
    unit_id: uuid.UUID | None
    threshold: int
    shown: bool
    reason: str | None
    themes: list[ThemeCount]
    counted_elsewhere: list[CountedElsewhere] = Field(description=COUNTED_ELSEWHERE)
