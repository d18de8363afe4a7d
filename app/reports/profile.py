"""Culture profile, breakdowns, heatmap and data quality (response rates: `rates`) of a survey wave.

Every route reports on a scope: `unit_id`'s subtree, or the key's own unit, or the organisation. Any key of the
organisation that reaches the scope may read them. Groups too small to show (see `min_group_size` and
`app.reports.anonymity`) are returned with `suppressed: true`, `n: null` and null figures — also in the CSV.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.exports.options import TABLE_RESPONSES, ExportDep
from app.reports import breakdown as service
from app.reports.context import LevelQuery, ReportDep
from app.reports.figures import DEFAULT_LEVEL, LEVEL_DESCRIPTION
from app.reports.profile_csv import breakdown_csv, heatmap_csv, profile_csv
from app.reports.profile_schemas import (
    Breakdown,
    By,
    CultureProfile,
    DataQuality,
    HeatLevel,
    Heatmap,
    Lang,
)
from app.reports.profile_service import culture_profile
from app.reports.quality import data_quality
from app.reports.summary_csv import quality_csv

router = APIRouter()

LangQuery = Annotated[Lang, Query(description="Language of dimension and item names")]
HeatLevelQuery = Annotated[HeatLevel, Query(description=LEVEL_DESCRIPTION + "; `tree`: the scope unit and every "
                                                        "unit below it (directorates, departments and teams), in tree "
                                                        "order")]


@router.get("/profile", name="get_culture_profile", response_model=CultureProfile, responses=TABLE_RESPONSES)
def get_culture_profile(ctx: ReportDep, out: ExportDep, lang: LangQuery = "en") -> Response | CultureProfile:
    """The culture profile of the scope (every layer together).

    Per dimension: `n` respondents with a scale score (the mean of their reverse-keyed answers to the dimension's
    items, when they answered at least half of them), mean, SD, 95% t-interval of the mean, the distribution of
    scale scores, and the shares of favourable / unfavourable answers (the top / bottom two answer options after
    reverse keying, as shares of the answers given). Its reliability among the scope's respondents:
    Cronbach's alpha with Feldt's 95% interval and McDonald's omega total (pairwise-complete), with `low_alpha`
    when alpha < 0.7.

    Per item: answers on the scale (`n`; missing and "don't know" left out), mean as ticked (not reverse keyed) with
    its t-interval, counts per scale point, the number of "don't know" answers and the favourable / unfavourable
    shares.

    When the scope itself is too small to show, the answer is still 200, with `suppressed: true` and no figures.
    """
    profile = culture_profile(ctx, lang)
    return out.respond(profile_csv(profile)) if out.tabular else profile


@router.get("/breakdown", name="get_breakdown", response_model=Breakdown, responses=TABLE_RESPONSES)
def get_breakdown(
    ctx: ReportDep, out: ExportDep,
    by: Annotated[By, Query(description="`unit`: the units given by `level`; `layer`: the organisation's layers "
                                        "within the scope; `unit_layer`: every unit by every layer")] = "unit",
    level: LevelQuery = DEFAULT_LEVEL,
    lang: LangQuery = "en",
) -> Response | Breakdown:
    """Scale scores of the scope's groups: per group and dimension `n`, mean, 95% t-interval and
    `diff_from_organisation` (the group's mean minus the organisation-wide mean of all respondents, every unit and
    layer). The difference is null when the organisation as a whole is suppressed; the organisation's figures are
    given as `organisation`, the whole scope's as `scope`. Suppressed groups have null figures. Respondents without
    a layer (imported) count in unit groups only.
    """
    result = service.breakdown(ctx, by, level, lang)
    return out.respond(breakdown_csv(result)) if out.tabular else result


@router.get("/heatmap", name="get_heatmap", response_model=Heatmap, responses=TABLE_RESPONSES)
def get_heatmap(ctx: ReportDep, out: ExportDep, level: HeatLevelQuery = DEFAULT_LEVEL,
                lang: LangQuery = "en") -> Response | Heatmap:
    """Units (rows) by dimensions (columns): each cell the `n` of respondents with a scale score, the mean scale
    score and its difference from the organisation-wide mean; `suppressed` cells have null figures. In CSV, one row
    per unit with `<dimension>_n`, `<dimension>_mean` and `<dimension>_diff` columns.
    """
    result = service.heatmap(ctx, level, lang)
    return out.respond(heatmap_csv(result)) if out.tabular else result


@router.get("/data-quality", name="get_data_quality", response_model=DataQuality, responses=TABLE_RESPONSES)
def get_data_quality(ctx: ReportDep, out: ExportDep) -> Response | DataQuality:
    """Warnings about the data of the scope, each with a code, a severity, a message in English and Dutch and the
    figure it rests on (with its n and threshold):

    - `negative_item_total` (critical): an item's corrected item-total correlation in its dimension is negative
      among the scope's respondents — the item is likely keyed the wrong way.
    - `low_alpha`: a dimension's Cronbach's alpha is below 0.7 in the scope, in one of its child units, in one of
      its layers, or among the scope's respondents who answered in one language (only when that language group
      and the rest of the scope both have at least `min_group_size` respondents). Severity `warning` when the
      whole 95% Feldt interval lies below 0.7, else `info`.
    - `straight_lining` (warning): more than 10% of the group's respondents gave the same answer (as ticked) to
      every item they answered; only respondents with at least 10 answers spread over two or more dimensions count.
    - `high_dont_know` (info): more than 20% of the scope's respondents who saw an item chose "don't know".
    - `not_invariant` (warning): a layer of the scope and the reference layer (employees, else the bottom layer)
      do not read a dimension's statements alike: metric (equal loadings) or scalar (equal intercepts) invariance
      fails by CFI dropping more than 0.01 (multi-group one-factor models, as the perception gaps' `invariance`);
      their perception gap is then to be compared with care. Only where both layers show the dimension's figures
      and each has at least 30 respondents who answered all of its statements (fewer: not checked).

    Only groups that are not suppressed are examined; `dont_know` lists the share per item for the scope.

    CSV (`format=csv`): one row per warning, then one per item's "don't know" share (`row` says which).
    """
    report = data_quality(ctx)
    return out.respond(quality_csv(report)) if out.tabular else report
