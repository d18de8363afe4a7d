"""Data-quality warnings of a scope: mis-keyed items, unreliable dimensions, straight-lining, don't-know answers.

Only visible groups are looked at; alpha (non-additive) is never computed for a hidden cell. A figure resting on a
subset of a group's respondents is only given where that subset is a visible cell too (`ReportContext.shows`):
alpha and item-total correlations where the dimension's family (those who answered all of its items) is,
straight-lining where the eligible respondents are. Don't-know shares are counts over the group's respondents.
Answering languages are not cells of any map: alpha per language is given for the organisation as a whole only,
only where both the language's and the other languages' respondents in the dimension's family number at least the
minimum group size, and without their n.
"""

import numpy as np
import numpy.typing as npt

from app.reports.anonymity import ALL
from app.reports.context import Cell, ReportContext
from app.reports.figures import GroupRef
from app.reports.gaps_models import MAX_CFI_DROP, ModelPlan, cfa_group_size, fit_invariance
from app.reports.profile_schemas import (
    Code,
    DataQuality,
    Evidence,
    ItemDontKnow,
    Lang,
    Message,
    QualityWarning,
    Severity,
)
from app.reports.profile_service import LOW_ALPHA, dimension_names, group_ref, summarize_rows
from app.reports.readings import invariance_reading, layers_phrase
from app.stats import SurveySummary
from app.stats.invariance import InvarianceVerdict

STRAIGHT_LINING_SHARE = 0.10
STRAIGHT_LINING_MIN_ANSWERS = 10
DONT_KNOW_SHARE = 0.20


