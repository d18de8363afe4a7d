"""The readiness summary: the page a director reads first, built from the other reports' computations.

* Dimensions: the scope's profile (`profile_service.culture_profile`), ranked by the current-vs-desired gap
  (`gaps_desired.desired_gap`, largest |gap| first) when the survey asked the desired frame, else by mean (lowest
  first: rank 1 is where the culture is least ready).
* Leadership perception gaps: every layer against the reference layer (`gaps_service.perception_gaps`, employees
  by default), the largest |Hedges' g| first.
* Teams: every visible leaf team of the scope by its readiness index (below), the most and the least ready, each
  against the rest of the organisation when that comparison may be shown. A unit of leaders only (no respondent
  in the reference layer: a board, a management team) is not ranked among the teams -- its readiness is the
  leaders' own view -- but listed apart as a leadership unit.

The questionnaire's outcome scale (e.g. knowledge sharing and learning in the built-in version 2) is not a culture
dimension: it is left out of the dimensions, the perception highlights and the index (the driver report explains it).

Readiness index of a group: the mean of its five dimension means (each over the dimension's own respondents, as
everywhere). It is derived from figures the reports show anyway, never summed over respondents of its own: a
respondent-level index would rest on yet another set of people (those with enough dimensions), and its difference
from the dimension figures would give away those who left a dimension incomplete. A team is ranked only when every
dimension's figures are shown for it, and compared with the rest of the organisation (the rest's index, from the
rest's dimension means) only when every dimension may be compared (`shows_rest`); the tests of those comparisons,
one per dimension, are in the team-gaps report.

Dimensions on different scales (a custom questionnaire whose dimensions have their own ranges, e.g. 1-5 and 0-4):
a raw mean of 3 is not the same height on both, so the index and the ranking by mean use each dimension mean as POMP,
percent of maximum possible as a share, (mean - min) / (max - min), 0 at the bottom of its scale and 1 at the top
(Cohen, Cohen, Aiken & West 1999); `metric` says which (`scale`: raw means, one common scale; `pomp`: 0-1). On one
scale nothing changes: the index is the mean of the raw dimension means, as before.
"""

import uuid
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.reports.anonymity import ALL
from app.reports.context import Cell, ReportContext
from app.reports.figures import OUTCOME, GroupRef, Interval
from app.reports.gaps_desired import desired_gap
from app.reports.gaps_schemas import GapFigures, GapSide, PairedGap
from app.reports.gaps_service import layer_sets, perception_gaps, team_units
from app.reports.profile_schemas import MIN_GROUP_SIZE, Lang
from app.reports.profile_service import culture_profile, group_ref
from app.reports.readings import (
    Reading,
)
from app.stats import FrequencyTable, describe

RankBy = Literal["auto", "desired_gap", "mean"]
TOP = 3
ORGANISATION: Cell = (None, ALL)
OVERALL = {"en": "the culture overall", "nl": "de cultuur als geheel"}


class ReadinessDimension(BaseModel):
    """One culture dimension of the readiness summary, ranked by its room to grow."""

    rank: int | None = Field(description="1 = most room to grow: the largest |desired - current| gap, or the "
                                          "lowest mean")
    key: str
    name: str
    outcome: bool = Field(description=OUTCOME + " (always false here: readiness is the culture's)")
    n: int | None = Field(description="Respondents with a scale score")
    mean: float | None = Field(description="Mean scale score (keyed answers), on the dimension's own scale")
    scale_min: int = Field(description="The dimension's scale: lowest answer")
    scale_max: int = Field(description="The dimension's scale: highest answer")
    pomp: float | None = Field(description="The mean as a share of the dimension's range, (mean - min) / (max - min), "
                                           "0..1: comparable across dimensions on different scales; ranks by mean "
                                           "use it")
    ci: Interval | None = Field(description="t-based 95% confidence interval of the mean; null when the mean is null "
                                            "or `n` is below 2")
    reason: str | None = Field(description="Why the mean is missing (`all_missing`, `n_below_2`)")
    desired_gap: PairedGap | None = Field(description="Desired minus current (with d_av, CI, n and a Holm-adjusted "
                                                      "partially overlapping samples t-test); null when ranked "
                                                      "by mean")
    reading: Reading | None


