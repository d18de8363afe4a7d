"""`GET .../reports/drivers`: the driver analysis of the outcome scale and the focus areas of a scope."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from app.auth.service import Principal
from app.deps import CurrentKey, SessionDep
from app.exports.options import TABLE_RESPONSES, ExportDep
from app.exports.tables import Cell, Table
from app.reports.context import ReportContext, ReportDep, build_context
from app.reports.drivers.focus import drivers, focus_areas
from app.reports.drivers.schemas import Bootstrap, DriverReport, Outcome
from app.reports.drivers.service import analyse, min_respondents
from app.reports.figures import Interval
from app.reports.profile import LangQuery
from app.reports.profile_schemas import Lang
from app.reports.profile_service import group_ref

router = APIRouter()
RESAMPLES, SEED = 1000, 0  # the report's defaults; the board report prints the same intervals

ResamplesQuery = Annotated[int, Query(ge=0, le=10_000, description="Bootstrap resamples for the intervals (0: none)")]
SeedQuery = Annotated[int, Query(ge=0, le=2**31 - 1, description="Seed of the resampling: the same data and seed "
                                                                  "give the same intervals")]


def driver_report(ctx: ReportContext, lang: Lang, *, resamples: int, seed: int,
                  organisation: ReportContext | None) -> DriverReport:
    analysis, _ = analyse(ctx, resamples=resamples, seed=seed)
    outcome = ctx.data.definition.outcome
    if outcome is None:  # analyse refused a questionnaire without one
        raise RuntimeError("no outcome scale")
    ranked = drivers(ctx, analysis, lang)
    r2 = analysis.r_squared
    ci = r2.ci
    return DriverReport(
        survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k,
        min_respondents=min_respondents(ctx), group=group_ref(ctx, ctx.scope),
        outcome=Outcome(key=outcome.key, name=outcome.names.get(lang) or next(iter(outcome.names.values()))),
        n=analysis.n_respondents, r_squared=r2.value or 0.0,
        r_squared_ci=None if ci is None else Interval(low=ci.low, high=ci.high, level=ci.level),
        bootstrap=Bootstrap(resamples=analysis.n_bootstrap, used=analysis.n_bootstrap_used, seed=analysis.seed,
                            level=analysis.level),
        drivers=ranked, focus=focus_areas(ctx, ranked, lang, organisation))


def scope_driver_report(session: Session, ctx: ReportContext, principal: Principal, lang: Lang, *, resamples: int,
                        seed: int) -> DriverReport:
    """The report as `GET .../reports/drivers` gives it to this caller: a unit's room to grow is its distance below
    the organisation only for a key that sees the organisation. `Unprocessable` as `analyse` says."""
    organisation = None
    if ctx.scope is not None and principal.unit_ids is None:
        organisation = build_context(session, ctx.organisation, ctx.survey, ctx.tree, None)
    return driver_report(ctx, lang, resamples=resamples, seed=seed, organisation=organisation)


def drivers_csv(report: DriverReport) -> Table:
    header = ["section", "rank", "key", "name", "general_dominance", "general_dominance_share",
              "general_dominance_ci_low", "general_dominance_ci_high", "relative_weight", "relative_weight_share",
              "relative_weight_ci_low", "relative_weight_ci_high", "mean", "room", "room_basis", "priority", "n",
              "r_squared", "r_squared_ci_low", "r_squared_ci_high"]
    ci = report.r_squared_ci
    tail: list[Cell] = [report.n, report.r_squared, ci.low if ci else None, ci.high if ci else None]
    rows: list[list[Cell]] = []
    for d in report.drivers:
        g, w = d.general_dominance, d.relative_weight
        rows.append(["driver", d.rank, d.key, d.name, g.value, g.share, g.ci.low if g.ci else None,
                     g.ci.high if g.ci else None, w.value, w.share, w.ci.low if w.ci else None,
                     w.ci.high if w.ci else None, None, None, None, None, *tail])
    basis = report.focus.room_basis
    for f in report.focus.dimensions:
        rows.append(["focus_dimension", f.rank, f.key, f.name, f.importance, *[None] * 7, f.mean, f.room, basis,
                     f.priority, *tail])
    for s in report.focus.statements:
        rows.append(["focus_statement", s.rank, s.key, s.text, s.importance, *[None] * 7, None, s.room, basis,
                     s.priority, *tail])
    return Table("drivers", header, rows)


@router.get("/drivers", name="get_drivers", response_model=DriverReport, responses=TABLE_RESPONSES)
def get_drivers(ctx: ReportDep, out: ExportDep, session: SessionDep, principal: CurrentKey, lang: LangQuery = "en",
                resamples: ResamplesQuery = RESAMPLES, seed: SeedQuery = SEED) -> Response | DriverReport:
    """What matters most for the outcome scale (e.g. "knowledge sharing and learning" in version 2 of the built-in
    questionnaire) in the scope, and where to start.

    - `drivers`: each culture dimension's relative importance for the outcome, as general dominance (LMG: the
      increase of R² averaged over every order of entering the dimensions) and Johnson's relative weights; both sum
      to `r_squared` over the dimensions, `share` is the part of R². Bootstrap percentile intervals from `resamples`
      resamples drawn with `seed` (reproducible). `n`: the respondents of the scope who answered every statement
      of every dimension and of the outcome; the analysis rests on them alone.
    - `focus`: the dimensions and statements ranked by importance x room to grow (desired minus current where the
      survey asked how it should be, else the distance below the organisation, else below the top of the scale),
      with a reading in English and Dutch. Importance is association in this wave, not proof of cause.

    422 (problem details) when the questionnaire has no outcome scale, or when the scope has fewer than
    `min_respondents` such respondents (50, or the minimum group size when larger: with five dimensions, fewer
    respondents leave the weights mostly noise) or may not show them. Anonymity: the respondent set has its own
    suppression map like every dimension's; `n` is its one additive figure (docs/anonymity.md).

    CSV (`format=csv`): one row per driver, focus dimension and focus statement (`section`)."""
    report = scope_driver_report(session, ctx, principal, lang, resamples=resamples, seed=seed)
    return out.respond(drivers_csv(report)) if out.tabular else report
