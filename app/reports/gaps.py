"""Routes of the gap reports: perception gaps between layers, teams against the rest of the organisation,
current against desired culture, and within-team agreement."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.errors import problem_responses
from app.exports.options import TABLE_RESPONSES, ExportDep
from app.exports.tables import Table
from app.reports.across_teams import Pairs
from app.reports.agreement import AGREEMENT_COLUMNS, AgreementReport, agreement, agreement_rows
from app.reports.context import LevelQuery, ReportDep
from app.reports.figures import DEFAULT_LEVEL
from app.reports.gaps_csv import COMPARISON_COLUMNS, DESIRED_COLUMNS, MODEL_COLUMNS, comparison_rows, desired_rows
from app.reports.gaps_desired import By, desired_gap
from app.reports.gaps_schemas import DesiredGap, PerceptionGaps, TeamGaps
from app.reports.gaps_service import layer_sets, perception_gaps, team_gaps
from app.reports.profile_schemas import Lang

router = APIRouter()

LangQuery = Annotated[Lang, Query(description="Language of names and texts (readings come in both)")]
Keys = Annotated[str | None, Query(max_length=1000)]

COMPARISON_DEFINITIONS = """
Per dimension (scale scores: the mean of a respondent's keyed answers to the dimension's items):
- `difference` = mean of a - mean of b, with Welch's confidence interval;
- `hedges_g`: the standardised difference (pooled SD, small-sample corrected), with a noncentral-t interval;
  `effect_size` names |g|: < 0.2 negligible, < 0.5 small, < 0.8 medium, else large;
- Welch's t-test (`welch_t`, `welch_df`, `welch.p`) and the Mann-Whitney U test (`mann_whitney.p`), both two-sided;
- `welch.p_adjusted`: Holm-adjusted over the family of every Welch test this report makes (all comparisons x
  dimensions; `family_size` says how many); Mann-Whitney p-values are Holm-adjusted as a family of their own;
  `significant` = adjusted Welch p < 0.05, unless a mixed model is fitted (`verdict_test` says which);
- `difference_ci_holm`: the interval that agrees with `significant` (excludes 0 exactly when it is true);
- `reading`: the result in one sentence, English and Dutch, its verdict that of `significant`.

