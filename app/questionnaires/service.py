"""Questionnaires: built-in and custom, versioned, immutable once a survey uses them.

Versions of one questionnaire share its `key`; within it, items keep their keys from version to version, and reports
compare survey waves item by item through those keys. A version that a survey uses never changes: edits to it
are refused (409) and belong in a new version, created with POST and the same key.
"""

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ScalarSelect, delete, func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.orgs.models import Organisation
from app.questionnaires.models import Dimension, Item, Questionnaire
from app.questionnaires.schemas import (
    DimensionRead,
    FrameLabels,
    ItemRead,
    QuestionnaireIn,
    QuestionnaireRead,
    QuestionnaireSummary,
    definition_errors,
)
from app.surveys.models import Survey

BUILTIN_KEY = "culture-gap"


# --- the definition other domains answer and score against ---------------------------------------------------------

@dataclass(frozen=True)
class ItemDefinition:
    key: str
    position: int  # 0-based; the item's slot in a packed response
    dimension_key: str
    reverse: bool
    texts: dict[str, str]


@dataclass(frozen=True)
class DimensionDefinition:
    key: str
    position: int
    names: dict[str, str]
    item_keys: tuple[str, ...]
    outcome: bool = False  # the outcome scale of the driver analysis, not a culture dimension


@dataclass(frozen=True)
class QuestionnaireDefinition:
    """One questionnaire version, read-only. `items` is ordered by position."""

    id: uuid.UUID
    key: str
    version: int
    title: dict[str, str]
    languages: tuple[str, ...]
    scale_min: int
    scale_max: int
    scale_labels: dict[str, list[str]]
    dont_know_label: dict[str, str] | None
    frame_labels: dict[str, dict[str, str]]
    dimensions: tuple[DimensionDefinition, ...]
    items: tuple[ItemDefinition, ...]
    item_by_key: dict[str, ItemDefinition] = field(repr=False)
    _stamp: uuid.UUID = field(repr=False)  # id of the item at position 0: changes whenever the items are rewritten

    @property
    def allows_dont_know(self) -> bool:
        return self.dont_know_label is not None

    @property
    def outcome(self) -> DimensionDefinition | None:
        """The outcome scale (at most one), or None."""
        return next((d for d in self.dimensions if d.outcome), None)

    @property
    def culture_dimensions(self) -> tuple[DimensionDefinition, ...]:
        """Every dimension but the outcome: what readiness and the driver analysis's predictors are made of."""
        return tuple(d for d in self.dimensions if not d.outcome)

    def localised(self, lang: str) -> dict[str, Any]:
        """What a respondent sees, in one language (the first language when `lang` isn't offered). Reverse
        keying is not revealed.

        `{key, version, language, title, scale: {min, max, labels: [per point], dont_know: label | null},
        frames: {current, desired}, dimensions: [{key, name, items: [{key, text}]}]}`; items in position order.
        """
        if lang not in self.languages:
            lang = self.languages[0]
        by_key = self.item_by_key
        return {
            "key": self.key,
            "version": self.version,
            "language": lang,
            "title": self.title[lang],
            "scale": {"min": self.scale_min, "max": self.scale_max, "labels": list(self.scale_labels[lang]),
                      "dont_know": self.dont_know_label[lang] if self.dont_know_label else None},
            "frames": dict(self.frame_labels[lang]),
            "dimensions": [{"key": d.key, "name": d.names[lang],
                            "items": [{"key": k, "text": by_key[k].texts[lang]} for k in d.item_keys]}
                           for d in self.dimensions],
        }


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
    dimension_keys = {d.id: d.key for d in dimensions}
    item_defs = tuple(ItemDefinition(key=i.key, position=i.position, dimension_key=dimension_keys[i.dimension_id],
                                     reverse=i.reverse, texts=dict(i.texts)) for i in items)
    dimension_defs = tuple(
        DimensionDefinition(key=d.key, position=d.position, names=dict(d.names),
                            item_keys=tuple(i.key for i in items if i.dimension_id == d.id), outcome=d.outcome)
        for d in dimensions)
    return QuestionnaireDefinition(
        id=q.id, key=q.key, version=q.version, title=dict(q.title), languages=tuple(q.languages),
        scale_min=q.scale_min, scale_max=q.scale_max, scale_labels={k: list(v) for k, v in q.scale_labels.items()},
        dont_know_label=dict(q.dont_know_label) if q.dont_know_label else None,
        frame_labels={k: dict(v) for k, v in q.frame_labels.items()}, dimensions=dimension_defs, items=item_defs,
        item_by_key={i.key: i for i in item_defs}, _stamp=stamp)


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


def _summary_fields(q: Questionnaire, *, in_use: bool, dimension_count: int, item_count: int) -> dict[str, Any]:
    return {"id": q.id, "organisation_id": q.organisation_id, "builtin": q.organisation_id is None, "key": q.key,
            "version": q.version, "title": q.title, "languages": q.languages, "scale_min": q.scale_min,
            "scale_max": q.scale_max, "dimension_count": dimension_count, "item_count": item_count,
            "in_use": in_use, "created_at": q.created_at}


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
    return [QuestionnaireSummary(**_summary_fields(q, in_use=q.id in used,
                                                   dimension_count=dimension_counts.get(q.id, 0),
                                                   item_count=item_counts.get(q.id, 0))) for q in rows]


def to_read(session: Session, organisation: Organisation, q: Questionnaire) -> QuestionnaireRead:
    dimensions, items = _parts(session, q.id)
    dimension_reads = [
        DimensionRead(key=d.key, position=d.position, names=d.names, outcome=d.outcome,
                      items=[ItemRead(key=i.key, position=i.position, reverse=i.reverse, texts=i.texts)
                             for i in items if i.dimension_id == d.id])
        for d in dimensions]
    in_use = bool(_used_ids(session, organisation, [q.id]))
    return QuestionnaireRead(
        **_summary_fields(q, in_use=in_use, dimension_count=len(dimensions), item_count=len(items)),
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
