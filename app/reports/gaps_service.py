"""Perception gaps between layers and gaps between a team and the rest of the organisation.

Both are two-group comparisons of scale scores per dimension (`app.stats.compare_groups` / `compare_with_rest` on
per-group frequency tables of the scores: one pass over the answers for every group at once). Which comparisons
may be made is decided by `app.reports.anonymity`: a set of layers only via `union_visible`, a team against the
rest of the organisation only via `complement_visible`. A dimension's figures rest on its family (those who answered
all of its items), so each side must pass the same test in that family's map too (`ReportContext.shows_union`,
`shows_rest`; hidden otherwise, `below_minimum` when a side has fewer than k in the family, else
`protects_smaller_group`); as an extra guard each side needs at least the survey's minimum group size of scale
scores (`below_minimum` otherwise).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from app.errors import Unprocessable
from app.orgs.models import Layer
from app.reports.anonymity import ALL, complement_visible, union_visible
from app.reports.context import Cell, ReportContext
from app.reports.figures import AdjustedInterval, HiddenReason, PValue, num
from app.reports.gaps_models import ModelPlan, model_figures
from app.reports.gaps_schemas import Comparison, GapFigures, GapSide, Level, PerceptionGaps, TeamGaps
from app.reports.profile_schemas import Lang
from app.reports.profile_service import dimension_names, group_ref, interval
from app.reports.readings import (
    ALPHA,
    LANGS,
    REST_OF_ORGANISATION,
    Phrase,
    difference_reading,
    is_significant,
    layers_phrase,
    respondents_in,
    size_word,
)
from app.stats import (
    Estimate,
    FrequencyTable,
    SignificanceTest,
    TwoGroupComparison,
    compare_groups,
    compare_with_rest,
    holm,
    holm_intervals,
)

ORGANISATION: Cell = (None, ALL)
REST_NAME = {"en": "Rest of the organisation", "nl": "Rest van de organisatie"}


@dataclass(frozen=True)
class Planned:
    """A comparison the report makes (or lists as suppressed): its two sides and how to name them in a sentence."""

    a: GapSide
    b: GapSide
    allowed: bool
    a_words: Phrase
    b_words: Phrase
    dimensions: Sequence[bool] = ()  # per dimension: may its figures be shown (both sides in its subset map)


# ---------------------------------------------------------------------------------------------------- parameters

def _bad_query(param: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[{"loc": ["query", param], "msg": message, "type": "value_error"}])


def parse_layer_keys(ctx: ReportContext, value: str, param: str) -> list[Layer]:
    """Layer keys separated by commas → the organisation's layers (422 for none or an unknown key)."""
    keys = list(dict.fromkeys(k.strip() for k in value.split(",") if k.strip()))
    if not keys:
        raise _bad_query(param, "Give at least one layer key.")
    unknown = [k for k in keys if k not in ctx.layer_by_key]
    if unknown:
        raise _bad_query(param, f"Unknown layer key(s): {', '.join(unknown)}. The organisation's layers are: "
                                f"{', '.join(ctx.layer_by_key)}.")
    return [ctx.layer_by_key[k] for k in keys]


def layer_sets(ctx: ReportContext, reference: str | None, a: str | None,
               b: str | None) -> tuple[list[tuple[list[Layer], list[Layer]]], list[str] | None]:
    """The (a, b) layer sets to compare and the reference key (None when a and b were given)."""
    if a is not None or b is not None:
        if reference is not None:
            raise _bad_query("reference", "Give either `reference` or `a` and `b`, not both.")
        if a is None or b is None:
            raise _bad_query("b" if b is None else "a", "Give both `a` and `b` (layer keys separated by commas).")
        first, second = parse_layer_keys(ctx, a, "a"), parse_layer_keys(ctx, b, "b")
        overlap = {layer.key for layer in first} & {layer.key for layer in second}
        if overlap:
            raise _bad_query("b", f"`a` and `b` must not share layers: {', '.join(sorted(overlap))}.")
        return [(first, second)], None
    if reference is None:  # employees by default; an organisation without that key compares with its bottom layer
        if not ctx.layers:
            raise _bad_query("reference", "The organisation has no layers.")
        ref = ctx.layer_by_key.get("employee", ctx.layers[-1])
    else:
        refs = parse_layer_keys(ctx, reference, "reference")
        if len(refs) != 1:
            raise _bad_query("reference", "Give one reference layer key (use `a` and `b` for sets of layers).")
        ref = refs[0]
    return [([layer], [ref]) for layer in ctx.layers if layer.id != ref.id], [ref.key]


