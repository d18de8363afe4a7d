"""Trend: the scope's figures in several waves of one questionnaire, side by side, and how they changed.

Waves are matched by keys, not positions: a dimension by its dimension key and an item by its item key, so a later
questionnaire version (reworded, items added or dropped) still lines up; a key the wave's version lacks is
`not_asked` there. Each wave is suppressed by ITS OWN map (`build_context` per wave): a scope hidden in a wave shows
no figures for that wave and no change that involves it. Likewise a dimension (item) of a wave is shown only where
the scope is visible in that wave's map of the dimension's family (`ReportContext.hidden_reason` says why not).
Waves are anonymous and independent
samples (nobody can be followed from one wave to the next), so changes are Welch comparisons of two groups, with
Hedges' g; Holm's correction runs over every change of the report's dimensions (one family) and of its items
(another).
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFound, Unprocessable
from app.questionnaires import service as questionnaire_service
from app.questionnaires.models import Questionnaire
from app.reports.anonymity import ALL, SuppressionMap
from app.reports.context import ReportContext, build_context
from app.reports.figures import PValue, num
from app.reports.gaps_service import holm_cis
from app.reports.profile_schemas import Lang
from app.reports.profile_service import group_ref, interval, localised
from app.reports.trend_schemas import (
    MAX_WAVES,
    Change,
    DimensionTrend,
    ItemTrend,
    TrendReport,
    Wave,
    WaveFigure,
)
from app.stats import FrequencyTable, TwoGroupComparison, compare_groups, describe, holm
from app.surveys import service as survey_service
from app.surveys.models import Survey

Floats = npt.NDArray[np.float64]
NOT_ASKED, BELOW = "not_asked", "below_minimum"


def parse_survey_ids(raw: str, latest: uuid.UUID) -> list[uuid.UUID]:
    """The comma-separated ids of the earlier waves (422 for a bad, repeated or too long list)."""
    parts = [p.strip() for p in raw.split(",") if p.strip()]

    def problem(msg: str, kind: str) -> Unprocessable:
        return Unprocessable(msg, errors=[{"loc": ["query", "surveys"], "msg": msg, "type": kind}])

    if not parts:
        raise problem("name at least one earlier survey wave", "missing")
    if len(parts) >= MAX_WAVES:
        raise problem(f"at most {MAX_WAVES - 1} earlier waves", "too_long")
    try:
        ids = [uuid.UUID(p) for p in parts]
    except ValueError:
        raise problem("expected survey ids separated by commas", "uuid_parsing") from None
    if len(set(ids)) != len(ids) or latest in ids:
        raise problem("each wave may appear only once (the path's survey is the latest wave)", "duplicate")
    return ids


def previous_wave(session: Session, ctx: ReportContext) -> uuid.UUID:
    """The wave before the path's survey: the latest survey of the organisation on a version of the same
    questionnaire (same key and answer scale) that started earlier and has published figures. 422 when there is
    none, since a trend needs two waves."""
    latest_q = session.get(Questionnaire, ctx.survey.questionnaire_id)
    started = func.coalesce(Survey.opened_at, Survey.created_at)
    this_start = ctx.survey.opened_at or ctx.survey.created_at
    found = None
    if latest_q is not None:
        found = session.scalar(
            select(Survey.id).join(Questionnaire, Questionnaire.id == Survey.questionnaire_id)
            .where(Survey.organisation_id == ctx.organisation.id, Survey.id != ctx.survey.id,
                   Survey.published_at.is_not(None), started < this_start,
                   Questionnaire.organisation_id.is_(None) if latest_q.organisation_id is None
                   else Questionnaire.organisation_id == latest_q.organisation_id,
                   Questionnaire.key == latest_q.key, Questionnaire.scale_min == latest_q.scale_min,
                   Questionnaire.scale_max == latest_q.scale_max)
            .order_by(started.desc(), Survey.id).limit(1))
    if found is None:
        msg = ("no earlier wave of this questionnaire has published figures; name the earlier waves with "
               "surveys=<id>,<id>")
        raise Unprocessable(msg, errors=[{"loc": ["query", "surveys"], "msg": msg, "type": "no_previous_wave"}])
    return found


def wave_contexts(session: Session, ctx: ReportContext, ids: Sequence[uuid.UUID]) -> list[ReportContext]:
    """A report context per wave (the earlier waves as listed, then the path's survey), each with its own
    suppression map and the same scope. 404 for a survey outside the organisation; 422 for a wave of another
    questionnaire (another key or owner, or another answer scale)."""
    latest_q = session.get(Questionnaire, ctx.survey.questionnaire_id)
    surveys = []
    for i, survey_id in enumerate(ids):
        survey = survey_service.get_survey(session, ctx.organisation, survey_id)
        if survey is None:
            raise NotFound("No such survey.")
        q = session.get(Questionnaire, survey.questionnaire_id)
        if (latest_q is None or q is None or (q.organisation_id, q.key) != (latest_q.organisation_id, latest_q.key)
                or (q.scale_min, q.scale_max) != (latest_q.scale_min, latest_q.scale_max)
                or not questionnaire_service.same_scales(session, q, latest_q)):
            msg = ("this wave asks another questionnaire (or another answer scale, also of one dimension); waves "
                   "compare only versions of one")
            raise Unprocessable(msg, errors=[{"loc": ["query", "surveys", i], "msg": msg,
                                              "type": "other_questionnaire"}])
        surveys.append(survey)
    earlier = [build_context(session, ctx.organisation, s, ctx.tree, ctx.scope) for s in surveys]
    return [*earlier, ctx]


@dataclass(frozen=True)
class _Pair:
    earlier: int
    later: int
    kind: Literal["consecutive", "first_to_last"]


def _pairs(n_waves: int) -> list[_Pair]:
    pairs = [_Pair(w, w + 1, "consecutive") for w in range(n_waves - 1)]
    if n_waves >= 3:
        pairs.append(_Pair(0, n_waves - 1, "first_to_last"))
    return pairs


@dataclass
class _Pending:
    change: Change
    p: float | None
    comparison: TwoGroupComparison | None = None


def _series(samples: list[Floats | None], why: list[str | None], ids: list[uuid.UUID],
            pairs: list[_Pair]) -> tuple[list[WaveFigure], list[_Pending]]:
    """Per wave n, mean, CI of `samples` (None where `why` says suppressed or not asked), and every change."""
    present = [w for w, s in enumerate(samples) if s is not None]
    row = {w: i for i, w in enumerate(present)}
    figures = [WaveFigure(survey_id=ids[w], n=None, mean=None, ci=None, reason=why[w]) for w in range(len(ids))]
    comparisons: dict[tuple[int, int], TwoGroupComparison] = {}
    if present:
        table = FrequencyTable.from_samples([s for s in samples if s is not None])
        desc = describe(table)
        for w, i in row.items():
            reason = desc.reasons[i]
            figures[w] = WaveFigure(survey_id=ids[w], n=int(desc.n[i]), mean=num(desc.mean[i]), ci=interval(desc.ci(i)),
                                    reason=reason.value if reason else None)
        wanted = [(p.later, p.earlier) for p in pairs if p.later in row and p.earlier in row]
        if wanted:
            results = compare_groups(table, pairs=[(row[a], row[b]) for a, b in wanted])
            comparisons = dict(zip(wanted, results, strict=True))
    changes = []
    for pair in pairs:
        c = comparisons.get((pair.later, pair.earlier))
        change = Change(from_survey_id=ids[pair.earlier], to_survey_id=ids[pair.later], kind=pair.kind,
                        difference=None, difference_ci=None, hedges_g=None, hedges_g_ci=None, welch=None,
                        reason=None)
        if c is None:
            reasons = {why[pair.earlier], why[pair.later]}
            order = ("protects_smaller_group", "below_minimum", NOT_ASKED)
            change.reason = next((r for r in order if r in reasons), "not_published")
            changes.append(_Pending(change, None))
            continue
        change.difference, change.difference_ci = num(c.difference.value), interval(c.difference.ci)
        change.hedges_g, change.hedges_g_ci = num(c.hedges_g.value), interval(c.hedges_g.ci)
        missing = c.welch.reason or c.hedges_g.reason or c.difference.reason
        change.reason = missing.value if missing else None
        changes.append(_Pending(change, c.welch.pvalue, c))
    return figures, changes


def _adjust(pending: list[_Pending]) -> int:
    """Holm over the family; every change gets its PValue (null where no test could be made)."""
    adjusted = holm([p.p for p in pending])
    tested = [p for p in pending if p.comparison is not None and p.p is not None]
    agreeing = holm_cis([(p.comparison.difference, p.comparison.welch) for p in tested if p.comparison is not None],
                        adjusted.n_tests)
    for item, ci in zip(tested, agreeing, strict=True):
        item.change.difference_ci_holm = ci
    for item, p, adj in zip(pending, adjusted.pvalues, adjusted.adjusted, strict=True):
        if p is not None:
            item.change.welch = PValue(p=p, p_adjusted=adj, correction="holm", family_size=adjusted.n_tests)
    return adjusted.n_tests


def trend(contexts: list[ReportContext], lang: Lang) -> TrendReport:
    """Figures of the scope cell `(scope, ALL)` per wave, for every dimension and item of the latest version."""
    latest = contexts[-1]
    definition, scope = latest.data.definition, latest.scope
    ids = [c.survey.id for c in contexts]
    pairs = _pairs(len(contexts))
    shown = [c.visible(scope, ALL) for c in contexts]
    members = [c.members((scope, ALL)) if ok else None for c, ok in zip(contexts, shown, strict=True)]
    answers = [None if m is None else c.data.current[m] for c, m in zip(contexts, members, strict=True)]
    scores = [None if m is None else c.scores("current")[m] for c, m in zip(contexts, members, strict=True)]

    def column(block: list[Floats | None], index: list[int | None],
               family: Callable[[ReportContext, int], SuppressionMap]) -> tuple[list[Floats | None], list[str | None]]:
        samples: list[Floats | None] = []
        why: list[str | None] = []
        for c, b, j in zip(contexts, block, index, strict=True):
            hidden = c.hidden_reason(scope, ALL, smap=None if j is None else family(c, j))
            values = None if hidden or b is None or j is None else np.asarray(b[:, j], dtype=np.float64)
            n = 0 if values is None else int((~np.isnan(values)).sum())
            few = 0 < n < c.k  # an extra guard: fewer than k people answered this
            samples.append(None if few else values)
            why.append(hidden or (NOT_ASKED if j is None else BELOW if few else None))
        return samples, why

    dims, dim_pending = [], []
    for d in definition.dimensions:
        index = [c.data.scale.dimensions.index(d.key) if d.key in c.data.scale.dimensions else None for c in contexts]
        figures, changes = _series(*column(scores, index, lambda c, j: c.dimension_map(j)), ids, pairs)
        dims.append(DimensionTrend(key=d.key, name=localised(d.names, lang, definition, d.key), outcome=d.outcome,
                                   waves=figures,
                                   changes=[p.change for p in changes]))
        dim_pending += changes
    items, item_pending = [], []
    for it in definition.items:
        index = [c.data.definition.item_by_key[it.key].position if it.key in c.data.definition.item_by_key else None
                 for c in contexts]
        figures, changes = _series(*column(answers, index, lambda c, j: c.item_map(j)),  # type: ignore[arg-type]
                                   ids, pairs)
        items.append(ItemTrend(key=it.key, dimension_key=it.dimension_key, text=localised(it.texts, lang, definition,
                                                                                           it.key),
                               reverse=it.reverse, waves=figures, changes=[p.change for p in changes]))
        item_pending += changes
    waves = [Wave(survey_id=c.survey.id, title=c.survey.title, questionnaire_version=c.data.definition.version,
                  n=c.shown_n(scope, ALL), suppressed=not ok, reason=c.hidden_reason(scope))
             for c, ok in zip(contexts, shown, strict=True)]
    return TrendReport(questionnaire_key=definition.key, language=lang, group=group_ref(latest, scope), waves=waves,
                       dimensions=dims, items=items, dimension_family_size=_adjust(dim_pending),
                       item_family_size=_adjust(item_pending))
