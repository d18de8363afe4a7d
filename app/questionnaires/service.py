"""Questionnaires: built-in and custom, versioned, immutable once a survey uses them.

Versions of one questionnaire share its `key`; within it, items keep their keys from version to version, and reports
compare survey waves item by item through those keys. A version that a survey uses never changes: edits to it
are refused (409) and belong in a new version, created with POST and the same key.
"""

import threading
import uuid
from typing import Any

from sqlalchemy import ScalarSelect, delete, func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.orgs.models import Organisation
from app.questionnaires.definition import AnswerScale as AnswerScale
from app.questionnaires.definition import DimensionDefinition as DimensionDefinition
from app.questionnaires.definition import ItemDefinition as ItemDefinition
from app.questionnaires.definition import QuestionnaireDefinition as QuestionnaireDefinition
from app.questionnaires.models import Dimension, Item, Questionnaire
from app.questionnaires.schemas import (
    DimensionRead,
    FrameLabels,
    ItemRead,
    QuestionnaireIn,
    QuestionnaireRead,
    QuestionnaireSummary,
    ScaleRead,
    definition_errors,
)
from app.surveys.models import Survey

BUILTIN_KEY = "culture-gap"


_definitions: dict[uuid.UUID, QuestionnaireDefinition] = {}
_definitions_lock = threading.Lock()


def definition_stamp(questionnaire_id: Any) -> ScalarSelect[uuid.UUID]:
    """The expression that tells whether a cached definition is current: the id of the item at position 0, which
    changes whenever the items are rewritten. For callers that read it in a query of their own, with
    `questionnaire_id` a column or a value."""
    return select(Item.id).where(Item.questionnaire_id == questionnaire_id, Item.position == 0).scalar_subquery()


def cached_definition(questionnaire_id: uuid.UUID, stamp: uuid.UUID | None) -> QuestionnaireDefinition | None:
    """The cached definition if it is current (read `stamp` with `definition_stamp`), else None."""
    cached = _definitions.get(questionnaire_id)
    return cached if cached is not None and cached._stamp == stamp else None


def load_definition(session: Session, questionnaire_id: uuid.UUID) -> QuestionnaireDefinition:
    """The questionnaire's definition, cached per id. One indexed lookup checks that the cached copy is current
    (an unused questionnaire may still be edited, which rewrites its items); raises `NotFound` if it's gone."""
    stamp = session.scalar(select(definition_stamp(questionnaire_id)))
    if stamp is None:
        with _definitions_lock:
            _definitions.pop(questionnaire_id, None)
        raise NotFound("No such questionnaire.")
    cached = cached_definition(questionnaire_id, stamp)
    if cached is not None:
        return cached
    definition = _build_definition(session, questionnaire_id, stamp)
    with _definitions_lock:
        _definitions[questionnaire_id] = definition
    return definition


def _build_definition(session: Session, questionnaire_id: uuid.UUID, stamp: uuid.UUID) -> QuestionnaireDefinition:
    q = session.get(Questionnaire, questionnaire_id)
    if q is None:
        raise NotFound("No such questionnaire.")
    dimensions, items = _parts(session, q.id)
    default = AnswerScale(q.scale_min, q.scale_max, {k: list(v) for k, v in q.scale_labels.items()},
                          dict(q.dont_know_label) if q.dont_know_label else None)
    scales = {d.id: own_scale(d) or default for d in dimensions}
    dimension_keys = {d.id: d.key for d in dimensions}
    item_defs = tuple(ItemDefinition(key=i.key, position=i.position, dimension_key=dimension_keys[i.dimension_id],
                                     reverse=i.reverse, texts=dict(i.texts), scale_min=scales[i.dimension_id].min,
                                     scale_max=scales[i.dimension_id].max,
                                     allows_dont_know=scales[i.dimension_id].allows_dont_know) for i in items)
    dimension_defs = tuple(
        DimensionDefinition(key=d.key, position=d.position, names=dict(d.names),
                            item_keys=tuple(i.key for i in items if i.dimension_id == d.id), outcome=d.outcome,
                            scale=scales[d.id], own_scale=d.scale_min is not None)
        for d in dimensions)
    return QuestionnaireDefinition(
        id=q.id, key=q.key, version=q.version, title=dict(q.title), languages=tuple(q.languages),
        scale_min=q.scale_min, scale_max=q.scale_max, scale_labels={k: list(v) for k, v in q.scale_labels.items()},
        dont_know_label=dict(q.dont_know_label) if q.dont_know_label else None,
        frame_labels={k: dict(v) for k, v in q.frame_labels.items()}, dimensions=dimension_defs, items=item_defs,
        item_by_key={i.key: i for i in item_defs}, _stamp=stamp)


def own_scale(d: Dimension) -> AnswerScale | None:
    """The dimension's own scale, or None when it uses the questionnaire's."""
    if d.scale_min is None or d.scale_max is None:
        return None
    return AnswerScale(d.scale_min, d.scale_max, {k: list(v) for k, v in (d.scale_labels or {}).items()},
                       dict(d.dont_know_label) if d.dont_know_label else None)