# ------------------------------------------------------------------------------------------------------ figures

def score_tables(ctx: ReportContext, codes: npt.NDArray[np.int64], n_groups: int) -> list[FrequencyTable]:
    """Per dimension, the frequency table of scale scores with one row per group code 0..n_groups (the last row:
    everyone in no group), empty groups as rows of zeros."""
    scores = ctx.scores("current")
    out = []
    for d in range(ctx.data.scale.n_dimensions):  # a loop over dimensions, each one grouped count
        table = FrequencyTable.from_values(scores[:, d], codes)
        out.append(table.regroup(table.labels.astype(np.int64), labels=np.arange(n_groups + 1)))
    return out


def _p(p: float | None, adjusted: float | None, family: int) -> PValue | None:
    return None if p is None else PValue(p=p, p_adjusted=adjusted, correction="holm", family_size=family)


def _shown_n(ctx: ReportContext, n: int) -> int | None:
    return n if n == 0 or n >= ctx.k else None


def holm_cis(tests: Sequence[tuple[Estimate, SignificanceTest]], family: int) -> list[AdjustedInterval | None]:
    """Holm-compatible intervals (`app.stats.holm_ci`) of one family of t-based differences and their tests, in
    order; the standard error is the one behind each unadjusted interval."""
    se: list[float | None] = [None] * len(tests)
    usable = [(i, d.ci, float(t.df)) for i, (d, t) in enumerate(tests)
              if d.ci is not None and t.df is not None and t.df > 0]
    if usable:  # one vectorised quantile call for the family (a team report has thousands of tests)
        q = np.array([0.5 + ci.level / 2 for _, ci, _ in usable])
        df = np.array([df for *_, df in usable])
        finite = np.isfinite(df)
        critical = np.where(finite, stats.t.ppf(q, np.where(finite, df, 1.0)), stats.norm.ppf(q))
        for (i, ci, _), c in zip(usable, critical.tolist(), strict=True):
            se[i] = (ci.high - ci.low) / (2 * c)
    found = holm_intervals([d.value for d, _ in tests], se, [t.df for _, t in tests], [t.pvalue for _, t in tests],
                           alpha=ALPHA)
    return [None if c is None else AdjustedInterval(low=num(c.low), high=num(c.high), level=c.level,
                                                    excludes_zero=c.excludes_zero, family_size=family)
            for c in found]


