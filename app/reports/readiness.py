"""The readiness summary: the page a director reads first, built from the other reports' computations.

* Dimensions: the scope's profile (`profile_service.culture_profile`), ranked by the current-vs-desired gap
  (`gaps_desired.desired_gap`, largest |gap| first) when the survey asked the desired frame, else by mean (lowest
  first: rank 1 is where the culture is least ready).
* Leadership perception gaps: every layer against the reference layer (`gaps_service.perception_gaps`, employees
  by default), the largest |Hedges' g| first.
* Teams: every visible leaf team of the scope by its readiness index (below), the most and the least ready, each
  against the rest of the organisation when that comparison may be shown.

Readiness index of a respondent: the mean of their dimension scale scores, when they have a score on at least half
of the dimensions. A team enters the ranking only when its cell is visible, also in the suppression map of the
respondents with an index (`ReportContext.shows`), and at least the survey's minimum group size of its respondents
have an index; it is compared with the rest of the organisation only when both maps allow it (`shows_rest`).
"""

import math
import uuid
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.reports.anonymity import ALL
from app.reports.context import Cell, ReportContext
from app.reports.figures import GroupRef, Interval, PValue, num
from app.reports.gaps_desired import desired_gap
from app.reports.gaps_schemas import GapFigures, GapSide, PairedGap
from app.reports.gaps_service import layer_sets, perception_gaps, team_units
from app.reports.profile_schemas import Lang
from app.reports.profile_service import culture_profile, group_ref, interval
from app.reports.readings import (
    REST_OF_ORGANISATION,
    Reading,
    SizeWord,
    difference_reading,
    respondents_in,
    size_word,
)
from app.stats import FrequencyTable, compare_with_rest, describe, holm

RankBy = Literal["auto", "desired_gap", "mean"]
TOP = 3
ORGANISATION: Cell = (None, ALL)
OVERALL = {"en": "the culture overall", "nl": "de cultuur als geheel"}


class ReadinessDimension(BaseModel):
    rank: int | None = Field(description="1 = most room to grow: the largest |desired - current| gap, or the "
                                          "lowest mean")
    key: str
    name: str
    n: int | None = Field(description="Respondents with a scale score")
    mean: float | None = Field(description="Mean scale score (keyed answers)")
    ci: Interval | None
    reason: str | None = Field(description="Why the mean is missing (`all_missing`, `n_below_2`)")
    desired_gap: PairedGap | None = Field(description="Desired minus current (with d_z, CI, n and a Holm-adjusted "
                                                      "paired t-test); null when ranked by mean")
    reading: Reading | None


class PerceptionHighlight(BaseModel):
    a: GapSide
    b: GapSide
    figures: GapFigures = Field(description="The dimension's comparison, with effect size, CI, n and a reading")


class TeamReadiness(BaseModel):
    group: GroupRef
    n: int = Field(description="Team members with a readiness index")
    mean: float | None = Field(description="Mean readiness index (mean of the dimension scale scores)")
    ci: Interval | None
    difference: float | None = Field(description="Team mean minus the mean of the rest of the organisation")
    difference_ci: Interval | None
    hedges_g: float | None
    hedges_g_ci: Interval | None
    effect_size: SizeWord | None
    welch: PValue | None = Field(description="Welch's t-test against the rest of the organisation; Holm over every "
                                             "team comparison of this report")
    reason: str | None = Field(description="`rest_suppressed`: the rest of the organisation may not be shown "
                                           "against this team (no comparison); or a statistics reason")
    reading: Reading


class Readiness(BaseModel):
    survey_id: uuid.UUID
    language: Lang
    min_group_size: int
    group: GroupRef = Field(description="The scope")
    suppressed: bool = Field(description="The scope is too small to show: nothing else is given")
    ranked_by: Literal["desired_gap", "mean"]
    dimensions: list[ReadinessDimension] = Field(description="In rank order")
    perception_gaps: list[PerceptionHighlight] = Field(description=f"The {TOP} largest |Hedges' g| between a layer "
                                                                   "and the reference layer (employees)")
    most_ready_teams: list[TeamReadiness] = Field(description="Highest readiness index first (at most "
                                                              f"{TOP}, and at most half the ranked teams)")
    least_ready_teams: list[TeamReadiness] = Field(description="Lowest readiness index first")


def _mean_reading(name: dict[str, str], mean: float | None, n: int | None, rank: int, count: int,
                  scale: tuple[int, int]) -> Reading | None:
    if mean is None or n is None:
        return None
    lo, hi = scale
    where = {"en": "the lowest" if rank == 1 else "the highest" if rank == count else f"number {rank} from the lowest",
             "nl": "de laagste" if rank == 1 else "de hoogste" if rank == count else f"nummer {rank} van onderen"}
    x = f"{mean:.1f}"
    return Reading(en=f"{name['en']} scores {x} on the {lo}-{hi} scale (n = {n}): {where['en']} of the {count} "
                      f"dimensions.",
                   nl=f"{name['nl']} scoort {x.replace('.', ',')} op de schaal {lo}-{hi} (n = {n}): {where['nl']} "
                      f"van de {count} dimensies.")


def _team_reading(name: str, mean: float) -> Reading:
    x = f"{mean:.1f}"
    return Reading(en=f'Respondents in "{name}" score {x} on average across the dimensions.',
                   nl=f'Respondenten in "{name}" scoren gemiddeld {x.replace(".", ",")} over de dimensies.')


