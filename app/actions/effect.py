"""An action's unit and dimension (and statement) before and after: the action's wave against the next wave.

The figures are those of the trend report of the action's unit over the two waves (`app.reports.trend_service`),
computed by the same code: each wave is suppressed by its own anonymity map, so a unit hidden in either wave shows
no figure there and no change, only the reason. Nothing here is a new figure. The reading says what the figures
can and cannot say: waves are independent anonymous samples, so a change is a change, not proof that the action
caused it.
"""

import uuid

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.actions import service
from app.actions.models import Action
from app.actions.schemas import ActionRead
from app.auth.service import Principal
from app.errors import NotFound, Unprocessable
from app.orgs.models import Organisation
from app.questionnaires import service as questionnaire_service
from app.questionnaires.models import Questionnaire
from app.reports.context import build_context
from app.reports.figures import GroupRef
from app.reports.profile_schemas import Lang
from app.reports.profile_service import group_ref
from app.reports.readings import Reading
from app.reports.trend_schemas import Change, TrendReport, WaveFigure
from app.reports.trend_service import trend, wave_contexts
from app.surveys import service as survey_service
from app.surveys.models import Survey
from app.units.tree import UnitTree

NO_LATER_WAVE = "no_later_wave"
MAX_EARLIER = 11  # as many waves as the trend report compares with the latest
_CAVEAT = Reading(
    en="A change, not proof that the action caused it: other things changed too, and each wave is answered "
       "anonymously by whoever took part.",
    nl="Een verandering, geen bewijs dat de actie die veroorzaakte: er veranderden ook andere dingen, en elke "
       "meting wordt anoniem ingevuld door wie toen meedeed.")


class EffectFigures(BaseModel):
    key: str
    name: str
    before: WaveFigure = Field(description="In the action's wave")
    after: WaveFigure | None = Field(description="In the next wave; null when there is none yet")
    change: Change | None = Field(description="After minus before (Welch, Hedges' g; Holm over the dimensions of "
                                              "the unit's trend); null when there is no next wave")
    reading: Reading


class ActionEffect(BaseModel):
    """The action's unit and dimension before and after, as the trend report of the unit over the two waves shows
    them (the same figures, under the same anonymity protection)."""

    action_id: uuid.UUID
    before_survey_id: uuid.UUID
    after_survey_id: uuid.UUID | None = Field(description="The next wave; null when there is none yet")
    reason: str | None = Field(description="`no_later_wave`: no later wave of the questionnaire has published "
                                           "figures yet")
    group: GroupRef = Field(description="The action's unit in the next wave (in the action's wave without one)")
    dimension: EffectFigures
    item: EffectFigures | None = Field(description="The statement the action addresses, if one")
    caveat: Reading = Field(description="How to read a before-and-after")


class EarlierAction(BaseModel):
    """An action of an earlier wave, with its unit and dimension before (its wave) and after (this wave)."""

    action: ActionRead
    effect: ActionEffect


def next_wave(session: Session, survey: Survey, dimension: str) -> uuid.UUID | None:
    """The wave after `survey`: the earliest later-started survey of the organisation on a version of the same
    questionnaire (same owner and key) that has published figures and asks the action's dimension on the same
    scale (a version that changed its scale is passed over: docs/scales.md)."""
    q = session.get(Questionnaire, survey.questionnaire_id)
    if q is None:
        return None
    own = questionnaire_service.dimension_ranges(session, q).get(dimension)
    started = func.coalesce(Survey.opened_at, Survey.created_at)
    this_start = survey.opened_at or survey.created_at
    later = session.execute(
        select(Survey.id, Questionnaire).join(Questionnaire, Questionnaire.id == Survey.questionnaire_id)
        .where(Survey.organisation_id == survey.organisation_id, Survey.id != survey.id,
               Survey.published_at.is_not(None), started > this_start,
               Questionnaire.organisation_id.is_(None) if q.organisation_id is None
               else Questionnaire.organisation_id == q.organisation_id,
               Questionnaire.key == q.key)
        .order_by(started, Survey.id).limit(50)).all()
    return next((survey_id for survey_id, other in later
                 if questionnaire_service.dimension_ranges(session, other).get(dimension) in (own, None)), None)