class PerceptionHighlight(BaseModel):
    """One of the largest perception gaps: a layer against the reference layer on one dimension."""

    a: GapSide
    b: GapSide
    figures: GapFigures = Field(description="The dimension's comparison, with effect size, CI, n and a reading")


class TeamReadiness(BaseModel):
    """A team's readiness index, against the rest of the organisation."""

    group: GroupRef
    index: float = Field(description="Readiness index: the mean of the team's dimension means (as POMP, 0..1, when "
                                     "the dimensions have different scales: see `metric`)")
    difference: float | None = Field(description="The team's index minus the rest of the organisation's (the mean "
                                                 "of its dimension means); see the team-gaps report for the tests "
                                                 "of each dimension")
    reason: str | None = Field(description="`rest_suppressed`: the rest of the organisation may not be shown "
                                           "against this team on every dimension (no difference)")
    reading: Reading


class Readiness(BaseModel):
    """The readiness summary of the scope: where the culture has most room to grow, the largest perception gaps,
    and the most and least ready teams."""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
    group: GroupRef = Field(description="The scope")
    suppressed: bool = Field(description="The scope is too small to show: nothing else is given")
    ranked_by: Literal["desired_gap", "mean"]
    metric: Literal["scale", "pomp"] = Field(
        default="scale", description="How dimensions are combined in the teams' index and the ranking by mean: "
                                     "`scale`: raw means (every dimension has the same scale); `pomp`: each mean as "
                                     "a share of its dimension's range, 0..1 (the dimensions have different scales)")
    dimensions: list[ReadinessDimension] = Field(description="In rank order")
    perception_gaps: list[PerceptionHighlight] = Field(description=f"The {TOP} largest |Hedges' g| between a layer "
                                                                   "and the reference layer (employees)")
    most_ready_teams: list[TeamReadiness] = Field(description="Highest readiness index first (at most "
                                                              f"{TOP}, and at most half the ranked teams)")
    least_ready_teams: list[TeamReadiness] = Field(description="Lowest readiness index first")
    leadership_units: list[TeamReadiness] = Field(
        default_factory=list, description="Visible units without sub-units whose respondents are all leaders (none "
                                          "in the reference layer, employees): not ranked among the teams, whose "
                                          "readiness they would mistake for the leaders' own view; highest index "
                                          "first")


def _mean_reading(name: dict[str, str], mean: float | None, n: int | None, rank: int, count: int,
                  scale: tuple[int, int], pomp: float | None = None) -> Reading | None:
    """The dimension's place among the others; with `pomp` (dimensions on different scales) it says that the
    ranking is by the share of each scale's range."""
    if mean is None or n is None:
        return None
    lo, hi = scale
    where = {"en": "the lowest" if rank == 1 else "the highest" if rank == count else f"number {rank} from the lowest",
             "nl": "de laagste" if rank == 1 else "de hoogste" if rank == count else f"nummer {rank} van onderen"}
    x = f"{mean:.1f}"
    share = {"en": "", "nl": ""}
    if pomp is not None:
        pct = f"{100 * pomp:.0f}%"
        share = {"en": f", {pct} of the way up its scale", "nl": f", {pct} van de schaal omhoog"}
    return Reading(en=f"{name['en']} scores {x} on the {lo}-{hi} scale (n = {n}{share['en']}): {where['en']} of "
                      f"the {count} dimensions{' as a share of each scale' if pomp is not None else ''}.",
                   nl=f"{name['nl']} scoort {x.replace('.', ',')} op de schaal {lo}-{hi} (n = {n}{share['nl']}): "
                      f"{where['nl']} van de {count} dimensies"
                      f"{' naar aandeel van elke schaal' if pomp is not None else ''}.")


def _team_reading(name: str, index: float, uniform: bool = True) -> Reading:
    if not uniform:
        pct = f"{100 * index:.0f}%"
        return Reading(en=f'Respondents in "{name}" score on average {pct} of the way up each dimension\'s scale '
                          "(the dimensions have different scales).",
                       nl=f'Respondenten in "{name}" scoren gemiddeld {pct} van de schaal van elke dimensie omhoog '
                          "(de dimensies hebben verschillende schalen).")
    x = f"{index:.1f}"
    return Reading(en=f'Respondents in "{name}" score {x} on average across the dimensions.',
                   nl=f'Respondenten in "{name}" scoren gemiddeld {x.replace(".", ",")} over de dimensies.')


