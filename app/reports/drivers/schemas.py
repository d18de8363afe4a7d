"""Response schema of the driver report: how much each culture dimension accounts for the outcome scale, and the
focus areas (importance x room to grow) with a reading in English and Dutch."""

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from app.reports.figures import GroupRef, Interval
from app.reports.profile_schemas import MIN_GROUP_SIZE, Lang
from app.reports.readings import Reading

RoomBasis = Literal["desired_gap", "below_organisation", "below_scale_top"]
ROOM = ("Room to grow, in scale points: the desired minus the current mean (`desired_gap`, where the survey asked "
        "how it should be), else the organisation's mean minus the scope's (`below_organisation`, 0 when the "
        "scope scores higher), else the top of the scale minus the mean (`below_scale_top`, for the whole "
        "organisation without a desired frame); every mean one that the profile, item-profile or desired-gap "
        "report publishes for the same group. When the questionnaire's dimensions have different scales, the room "
        "is a share of the dimension's range (POMP, 0..1), so that rooms on a 1-7 and a 0-4 scale compare")


class Weight(BaseModel):
    """A dimension's importance for the outcome by one method: its share of the variance, of R², and its interval."""

    value: float = Field(description="Share of the outcome's variance this dimension accounts for (sums to R² "
                                     "over the dimensions)")
    share: float = Field(description="value / R²: its part of what the dimensions explain together (sums to 1)")
    ci: Interval | None = Field(description="Bootstrap percentile interval of `value` (seeded: the same data and "
                                            "seed give the same interval)")


class Driver(BaseModel):
    """One culture dimension's importance for the outcome scale, by two methods."""

    rank: int = Field(description="1 = the largest general dominance (LMG) weight")
    key: str
    name: str
    general_dominance: Weight = Field(description="General dominance (LMG): the dimension's increase of R² "
                                                  "averaged over every order of entering the dimensions")
    relative_weight: Weight = Field(description="Johnson's relative weight (regression on orthogonal "
                                                "counterparts of the dimensions)")


class Outcome(BaseModel):
    """The outcome scale the culture dimensions are weighed against."""

    key: str
    name: str


class FocusDimension(BaseModel):
    """A culture dimension as a focus area: its importance for the outcome times its room to grow."""

    rank: int = Field(description="1 = the largest importance x room to grow")
    key: str
    name: str
    importance: float = Field(description="The dimension's general dominance weight (`drivers`)")
    mean: float | None = Field(description="The scope's mean scale score (current frame), as the profile shows it")
    room: float | None = Field(description=ROOM)
    priority: float | None = Field(description="importance x max(room, 0); null when the room is hidden")


class FocusStatement(BaseModel):
    """A statement as a focus area: its dimension's importance times the statement's own room to grow."""

    rank: int = Field(description="1 = the highest `priority` among the listed statements")
    key: str
    text: str
    dimension_key: str
    importance: float = Field(description="Its dimension's general dominance weight: the analysis is of "
                                          "dimensions (statements are too many predictors for the respondents)")
    room: float = Field(description=ROOM + " (per statement, keyed)")
    priority: float = Field(description="importance x room, as the dimensions' `priority` (a share of the outcome's "
                                        "variance times `room`); room is above 0 for every listed statement")


class FocusAreas(BaseModel):
    """Where to start: the dimensions and statements ranked by importance x room to grow."""

    room_basis: RoomBasis
    dimensions: list[FocusDimension] = Field(description="Every culture dimension, highest priority first")
    statements: list[FocusStatement] = Field(description="The statements with the highest priority (at most "
                                                         "five, with room > 0)")
    reading: Reading = Field(description="Where to start, in plain language")


class Bootstrap(BaseModel):
    """The resampling behind the intervals of `r_squared` and of the weights."""

    resamples: int = Field(description="Resamples asked for")
    used: int = Field(description="Resamples whose correlation matrix was not singular")
    seed: int = Field(description="Seed of the resampling (the `seed` parameter): the same data and seed give the "
                                  "same intervals")
    level: float = Field(description="Confidence level of the percentile intervals as a share (0.95: the 2.5% and "
                                     "97.5% quantiles of the used resamples' estimates)")


class DriverReport(BaseModel):
    """The driver analysis of the scope: how much each culture dimension accounts for the outcome scale, and
    where to start."""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
    min_respondents: int = Field(description="Fewest respondents a scope needs for a driver analysis: 50, or the "
                                             "survey's minimum group size when larger")
    group: GroupRef = Field(description="The scope: the unit's subtree (or the organisation), every layer")
    outcome: Outcome
    n: int = Field(description="Respondents of the scope who answered every statement of every dimension and of "
                               "the outcome (current frame): the analysis rests on them")
    r_squared: float = Field(description="Share of the outcome's variance the dimensions account for together "
                                         "(ordinary least squares)")
    r_squared_ci: Interval | None = Field(description="Bootstrap percentile interval of `r_squared` (at "
                                                       "`bootstrap.level`, over `bootstrap.used` resamples); null when "
                                                       "no resample was used (`resamples=0`)")
    bootstrap: Bootstrap
    drivers: list[Driver] = Field(description="The culture dimensions, largest general dominance weight first")
    focus: FocusAreas