A dimension's figures rest on the respondents who answered all of its statements (on the scale, in this frame):
they show only when, on both sides, those respondents may be shown as a group of their own (the same anonymity
rules as for the groups, in that dimension's own suppression map) and number at least the survey's minimum group
size; a missing figure says why in `reason` (`below_minimum`, `protects_smaller_group`, or a statistics reason)."""


PERCEPTION_GAPS = """Perception gaps between leadership layers within the scope: each layer against the reference
layer, or any two sets of layers (`a` against `b`).

Groups are the scope's layer cells; a set of layers is shown as one group only when that reveals nothing
about a suppressed cell. A comparison involving a group that may not be shown is listed with
`suppressed: true` and no figures (and makes no test).
{definitions}

**Primary test: `mixed_model`.** Respondents sit in teams, so the layers' scores are not independent: per
comparison and dimension, a linear mixed model `score ~ group + (1 | team)` (REML; teams = the units where the
answers count) gives the difference a - b with its interval, Satterthwaite `df` (as lmerTest), t and p,
Holm-adjusted over every mixed-model test of the report (`significant`: adjusted p < 0.05), the between- and
within-team variances, the ICC and the design effect, and a `reading`; `cluster_robust` checks the same
difference with a CR2 cluster-robust SE, t, Satterthwaite df and unadjusted p (as R's clubSandwich), which do not
rest on the random intercept being the right model. The figures above (Welch, Mann-Whitney,
Hedges' g) stay as secondary figures. Where the model is fitted it gives the dimension's one verdict:
`significant`, `difference_ci_holm` (Holm-compatible over the mixed-model family, around the model's difference)
and the reading's verdict follow it, with `verdict_test: mixed_model`; elsewhere they follow Welch's test
(`verdict_test: welch`). Not fitted (`fitted: false`, `reason`, `explanation`) with respondents in
fewer than 5 teams (`too_few_clusters`), no team with two of them (`n_below_2`), no variance (`zero_variance`) or
no proper REML maximum (`not_estimable`). Per-team effects are never published.

**Beside it: `invariance`.** Do the two groups read the dimension's statements alike? Multi-group one-factor models
of the keyed statements: configural, metric (equal loadings), scalar (equal loadings and intercepts), with
chi-square, df, CFI, RMSEA, the chi-square difference tests and the change in CFI; a step holds when CFI drops by
no more than 0.01. `verdict`: `alike` (the gap can be compared), `loadings_differ` or `intercepts_differ`
(compare with care; also a `not_invariant` note in the data-quality report), `cannot_fit` with a `reason`: each
group needs at least `min_group_size` (30, and more than the statements) respondents who answered every statement
(`group_too_small`), the dimension at least 3 statements (`too_few_items`).

Both rest on exactly the respondents of the comparison's shown figures, and are null where those are hidden.

422 for an unknown layer key, `reference` together with `a`/`b`, only one of `a` and `b`, or sets that overlap.
CSV (`format=csv`): one row per comparison and dimension; the model columns (`mixed_*`, `icc`, `design_effect`,
`invariance_*`, `configural_*`, `metric_*`, `scalar_*`) follow the Welch ones."""


@router.get("/perception-gaps", name="get_perception_gaps", response_model=PerceptionGaps,
            responses={**TABLE_RESPONSES, **problem_responses(422)},
            description=PERCEPTION_GAPS.format(definitions=COMPARISON_DEFINITIONS))
def get_perception_gaps(
    ctx: ReportDep, out: ExportDep,
    reference: Annotated[str | None, Query(max_length=100, description="The layer every other layer is compared "
                                           "with (default `employee`, or the bottom layer without that key)")] = None,
    a: Annotated[Keys, Query(description="Instead of `reference`: layer keys (comma-separated) of group a")] = None,
    b: Annotated[Keys, Query(description="Layer keys (comma-separated) of group b; no layer in both")] = None,
    lang: LangQuery = "en",
) -> PerceptionGaps | Response:
    sets, ref = layer_sets(ctx, reference, a, b)
    report = perception_gaps(ctx, sets, ref, lang)
    if out.tabular:
        return out.respond(Table("perception-gaps", COMPARISON_COLUMNS + MODEL_COLUMNS,
                                 comparison_rows(report.comparisons, models=True)))
    return report


TEAM_GAPS = """Each team of the scope against the rest of the organisation (the whole organisation minus the team).

A comparison is made only when the team and the organisation are shown, the team has respondents and the
rest has at least the minimum group size: the rest is then the difference of two shown groups, so it reveals
nothing new — also for a unit-scoped key, which sees only organisation-level figures that meet the threshold.
Teams without respondents are left out; a comparison that may not be made is listed with `suppressed: true`
and no figures (a = the team, b = the rest).
{definitions}

With `level=children` the child units (departments, directorates) hold several teams, and each comparison also
gets `mixed_model`: `score ~ unit + (1 | team)` (REML, Satterthwaite df, Holm over the report's mixed-model tests,
ICC, design effect), the primary test as in the perception gaps, on exactly the respondents of the two sides; not
fitted with fewer than 5 teams (`too_few_clusters`); where fitted, `significant` and `difference_ci_holm` follow
it (`verdict_test: mixed_model`). With `level=teams` a team is itself the cluster, so it is
compared by Welch's test alone (`mixed_model` null). `invariance` is for layers only (null here).

CSV (`format=csv`): one row per team and dimension."""


@router.get("/team-gaps", name="get_team_gaps", response_model=TeamGaps, responses=TABLE_RESPONSES,
            description=TEAM_GAPS.format(definitions=COMPARISON_DEFINITIONS))
def get_team_gaps(ctx: ReportDep, out: ExportDep, level: LevelQuery = DEFAULT_LEVEL,
                  lang: LangQuery = "en") -> TeamGaps | Response:
    report = team_gaps(ctx, level, lang)
    if out.tabular:
        return out.respond(Table("team-gaps", COMPARISON_COLUMNS + MODEL_COLUMNS,
                                 comparison_rows(report.teams, models=True)))
    return report


@router.get("/desired-gap", name="get_desired_gap", response_model=DesiredGap, responses={
    **TABLE_RESPONSES, **problem_responses(409)})
def get_desired_gap(
    ctx: ReportDep, out: ExportDep,
    by: Annotated[By, Query(description="`scope`: the scope as one group; `layer`: also each of its layers")] = "scope",
    lang: LangQuery = "en",
) -> DesiredGap | Response:
    """How people would like the culture to be against how they experience it: the gap desired - current per
    dimension (scale scores) and per item (keyed answers, so a positive gap always means "people want more of the
    favourable culture"), ranked by |gap|, largest first.

    Per dimension and item: each frame's mean over that frame's respondents (`n_current`, `n_desired`: those who
    answered all of the dimension's statements in that frame, the same figures as elsewhere), the `gap` with its
    interval and the **partially overlapping samples t-test** (Derrick, Toher & White 2017; the paired t-test when
    everyone answered both frames), which takes the correlation from the `n` respondents in both frames; the
    Wilcoxon signed-rank test of those pairs; and `d_av` = gap / the root mean square of the frames' SDs
    (`effect_size` names |d_av| as Cohen: < 0.2 negligible, < 0.5 small, < 0.8 medium, else large).
    **Correction: Holm**, over the family of every t-test in the report (all groups, dimensions and items); the
    Wilcoxon p-values form a Holm family of their own. `significant` = adjusted t-test p < 0.05.

    Groups: the scope cell and, with `by=layer`, each of its layer cells; a hidden group shows no figures, and a
    dimension or item shows figures only when both frames' respondents may be shown as groups of their own (in
    their own suppression maps) and number at least the minimum group size; `reason` says why not
    (`below_minimum`, `protects_smaller_group`). 409 when the survey did not ask the desired frame. CSV
    (`format=csv`): one row per group and dimension or item.
    """
    report = desired_gap(ctx, by, lang)
    if out.tabular:
        return out.respond(Table("desired-gap", DESIRED_COLUMNS, desired_rows(report), split="kind"))
    return report


@router.get("/agreement", name="get_agreement", response_model=AgreementReport, responses=TABLE_RESPONSES)
def get_agreement(ctx: ReportDep, out: ExportDep, level: LevelQuery = DEFAULT_LEVEL, lang: LangQuery = "en",
                  pairs: Annotated[Pairs, Query(description="Games-Howell pairs to list: `significant` (p < .05) "
                                                            "or `all`")] = "significant",
                  ) -> AgreementReport | Response:
    """May a team's mean be read as a property of the team? Within-team agreement and the reliability of team
    means, per dimension.

    - `rwg_j` per team and dimension: rwg(j) against the uniform null (James, Demaree & Wolf 1984), respondents
      who answered every item of the dimension (listwise, as Bliese's `rwg.j`); only for teams that are shown, and
      only with at least the minimum group size of complete answers. `agreement` = rwg(j) ≥ .70 (the conventional
      cut-off); `band` as LeBreton & Senter (2008): ≤ .30 lack, ≤ .50 weak, < .70 moderate, ≤ .90 strong, above
      very strong.
    - ICC(1) and ICC(2) per dimension across the scope's teams (Bliese 2000), from the one-way ANOVA of the scale
      scores on the teams; **only teams that are shown (not suppressed) with at least two scale scores enter**.
    - `flagged`: team means should not be read as team properties when ICC(1) < .05 (hardly any variance lies
      between teams; Bliese 2000 reports .05-.20 as typical), ICC(2) < .70 (team means are unreliable), the median
      rwg(j) across teams is below .70 (members do not agree), or one of these cannot be computed (e.g. fewer than
      two teams); `flags` lists which. `mean_rwg_j` beside the median.
    - `teams_differ` per dimension: do the teams differ more than chance explains? Over **the same teams as the
      ICC** (shown, with at least two scale scores; a hidden team never enters): the one-way ANOVA (`oneway_f`),
      Welch's ANOVA (`welch_f`, the primary test: team sizes and variances differ) and Kruskal-Wallis
      (`kruskal_h`), each p Holm-adjusted over the report's dimensions as a family of its own; `significant` =
      adjusted Welch p < .05; Games-Howell comparisons of every pair of those teams (`pairs`: the significant ones,
      or all with `pairs=all`; `largest_difference`), their p simultaneous over the dimension's pairs; `reading`
      in one sentence. Each team's `mean` (the scale-score mean of its `n`) is shown beside its rwg(j).

    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In Klein & Kozlowski (Eds.),
    *Multilevel theory, research, and methods in organizations*, 349-381. LeBreton, J. M., & Senter, J. L. (2008).
    Answers to 20 questions about interrater reliability and interrater agreement. *Organizational Research
    Methods*, 11(4), 815-852.

    CSV (`format=csv`): a `team` row per team and dimension, then a `dimension` row per dimension, then a `pair`
    row per Games-Howell pair listed."""
    report = agreement(ctx, level, lang, pairs)
    if out.tabular:
        return out.respond(Table("agreement", AGREEMENT_COLUMNS, agreement_rows(report), split="row"))
    return report
