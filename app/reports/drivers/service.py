"""The driver report: how much each culture dimension accounts for the outcome scale in a scope
(`app.stats.drivers`: general dominance and Johnson's relative weights, seeded bootstrap intervals), and the focus
areas built on it (`app.reports.drivers.focus`).

Anonymity (docs/anonymity.md, "Driver analysis"): the analysis rests on one respondent set, those of the scope's
cell (the roll-up's members, as every figure) who answered every statement of every dimension and of the outcome
in the current frame. That set has its own suppression map (`ReportContext.subset_map`, started from the
respondents' map like every dimension's), and the report is given only where both maps show the scope and the set
holds at least `min_respondents(ctx)` respondents -- 50, far above any k of 5 to 10 (a survey's larger minimum
group size wins). Its one additive figure is `n`; the weights, R² and intervals are not additive and are computed
only for such a set.
"""

import numpy as np
import numpy.typing as npt

from app.errors import Unprocessable
from app.reports.anonymity import ALL, SuppressionMap
from app.reports.context import Cell, ReportContext
from app.stats.drivers import MIN_RESPONDENTS, DriverAnalysis, driver_analysis

SET_KEY = "drivers:current"


def min_respondents(ctx: ReportContext) -> int:
    """Fewest respondents of a scope for its driver analysis: `app.stats.drivers.MIN_RESPONDENTS`, or the
    survey's minimum group size when that is larger."""
    return max(MIN_RESPONDENTS, ctx.k)


def complete_everywhere(ctx: ReportContext) -> npt.NDArray[np.bool_]:
    """Per respondent: answered every statement of every dimension (the outcome's included), current frame."""
    return np.asarray(~np.isnan(ctx.scores("current")).any(axis=1), dtype=bool)


def driver_map(ctx: ReportContext) -> SuppressionMap:
    """The suppression map of the driver analysis's respondent set."""
    return ctx.subset_map(SET_KEY, lambda: complete_everywhere(ctx))


def _problem(msg: str, kind: str) -> Unprocessable:
    return Unprocessable(msg, errors=[{"loc": ["query", "unit_id"], "msg": msg, "type": kind}])


def analyse(ctx: ReportContext, *, resamples: int, seed: int,
            level: float = 0.95) -> tuple[DriverAnalysis, npt.NDArray[np.bool_]]:
    """The scope's driver analysis and the mask of the respondents it rests on; `Unprocessable` when the
    questionnaire has no outcome scale or the scope has too few respondents (or may not show them)."""
    definition = ctx.data.definition
    outcome = definition.outcome
    if outcome is None:
        msg = ("This survey's questionnaire has no outcome scale, so there is nothing to explain: use version 2 of the "
               "built-in questionnaire (with the scale \"knowledge sharing and learning\") or mark one dimension of "
               "a custom questionnaire as the outcome.")
        raise Unprocessable(msg, errors=[{"loc": ["path", "survey_id"], "msg": msg, "type": "no_outcome"}])
    need = min_respondents(ctx)
    cell: Cell = (ctx.scope, ALL)
    mask = ctx.members(cell) & complete_everywhere(ctx)
    smap = driver_map(ctx)
    if int(mask.sum()) >= need and ctx.hidden_reason(*cell, smap=smap) == "protects_smaller_group":
        raise _problem("The driver analysis of this scope is hidden: with the number of respondents it rests on, "
                       "someone could work out a group smaller than the minimum group size by subtracting other "
                       "published figures. Choose a larger unit or the organisation.", "driver_set_hidden")
    if not ctx.shows(smap, *cell) or int(mask.sum()) < need:
        raise _problem(
            f"A driver analysis needs at least {need} respondents in the scope who answered every statement of every "
            f"dimension and of the outcome; this scope has fewer. With {len(definition.culture_dimensions)} "
            "dimensions explaining one outcome, fewer respondents leave the weights mostly noise (their intervals "
            "span most of R²), which is why the minimum is far above the minimum group size "
            f"({ctx.k}): choose a larger unit or the organisation.", "below_driver_minimum")
    dims = list(ctx.data.scale.dimensions)
    predictors = [dims.index(d.key) for d in definition.culture_dimensions]
    scores = ctx.scores("current")[mask]
    # A canonical order of the respondents (by their scores), so the seeded bootstrap gives the same intervals
    # whatever order the database returned them in (SQLite and PostgreSQL differ) or the rows were imported in.
    scores = scores[np.lexsort(scores.T[::-1])]
    try:
        result = driver_analysis(scores[:, predictors], scores[:, dims.index(outcome.key)], n_bootstrap=resamples,
                                 seed=seed, level=level, min_respondents=need)
    except ValueError as e:
        raise _problem(f"No driver analysis for this scope: {e}.", "no_driver_analysis") from e
    return result, mask