def _dimensions(ctx: ReportContext, lang: Lang, by_gap: bool) -> list[ReadinessDimension]:
    profile = culture_profile(ctx, lang)
    names = {d.key: d.names for d in ctx.data.definition.dimensions}
    gaps: dict[str, PairedGap] = {}
    if by_gap:
        gaps = {g.key: g for g in desired_gap(ctx, "scope", lang).groups[0].dimensions}
    rows = []
    for d in profile.dimensions:
        gap = gaps.get(d.key)
        rows.append(ReadinessDimension(rank=gap.rank if gap else None, key=d.key, name=d.name, n=d.n, mean=d.mean,
                                       ci=d.ci, reason=d.reason, desired_gap=gap, reading=gap.reading if gap else None))
    if not by_gap:
        ranked = sorted((r for r in rows if r.mean is not None), key=lambda r: r.mean or 0.0)
        for rank, row in enumerate(ranked, start=1):
            row.rank = rank
            lookup = {lang_: names.get(row.key, {}).get(lang_) or row.name for lang_ in ("en", "nl")}
            row.reading = _mean_reading(lookup, row.mean, row.n, rank, len(ranked),
                                        (ctx.data.scale.scale_min, ctx.data.scale.scale_max))
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0))


def _perception(ctx: ReportContext, lang: Lang) -> list[PerceptionHighlight]:
    if len(ctx.layers) < 2:
        return []
    report = perception_gaps(ctx, *layer_sets(ctx, None, None, None), lang)
    found = [PerceptionHighlight(a=c.a, b=c.b, figures=f) for c in report.comparisons if not c.suppressed
             for f in c.dimensions if f.hedges_g is not None]
    return sorted(found, key=lambda h: -abs(h.figures.hedges_g or 0.0))[:TOP]


def _teams(ctx: ReportContext, lang: Lang) -> tuple[list[TeamReadiness], list[TeamReadiness]]:
    scores = ctx.scores("current")
    have = (~np.isnan(scores)).sum(axis=1)
    index = np.where(have >= math.ceil(scores.shape[1] / 2), np.nansum(scores, axis=1) / np.maximum(have, 1), np.nan)
    units = [u for u in team_units(ctx, "teams") if ctx.visible(u)]
    codes = ctx.group_codes([(u, ALL) for u in units])
    codes[codes < 0] = len(units)
    table = FrequencyTable.from_values(index, codes)
    table = table.regroup(table.labels.astype(np.int64), labels=np.arange(len(units) + 1))
    desc = describe(table)
    indexed = ctx.subset_map("readiness_index", ~np.isnan(index))
    ranked = [i for i in range(len(units)) if desc.n[i] >= ctx.k and ctx.shows(indexed, units[i])]
    allowed = {i for i in ranked if ctx.shows_rest(indexed, ORGANISATION, (units[i], ALL))}
    rest = compare_with_rest(table) if allowed else ()
    tests = holm([rest[i].welch.pvalue if i in allowed else None for i in ranked])
    p_of = dict(zip(ranked, tests.adjusted, strict=True))
    out = []
    for i in sorted(ranked, key=lambda i: -float(desc.mean[i])):
        name = ctx.unit_name(units[i])
        entry = TeamReadiness(group=group_ref(ctx, units[i]), n=int(desc.n[i]), mean=num(desc.mean[i]),
                              ci=interval(desc.ci(i)), difference=None, difference_ci=None, hedges_g=None,
                              hedges_g_ci=None, effect_size=None, welch=None, reason="rest_suppressed",
                              reading=_team_reading(name, float(desc.mean[i])))
        if i in allowed:
            r = rest[i]
            missing = r.difference.reason or r.hedges_g.reason or r.welch.reason
            entry.difference, entry.difference_ci = num(r.difference.value), interval(r.difference.ci)
            entry.hedges_g, entry.hedges_g_ci = num(r.hedges_g.value), interval(r.hedges_g.ci)
            entry.effect_size, entry.reason = size_word(r.hedges_g.value), missing.value if missing else None
            if r.welch.pvalue is not None:
                entry.welch = PValue(p=r.welch.pvalue, p_adjusted=p_of[i], correction="holm",
                                     family_size=tests.n_tests)
            reading = difference_reading(respondents_in(name), REST_OF_ORGANISATION, OVERALL, r.difference.value,
                                         r.hedges_g.value, p_of[i])
            entry.reading = reading or entry.reading
        out.append(entry)
    half = min(TOP, len(out) // 2)
    return out[:half], out[::-1][:half]


def readiness(ctx: ReportContext, rank_by: RankBy, lang: Lang) -> Readiness:
    """The scope's readiness at a glance (see the module docstring)."""
    by_gap = rank_by == "desired_gap" or (rank_by == "auto" and ctx.survey.ask_desired)
    scope = group_ref(ctx, ctx.scope)
    report = Readiness(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k, group=scope,
                       suppressed=scope.suppressed, ranked_by="desired_gap" if by_gap else "mean", dimensions=[],
                       perception_gaps=[], most_ready_teams=[], least_ready_teams=[])
    if scope.suppressed:
        return report
    report.dimensions = _dimensions(ctx, lang, by_gap)
    report.perception_gaps = _perception(ctx, lang)
    report.most_ready_teams, report.least_ready_teams = _teams(ctx, lang)
    return report