def dimension_ranges(session: Session, q: Questionnaire) -> dict[str, tuple[int, int]]:
    """(min, max) each dimension of the version is answered on, by key (its own or the questionnaire's)."""
    rows = session.execute(select(Dimension.key, Dimension.scale_min, Dimension.scale_max)
                           .where(Dimension.questionnaire_id == q.id)).all()
    return {key: (lo, hi) if lo is not None and hi is not None else (q.scale_min, q.scale_max)
            for key, lo, hi in rows}


def builtin_questionnaire_id(session: Session) -> uuid.UUID:
    """The newest version of the built-in culture-gap questionnaire."""
    found = session.scalar(select(Questionnaire.id).where(Questionnaire.organisation_id.is_(None),
                                                          Questionnaire.key == BUILTIN_KEY)
                           .order_by(Questionnaire.version.desc()).limit(1))
    if found is None:
        raise NotFound("The built-in questionnaire is missing: run the migrations.")
    return found


# --- reading ---------------------------------------------------------------------------------------------------------

def visible_questionnaire(session: Session, organisation: Organisation, questionnaire_id: uuid.UUID
                          ) -> Questionnaire | None:
    """The questionnaire if the organisation may use it (built in, or its own)."""
    q = session.get(Questionnaire, questionnaire_id)
    if q is None or q.organisation_id not in (None, organisation.id):
        return None
    return q


def _parts(session: Session, questionnaire_id: uuid.UUID) -> tuple[list[Dimension], list[Item]]:
    dimensions = list(session.scalars(select(Dimension).where(Dimension.questionnaire_id == questionnaire_id)
                                      .order_by(Dimension.position)))
    items = list(session.scalars(select(Item).where(Item.questionnaire_id == questionnaire_id)
                                 .order_by(Item.position)))
    return dimensions, items


