"""Trend: the scope's figures in several waves of one questionnaire, side by side, and how they changed.

Waves are matched by keys, not positions: a dimension by its dimension key and an item by its item key, so a later
questionnaire version (reworded, items added or dropped) still lines up; a key the wave's version lacks is
`not_asked` there. Each wave is suppressed by ITS OWN map (`build_context` per wave): a scope hidden in a wave shows
no figures for that wave and no change that involves it. Likewise a dimension (item) of a wave is shown only where
the scope is visible in that wave's map of the dimension's family (`ReportContext.hidden_reason` says why not).
A wave that asked a dimension on another answer scale than the latest wave (a custom questionnaire's version may
change one dimension's scale: docs/scales.md) gives no figure of it (`other_scale`): a 3 on 0-4 is not a 3 on 1-5.
Each dimension (item) is read against `compared_with`, the latest earlier wave that asked it on the latest's scale;
by default the report looks back past the previous wave for such a wave where the previous one changed the scale.
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
from app.reports.readings import Reading
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
NOT_ASKED, BELOW, OTHER_SCALE = "not_asked", "below_minimum", "other_scale"
Range = tuple[int, int]


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


def previous_wave(session: Session, ctx: ReportContext) -> list[uuid.UUID]:
    """The waves before the path's survey, oldest first: the previous one (the latest survey of the organisation on
    a version of the same questionnaire, same key and owner, that started earlier and has published figures) and,
    for each dimension that the previous one asked on another scale than the latest, the latest earlier such wave
    that asked it on the latest's scale (its last comparable wave), if any. 422 when there is no previous wave,
    since a trend needs two waves."""
    latest_q = session.get(Questionnaire, ctx.survey.questionnaire_id)
    started = func.coalesce(Survey.opened_at, Survey.created_at)
    this_start = ctx.survey.opened_at or ctx.survey.created_at
    found: list[tuple[uuid.UUID, uuid.UUID]] = []
    if latest_q is not None:
        found = [(r[0], r[1]) for r in session.execute(
            select(Survey.id, Survey.questionnaire_id).join(Questionnaire, Questionnaire.id == Survey.questionnaire_id)
            .where(Survey.organisation_id == ctx.organisation.id, Survey.id != ctx.survey.id,
                   Survey.published_at.is_not(None), started < this_start,
                   Questionnaire.organisation_id.is_(None) if latest_q.organisation_id is None
                   else Questionnaire.organisation_id == latest_q.organisation_id,
                   Questionnaire.key == latest_q.key)
            .order_by(started.desc(), Survey.id).limit(50))]
    if latest_q is None or not found:
        msg = ("no earlier wave of this questionnaire has published figures; name the earlier waves with "
               "surveys=<id>,<id>")
        raise Unprocessable(msg, errors=[{"loc": ["query", "surveys"], "msg": msg, "type": "no_previous_wave"}])
    ranges: dict[uuid.UUID, dict[str, Range]] = {}

    def ranges_of(questionnaire_id: uuid.UUID) -> dict[str, Range]:
        if questionnaire_id not in ranges:
            q = session.get(Questionnaire, questionnaire_id)
            ranges[questionnaire_id] = {} if q is None else questionnaire_service.dimension_ranges(session, q)
        return ranges[questionnaire_id]

    latest = ranges_of(latest_q.id)
    previous = ranges_of(found[0][1])
    pending = {k for k, r in latest.items() if k in previous and previous[k] != r}  # the scale changed since
    chosen = [found[0][0]]
    for survey_id, questionnaire_id in found[1:]:
        if not pending or len(chosen) >= MAX_WAVES - 1:
            break
        met = {k for k in pending if ranges_of(questionnaire_id).get(k) == latest[k]}
        if met:
            chosen.append(survey_id)
            pending -= met
    return chosen[::-1]


def wave_contexts(session: Session, ctx: ReportContext, ids: Sequence[uuid.UUID]) -> list[ReportContext]:
    """A report context per wave (the earlier waves as listed, then the path's survey), each with its own
    suppression map and the same scope. 404 for a survey outside the organisation; 422 for a wave of another
    questionnaire (another key or owner). A version on another answer scale is a wave of the same questionnaire:
    the dimensions whose scale differs are `other_scale` in it (`trend`)."""
    latest_q = session.get(Questionnaire, ctx.survey.questionnaire_id)
    surveys = []
    for i, survey_id in enumerate(ids):
        survey = survey_service.get_survey(session, ctx.organisation, survey_id)
        if survey is None:
            raise NotFound("No such survey.")
        q = session.get(Questionnaire, survey.questionnaire_id)
        if latest_q is None or q is None or (q.organisation_id, q.key) != (latest_q.organisation_id, latest_q.key):
            msg = "this wave asks another questionnaire; waves compare only versions of one"
            raise Unprocessable(msg, errors=[{"loc": ["query", "surveys", i], "msg": msg,
                                              "type": "other_questionnaire"}])
        surveys.append(survey)
    earlier = [build_context(session, ctx.organisation, s, ctx.tree, ctx.scope) for s in surveys]
    return [*earlier, ctx]


@dataclass(frozen=True)
class _Pair:
    earlier: int
    later: int
    kind: Literal["consecutive", "first_to_last", "last_comparable"]


def _pairs(n_waves: int) -> list[_Pair]:
    pairs = [_Pair(w, w + 1, "consecutive") for w in range(n_waves - 1)]
    if n_waves >= 3:
        pairs.append(_Pair(0, n_waves - 1, "first_to_last"))
    return pairs


def _compared_with(comparable: list[bool]) -> int | None:
    """The latest earlier wave that asked the key on the latest wave's scale (None: none did)."""
    return next((w for w in range(len(comparable) - 2, -1, -1) if comparable[w]), None)


def _series_pairs(pairs: list[_Pair], n_waves: int, compared: int | None) -> list[_Pair]:
    """The report's pairs, and the change from the last comparable wave where no other pair gives it."""
    if compared is None or compared == n_waves - 2 or (compared == 0 and n_waves >= 3):
        return pairs
    return [*pairs, _Pair(compared, n_waves - 1, "last_comparable")]


def dimension_range(c: ReportContext, dimension: str | None) -> Range | None:
    """(min, max) of the dimension's scale in the wave, None where the wave's version lacks it."""
    s = c.data.scale
    if dimension is None or dimension not in s.dimensions:
        return None
    d = s.dimensions.index(dimension)
    return int(s.dimension_min[d]), int(s.dimension_max[d])


def _comparison(name: str, contexts: list[ReportContext], ranges: list[Range | None],
                compared: int | None) -> Reading | None:
    """One sentence where a later wave asked the dimension on another scale: which wave the change is read from."""
    start = -1 if compared is None else compared
    passed = [w for w in range(start + 1, len(contexts) - 1) if ranges[w] is not None and ranges[w] != ranges[-1]]
    if not passed or ranges[-1] is None:
        return None
    lo, hi = ranges[-1]
    other = ", ".join(f"{contexts[w].survey.title} ({ranges[w][0]}-{ranges[w][1]})"  # type: ignore[index]
                      for w in passed)
    if compared is None:
        return Reading(en=f"No earlier wave asked {name} on the {lo}-{hi} scale ({other}): no change is given.",
                       nl=f"Geen eerdere meting vroeg {name} op de schaal {lo}-{hi} ({other}): er is geen "
                          "verandering.")
    title = contexts[compared].survey.title
    return Reading(en=f"{name} is compared with {title}, the latest earlier wave that asked it on the {lo}-{hi} "
                      f"scale; {other} asked it on another scale.",
                   nl=f"{name} wordt vergeleken met {title}, de laatste eerdere meting die het op de schaal "
                      f"{lo}-{hi} vroeg; {other} vroeg het op een andere schaal.")


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
            order = ("protects_smaller_group", "below_minimum", NOT_ASKED, OTHER_SCALE)
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
               family: Callable[[ReportContext, int], SuppressionMap],
               same: list[bool]) -> tuple[list[Floats | None], list[str | None]]:
        samples: list[Floats | None] = []
        why: list[str | None] = []
        for c, b, j, ok in zip(contexts, block, index, same, strict=True):
            hidden = c.hidden_reason(scope, ALL, smap=None if j is None else family(c, j))
            values = None if hidden or b is None or j is None or not ok else np.asarray(b[:, j], dtype=np.float64)
            n = 0 if values is None else int((~np.isnan(values)).sum())
            few = 0 < n < c.k  # an extra guard: fewer than k people answered this
            samples.append(None if few else values)
            why.append(hidden or (NOT_ASKED if j is None else OTHER_SCALE if not ok else BELOW if few else None))
        return samples, why

    dims, dim_pending = [], []
    for d in definition.dimensions:
        index = [c.data.scale.dimensions.index(d.key) if d.key in c.data.scale.dimensions else None for c in contexts]
        ranges = [dimension_range(c, d.key) for c in contexts]
        same = [r == ranges[-1] for r in ranges]
        compared = _compared_with([j is not None and ok for j, ok in zip(index, same, strict=True)])
        name = localised(d.names, lang, definition, d.key)
        figures, changes = _series(*column(scores, index, lambda c, j: c.dimension_map(j), same), ids,
                                   _series_pairs(pairs, len(contexts), compared))
        dims.append(DimensionTrend(key=d.key, name=name, outcome=d.outcome, waves=figures,
                                   changes=[p.change for p in changes],
                                   compared_with=None if compared is None else ids[compared],
                                   comparison=_comparison(name, contexts, ranges, compared)))
        dim_pending += changes
    items, item_pending = [], []
    for it in definition.items:
        own = [c.data.definition.item_by_key.get(it.key) for c in contexts]
        index = [None if i is None else i.position for i in own]
        ranges = [None if i is None else dimension_range(c, i.dimension_key)
                  for c, i in zip(contexts, own, strict=True)]
        same = [r == ranges[-1] for r in ranges]
        compared = _compared_with([j is not None and ok for j, ok in zip(index, same, strict=True)])
        figures, changes = _series(*column(answers, index, lambda c, j: c.item_map(j), same),  # type: ignore[arg-type]
                                   ids, _series_pairs(pairs, len(contexts), compared))
        items.append(ItemTrend(key=it.key, dimension_key=it.dimension_key, text=localised(it.texts, lang, definition,
                                                                                           it.key),
                               reverse=it.reverse, waves=figures, changes=[p.change for p in changes],
                               compared_with=None if compared is None else ids[compared]))
        item_pending += changes
    waves = [Wave(survey_id=c.survey.id, title=c.survey.title, questionnaire_version=c.data.definition.version,
                  n=c.shown_n(scope, ALL), suppressed=not ok, reason=c.hidden_reason(scope))
             for c, ok in zip(contexts, shown, strict=True)]
    return TrendReport(questionnaire_key=definition.key, language=lang, group=group_ref(latest, scope), waves=waves,
                       dimensions=dims, items=items, dimension_family_size=_adjust(dim_pending),
                       item_family_size=_adjust(item_pending))