def _num(value: float, lang: Lang) -> str:
    """Two decimals, as the tables beside the sentence: with one, "from 3.4 to 3.6 (+0.1)" could read as wrong."""
    text = f"{value:.2f}" if value >= 0 else f"-{abs(value):.2f}"
    return text.replace(".", ",") if lang == "nl" else text


def _hidden(reason: str | None) -> Reading:
    if reason == "not_asked":
        return Reading(en="not asked in that wave", nl="in die meting niet gevraagd")
    if reason in ("below_minimum", "protects_smaller_group"):
        return Reading(en="hidden to protect respondents' anonymity", nl="verborgen om de anonimiteit van de "
                                                                          "deelnemers te beschermen")
    return Reading(en="no figure", nl="geen cijfer")


def _reading(name: str, unit: str, before: WaveFigure, after: WaveFigure | None, change: Change | None) -> Reading:
    if after is None:
        if before.mean is None:
            why = _hidden(before.reason)
            return Reading(en=f"{name} in {unit}: {why.en} in the action's wave; no later wave yet.",
                           nl=f"{name} in {unit}: {why.nl} in de meting van de actie; nog geen latere meting.")
        return Reading(
            en=f"{name} in {unit} was {_num(before.mean, 'en')} in the action's wave; the next wave will show the "
               "change.",
            nl=f"{name} in {unit} was {_num(before.mean, 'nl')} in de meting van de actie; de volgende meting laat "
               "de verandering zien.")
    if change is None or change.difference is None or before.mean is None or after.mean is None:
        missing = after if after.mean is None else before
        why = _hidden(missing.reason if missing.mean is None else change.reason if change else None)
        which = ("the next wave", "de volgende meting") if missing is after else ("the action's wave",
                                                                                 "de meting van de actie")
        return Reading(en=f"{name} in {unit}: no before-and-after ({why.en} in {which[0]}).",
                       nl=f"{name} in {unit}: geen voor en na ({why.nl} in {which[1]}).")
    d = change.difference
    significant = change.welch is not None and change.welch.p_adjusted is not None and change.welch.p_adjusted < 0.05
    en_verdict = ("larger than chance alone would easily give" if significant
                  else "within what chance alone could give")
    nl_verdict = ("groter dan toeval alleen gemakkelijk geeft" if significant
                  else "binnen wat toeval alleen kan geven")
    sign = "+" if d >= 0 else ""
    return Reading(
        en=f"{name} in {unit} went from {_num(before.mean, 'en')} to {_num(after.mean, 'en')} "
           f"({sign}{_num(d, 'en')}), a change {en_verdict}. A change, not proof that the action caused it.",
        nl=f"{name} in {unit} ging van {_num(before.mean, 'nl')} naar {_num(after.mean, 'nl')} "
           f"({sign}{_num(d, 'nl')}), een verandering {nl_verdict}. Een verandering, geen bewijs dat de actie "
           "die veroorzaakte.")


def _unit_trend(session: Session, organisation: Organisation, survey: Survey, tree: UnitTree,
                scope: uuid.UUID | None, chosen: uuid.UUID | None, lang: Lang) -> tuple[TrendReport, GroupRef]:
    """The trend report of the unit over the action's wave and `chosen` (alone without one)."""
    if chosen is None:
        contexts = [build_context(session, organisation, survey, tree, scope)]
    else:
        later = survey_service.get_survey(session, organisation, chosen)
        if later is None:
            raise NotFound("No such survey.")
        if (later.opened_at or later.created_at) <= (survey.opened_at or survey.created_at):
            msg = "the wave after the action must have started after the action's wave"
            raise Unprocessable(msg, errors=[{"loc": ["query", "after_survey_id"], "msg": msg,
                                              "type": "not_later"}])
        contexts = wave_contexts(session, build_context(session, organisation, later, tree, scope), [survey.id])
    return trend(contexts, lang), group_ref(contexts[-1], scope)