def _used_ids(session: Session, organisation: Organisation, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these questionnaires a survey of the organisation uses (only its own surveys can use its own
    questionnaires; for a built-in, other organisations' surveys are none of its business)."""
    if not ids:
        return set()
    return set(session.scalars(select(Survey.questionnaire_id).where(
        Survey.organisation_id == organisation.id, Survey.questionnaire_id.in_(ids)).distinct()))


def is_in_use(session: Session, questionnaire: Questionnaire) -> bool:
    return session.scalar(select(Survey.id).where(Survey.questionnaire_id == questionnaire.id).limit(1)) is not None


def _summary_fields(q: Questionnaire, *, in_use: bool, dimension_count: int, item_count: int,
                    uniform_scale: bool) -> dict[str, Any]:
    return {"id": q.id, "organisation_id": q.organisation_id, "builtin": q.organisation_id is None, "key": q.key,
            "version": q.version, "title": q.title, "languages": q.languages, "scale_min": q.scale_min,
            "scale_max": q.scale_max, "uniform_scale": uniform_scale, "dimension_count": dimension_count,
            "item_count": item_count, "in_use": in_use, "created_at": q.created_at}


def list_questionnaires(session: Session, organisation: Organisation) -> list[QuestionnaireSummary]:
    """Built-in questionnaires first, then the organisation's own; every version, by key and version."""
    rows = list(session.scalars(
        select(Questionnaire)
        .where((Questionnaire.organisation_id.is_(None)) | (Questionnaire.organisation_id == organisation.id))
        .order_by(Questionnaire.organisation_id.is_not(None), Questionnaire.key, Questionnaire.version)))
    ids = [q.id for q in rows]
    used = _used_ids(session, organisation, ids)
    dimension_counts = dict(session.execute(
        select(Dimension.questionnaire_id, func.count()).where(Dimension.questionnaire_id.in_(ids))
        .group_by(Dimension.questionnaire_id)).all()) if ids else {}
    item_counts = dict(session.execute(
        select(Item.questionnaire_id, func.count()).where(Item.questionnaire_id.in_(ids))
        .group_by(Item.questionnaire_id)).all()) if ids else {}
    mixed = set(session.scalars(select(Dimension.questionnaire_id).where(
        Dimension.questionnaire_id.in_(ids), Dimension.scale_min.is_not(None)).distinct())) if ids else set()
    return [QuestionnaireSummary(**_summary_fields(q, in_use=q.id in used,
                                                   dimension_count=dimension_counts.get(q.id, 0),
                                                   item_count=item_counts.get(q.id, 0),
                                                   uniform_scale=q.id not in mixed)) for q in rows]


def to_read(session: Session, organisation: Organisation, q: Questionnaire) -> QuestionnaireRead:
    dimensions, items = _parts(session, q.id)
    default = ScaleRead(min=q.scale_min, max=q.scale_max, labels=q.scale_labels, dont_know_label=q.dont_know_label)

    def scale_read(d: Dimension) -> ScaleRead:
        own = own_scale(d)
        return default if own is None else ScaleRead(min=own.min, max=own.max, labels=own.labels,
                                                     dont_know_label=own.dont_know_label)

    dimension_reads = [
        DimensionRead(key=d.key, position=d.position, names=d.names, outcome=d.outcome, scale=scale_read(d),
                      own_scale=d.scale_min is not None,
                      items=[ItemRead(key=i.key, position=i.position, reverse=i.reverse, texts=i.texts)
                             for i in items if i.dimension_id == d.id])
        for d in dimensions]
    in_use = bool(_used_ids(session, organisation, [q.id]))
    return QuestionnaireRead(
        **_summary_fields(q, in_use=in_use, dimension_count=len(dimensions), item_count=len(items),
                          uniform_scale=all(d.scale_min is None for d in dimensions)),
        scale_labels=q.scale_labels, dont_know_label=q.dont_know_label,
        frame_labels={k: FrameLabels(**v) for k, v in q.frame_labels.items()}, dimensions=dimension_reads)


# --- changing --------------------------------------------------------------------------------------------------------

def _validate(session: Session, data: QuestionnaireIn) -> None:
    errors = definition_errors(data)
    reserved = session.scalar(select(Questionnaire.id).where(Questionnaire.organisation_id.is_(None),
                                                             Questionnaire.key == data.key).limit(1))
    if reserved is not None:
        errors.insert(0, {"loc": ["body", "key"], "msg": f"{data.key!r} is the key of a built-in questionnaire",
                          "type": "reserved"})
    if errors:
        raise Unprocessable("The questionnaire definition has errors; nothing was stored.", errors=errors)


def _write_parts(session: Session, q: Questionnaire, data: QuestionnaireIn) -> None:
    position = 0
    for d_position, dimension in enumerate(data.dimensions):
        row = Dimension(questionnaire_id=q.id, key=dimension.key, position=d_position, names=dict(dimension.names),
                        outcome=dimension.outcome)
        if dimension.scale is not None:
            own = dimension.scale
            row.scale_min, row.scale_max = own.min, own.max
            row.scale_labels = {lang: list(labels) for lang, labels in own.labels.items()}
            row.dont_know_label = dict(own.dont_know_label) if own.dont_know_label is not None else None
        session.add(row)
        session.flush()
        for item in dimension.items:
            session.add(Item(questionnaire_id=q.id, dimension_id=row.id, key=item.key, position=position,
                             reverse=item.reverse, texts=dict(item.texts)))
            position += 1
    session.flush()


def _apply_header(q: Questionnaire, data: QuestionnaireIn) -> None:
    q.title = dict(data.title)
    q.languages = list(data.languages)
    q.scale_min, q.scale_max = data.scale_min, data.scale_max
    q.scale_labels = {lang: list(labels) for lang, labels in data.scale_labels.items()}
    q.dont_know_label = dict(data.dont_know_label) if data.dont_know_label is not None else None
    q.frame_labels = {lang: labels.model_dump() for lang, labels in data.frame_labels.items()}


def create_questionnaire(session: Session, organisation: Organisation, data: QuestionnaireIn) -> Questionnaire:
    """Version 1 of a new key, or the next version of a key the organisation already has."""
    _validate(session, data)
    latest = session.scalar(select(func.max(Questionnaire.version)).where(
        Questionnaire.organisation_id == organisation.id, Questionnaire.key == data.key))
    q = Questionnaire(organisation_id=organisation.id, key=data.key, version=(latest or 0) + 1)
    _apply_header(q, data)
    session.add(q)
    session.flush()
    _write_parts(session, q, data)
    return q


def _check_changeable(session: Session, q: Questionnaire) -> None:
    if q.organisation_id is None:
        raise Forbidden("Built-in questionnaires are read-only; create your own with POST to change the wording.")
    if is_in_use(session, q):
        raise Conflict("A survey uses this questionnaire version, so it can no longer change: create a new version "
                       "with POST and the same key.")


def replace_questionnaire(session: Session, q: Questionnaire, data: QuestionnaireIn) -> Questionnaire:
    """Rewrite an unused version in place (same key, same version number)."""
    _check_changeable(session, q)
    if data.key != q.key:
        raise Unprocessable(errors=[{"loc": ["body", "key"], "msg": f"the key stays {q.key!r}; create a "
                                     "questionnaire with another key by POST", "type": "immutable"}])
    _validate(session, data)
    session.execute(delete(Item).where(Item.questionnaire_id == q.id))
    session.execute(delete(Dimension).where(Dimension.questionnaire_id == q.id))
    _apply_header(q, data)
    session.flush()
    _write_parts(session, q, data)
    return q


def delete_questionnaire(session: Session, q: Questionnaire) -> None:
    _check_changeable(session, q)
    session.execute(delete(Item).where(Item.questionnaire_id == q.id))
    session.execute(delete(Dimension).where(Dimension.questionnaire_id == q.id))
    session.delete(q)
    session.flush()