def _team_rest_reading(name: str, index: float, difference: float, uniform: bool = True) -> Reading:
    x, d = f"{index:.1f}", f"{abs(difference):.2f}"
    en_side, nl_side = ("above", "boven") if difference >= 0 else ("below", "onder")
    if not uniform:
        pct, diff = f"{100 * index:.0f}%", f"{100 * abs(difference):.0f}"
        return Reading(en=f'Respondents in "{name}" score on average {pct} of the way up each dimension\'s scale, '
                          f"{diff} percentage points {en_side} the rest of the organisation (the dimensions have "
                          "different scales; the team-gaps report tests each dimension).",
                       nl=f'Respondenten in "{name}" scoren gemiddeld {pct} van de schaal van elke dimensie omhoog, '
                          f"{diff} procentpunt {nl_side} de rest van de organisatie (de dimensies hebben verschillende "
                          "schalen; het rapport met teamverschillen toetst elke dimensie).")
    return Reading(en=f'Respondents in "{name}" score {x} on average across the dimensions, {d} {en_side} the rest '
                      "of the organisation (the team-gaps report tests each dimension).",
                   nl=f'Respondenten in "{name}" scoren gemiddeld {x.replace(".", ",")} over de dimensies, '
                      f"{d.replace('.', ',')} {nl_side} de rest van de organisatie (het rapport met teamverschillen "
                      "toetst elke dimensie).")


def _dimensions(ctx: ReportContext, lang: Lang, by_gap: bool) -> list[ReadinessDimension]:
    profile = culture_profile(ctx, lang)
    names = {d.key: d.names for d in ctx.data.definition.dimensions}
    gaps: dict[str, PairedGap] = {}
    if by_gap:
        gaps = {g.key: g for g in desired_gap(ctx, "scope", lang).groups[0].dimensions}
    rows = []
    culture = {d.key for d in ctx.data.definition.culture_dimensions}
    for d in profile.dimensions:
        if d.key not in culture:
            continue
        gap = gaps.get(d.key)
        own = ctx.data.definition.scale_of(d.key)
        pomp = None if d.mean is None else (d.mean - own.min) / (own.max - own.min)
        rows.append(ReadinessDimension(rank=gap.rank if gap else None, key=d.key, name=d.name, outcome=d.outcome,
                                       n=d.n, mean=d.mean,
                                       scale_min=own.min, scale_max=own.max, pomp=pomp, ci=d.ci, reason=d.reason,
                                       desired_gap=gap, reading=gap.reading if gap else None))
    if by_gap:  # ranked among the culture dimensions only (the desired gap ranks the outcome too)
        for rank, row in enumerate(sorted((r for r in rows if r.rank is not None), key=lambda r: r.rank or 0), 1):
            row.rank = rank
            if row.desired_gap is not None:
                row.desired_gap = row.desired_gap.model_copy(update={"rank": rank})
    if not by_gap:
        ranked = sorted((r for r in rows if r.pomp is not None), key=lambda r: r.pomp or 0.0)  # = by mean on one scale
        for rank, row in enumerate(ranked, start=1):
            row.rank = rank
            lookup = {lang_: names.get(row.key, {}).get(lang_) or row.name for lang_ in ("en", "nl")}
            row.reading = _mean_reading(lookup, row.mean, row.n, rank, len(ranked), (row.scale_min, row.scale_max),
                                        None if ctx.data.scale.uniform else row.pomp)
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0))


def _perception(ctx: ReportContext, lang: Lang) -> list[PerceptionHighlight]:
    if len(ctx.layers) < 2:
        return []
    # ranked by Hedges' g, with the perception-gaps report's verdict (the same comparisons, so the same mixed models
    # and Holm family: the two never disagree on screen); the invariance fits, which cost far more, are left to it
    report = perception_gaps(ctx, *layer_sets(ctx, None, None, None), lang, invariance=False)
    culture = {d.key for d in ctx.data.definition.culture_dimensions}
    found = [PerceptionHighlight(a=c.a, b=c.b, figures=f) for c in report.comparisons if not c.suppressed
             for f in c.dimensions if f.hedges_g is not None and f.key in culture]
    return sorted(found, key=lambda h: -abs(h.figures.hedges_g or 0.0))[:TOP]


