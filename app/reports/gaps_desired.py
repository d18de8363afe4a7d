"""Current against desired culture: the paired gap (desired - current) within respondents, per dimension and item.

Dimensions use scale scores (mean of the keyed answers, as everywhere); items use keyed answers too, so that a
positive gap always means "people want more of the favourable culture", also for reverse-keyed items. Groups are
the scope cell and, with `by=layer`, each of the scope's layer cells: only visible cells show figures. A dimension's
or item's figures rest on its complete pairs, so the cell must be visible in their own suppression map too
(`ReportContext.paired_visible`; `suppressed` otherwise), and as an extra guard hold at least the survey's minimum
group size of them (`below_threshold`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from app.errors import Conflict
from app.reports.anonymity import ALL
from app.reports.context import Cell, LayerRef, ReportContext
from app.reports.figures import PValue, num
from app.reports.gaps_schemas import DesiredGap, DesiredGapGroup, PairedGap
from app.reports.profile_schemas import Lang
from app.reports.profile_service import dimension_names, group_ref, interval, localised
from app.reports.readings import (
    EVERYONE,
    LANGS,
    Phrase,
    desired_reading,
    is_significant,
    layers_phrase,
    respondents_in,
    size_word,
)
from app.stats import AdjustedPValues, PairedComparison, holm, paired_many, reverse_key

By = Literal["scope", "layer"]


@dataclass(frozen=True)
class _Test:
    """One paired comparison of one group: a dimension (`item` None) or an item."""

    group: int
    dimension: int
    item: int | None
    result: PairedComparison | None  # None: not shown, see `why`
    why: str = "below_threshold"

    @property
    def key(self) -> tuple[int, int, int | None]:
        return self.group, self.dimension, self.item


def _pairs(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> int:
    return int((~np.isnan(x) & ~np.isnan(y)).sum())


def _why_not(ctx: ReportContext, cell: Cell, d: int, j: int | None, x: npt.NDArray[np.float64],
             y: npt.NDArray[np.float64]) -> str | None:
    """Why a dimension's (`j` None) or item's paired test is not shown in the cell, or None when it is."""
    if not (ctx.paired_visible(*cell, dimension=d) if j is None else ctx.paired_visible(*cell, item=j)):
        return "suppressed"
    n = _pairs(x, y)
    return None if n == 0 or n >= ctx.k else "below_threshold"


def _keyed(ctx: ReportContext, answers: npt.NDArray[np.float32], item: int) -> npt.NDArray[np.float64]:
    """One item's answers, reverse keyed when the item is."""
    scale = ctx.data.scale
    return reverse_key(answers, reverse=bool(scale.reverse[item]), scale_min=scale.scale_min,
                       scale_max=scale.scale_max)


def _paired_gap(ctx: ReportContext, test: _Test, rank: int | None, welch: AdjustedPValues, wilcoxon: AdjustedPValues,
                index: dict[tuple[int, int, int | None], int], lang: Lang, names: Mapping[str, list[str]],
                who: Phrase) -> PairedGap:
    definition = ctx.data.definition
    d, j = test.dimension, test.item
    if j is None:
        key, name = ctx.data.scale.dimensions[d], names[lang][d]
    else:
        item = definition.items[j]
        key, name = item.key, localised(item.texts, lang, definition, item.key)
    dimension_key = ctx.data.scale.dimensions[d]
    r = test.result
    if r is None:
        return PairedGap(key=key, name=name, dimension_key=dimension_key, rank=None, n=None, mean_current=None,
                         mean_desired=None, gap=None, gap_ci=None, t=None, df=None, t_test=None, wilcoxon_v=None,
                         wilcoxon=None, d_z=None, d_z_ci=None, effect_size=None, significant=None,
                         reason=test.why, reading=None)
    at = index[test.key]
    p_t, p_w = welch.adjusted[at], wilcoxon.adjusted[at]
    reason = r.gap.reason or r.t_test.reason or r.d_z.reason
    reading = None
    if j is None:
        reading = desired_reading(who, {lang_: names[lang_][d] for lang_ in LANGS}, r.gap.value, r.d_z.value, p_t)
    return PairedGap(
        key=key, name=name, dimension_key=dimension_key, rank=rank, n=r.n,
        # paired() ran as (desired, current): its "current" side is the desired frame
        mean_current=num(r.mean_desired), mean_desired=num(r.mean_current), gap=num(r.gap.value),
        gap_ci=interval(r.gap.ci), t=num(r.t_test.statistic), df=num(r.t_test.df),
        t_test=None if r.t_test.pvalue is None else PValue(p=r.t_test.pvalue, p_adjusted=p_t, correction="holm",
                                                           family_size=welch.n_tests),
        wilcoxon_v=num(r.wilcoxon.statistic),
        wilcoxon=None if r.wilcoxon.pvalue is None else PValue(p=r.wilcoxon.pvalue, p_adjusted=p_w,
                                                               correction="holm", family_size=wilcoxon.n_tests),
        d_z=num(r.d_z.value), d_z_ci=interval(r.d_z.ci), effect_size=size_word(r.d_z.value),
        significant=is_significant(p_t), reason=reason.value if reason else None, reading=reading)