def comparisons(ctx: ReportContext, planned: Sequence[Planned], results: Sequence[Sequence[TwoGroupComparison]],
                lang: Lang, models: Sequence[ModelPlan] | None = None, *,
                invariance: bool = True) -> list[Comparison]:
    """Assemble the report: `results[i][d]` is planned comparison i on dimension d (unused when not allowed).

    Holm runs over every Welch test shown (all comparisons x dimensions) and, separately, every Mann-Whitney
    test; suppressed comparisons and dimensions below the threshold make no test. One verdict per comparison and
    dimension (`significant`, `difference_ci_holm`, the reading's words): the mixed model's where it is fitted
    (Holm over the report's fitted mixed tests), else Welch's (`verdict_test`)."""
    keys = ctx.data.scale.dimensions
    names: dict[str, list[str]] = {lang_: dimension_names(ctx, lang_) for lang_ in LANGS}
    shown = [(i, d) for i, plan in enumerate(planned) if plan.allowed for d in range(len(keys))
             if plan.dimensions[d] and _shown_n(ctx, results[i][d].n_first) is not None
             and _shown_n(ctx, results[i][d].n_second) is not None]
    welch = holm([results[i][d].welch.pvalue for i, d in shown])
    agreeing = holm_cis([(results[i][d].difference, results[i][d].welch) for i, d in shown], welch.n_tests)
    mw = holm([results[i][d].mann_whitney.pvalue for i, d in shown])
    tests = {key: (welch.adjusted[j], mw.adjusted[j]) for j, key in enumerate(shown)}
    holm_ci = dict(zip(shown, agreeing, strict=True))
    mixed, readings, model_ci = ({}, {}, {}) if models is None else model_figures(
        ctx, models, [(p.a_words, p.b_words) for p in planned], shown, names, invariance=invariance)
    out = []
    for i, plan in enumerate(planned):
        figures = []
        for d, key in enumerate(keys if plan.allowed else ()):
            r = results[i][d]
            outcome = ctx.data.definition.is_outcome(key)
            n_a, n_b = _shown_n(ctx, r.n_first), _shown_n(ctx, r.n_second)
            if (i, d) not in tests:
                hidden = not plan.dimensions[d]
                small = n_a is None or n_b is None
                figures.append(GapFigures(
                    key=key, name=names[lang][d], outcome=outcome, n_a=None if hidden else n_a,
                    n_b=None if hidden else n_b,
                    mean_a=None, mean_b=None, difference=None,
                    difference_ci=None, difference_ci_holm=None, hedges_g=None, hedges_g_ci=None, effect_size=None,
                    welch_t=None, welch_df=None, welch=None, mann_whitney_u=None, mann_whitney=None, significant=None,
                    verdict_test=None, reason="below_minimum" if small or not hidden else "protects_smaller_group",
                    reading=None))
                continue
            p_welch, p_mw = tests[(i, d)]
            m = mixed.get((i, d))
            primary = m.test if m is not None and m.fitted else None  # the verdict's test: mixed where fitted
            by_model = primary is not None
            p_verdict = primary.p_adjusted if primary is not None else p_welch
            g = r.hedges_g.value
            reason = r.difference.reason or r.hedges_g.reason or r.welch.reason
            figures.append(GapFigures(
                key=key, name=names[lang][d], outcome=outcome, n_a=n_a, n_b=n_b, mean_a=num(r.mean_first),
                mean_b=num(r.mean_second),
                difference=num(r.difference.value), difference_ci=interval(r.difference.ci),
                difference_ci_holm=model_ci.get((i, d)) if by_model else holm_ci[(i, d)], hedges_g=num(g),
                hedges_g_ci=interval(r.hedges_g.ci), effect_size=size_word(g), welch_t=num(r.welch.statistic),
                welch_df=num(r.welch.df), welch=_p(r.welch.pvalue, p_welch, welch.n_tests),
                mann_whitney_u=num(r.mann_whitney.statistic),
                mann_whitney=_p(r.mann_whitney.pvalue, p_mw, mw.n_tests), significant=is_significant(p_verdict),
                verdict_test=None if p_verdict is None else "mixed_model" if by_model else "welch",
                reason=reason.value if reason else None,
                reading=difference_reading(plan.a_words, plan.b_words, {lang_: names[lang_][d] for lang_ in LANGS},
                                           r.difference.value, g, p_verdict),
                mixed_model=m, invariance=readings.get((i, d))))
        out.append(Comparison(a=plan.a, b=plan.b, suppressed=not plan.allowed, dimensions=figures,
                              reason=None if plan.allowed else plan.a.reason or plan.b.reason
                              or "protects_smaller_group"))
    return out


# ----------------------------------------------------------------------------------------------- perception gaps

def _why_hidden(ctx: ReportContext, visible: bool, n: int) -> HiddenReason | None:
    """The reason of a side that is not a cell of the map (a union of layers, the rest of the organisation)."""
    return None if visible else "below_minimum" if 0 < n < ctx.k else "protects_smaller_group"


def _layer_side(ctx: ReportContext, layers: list[Layer], lang: Lang) -> tuple[GapSide, bool]:
    cells: list[Cell] = [(ctx.scope, layer.id) for layer in layers]
    visible = union_visible(ctx.suppression, cells)
    n = sum(ctx.suppression.n(*cell) for cell in cells)
    unpublished = not visible and any(ctx.suppression.reason(*cell) == "not_published" for cell in cells)
    name = " + ".join(str(layer.names.get(lang) or layer.key) for layer in layers)
    return GapSide(name=name, layer_keys=[layer.key for layer in layers], unit_id=ctx.scope,
                   unit_path=ctx.unit_path(ctx.scope), n=n if visible else None, suppressed=not visible,
                   reason="not_published" if unpublished else _why_hidden(ctx, visible, n)), visible


