"""Within-team agreement (rwg(j)) and the reliability of team means (ICC(1), ICC(2)): may a team's mean score be
read as a property of the team?

The rule (documented on the route too):

* rwg(j) per visible team and dimension against the uniform null over the dimension's own A options, variance
  (A² - 1) / 12, given as `options` and `null_variance` (James, Demaree & Wolf 1984), listwise as
  Bliese's ``rwg.j``; read by the conventional cut-off rwg(j) >= .70 ("agreement") and by LeBreton & Senter's
  (2008) bands: <= .30 lack of agreement, <= .50 weak, < .70 moderate, <= .90 strong, above very strong.
* ICC(1) and ICC(2) per dimension across the scope's teams (Bliese 2000): only teams that are visible cells with at
  least two scale scores on the dimension enter, and whose respondents with a score on it are a visible cell of
  the dimension's own suppression map (`ReportContext.dimension_visible`); the same holds for a team's rwg(j).
* A dimension is flagged (team means should not be read as team properties) when ICC(1) < .05 (hardly any of the
  variance lies between teams; Bliese 2000 reports .05-.20 as typical), ICC(2) < .70 (team means are not reliable;
  Bliese 2000, LeBreton & Senter 2008), the median rwg(j) over the teams is below .70 (members do not agree), or
  any of these cannot be computed (e.g. fewer than two teams).

References: Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J. Klein &
S. W. J. Kozlowski (Eds.), Multilevel theory, research, and methods in organizations (pp. 349-381). Jossey-Bass.
LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater reliability and interrater
agreement. Organizational Research Methods, 11(4), 815-852.
"""

import uuid
from collections.abc import Iterator, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.reports.across_teams import (
    TEAMS_DIFFER_COLUMNS,
    Entering,
    Pairs,
    TeamsDiffer,
    dimension_cells,
    pair_cells,
    team_cells,
    teams_differ,
)
from app.reports.anonymity import ALL
from app.reports.context import ReportContext
from app.reports.figures import OUTCOME, GroupRef, PValue, num
from app.reports.gaps_schemas import Level
from app.reports.gaps_service import team_units
from app.reports.profile_schemas import MIN_GROUP_SIZE, Lang
from app.reports.profile_service import dimension_names, group_ref, group_refs
from app.reports.readings import LANGS
from app.stats import icc_from_moments, summarize

AGREEMENT = 0.70
MIN_ICC1 = 0.05
MIN_ICC2 = 0.70
Band = Literal["lack", "weak", "moderate", "strong", "very_strong"]
Flag = Literal["icc1_below_0.05", "icc2_below_0.70", "median_rwg_j_below_0.70", "icc_not_estimable",
               "rwg_j_not_estimable"]


class TeamDimensionAgreement(BaseModel):
    """One team's agreement (rwg(j)) on one dimension."""

    key: str = Field(description="Dimension key")
    name: str
    outcome: bool = Field(description=OUTCOME)
    n: int | None = Field(description="Team members who answered every item of the dimension (listwise, as "
                                      "`rwg.j`)")
    rwg_j: float | None = Field(description="rwg(j) against the uniform null, truncated to [0, 1]")
    mean: float | None = Field(default=None, description="The team's mean scale score over those `n` (as in the "
                                                         "breakdown): what the tests across teams compare")
    agreement: bool | None = Field(description="rwg(j) >= 0.70 (the conventional cut-off)")
    band: Band | None = Field(description="LeBreton & Senter (2008): <= .30 lack, <= .50 weak, < .70 moderate, "
                                          "<= .90 strong, above very strong")
    reason: str | None = Field(description="Why rwg(j) is missing: `below_minimum` (fewer than the minimum group "
                                           "size answered every item), `protects_smaller_group`, `n_below_2`, "
                                           "`all_missing`")


class TeamAgreement(BaseModel):
    """One team of the scope with its agreement per dimension."""

    group: GroupRef
    suppressed: bool = Field(description="The team is hidden: no figures")
    dimensions: list[TeamDimensionAgreement] = Field(description="Empty when the team is suppressed")


