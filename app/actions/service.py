"""Action plans per unit and wave.

Who may plan: organisation admins (keys or people) anywhere in their organisation, and leaders (people) for the
units in their own subtrees. Everyone who reads the unit reads its actions; outside a caller's reach an action
answers 404 as if it did not exist.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actions.models import Action
from app.actions.schemas import ActionCreate, ActionRead, ActionUpdate, Owner
from app.auth.models import Role
from app.auth.service import Principal
from app.db import utcnow
from app.deps import key_reaches_unit
from app.errors import Forbidden, NotFound, Unprocessable
from app.people.models import Person
from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.surveys.models import Survey
from app.units.tree import UnitTree


def reaches(principal: Principal, tree: UnitTree, unit_id: uuid.UUID | None) -> bool:
    """Whether the caller reads the action's unit (an organisation-wide action: callers of the whole
    organisation)."""
    if unit_id is None:
        return principal.unit_ids is None
    return key_reaches_unit(principal, tree, unit_id)


def check_may_plan(principal: Principal, survey: Survey, tree: UnitTree, unit_id: uuid.UUID | None) -> None:
    """403 unless the caller may create, change or delete actions of the unit: an organisation admin, or a
    leader signed in whose subtrees hold the unit (never the whole organisation)."""
    if principal.administers(survey.organisation_id):
        return
    if principal.role is Role.leader and principal.is_person and unit_id is not None \
            and key_reaches_unit(principal, tree, unit_id):
        return
    if principal.role is Role.leader:
        raise Forbidden("A leader plans actions only for the units of their own subtrees.")
    raise Forbidden("Planning actions needs an organisation admin, or a leader for their own units.")


def _field(loc: str, msg: str, kind: str) -> dict[str, Any]:
    return {"loc": ["body", loc], "msg": msg, "type": kind}


def _resolve(definition: QuestionnaireDefinition, dimension_key: str | None,
             item_key: str | None) -> tuple[str | None, list[dict[str, Any]]]:
    """The dimension the action addresses, checked against the questionnaire."""
    dims = {d.key for d in definition.dimensions}
    if item_key is not None:
        item = definition.item_by_key.get(item_key)
        if item is None:
            return None, [_field("item_key", "no such statement in the survey's questionnaire", "not_found")]
        if dimension_key is not None and dimension_key != item.dimension_key:
            return None, [_field("dimension_key", f"the statement belongs to `{item.dimension_key}`", "mismatch")]
        return item.dimension_key, []
    if dimension_key not in dims:
        return None, [_field("dimension_key", f"not a dimension of the survey's questionnaire; one of "
                                              f"{', '.join(sorted(dims))}", "not_found")]
    return dimension_key, []


def _owner_person(session: Session, survey: Survey, person_id: uuid.UUID) -> Person | None:
    person = session.get(Person, person_id)
    return person if person is not None and person.organisation_id == survey.organisation_id else None


def create(session: Session, survey: Survey, tree: UnitTree, principal: Principal, data: ActionCreate) -> Action:
    check_may_plan(principal, survey, tree, data.unit_id)
    definition = load_definition(session, survey.questionnaire_id)
    errors: list[dict[str, Any]] = []
    if data.unit_id is not None and data.unit_id not in tree.units:
        errors.append(_field("unit_id", "no such unit in this organisation", "not_found"))
    dimension_key, problems = _resolve(definition, data.dimension_key, data.item_key)
    errors += problems
    owner_name = data.owner_name
    if data.owner_person_id is not None:
        person = _owner_person(session, survey, data.owner_person_id)
        if person is None:
            errors.append(_field("owner_person_id", "no such person in this organisation", "not_found"))
        else:
            owner_name = person.name
    if errors or dimension_key is None:
        raise Unprocessable("The action is not valid; nothing was stored.", errors=errors)
    now = utcnow()
    row = Action(organisation_id=survey.organisation_id, survey_id=survey.id, unit_id=data.unit_id,
                 dimension_key=dimension_key, item_key=data.item_key, title=data.title,
                 owner_person_id=data.owner_person_id, owner_name=owner_name, due_date=data.due_date,
                 status=data.status, notes=data.notes, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


def update(session: Session, survey: Survey, tree: UnitTree, principal: Principal, row: Action,
           data: ActionUpdate) -> list[str]:
    """Apply the change (a leader may move an action only within their subtrees); the names of the fields that
    changed."""
    given = data.model_fields_set
    check_may_plan(principal, survey, tree, row.unit_id)
    errors: list[dict[str, Any]] = []
    if "unit_id" in given and data.unit_id != row.unit_id:
        check_may_plan(principal, survey, tree, data.unit_id)
        if data.unit_id is not None and data.unit_id not in tree.units:
            errors.append(_field("unit_id", "no such unit in this organisation", "not_found"))
    new: dict[str, Any] = {name: getattr(data, name) for name in given}
    if "dimension_key" in given or "item_key" in given:
        definition = load_definition(session, survey.questionnaire_id)
        item_key = new.get("item_key", row.item_key)
        dimension_key = new.get("dimension_key", None if "item_key" in given and item_key else row.dimension_key)
        if dimension_key is None and item_key is None:
            dimension_key = row.dimension_key
        resolved, problems = _resolve(definition, dimension_key, item_key)
        errors += problems
        new["dimension_key"], new["item_key"] = resolved, item_key
    if "owner_person_id" in given and data.owner_person_id is not None:
        person = _owner_person(session, survey, data.owner_person_id)
        if person is None:
            errors.append(_field("owner_person_id", "no such person in this organisation", "not_found"))
        else:
            new["owner_name"] = person.name
    elif "owner_name" in given and "owner_person_id" not in given:
        new["owner_person_id"] = None  # a free name replaces the person
    if errors:
        raise Unprocessable("The change is not valid; nothing was changed.", errors=errors)
    changed = sorted(name for name, value in new.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, new[name])
    if changed:
        row.updated_at = utcnow()
    session.flush()
    return changed


def get_visible(session: Session, survey: Survey, tree: UnitTree, principal: Principal,
                action_id: uuid.UUID) -> Action:
    row = session.get(Action, action_id)
    if row is None or row.survey_id != survey.id or not reaches(principal, tree, row.unit_id):
        raise NotFound("No such action.")
    return row


def list_visible(session: Session, survey: Survey, tree: UnitTree, principal: Principal,
                 within: uuid.UUID | None) -> list[Action]:
    """The survey's actions the caller reaches; with `within`, only those of that unit's subtree."""
    rows = session.scalars(select(Action).where(Action.survey_id == survey.id))
    return [row for row in rows if reaches(principal, tree, row.unit_id)
            and (within is None or (row.unit_id is not None and tree.is_within(row.unit_id, within)))]


def delete(session: Session, survey: Survey, tree: UnitTree, principal: Principal, row: Action) -> None:
    check_may_plan(principal, survey, tree, row.unit_id)
    session.delete(row)
    session.flush()


def to_read(session: Session, survey: Survey, tree: UnitTree, rows: Iterable[Action]) -> list[ActionRead]:
    definition = load_definition(session, survey.questionnaire_id)
    dims = {d.key: d for d in definition.dimensions}
    rows = list(rows)
    person_ids = {r.owner_person_id for r in rows if r.owner_person_id is not None}
    names: dict[uuid.UUID, str] = {
        pid: name for pid, name in session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids)))
    } if person_ids else {}
    out = []
    for r in rows:
        item = definition.item_by_key.get(r.item_key) if r.item_key else None
        dim = dims.get(r.dimension_key)
        name = names.get(r.owner_person_id, r.owner_name) if r.owner_person_id else r.owner_name
        owner = None if r.owner_person_id is None and r.owner_name is None else Owner(person_id=r.owner_person_id,
                                                                                       name=name)
        out.append(ActionRead(
            id=r.id, survey_id=r.survey_id, unit_id=r.unit_id,
            unit_path=[] if r.unit_id is None else tree.path(r.unit_id), dimension_key=r.dimension_key,
            dimension_names=dict(dim.names) if dim else {}, item_key=r.item_key,
            item_texts=dict(item.texts) if item else None, title=r.title, owner=owner, due_date=r.due_date,
            status=r.status, notes=r.notes, created_at=r.created_at, updated_at=r.updated_at))
    return out
