"""Current against desired culture: the gap (desired - current) per dimension and item.

Dimensions use scale scores (mean of the keyed answers, as everywhere); items use keyed answers too, so that a
positive gap always means "people want more of the favourable culture", also for reverse-keyed items. Groups are
the scope cell and, with `by=layer`, each of the scope's layer cells: only visible cells show figures.

Each frame's mean rests on that frame's family (those who answered all of the dimension's items in it), exactly as
the same frame's figures everywhere else, and the cell must be visible in both families' maps (the reason says why
not); as an extra guard both frames need at least the survey's minimum group size (`below_minimum`). The two
frames are compared by the partially overlapping samples t-test (`app.stats.overlap`), which takes the correlation
from those in both frames: no figure is ever taken over "those who answered both", a set that would differ from each
frame's by the few who skipped the other.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from app.errors import Conflict
from app.reports.anonymity import ALL
from app.reports.context import Cell, LayerRef, ReportContext
from app.reports.figures import AdjustedInterval, PValue, num
from app.reports.gaps_schemas import DesiredGap, DesiredGapGroup, PairedGap
from app.reports.gaps_service import holm_cis
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
from app.stats import AdjustedPValues, OverlappingComparison, Scale, holm, partially_overlapping

By = Literal["scope", "layer"]


@dataclass(frozen=True)
class _Test:
    """One paired comparison of one group: a dimension (`item` None) or an item."""

    group: int
    dimension: int
    item: int | None
    result: OverlappingComparison | None  # None: not shown, see `why`
    why: str = "below_minimum"

    @property
    def key(self) -> tuple[int, int, int | None]:
        return self.group, self.dimension, self.item


def _why_not(ctx: ReportContext, cell: Cell, d: int, x: npt.NDArray[np.float64],
             y: npt.NDArray[np.float64]) -> str | None:
    """Why dimension `d`'s (or one of its items') comparison is not shown in the cell, or None when it is."""
    hidden = (ctx.hidden_reason(*cell, smap=ctx.dimension_map(d, "current"))
              or ctx.hidden_reason(*cell, smap=ctx.dimension_map(d, "desired")))
    if hidden:
        return hidden
    counts = (int((~np.isnan(x)).sum()), int((~np.isnan(y)).sum()))
    return None if all(n == 0 or n >= ctx.k for n in counts) else "below_minimum"


def _keyed(ctx: ReportContext, answers: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """Respondents x items answers, reverse keyed where the item is."""
    return ctx.data.scale.reverse_key(answers)  # each item on its dimension's own range


def _paired_gap(ctx: ReportContext, test: _Test, rank: int | None, welch: AdjustedPValues, wilcoxon: AdjustedPValues,
                index: dict[tuple[int, int, int | None], int], lang: Lang, names: Mapping[str, list[str]],
                who: Phrase, agreeing: list[AdjustedInterval | None]) -> PairedGap:
    definition = ctx.data.definition
    d, j = test.dimension, test.item
    if j is None:
        key, name = ctx.data.scale.dimensions[d], names[lang][d]
    else:
        item = definition.items[j]
        key, name = item.key, localised(item.texts, lang, definition, item.key)
    dimension_key = ctx.data.scale.dimensions[d]
    outcome = definition.is_outcome(dimension_key)
    r = test.result
    if r is None:
        return PairedGap(key=key, name=name, dimension_key=dimension_key, outcome=outcome, rank=None, n=None,
                         n_current=None, n_desired=None, mean_current=None, mean_desired=None, gap=None, gap_ci=None,
                         gap_ci_holm=None, t=None, df=None,
                         t_test=None, wilcoxon_v=None, wilcoxon=None, d_av=None, effect_size=None, significant=None,
                         reason=test.why, reading=None)
    at = index[test.key]
    p_t, p_w = welch.adjusted[at], wilcoxon.adjusted[at]
    reason = r.difference.reason or r.t_test.reason or r.d_av.reason
    reading = None
    if j is None:
        reading = desired_reading(who, {lang_: names[lang_][d] for lang_ in LANGS}, r.difference.value,
                                  r.d_av.value, p_t)
    return PairedGap(
        key=key, name=name, dimension_key=dimension_key, outcome=outcome, rank=rank, n=r.n_both,
        # compared as (desired, current): "first" is the desired frame
        n_current=r.n_second, n_desired=r.n_first, mean_current=num(r.mean_second), mean_desired=num(r.mean_first),
        gap=num(r.difference.value), gap_ci=interval(r.difference.ci), gap_ci_holm=agreeing[at],
        t=num(r.t_test.statistic),
        df=num(r.t_test.df),
        t_test=None if r.t_test.pvalue is None else PValue(p=r.t_test.pvalue, p_adjusted=p_t, correction="holm",
                                                           family_size=welch.n_tests),
        wilcoxon_v=num(r.wilcoxon.statistic),
        wilcoxon=None if r.wilcoxon.pvalue is None else PValue(p=r.wilcoxon.pvalue, p_adjusted=p_w,
                                                               correction="holm", family_size=wilcoxon.n_tests),
        d_av=num(r.d_av.value), effect_size=size_word(r.d_av.value), significant=is_significant(p_t),
        reason=reason.value if reason else None, reading=reading)


def _ranked(tests: list[_Test], scale: Scale) -> list[tuple[_Test, int | None]]:
    """Largest |gap| first, as a share of the dimension's range (POMP: a questionnaire's dimensions may have their
    own scales; on one scale this is the order of |gap|); tests without a gap last, in questionnaire order."""
    def size(t: _Test) -> float:
        gap = t.result.difference.value if t.result is not None else None
        width = float(scale.dimension_max[t.dimension] - scale.dimension_min[t.dimension])
        return -abs(gap) / width if gap is not None else np.inf

    order = sorted(tests, key=size)
    return [(t, rank + 1 if np.isfinite(size(t)) else None) for rank, t in enumerate(order)]


def desired_gap(ctx: ReportContext, by: By, lang: Lang) -> DesiredGap:
    """The gaps of the scope (and its layers); 409 when the survey did not ask the desired frame."""
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
        # one contiguous copy per frame, a row per column: the tests below read each column many times
        wished, current = np.ascontiguousarray(wish[mask].T), np.ascontiguousarray(now[mask].T)
        keyed_desired = np.ascontiguousarray(_keyed(ctx, data.desired[mask]).T)
        keyed_current = np.ascontiguousarray(_keyed(ctx, data.current[mask]).T)
        columns: list[tuple[int, int | None, npt.NDArray[np.float64], npt.NDArray[np.float64]]] = [
            (d, None, wished[d], current[d]) for d in range(scale.n_dimensions)]
        columns += [(int(scale.item_dimension[j]), j, keyed_desired[j], keyed_current[j])
                    for j in range(scale.n_items)]
        whys = [_why_not(ctx, cell, d, x, y) for d, _, x, y in columns]
        results = iter([partially_overlapping(x, y) for (_, _, x, y), why in zip(columns, whys, strict=True)
                        if why is None])
        group = [_Test(g, d, j, next(results)) if why is None else _Test(g, d, j, None, why)
                 for (d, j, _, _), why in zip(columns, whys, strict=True)]
        tests.append(group)
    made = [t for group in tests for t in group if t.result is not None]
    index = {t.key: i for i, t in enumerate(made)}
    welch = holm([t.result.t_test.pvalue for t in made if t.result is not None])
    wilcoxon = holm([t.result.wilcoxon.pvalue for t in made if t.result is not None])
    agreeing = holm_cis([(t.result.difference, t.result.t_test) for t in made if t.result is not None],
                        welch.n_tests)
    names: dict[str, list[str]] = {lang_: dimension_names(ctx, lang_) for lang_ in LANGS}
    out = []
    for cell, group in zip(cells, tests, strict=True):
        layer = next((x for x in ctx.layers if x.id == cell[1]), None)
        who = layers_phrase([layer]) if layer else respondents_in(ctx.unit_name(ctx.scope)) if ctx.scope else EVERYONE
        ref = group_ref(ctx, *cell)
        dims = _ranked([t for t in group if t.item is None], data.scale)
        items = _ranked([t for t in group if t.item is not None], data.scale)
        out.append(DesiredGapGroup(
            group=ref, suppressed=ref.suppressed,
            dimensions=[_paired_gap(ctx, t, rank, welch, wilcoxon, index, lang, names, who, agreeing)
                        for t, rank in dims],
            items=[_paired_gap(ctx, t, rank, welch, wilcoxon, index, lang, names, who, agreeing)
                   for t, rank in items]))
    return DesiredGap(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k, by=by, groups=out)