class DimensionAgreement(BaseModel):
    """One dimension across the scope's teams: ICC(1), ICC(2), the teams' rwg(j) and whether team means may be read
    as team properties."""

    key: str
    name: str
    outcome: bool = Field(description=OUTCOME)
    n_teams: int = Field(description="Teams entering the ICC: visible, with at least two scale scores")
    n: int = Field(description="Respondents with a scale score in those teams")
    icc1: float | None = Field(description="ICC(1): share of the variance between teams (Bliese 2000)")
    icc2: float | None = Field(description="ICC(2): reliability of the team means")
    f: float | None = Field(description="F of the one-way ANOVA of the scale scores on the teams")
    f_test: PValue | None = Field(description="p of that F test (not adjusted: a descriptive figure)")
    icc_reason: str | None = Field(description="Why the ICCs are missing (`one_group`, `n_below_2`, "
                                               "`zero_variance`)")
    n_teams_rwg: int = Field(description="Teams with an rwg(j) on this dimension")
    options: int | None = Field(default=None, description="A, the number of answer options of the dimension's own "
                                                          "scale (custom questionnaires may give dimensions their "
                                                          "own scales)")
    null_variance: float | None = Field(default=None, description="rwg(j)'s expected variance under no agreement, "
                                                                  "the uniform (A² - 1) / 12 on the dimension's own "
                                                                  "scale (multilevel's `ranvar`)")
    median_rwg_j: float | None = Field(description="Median of the teams' rwg(j) (0 to 1) over the `n_teams_rwg` "
                                                   "teams with one; below 0.70 flags the dimension; null when no team "
                                                   "has one")
    mean_rwg_j: float | None = Field(default=None, description="Mean of the teams' rwg(j) (beside the median, "
                                                               "which the flag reads)")
    teams_differ: TeamsDiffer | None = Field(default=None, description="Do the teams differ on the dimension? "
                                                                      "One-way and Welch ANOVA, Kruskal-Wallis, "
                                                                      "Games-Howell pairs, over the teams of the "
                                                                      "ICC")
    flagged: bool = Field(description="Team means should not be read as team properties (see `flags`)")
    flags: list[Flag] = Field(description="Which rules fired: ICC(1) < .05, ICC(2) < .70, median rwg(j) < .70, or "
                                          "a figure could not be computed")


class AgreementReport(BaseModel):
    """Within-team agreement and the reliability of team means per dimension: may a team's mean be read as a
    property of the team?"""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
    scope: GroupRef
    level: Level
    teams: list[TeamAgreement] = Field(description="The scope's teams with respondents")
    dimensions: list[DimensionAgreement]


def band(value: float | None) -> Band | None:
    if value is None:
        return None
    return ("lack" if value <= 0.30 else "weak" if value <= 0.50 else "moderate" if value < AGREEMENT
            else "strong" if value <= 0.90 else "very_strong")


def _flags(icc1: float | None, icc2: float | None, median: float | None) -> list[Flag]:
    """Which of the rules fire (see the module docstring)."""
    flags: list[Flag] = []
    if icc1 is None or icc2 is None:
        flags.append("icc_not_estimable")
    if icc1 is not None and icc1 < MIN_ICC1:
        flags.append("icc1_below_0.05")
    if icc2 is not None and icc2 < MIN_ICC2:
        flags.append("icc2_below_0.70")
    if median is None:
        flags.append("rwg_j_not_estimable")
    elif median < AGREEMENT:
        flags.append("median_rwg_j_below_0.70")
    return flags