def perception_gaps(ctx: ReportContext, sets: list[tuple[list[Layer], list[Layer]]], reference: list[str] | None,
                    lang: Lang, *, models: bool = True, invariance: bool = True) -> PerceptionGaps:
    """Each pair of layer sets within the scope, per dimension (see the route for the definitions); `models`:
    with the mixed model (`app.reports.gaps_models`), and with measurement invariance where `invariance`."""
    groups: dict[tuple[uuid.UUID, ...], int] = {}
    masks: list[npt.NDArray[np.bool_]] = []
    for layers in (s for pair in sets for s in pair):
        key = tuple(layer.id for layer in layers)
        if key not in groups:
            groups[key] = len(groups)
            masks.append(np.logical_or.reduce([ctx.with_layer(layer.id) for layer in layers]))
    codes = np.full(ctx.data.n, len(groups), dtype=np.int64)
    inside = ctx.in_subtree(ctx.scope)
    for index, mask in enumerate(masks):  # disjoint sets of layers: layers as a whole, or a against b
        codes[mask & inside & (codes == len(groups))] = index
    planned, pairs, plans = [], [], []
    maps = [ctx.dimension_map(d) for d in range(ctx.data.scale.n_dimensions)]
    for first, second in sets:
        a, a_ok = _layer_side(ctx, first, lang)
        b, b_ok = _layer_side(ctx, second, lang)
        sides = [[(ctx.scope, layer.id) for layer in layers] for layers in (first, second)]
        shown = [a_ok and b_ok and all(ctx.shows_union(m, cells) for cells in sides) for m in maps]
        planned.append(Planned(a, b, a_ok and b_ok, layers_phrase(first), layers_phrase(second), shown))
        pairs.append((groups[tuple(x.id for x in first)], groups[tuple(x.id for x in second)]))
        plans.append(ModelPlan.layers(tuple(x.id for x in first), tuple(x.id for x in second),
                                       codes == pairs[-1][0], codes == pairs[-1][1]))
    tables = score_tables(ctx, codes, len(groups))
    per_dim = [compare_groups(t, pairs=pairs) for t in tables]
    results = [[per_dim[d][i] for d in range(len(tables))] for i in range(len(pairs))]
    return PerceptionGaps(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k,
                          scope=group_ref(ctx, ctx.scope), reference=reference,
                          comparisons=comparisons(ctx, planned, results, lang, plans if models else None,
                                                  invariance=invariance))


# ---------------------------------------------------------------------------------------------------- team gaps

def team_units(ctx: ReportContext, level: Level) -> list[uuid.UUID]:
    """The scope's leaf teams (or child units) that have respondents (emptiness is not protected information)."""
    units = ctx.teams() if level == "teams" else ctx.child_units(ctx.scope)
    return [u for u in units if ctx.suppression.n(u, ALL) > 0]


def team_gaps(ctx: ReportContext, level: Level, lang: Lang) -> TeamGaps:
    """Each team against the rest of the organisation (the whole organisation minus the team), per dimension."""
    units = team_units(ctx, level)
    codes = ctx.group_codes([(u, ALL) for u in units])
    codes[codes < 0] = len(units)
    org_n = ctx.suppression.n(*ORGANISATION)
    planned = []
    for u in units:
        allowed = complement_visible(ctx.suppression, ORGANISATION, (u, ALL))
        team = GapSide(name=ctx.unit_name(u), layer_keys=[], unit_id=u, unit_path=ctx.unit_path(u),
                       n=ctx.shown_n(u), suppressed=not ctx.visible(u), reason=ctx.hidden_reason(u))
        rest_n = org_n - ctx.suppression.n(u, ALL)
        rest = GapSide(name=REST_NAME[lang], layer_keys=[], unit_id=None, unit_path=[],
                       n=rest_n if allowed else None, suppressed=not allowed,
                       reason=team.reason or _why_hidden(ctx, allowed, rest_n))
        shown = [allowed and ctx.shows_rest(ctx.dimension_map(d), ORGANISATION, (u, ALL))
                 for d in range(ctx.data.scale.n_dimensions)]
        planned.append(Planned(team, rest, allowed, respondents_in(ctx.unit_name(u)), REST_OF_ORGANISATION, shown))
    tables = score_tables(ctx, codes, len(units))
    per_dim = [compare_with_rest(t) for t in tables]
    results = [[per_dim[d][i] for d in range(len(tables))] for i in range(len(units))]
    # child units (departments, directorates) hold several teams: their comparison with the rest gets the mixed
    # model too (teams as clusters); a leaf team is itself the cluster, and Welch's test is the right one there
    models = None if level == "teams" else [ModelPlan(("rest", u), codes == i, codes != i)
                                            for i, u in enumerate(units)]
    return TeamGaps(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k, scope=group_ref(ctx, ctx.scope),
                    level=level, organisation=group_ref(ctx, None),
                    teams=comparisons(ctx, planned, results, lang, models, invariance=False))