def _nl(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def _straight_liners(ctx: ReportContext) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per respondent: eligible (at least 10 answers, spread over at least two dimensions) and straight-lining
    (every answered item of the current frame has the same answer as ticked: the same option counted from the bottom
    of the item's own scale, where dimensions have their own scales)."""
    scale = ctx.data.scale
    x = ctx.data.current if scale.uniform else ctx.data.current - scale.item_min
    answered = ~np.isnan(x)
    indicator = np.zeros((scale.n_items, scale.n_dimensions), dtype=np.int64)
    indicator[np.arange(scale.n_items), scale.item_dimension] = 1
    dimensions = ((answered.astype(np.int64) @ indicator) > 0).sum(axis=1)
    eligible = (answered.sum(axis=1) >= STRAIGHT_LINING_MIN_ANSWERS) & (dimensions >= 2)
    flat = eligible & (np.fmax.reduce(x, axis=1) == np.fmin.reduce(x, axis=1)) if x.shape[1] else eligible
    return eligible, flat


class _Checks:
    def __init__(self, ctx: ReportContext) -> None:
        self.ctx = ctx
        self.warnings: list[QualityWarning] = []
        langs: tuple[Lang, ...] = ("en", "nl")
        self.names = {lang: dimension_names(ctx, lang) for lang in langs}
        self.eligible, self.flat = _straight_liners(ctx)

    def label(self, cell: Cell, lang: str) -> str:
        unit, layer = cell
        name = self.ctx.unit_name(unit)
        if layer is ALL:
            return name
        found = next((lay for lay in self.ctx.layers if lay.id == layer), None)
        return f"{name}, {found.names.get(lang) or found.key}" if found else name

    def add(self, code: Code, severity: Severity, en: str, nl: str, group: GroupRef, evidence: Evidence, *,
            dimension: str | None = None, item: str | None = None, language: str | None = None) -> None:
        self.warnings.append(QualityWarning(code=code, severity=severity, message=Message(en=en, nl=nl), group=group,
                                            language=language, dimension=dimension, item=item, evidence=evidence))

    def answered(self, d: int, cell: Cell) -> bool:
        return self.ctx.dimension_visible(d, *cell)

    def alpha(self, summary: SurveySummary, cell: Cell, group: GroupRef, language: str | None = None,
              dimensions: set[int] | None = None) -> None:
        def where(lang: str) -> str:
            return self.label(cell, lang) + (f" ({language})" if language else "")

        for d, key in enumerate(self.ctx.data.scale.dimensions):
            if not self.answered(d, cell) or (dimensions is not None and d not in dimensions):
                continue
            rel = summary.reliability(d)
            a = rel.alpha.value
            if a is None or a >= LOW_ALPHA:
                continue
            clear = rel.alpha.ci is not None and rel.alpha.ci.high < LOW_ALPHA
            en, nl = self.names["en"][d], self.names["nl"][d]
            self.add("low_alpha", "warning" if clear else "info",
                     f"{en} is not consistent in {where('en')} (alpha {a:.2f} < {LOW_ALPHA:.2f}): its items hardly "
                     "measure one thing there.",
                     f"{nl} is niet consistent in {where('nl')} (alfa {_nl(a)} < {_nl(LOW_ALPHA)}): de vragen meten "
                     "daar nauwelijks één ding.",
                     group, Evidence(n=None if language else rel.n_respondents, figure="alpha", value=a,
                                     threshold=LOW_ALPHA),
                     dimension=key, language=language)

    def item_totals(self, summary: SurveySummary, cell: Cell, group: GroupRef) -> None:
        definition = self.ctx.data.definition
        for d, key in enumerate(self.ctx.data.scale.dimensions):
            if not self.answered(d, cell):
                continue
            rel = summary.reliability(d)
            for pos, j in enumerate(self.ctx.data.scale.items_of(d).tolist()):
                r = float(rel.item_total_correlation[pos])
                if not r < 0:  # NaN (not computable) is no finding
                    continue
                item = definition.items[j].key
                en, nl = self.names["en"][d], self.names["nl"][d]
                self.add("negative_item_total", "critical",
                         f"Item {item} correlates negatively ({r:.2f}) with the other items of {en}: it may be keyed "
                         "the wrong way (reverse keying).",
                         f"Vraag {item} hangt negatief ({_nl(r)}) samen met de andere vragen van {nl}: mogelijk is "
                         "de scoring omgedraaid.",
                         group, Evidence(n=rel.n_respondents, figure="item_total_correlation", value=r, threshold=0.0),
                         dimension=key, item=item)

    def straight_lining(self, cell: Cell, group: GroupRef) -> None:
        if not self.ctx.shows(self.ctx.subset_map("straight_lining_eligible", self.eligible), *cell):
            return
        mask = self.ctx.members(cell)
        n = int((self.eligible & mask).sum())
        count = int((self.flat & mask).sum())
        if not n or count / n <= STRAIGHT_LINING_SHARE:
            return
        share = count / n
        self.add("straight_lining", "warning",
                 f"{share:.0%} of the respondents in {self.label(cell, 'en')} gave the same answer to every question "
                 f"(of those with at least {STRAIGHT_LINING_MIN_ANSWERS} answers).",
                 f"{share:.0%} van de respondenten in {self.label(cell, 'nl')} gaf op elke vraag hetzelfde antwoord "
                 f"(van wie minstens {STRAIGHT_LINING_MIN_ANSWERS} vragen beantwoordde).",
                 group, Evidence(n=n, figure="straight_lining_share", value=share, threshold=STRAIGHT_LINING_SHARE))

    def dont_know(self, mask: npt.NDArray[np.bool_], group: GroupRef) -> list[ItemDontKnow]:
        data = self.ctx.data
        dk = data.dont_know_answers[mask].sum(axis=0)
        total = data.answered[mask].sum(axis=0) + dk
        out = []
        for j, item in enumerate(data.definition.items):
            if not self.ctx.visible(self.ctx.scope, ALL):
                out.append(ItemDontKnow(item=item.key, dimension=item.dimension_key, n=None, dont_know=None,
                                        share=None, suppressed=True))
                continue
            n, count = int(total[j]), int(dk[j])
            share = count / n if n else None
            out.append(ItemDontKnow(item=item.key, dimension=item.dimension_key, n=n, dont_know=count, share=share))
            if share is not None and share > DONT_KNOW_SHARE:
                self.add("high_dont_know", "info",
                         f"{share:.0%} of the respondents in {self.label((self.ctx.scope, ALL), 'en')} chose "
                         f"\"don't know\" on item {item.key}: it may not apply to them.",
                         f"{share:.0%} van de respondenten in {self.label((self.ctx.scope, ALL), 'nl')} koos "
                         f"\"weet ik niet\" bij vraag {item.key}: mogelijk is de vraag voor hen niet van toepassing.",
                         group, Evidence(n=n, figure="dont_know_share", value=share, threshold=DONT_KNOW_SHARE),
                         dimension=item.dimension_key, item=item.key)
        return out

    def languages(self, mask: npt.NDArray[np.bool_], cell: Cell, group: GroupRef) -> None:
        """Alpha per answering language, for the organisation only, per dimension where both the language's and
        the other languages' respondents in the dimension's family number at least k (module docstring)."""
        if cell != (None, ALL):
            return
        data, k = self.ctx.data, self.ctx.k
        scored = ~np.isnan(self.ctx.scores("current"))
        for code, language in enumerate(data.languages):
            if language is None:
                continue
            sub = mask & (data.language_codes == code)
            both = [int((scored[sub, d]).sum()) for d in range(scored.shape[1])]
            rest = [int((scored[mask & ~sub, d]).sum()) for d in range(scored.shape[1])]
            dims = {d for d in range(scored.shape[1]) if both[d] >= k and rest[d] >= k}
            summary = summarize_rows(self.ctx, sub) if dims else None
            if summary is not None:
                self.alpha(summary, cell, group, language, dims)


def _invariance(ctx: ReportContext, checks: _Checks) -> None:
    """`not_invariant`: a layer of the scope and the perception gaps' default reference layer (employees, else the
    bottom layer) do not read a dimension's statements alike (`app.reports.gaps_models`: the same models, on the
    same respondents, as the perception gaps show). Only where both layer cells show the dimension's figures."""
    if not ctx.layers:
        return
    ref = ctx.layer_by_key.get("employee", ctx.layers[-1])
    scope = ctx.scope
    ref_mask = ctx.members((scope, ref.id))
    for layer in ctx.layers:
        if layer.id == ref.id:
            continue
        plan = ModelPlan.layers((layer.id,), (ref.id,), ctx.members((scope, layer.id)), ref_mask)
        for d, key in enumerate(ctx.data.scale.dimensions):
            if not (ctx.dimension_visible(d, scope, layer.id) and ctx.dimension_visible(d, scope, ref.id)):
                continue
            r = fit_invariance(ctx, plan, d)
            step = (r.metric_vs_configural if r.verdict is InvarianceVerdict.LOADINGS_DIFFER else
                    r.scalar_vs_metric if r.verdict is InvarianceVerdict.INTERCEPTS_DIFFER else None)
            if step is None:
                continue
            text = invariance_reading(layers_phrase([layer]), layers_phrase([ref]),
                                      {lang: checks.names[lang][d] for lang in ("en", "nl")}, r.verdict.value, None,
                                      cfa_group_size(ctx))
            checks.add("not_invariant", "warning", text.en, text.nl, group_ref(ctx, scope, layer.id),
                       Evidence(n=None, figure="delta_cfi", value=step.delta_cfi, threshold=-MAX_CFI_DROP),
                       dimension=key)


def data_quality(ctx: ReportContext) -> DataQuality:
    """Warnings about the scope's data, see the route's description."""
    checks = _Checks(ctx)
    scope: Cell = (ctx.scope, ALL)
    scope_ref = group_ref(ctx, *scope)
    dont_know: list[ItemDontKnow] = []
    if not scope_ref.suppressed:
        mask = ctx.members(scope)
        summary = summarize_rows(ctx, mask)
        if summary is not None:
            checks.item_totals(summary, scope, scope_ref)
            checks.alpha(summary, scope, scope_ref)
        checks.straight_lining(scope, scope_ref)
        dont_know = checks.dont_know(mask, scope_ref)
        checks.languages(mask, scope, scope_ref)
    subgroups: list[Cell] = [(unit, ALL) for unit in ctx.child_units(ctx.scope)]
    subgroups += [(ctx.scope, layer.id) for layer in ctx.layers]
    for cell in subgroups:
        ref = group_ref(ctx, *cell)
        if ref.suppressed or not ref.n:
            continue
        summary = summarize_rows(ctx, ctx.members(cell))
        if summary is not None:
            checks.alpha(summary, cell, ref)
        checks.straight_lining(cell, ref)
    _invariance(ctx, checks)
    return DataQuality(survey_id=ctx.survey.id, group=scope_ref, suppressed=scope_ref.suppressed,
                       warnings=checks.warnings, dont_know=dont_know)