def agreement(ctx: ReportContext, level: Level, lang: Lang, pairs: Pairs = "significant") -> AgreementReport:
    """rwg(j) per visible team and dimension; ICC(1)/ICC(2), median and mean rwg(j), the flag and the tests across
    teams (`app.reports.across_teams`) per dimension."""
    units = team_units(ctx, level)
    shown = [u for u in units if ctx.visible(u)]
    codes = ctx.group_codes([(u, ALL) for u in shown])
    dims = range(ctx.data.scale.n_dimensions)
    hidden_at = ctx.hidden_reasons(ctx.cell_index([(u, ALL) for u in shown]), [ctx.dimension_map(d) for d in dims])
    summary = summarize(ctx.data.current, scale=ctx.data.scale, groups=codes)
    labels = summary.labels.astype(np.int64)
    row = {int(label): i for i, label in enumerate(labels.tolist())}
    names = dimension_names(ctx, lang)
    all_names: dict[str, list[str]] = {lang_: dimension_names(ctx, lang_) for lang_ in LANGS}
    entering: list[Entering] = []
    per_team: dict[uuid.UUID, list[TeamDimensionAgreement]] = {u: [] for u in shown}
    dimensions = []
    for d, key in enumerate(ctx.data.scale.dimensions):  # a loop over dimensions; teams are vectorised
        agr = summary.agreement(d)
        outcome = ctx.data.definition.is_outcome(key)
        moments = summary.score_tables[d].moments()
        values = []
        for i, u in enumerate(shown):
            r = row[i]
            n = int(agr.n[r])
            hidden = hidden_at[i][d] or ("below_minimum" if 0 < n < ctx.k else None)
            if hidden:
                figure = TeamDimensionAgreement(key=key, name=names[d], outcome=outcome, n=None, rwg_j=None,
                                                agreement=None, band=None, reason=hidden)
            else:
                value = num(agr.rwg[r])
                reason = agr.reasons[r]
                figure = TeamDimensionAgreement(key=key, name=names[d], outcome=outcome, n=n, rwg_j=value,
                                                mean=num(moments.mean[r]),
                                                agreement=None if value is None else value >= AGREEMENT,
                                                band=band(value), reason=reason.value if reason else None)
                if value is not None:
                    values.append(value)
            per_team[u].append(figure)
        scored = np.array([label >= 0 and hidden_at[label][d] is None for label in labels.tolist()], dtype=bool)
        enters = scored & (moments.n >= 2)  # the teams of the ICC and of the tests across teams: never a hidden one
        icc = icc_from_moments(moments.select(enters))
        teams_in = [shown[int(label)] for label in labels[enters].tolist()]
        entering.append(Entering(summary.score_tables[d].select(enters), [str(u) for u in teams_in],
                                 [ctx.unit_name(u) for u in teams_in], [ctx.unit_path(u) for u in teams_in]))
        median = float(np.median(values)) if values else None
        icc1, icc2 = icc.icc1.value, icc.icc2.value
        flags = _flags(icc1, icc2, median)
        reason = icc.icc1.reason or icc.icc2.reason
        dimensions.append(DimensionAgreement(
            key=key, name=names[d], outcome=outcome, n_teams=icc.n_groups, n=icc.n, icc1=num(icc1), icc2=num(icc2),
            f=num(icc.f_test.statistic),
            f_test=None if icc.f_test.pvalue is None else PValue(p=icc.f_test.pvalue, p_adjusted=None,
                                                                 correction="none", family_size=1),
            icc_reason=reason.value if reason else None, n_teams_rwg=len(values), median_rwg_j=median,
            options=ctx.data.scale.options_of(d), null_variance=ctx.data.scale.null_variance_of(d),
            mean_rwg_j=float(np.mean(values)) if values else None, flagged=bool(flags), flags=flags))
    for dim, tests in zip(dimensions, teams_differ(entering, all_names, pairs), strict=True):
        dim.teams_differ = tests
    teams = [TeamAgreement(group=ref, suppressed=ref.suppressed, dimensions=per_team.get(u, []))
             for u, ref in zip(units, group_refs(ctx, [(u, ALL) for u in units]), strict=True)]
    return AgreementReport(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k,
                           scope=group_ref(ctx, ctx.scope), level=level, teams=teams, dimensions=dimensions)


AGREEMENT_COLUMNS = ["row", "unit_id", "unit_path", "group_n", "suppressed", "dimension", "name", "outcome", "n",
                     "rwg_j", "agreement", "band", "reason", "n_teams", "icc1", "icc2", "f", "f_p", "median_rwg_j",
                     "flagged", "flags", *TEAMS_DIFFER_COLUMNS, "options", "null_variance"]


def agreement_rows(report: AgreementReport) -> Iterator[Sequence[str | int | float | bool | None]]:
    """The CSV table: one `team` row per team and dimension (one row without figures for a suppressed team),
    then one `dimension` row per dimension, then a `pair` row per Games-Howell pair shown (`unit_id`/`unit_path`:
    the first team, `second_*`: the second)."""
    blank = [None] * len(TEAMS_DIFFER_COLUMNS)
    for team in report.teams:
        g = team.group
        head = ["team", str(g.unit_id), "/".join(g.unit_path), g.n, team.suppressed]
        if team.suppressed:
            yield [*head, None, None, None, None, None, None, None, g.reason, *[None] * 8, *blank, None, None]
        for f in team.dimensions:
            yield [*head, f.key, f.name, f.outcome, f.n, f.rwg_j, f.agreement, f.band, f.reason, *[None] * 8,
                   *team_cells(f.mean), None, None]
    for dim in report.dimensions:
        yield ["dimension", None, None, None, None, dim.key, dim.name, dim.outcome, dim.n, None, None, None,
               dim.icc_reason, dim.n_teams, dim.icc1, dim.icc2, dim.f, dim.f_test.p if dim.f_test else None,
               dim.median_rwg_j, dim.flagged, " ".join(dim.flags),
               *dimension_cells(dim.mean_rwg_j, dim.teams_differ), dim.options, dim.null_variance]
    for dim in report.dimensions:
        for pair in dim.teams_differ.pairs if dim.teams_differ else []:
            yield ["pair", pair.first, "/".join(pair.first_path), None, None, dim.key, dim.name, dim.outcome, None,
                   None, None, None, pair.reason, *[None] * 8, *pair_cells(pair), None, None]