def leaders_only(ctx: ReportContext, unit: uuid.UUID) -> bool:
    """A unit with respondents but none in the reference layer (employees, or the bottom layer): a board or a
    management team. Whether a layer is empty is not protected (see `team_units`)."""
    if len(ctx.layers) < 2:
        return False
    reference = ctx.layer_by_key.get("employee", ctx.layers[-1])
    return ctx.suppression.n(unit, reference.id) == 0


def _teams(ctx: ReportContext,
           lang: Lang) -> tuple[list[TeamReadiness], list[TeamReadiness], list[TeamReadiness]]:
    units = [u for u in team_units(ctx, "teams") if ctx.visible(u)]
    outcome = ctx.data.definition.outcome
    dims = [d for d in range(ctx.data.scale.n_dimensions)
            if outcome is None or ctx.data.scale.dimensions[d] != outcome.key]
    cells: list[Cell] = [(u, ALL) for u in units]
    codes = ctx.group_codes(cells)
    codes[codes < 0] = len(units)
    scores = ctx.scores("current")
    means = np.full((len(units) + 1, len(dims)), np.nan)  # teams, then the whole organisation
    for c, d in enumerate(dims):
        table = FrequencyTable.from_values(scores[:, d], codes)
        table = table.regroup(table.labels.astype(np.int64), labels=np.arange(len(units) + 1))
        team = describe(table)
        means[:-1, c] = team.mean[:-1]
        whole = describe(table.regroup(np.zeros(len(units) + 1, dtype=np.int64), labels=np.array([0])))
        means[-1, c] = whole.mean[0]
    if not ctx.data.scale.uniform:  # dimensions on different scales: each mean as POMP (affine, so the rest's too)
        lo = ctx.data.scale.dimension_min[dims].astype(np.float64)
        means = (means - lo) / (ctx.data.scale.dimension_max[dims] - lo)
    counts = np.stack([np.bincount(codes[~np.isnan(scores[:, d])], minlength=len(units) + 1)[:-1] for d in dims],
                      axis=1)
    totals = (~np.isnan(scores[:, dims])).sum(axis=0)
    out = []
    for i, u in enumerate(units):
        if not all(ctx.dimension_visible(d, u) for d in dims) or np.isnan(means[i]).any():
            continue
        index = float(means[i].mean())
        name = ctx.unit_name(u)
        entry = TeamReadiness(group=group_ref(ctx, u), index=index, difference=None, reason="rest_suppressed",
                              reading=_team_reading(name, index, ctx.data.scale.uniform))
        if all(ctx.shows_rest(ctx.dimension_map(d), ORGANISATION, (u, ALL)) for d in dims):
            rest_n = totals - counts[i]
            rest = (means[-1] * totals - means[i] * counts[i]) / np.where(rest_n > 0, rest_n, np.nan)
            if not np.isnan(rest).any():
                entry.difference, entry.reason = index - float(rest.mean()), None
                entry.reading = _team_rest_reading(name, index, entry.difference, ctx.data.scale.uniform)
        out.append(entry)
    out.sort(key=lambda t: -t.index)
    leaders = {u for u in units if leaders_only(ctx, u)}
    teams = [t for t in out if t.group.unit_id not in leaders]
    half = min(TOP, len(teams) // 2)
    return teams[:half], teams[::-1][:half], [t for t in out if t.group.unit_id in leaders]


def readiness(ctx: ReportContext, rank_by: RankBy, lang: Lang) -> Readiness:
    """The scope's readiness at a glance (see the module docstring)."""
    by_gap = rank_by == "desired_gap" or (rank_by == "auto" and ctx.survey.ask_desired)
    scope = group_ref(ctx, ctx.scope)
    report = Readiness(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k, group=scope,
                       suppressed=scope.suppressed, ranked_by="desired_gap" if by_gap else "mean",
                       metric="scale" if ctx.data.scale.uniform else "pomp", dimensions=[],
                       perception_gaps=[], most_ready_teams=[], least_ready_teams=[])
    if scope.suppressed:
        return report
    report.dimensions = _dimensions(ctx, lang, by_gap)
    report.perception_gaps = _perception(ctx, lang)
    report.most_ready_teams, report.least_ready_teams, report.leadership_units = _teams(ctx, lang)
    return report

