"""Routes of the trend, leader blind-spot and readiness reports."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.deps import SessionDep
from app.errors import problem_responses
from app.exports.options import TABLE_RESPONSES, ExportDep
from app.exports.tables import Table
from app.reports.blindspot import BlindSpot, blind_spot
from app.reports.context import ReportDep
from app.reports.figures import AdjustedInterval, Interval
from app.reports.profile_schemas import Lang
from app.reports.readiness import RankBy, Readiness, readiness
from app.reports.summary_csv import readiness_csv
from app.reports.trend_schemas import Change, TrendReport, WaveFigure
from app.reports.trend_service import parse_survey_ids, previous_wave, trend, wave_contexts

router = APIRouter()
LangQuery = Annotated[Lang, Query(description="Language of names and texts")]


def _ci(ci: Interval | None) -> list[object]:
    return [None, None] if ci is None else [ci.low, ci.high]


TREND_COLUMNS = ["level", "key", "name", "outcome", "row", "survey_id", "from_survey_id", "n", "mean", "ci_low",
                 "ci_high", "difference", "difference_ci_low", "difference_ci_high", "difference_ci_holm_low",
                 "difference_ci_holm_high", "hedges_g", "hedges_g_ci_low",
                 "hedges_g_ci_high", "p", "p_adjusted", "correction", "family_size", "reason"]


def _holm(ci: AdjustedInterval | None) -> list[object]:
    return [None, None] if ci is None else [ci.low, ci.high]


def _wave_row(level: str, key: str, name: str, outcome: bool, f: WaveFigure) -> list[object]:
    return [level, key, name, outcome, "wave", f.survey_id, None, f.n, f.mean, *_ci(f.ci), *[None] * 12,
            f.reason]


def _change_row(level: str, key: str, name: str, outcome: bool, c: Change) -> list[object]:
    w = c.welch
    test = [None, None, None, None] if w is None else [w.p, w.p_adjusted, w.correction, w.family_size]
    return [level, key, name, outcome, c.kind, c.to_survey_id, c.from_survey_id, None, None, None, None, c.difference,
            *_ci(c.difference_ci), *_holm(c.difference_ci_holm), c.hedges_g, *_ci(c.hedges_g_ci), *test,
            c.reason]


def trend_csv(report: TrendReport) -> Table:
    """`outcome`: the JSON's flag of the row's dimension (an item's: its dimension's)."""
    outcome = {d.key: d.outcome for d in report.dimensions}
    keys = [("dimension", d.key, d.name, d.outcome, d.waves, d.changes) for d in report.dimensions]
    keys += [("item", i.key, i.text, outcome.get(i.dimension_key, False), i.waves, i.changes) for i in report.items]
    rows: list[list[object]] = []
    for level, key, name, flag, waves, changes in keys:
        rows += [_wave_row(level, key, name, flag, f) for f in waves]
        rows += [_change_row(level, key, name, flag, c) for c in changes]
    return Table("trend", TREND_COLUMNS, rows, split="level")  # type: ignore[arg-type]


@router.get("/trend", name="get_trend", responses=TABLE_RESPONSES)
def get_trend(
    ctx: ReportDep, out: ExportDep, session: SessionDep,
    surveys: Annotated[str | None, Query(max_length=1000, description="Earlier waves of the same questionnaire "
                                         "(any version), oldest first, as survey ids separated by commas; the "
                                         "path's survey is the latest wave. Default: the previous wave (the "
                                         "latest earlier-started survey of the questionnaire with published "
                                         "figures; 422 when there is none) and, for a dimension that the previous "
                                         "wave asked on another scale, its last comparable wave (the latest "
                                         "earlier one that asked it on this wave's scale)")] = None,
    lang: LangQuery = "en",
) -> TrendReport:
    """The scope's culture scores over survey waves: per dimension and per item, each wave's n, mean and CI side by
    side, and the change between consecutive waves (and from the first to the last, with three or more waves).

    Waves are matched by **keys**: dimensions by dimension key, items by item key, so versions of one questionnaire
    compare (422 for a wave of another questionnaire; 404 for a survey of another organisation). A key missing
    from a wave's version is `not_asked` there; a dimension (and its items) asked on another answer scale than in
    the latest wave is `other_scale` there, and each dimension names its `compared_with` wave (the latest earlier
    one on the same scale) with a `last_comparable` change from it where no other change gives it. Dimension means
    are of scale scores (keyed); item means are answers as ticked (see `reverse`).

    Change = later minus earlier mean with Welch's CI and t-test (waves are independent, anonymous samples), and
    Hedges' g with its CI. p-values are Holm-adjusted over all dimension changes of the report (one family) and all
    item changes (another). Each wave applies its own suppression: where the scope is hidden in a wave, that wave
    shows no figures and no change involving it is computed.

    CSV (`format=csv`): one row per key and wave (`row` = `wave`) and per change (`row` = `consecutive`,
    `first_to_last` or `last_comparable`, `survey_id` the later wave)."""
    ids = previous_wave(session, ctx) if surveys is None else parse_survey_ids(surveys, ctx.survey.id)
    contexts = wave_contexts(session, ctx, ids)
    report = trend(contexts, lang)
    if out.tabular:
        return out.respond(trend_csv(report))  # type: ignore[return-value]
    return report


BLIND_SPOT_COLUMNS = ["dimension", "name", "outcome", "leader_score", "leader_reason", "n", "mean", "ci_low",
                      "ci_high", "difference", "standardised_difference", "percentile_rank", "reason"]


def blind_spot_csv(report: BlindSpot) -> Table:
    rows: list[list[object]] = []
    for d in report.dimensions:
        rows.append([d.key, d.name, d.outcome, d.leader_score, d.leader_reason, d.n, d.mean,
                         *_ci(d.ci), d.difference, d.standardised_difference,
                     d.percentile_rank, d.reason])
    return Table("blind-spot", BLIND_SPOT_COLUMNS, rows)  # type: ignore[arg-type]


@router.get("/blind-spot", name="get_blind_spot", responses=TABLE_RESPONSES)
def get_blind_spot(
    ctx: ReportDep, out: ExportDep, session: SessionDep,
    self_assessment_id: Annotated[uuid.UUID, Query(description="The leader's self-assessment (of this survey)")],
    lang: LangQuery = "en",
) -> BlindSpot:
    """The leader blind spot: a leader's own, **named** answers (a self-assessment given with consent; marked
    `anonymous: false`) beside the anonymous group they lead, per dimension: the leader's scale score, the group's
    n, mean and CI, the difference (leader minus group) and where the leader's score falls among the group's
    scores (percentile rank).

    The group is the leader's unit's subtree, **every layer except the leader's own** (the people they lead, not
    their peers). Its figures are shown only when that set of layers is a visible group; otherwise they are
    suppressed (null) and only the leader's own scores remain. A unit-scoped key (or `unit_id`) sees only
    self-assessments of units inside its subtree: 404 otherwise, and for a self-assessment of another survey.

    CSV (`format=csv`): one row per dimension."""
    report = blind_spot(session, ctx, self_assessment_id, lang)
    if out.tabular:
        return out.respond(blind_spot_csv(report))  # type: ignore[return-value]
    return report


@router.get("/readiness", name="get_readiness", response_model=Readiness,
            responses={**problem_responses(409), **TABLE_RESPONSES})
def get_readiness(
    ctx: ReportDep, out: ExportDep,
    rank_by: Annotated[RankBy, Query(description="`auto`: by the current-vs-desired gap when the survey asked the "
                                                 "desired frame, else by mean; `desired_gap` (409 when not asked); "
                                                 "`mean`")] = "auto",
    lang: LangQuery = "en",
) -> Readiness | Response:
    """Learning-culture readiness at a glance, for the organisation or the scope unit: the page to read first.

    * `dimensions`: ranked by the current-vs-desired gap (largest |desired - current| first, with d_av, CI, n and
      a Holm-adjusted partially overlapping samples t-test) or by mean scale score (lowest first), each with its
      mean, CI and n.
    * `perception_gaps`: the three largest leadership perception gaps (|Hedges' g|) between a layer and the
      employees, with CI, n and Holm-adjusted Welch p (over every comparison of the perception-gap report).
    * `most_ready_teams` / `least_ready_teams`: visible teams (units without sub-units) of the scope by their
      readiness index (the mean of the team's five dimension means), each with its difference from the rest of the
      organisation's index where every dimension may be compared with the rest (the team-gaps report tests each
      dimension). Teams with a hidden dimension are left out; hidden teams never appear.
    * `leadership_units`: units of leaders only (no respondent in the reference layer, such as a board), not
      ranked among the teams -- their readiness is the leaders' own view -- with their index.

    Every entry has a one-line `reading` in English and Dutch. When the scope itself is too small to show, the
    answer is `suppressed: true` with empty lists.

    CSV (`format=csv`): one row per dimension, highlighted perception gap and team (`section` says which)."""
    report = readiness(ctx, rank_by, lang)
    return out.respond(readiness_csv(report)) if out.tabular else report
