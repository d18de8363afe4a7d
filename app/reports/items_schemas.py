"""Response schema of the statements report (`item-profile`): per dimension, each statement's figures in the
current frame, the desired frame (where asked) and the previous wave, each exactly as the profile, the desired gap
and the trend publish them."""

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from app.reports.figures import DIMENSION_N, FIGURE_REASON, OUTCOME, GroupRef, Interval
from app.reports.profile_schemas import FAVOURABLE, MIN_GROUP_SIZE, UNFAVOURABLE, AnswerCount, Lang
from app.reports.trend_schemas import Change

NEUTRAL = ("Share of the answers given on the options between the favourable and the unfavourable ones (the middle "
           "option on a five-point scale; 0 on scales without one): 1 - favourable - unfavourable")


class StatementFigures(BaseModel):
    """One statement in one frame and wave, over the dimension's respondent set there."""

    n: int | None = Field(description="Answers on the scale: " + DIMENSION_N + "; null when hidden")
    mean: float | None = Field(description="Mean answer as ticked (not reverse keyed)")
    ci: Interval | None = Field(description="t-based confidence interval of the mean")
    favourable: float | None = Field(description=FAVOURABLE)
    neutral: float | None = Field(description=NEUTRAL)
    unfavourable: float | None = Field(description=UNFAVOURABLE)
    distribution: list[AnswerCount] = Field(description="Answers per scale point, as ticked (empty when hidden)")
    reason: str | None = Field(description=FIGURE_REASON + "; `not_asked` where the wave's questionnaire lacks the "
                                           "statement")


class Statement(BaseModel):
    """One statement with its figures now, as desired and in the previous wave, and its change since then."""

    key: str
    text: str = Field(description="The statement in the requested language")
    reverse: bool = Field(description="Reverse keyed: a high answer is unfavourable (shares are keyed)")
    dont_know: int | None = Field(description="Respondents of the scope who chose \"don't know\"; null when hidden")
    seen: int | None = Field(description="Respondents of the scope who answered the statement or chose \"don't "
                                         "know\" (the base of `dont_know_share`); null when hidden")
    dont_know_share: float | None = Field(description="dont_know / seen")
    current: StatementFigures = Field(description="How it is now")
    desired: StatementFigures | None = Field(description="How people would like it to be; null when the survey did "
                                                         "not ask the desired frame. Shown only where the current "
                                                         "frame is shown too")
    gap: float | None = Field(description="Desired minus current mean, both reverse keyed (positive: people want more "
                                          "of the favourable culture); significance: the desired-gap report")
    previous: StatementFigures | None = Field(description="The previous wave's figures of the statement with the "
                                                          "same key; null when there is no previous wave")
    change: Change | None = Field(description="Mean now minus mean in the previous wave (Welch; Holm over every "
                                              "statement's change, as the trend report); null without a previous "
                                              "wave")
    favourable_change: float | None = Field(description="favourable now minus favourable in the previous wave")


class StatementDimension(BaseModel):
    """One dimension of the statements report, with its statements."""

    key: str
    name: str
    outcome: bool = Field(description=OUTCOME)
    n: int | None = Field(description=DIMENSION_N + " (current frame); null when hidden")
    reason: str | None = Field(description=FIGURE_REASON)
    statements: list[Statement]


class ItemProfileReport(BaseModel):
    """The statements report of the scope: per dimension, each statement's figures now, as desired and in the
    previous wave."""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
    group: GroupRef = Field(description="The scope: the unit's subtree (or the organisation), every layer")
    suppressed: bool = Field(description="The scope is too small to show: no figures at all")
    ask_desired: bool = Field(description="The survey asked the desired frame")
    previous_survey_id: uuid.UUID | None = Field(description="The previous wave compared with (the latest "
                                                             "earlier-started wave of the questionnaire with "
                                                             "published figures); null when there is none")
    dimensions: list[StatementDimension] = Field(description="Empty when suppressed")


class ItemProfileUnits(BaseModel):
    """`level=children`: the statements of each child unit of the scope, each exactly as `item-profile?unit_id=`
    that unit answers (so one request serves the heatmap's statements view)."""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
    level: Literal["children"]
    scope: GroupRef = Field(description="The scope whose child units are listed (the organisation: the top units)")
    units: list[ItemProfileReport] = Field(description="One per child unit, in the tree's order; a hidden unit is "
                                                       "`suppressed` with its reason and no figures")