def _from_report(report: TrendReport, group: GroupRef, action: Action, unit: str,
                 chosen: uuid.UUID | None) -> ActionEffect:
    def figures(key: str, name: str, waves: list[WaveFigure], changes: list[Change]) -> EffectFigures:
        before, after = waves[0], waves[1] if len(waves) > 1 else None
        change = changes[0] if changes else None
        return EffectFigures(key=key, name=name, before=before, after=after, change=change,
                             reading=_reading(name, unit, before, after, change))

    dim = next((d for d in report.dimensions if d.key == action.dimension_key), None)
    if dim is None:  # the questionnaire version no longer has it: nothing to compare
        raise NotFound("The action's dimension is not in the wave's questionnaire.")
    item = next((i for i in report.items if i.key == action.item_key), None) if action.item_key else None
    return ActionEffect(
        action_id=action.id, before_survey_id=action.survey_id, after_survey_id=chosen,
        reason=NO_LATER_WAVE if chosen is None else None, group=group,
        dimension=figures(dim.key, dim.name, dim.waves, dim.changes),
        item=None if item is None else figures(item.key, item.text, item.waves, item.changes),
        caveat=_CAVEAT)


def _unit_name(organisation: Organisation, tree: UnitTree, scope: uuid.UUID | None) -> str:
    return organisation.name if scope is None else tree.units[scope].name


def effect(session: Session, organisation: Organisation, survey: Survey, tree: UnitTree, action: Action,
           after_id: uuid.UUID | None, lang: Lang) -> ActionEffect:
    """The action's before and after; `after_id` None: the next wave (`next_wave`), if any."""
    chosen = after_id if after_id is not None else next_wave(session, survey, action.dimension_key)
    if chosen is not None and chosen == survey.id:
        chosen = None
    report, group = _unit_trend(session, organisation, survey, tree, action.unit_id, chosen, lang)
    return _from_report(report, group, action, _unit_name(organisation, tree, action.unit_id), chosen)


def earlier_waves(session: Session, survey: Survey) -> list[Survey]:
    """The organisation's surveys on a version of the same questionnaire (same owner and key) that started before
    `survey`, latest first (at most `MAX_EARLIER`)."""
    q = session.get(Questionnaire, survey.questionnaire_id)
    if q is None:
        return []
    started = func.coalesce(Survey.opened_at, Survey.created_at)
    return list(session.scalars(
        select(Survey).join(Questionnaire, Questionnaire.id == Survey.questionnaire_id)
        .where(Survey.organisation_id == survey.organisation_id, Survey.id != survey.id,
               started < (survey.opened_at or survey.created_at),
               Questionnaire.organisation_id.is_(None) if q.organisation_id is None
               else Questionnaire.organisation_id == q.organisation_id,
               Questionnaire.key == q.key)
        .order_by(started.desc(), Survey.id).limit(MAX_EARLIER)))


def earlier_effects(session: Session, organisation: Organisation, survey: Survey, tree: UnitTree,
                    principal: Principal, within: uuid.UUID | None, lang: Lang) -> list[EarlierAction]:
    """The actions of earlier waves whose next wave (`next_wave`) is `survey`, that the caller reaches (with
    `within`, those of that unit's subtree), each with its before and after: its wave against this one. One trend
    report per wave and unit, shared by that unit's actions."""
    out: list[EarlierAction] = []
    for before in reversed(earlier_waves(session, survey)):
        rows = service.list_visible(session, before, tree, principal, within)
        nexts = {key: next_wave(session, before, key) for key in {r.dimension_key for r in rows}}
        rows = sorted((r for r in rows if nexts[r.dimension_key] == survey.id),
                      key=lambda r: (r.due_date is None, r.due_date, r.created_at, str(r.id)))
        reports: dict[uuid.UUID | None, tuple[TrendReport, GroupRef]] = {}
        for row, read in zip(rows, service.to_read(session, before, tree, rows), strict=True):
            if row.unit_id not in reports:
                reports[row.unit_id] = _unit_trend(session, organisation, before, tree, row.unit_id, survey.id,
                                                   lang)
            report, group = reports[row.unit_id]
            try:
                found = _from_report(report, group, row, _unit_name(organisation, tree, row.unit_id), survey.id)
            except NotFound:  # this wave's version no longer asks the dimension
                continue
            out.append(EarlierAction(action=read, effect=found))
    return out