def _ranked(tests: list[_Test]) -> list[tuple[_Test, int | None]]:
    """Largest |gap| first; tests without a gap last, in questionnaire order."""
    def size(t: _Test) -> float:
        return -abs(t.result.gap.value) if t.result is not None and t.result.gap.value is not None else np.inf

    order = sorted(tests, key=size)
    return [(t, rank + 1 if np.isfinite(size(t)) else None) for rank, t in enumerate(order)]


def desired_gap(ctx: ReportContext, by: By, lang: Lang) -> DesiredGap:
    """The paired gaps of the scope (and its layers); 409 when the survey did not ask the desired frame."""
    data = ctx.data
    if not ctx.survey.ask_desired or data.desired is None:
        raise Conflict("This survey did not ask how people would like the culture to be (`ask_desired` is false), "
                       "so there is no current-vs-desired gap to report.")
    scale = data.scale
    layers: list[LayerRef] = [ALL, *([layer.id for layer in ctx.layers] if by == "layer" else [])]
    cells: list[Cell] = [(ctx.scope, layer) for layer in layers]
    now, wish = ctx.scores("current"), ctx.scores("desired")
    tests: list[list[_Test]] = []
    for g, cell in enumerate(cells):
        if not ctx.visible(*cell):
            tests.append([])
            continue
        mask = ctx.members(cell)
        columns: list[tuple[int, int | None, npt.NDArray[np.float64], npt.NDArray[np.float64]]] = [
            (d, None, wish[mask, d], now[mask, d]) for d in range(scale.n_dimensions)]
        columns += [(int(scale.item_dimension[j]), j, _keyed(ctx, data.desired[mask, j], j),
                     _keyed(ctx, data.current[mask, j], j)) for j in range(scale.n_items)]
        whys = [_why_not(ctx, cell, d, j, x, y) for d, j, x, y in columns]
        results = iter(paired_many([(x, y) for (_, _, x, y), why in zip(columns, whys, strict=True) if why is None]))
        group = [_Test(g, d, j, next(results)) if why is None else _Test(g, d, j, None, why)
                 for (d, j, _, _), why in zip(columns, whys, strict=True)]
        tests.append(group)
    made = [t for group in tests for t in group if t.result is not None]
    index = {t.key: i for i, t in enumerate(made)}
    welch = holm([t.result.t_test.pvalue for t in made if t.result is not None])
    wilcoxon = holm([t.result.wilcoxon.pvalue for t in made if t.result is not None])
    names: dict[str, list[str]] = {lang_: dimension_names(ctx, lang_) for lang_ in LANGS}
    out = []
    for cell, group in zip(cells, tests, strict=True):
        layer = next((x for x in ctx.layers if x.id == cell[1]), None)
        who = layers_phrase([layer]) if layer else respondents_in(ctx.unit_name(ctx.scope)) if ctx.scope else EVERYONE
        ref = group_ref(ctx, *cell)
        dims = _ranked([t for t in group if t.item is None])
        items = _ranked([t for t in group if t.item is not None])
        out.append(DesiredGapGroup(
            group=ref, suppressed=ref.suppressed,
            dimensions=[_paired_gap(ctx, t, rank, welch, wilcoxon, index, lang, names, who) for t, rank in dims],
            items=[_paired_gap(ctx, t, rank, welch, wilcoxon, index, lang, names, who) for t, rank in items]))
    return DesiredGap(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k, by=by, groups=out)
