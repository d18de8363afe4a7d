"""The leader blind spot: a leader's named self-assessment beside the anonymous group they lead.

The group is the leader's unit's subtree, every layer except the leader's own: the people they lead (and the
leaders below them), without their peers in the same layer. It is shown only when that set of layers may be shown
as one group (`union_visible`); otherwise its figures are suppressed. In particular, where the leader's layer is a
small group of its own (a team with one team leader), the rest of the team is hidden too: showing "everyone but
the team leaders" beside the team's total would give away the team leaders' anonymous answers. A dimension's
group figures rest on its family (the members who answered all of its items): they need the same test in that
family's map (`ReportContext.shows_union`; hidden otherwise).
"""

import math
import uuid

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.reports.anonymity import union_visible
from app.reports.context import Cell, ReportContext
from app.reports.figures import HIDDEN_REASON, OUTCOME, HiddenReason, Interval, num
from app.reports.profile_schemas import Lang
from app.reports.profile_service import interval, localised
from app.responses.codec import unpack
from app.selfassessments import service as self_assessment_service
from app.selfassessments.models import SelfAssessment
from app.stats import describe, scale_scores


class Leader(BaseModel):
    """The leader whose self-assessment is compared, and where they lead."""

    self_assessment_id: uuid.UUID
    leader_name: str
    unit_id: uuid.UUID
    unit_name: str
    unit_path: list[str]
    layer_key: str
    anonymous: bool = Field(default=False, description="Always false: the leader answered by name, with consent")


class LedGroup(BaseModel):
    """The group the leader leads: the respondents of their unit's subtree outside the leader's own layer."""

    unit_id: uuid.UUID
    unit_name: str
    unit_path: list[str]
    layer_keys: list[str | None] = Field(description="The layers in the group: all but the leader's own (null: "
                                                     "respondents imported without a layer)")
    n: int | None = Field(description="Respondents; null when suppressed")
    suppressed: bool
    reason: HiddenReason | None = Field(default=None, description=HIDDEN_REASON)
    anonymous: bool = Field(default=True, description="Always true: the group's answers are anonymous")


class BlindSpotDimension(BaseModel):
    """One dimension: the leader's own score against the scores of the group they lead."""

    key: str
    name: str
    outcome: bool = Field(description=OUTCOME)
    leader_score: float | None = Field(description="The leader's scale score (mean keyed answer)")
    leader_reason: str | None = Field(description="Why the leader's score is missing (`too_few_answered`: fewer "
                                                  "than half the dimension's items answered)")
    n: int | None = Field(description="Group members with a scale score; null when the group is suppressed")
    mean: float | None = Field(description="The group's mean scale score")
    ci: Interval | None = Field(description="t-based confidence interval of the group's mean")
    difference: float | None = Field(description="Leader's score minus the group's mean: positive = the leader "
                                                 "sees more room than the group experiences")
    standardised_difference: float | None = Field(description="difference / the group's SD")
    percentile_rank: float | None = Field(
        description="Where the leader's score falls among the group's scores, 0-100: the share of the group "
                    "below it plus half the share equal to it")
    reason: str | None = Field(description="Why group figures are missing: `below_minimum` (fewer than the "
                                           "minimum group size answered all of the dimension's items), "
                                           "`protects_smaller_group`, `all_missing`, `n_below_2`, or "
                                           "`no_leader_score`")


class BlindSpot(BaseModel):
    """A leader's self-assessment against how the group they lead experiences the culture, per dimension."""

    survey_id: uuid.UUID
    language: Lang
    leader: Leader
    group: LedGroup
    dimensions: list[BlindSpotDimension]


def leader_answers(ctx: ReportContext, row: SelfAssessment) -> np.ndarray:
    """The self-assessment as a 1 x items row, NaN for no answer or "don't know"."""
    values = unpack(row.current)
    out = np.full((1, len(ctx.data.definition.items)), np.nan)
    for j, value in enumerate(values[:out.shape[1]]):
        if isinstance(value, int):
            out[0, j] = value
    return out


def _group_cells(ctx: ReportContext, row: SelfAssessment) -> list[Cell]:
    return [(row.unit_id, layer) for layer in ctx.suppression.layers if layer != row.layer_id]  # type: ignore[misc]


def blind_spot(session: Session, ctx: ReportContext, self_assessment_id: uuid.UUID, lang: Lang) -> BlindSpot:
    """Per dimension: the leader's score, the group's n, mean and CI, the difference and the percentile rank."""
    row = self_assessment_service.get_within(session, ctx.survey, ctx.tree, self_assessment_id, ctx.scope)
    definition, scale = ctx.data.definition, ctx.data.scale
    layer_key = {layer.id: layer.key for layer in ctx.layers}
    cells = _group_cells(ctx, row)
    shown = union_visible(ctx.suppression, cells)
    mask = ctx.in_subtree(row.unit_id) & ~ctx.with_layer(row.layer_id)
    leader = scale_scores(leader_answers(ctx, row), scale=scale)
    group_scores = scale_scores(ctx.data.current[mask], scale=scale).scores if shown else None
    dimensions = []
    for d in definition.dimensions:
        j = scale.dimensions.index(d.key)
        reason = leader.reason(0, j)
        own = num(leader.scores[0, j])
        figure = BlindSpotDimension(key=d.key, name=localised(d.names, lang, definition, d.key), outcome=d.outcome,
                                    leader_score=own,
                                    leader_reason=reason.value if reason else None, n=None, mean=None, ci=None,
                                    difference=None, standardised_difference=None, percentile_rank=None,
                                    reason=None)
        values = None
        if group_scores is not None and ctx.shows_union(ctx.dimension_map(j), cells):
            values = group_scores[:, j][~np.isnan(group_scores[:, j])]
        else:
            everyone = int(mask.sum()) if group_scores is None else int((~np.isnan(group_scores[:, j])).sum())
            figure.reason = "below_minimum" if 0 < everyone < ctx.k else "protects_smaller_group"
        if values is not None and 0 < values.size < ctx.k:
            figure.reason = "below_minimum"  # a visible group, but fewer than k of them answered all the items
        elif values is not None:
            desc = describe(values)
            missing = desc.reasons[0]
            figure.n, figure.mean, figure.ci = int(desc.n[0]), num(desc.mean[0]), interval(desc.ci(0))
            figure.reason = missing.value if missing else None
            if own is not None and values.size:
                figure.difference = own - float(desc.mean[0])
                sd = float(desc.sd[0])
                figure.standardised_difference = figure.difference / sd if math.isfinite(sd) and sd > 0 else None
                below, equal = int((values < own).sum()), int((values == own).sum())
                figure.percentile_rank = 100.0 * (below + 0.5 * equal) / values.size
            elif own is None and figure.reason is None:
                figure.reason = "no_leader_score"
        dimensions.append(figure)
    n = int(mask.sum())
    return BlindSpot(
        survey_id=ctx.survey.id, language=lang,
        leader=Leader(self_assessment_id=row.id, leader_name=row.leader_name, unit_id=row.unit_id,
                      unit_name=ctx.unit_name(row.unit_id), unit_path=ctx.unit_path(row.unit_id),
                      layer_key=layer_key[row.layer_id]),
        group=LedGroup(unit_id=row.unit_id, unit_name=ctx.unit_name(row.unit_id), unit_path=ctx.unit_path(row.unit_id),
                       layer_keys=[None if c[1] is None else layer_key[c[1]] for c in cells],  # type: ignore[index]
                       n=n if shown else None, suppressed=not shown,
                       reason=None if shown else "below_minimum" if 0 < n < ctx.k else "protects_smaller_group"),
        dimensions=dimensions)
