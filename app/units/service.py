import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict, Unprocessable
from app.orgs.models import Organisation
from app.units.models import Unit
from app.units.schemas import UnitCreate, UnitRead, UnitUpdate
from app.units.tree import UnitTree


def to_read(tree: UnitTree, unit: Unit) -> UnitRead:
    return UnitRead(id=unit.id, name=unit.name, parent_id=unit.parent_id, external_key=unit.external_key,
                    path=tree.path(unit.id), depth=tree.depth(unit.id), archived=unit.archived_at is not None,
                    created_at=unit.created_at)


def _field_error(field: str, msg: str) -> Unprocessable:
    return Unprocessable(errors=[{"loc": ["body", field], "msg": msg, "type": "value_error"}])


def _check_sibling_name(tree: UnitTree, parent_id: uuid.UUID | None, name: str, *, unit_id: uuid.UUID | None) -> None:
    for sibling in tree.children.get(parent_id, []):
        if sibling != unit_id and tree.units[sibling].name.casefold() == name.casefold():
            raise Conflict(f"A unit named {name!r} already exists under this parent.")


def _check_external_key(session: Session, organisation_id: uuid.UUID, key: str | None,
                        unit_id: uuid.UUID | None) -> None:
    if key is None:
        return
    other = session.scalar(select(Unit.id).where(Unit.organisation_id == organisation_id, Unit.external_key == key))
    if other is not None and other != unit_id:
        raise Conflict(f"Another unit has external key {key!r}.")


def create_unit(session: Session, organisation: Organisation, tree: UnitTree, data: UnitCreate) -> Unit:
    if data.parent_id is not None and data.parent_id not in tree.units:
        raise _field_error("parent_id", "no such unit in this organisation")
    if data.parent_id is not None and tree.units[data.parent_id].archived_at is not None:
        raise _field_error("parent_id", "the unit is archived")
    _check_sibling_name(tree, data.parent_id, data.name, unit_id=None)
    _check_external_key(session, organisation.id, data.external_key, None)
    unit = Unit(organisation_id=organisation.id, parent_id=data.parent_id, name=data.name,
                external_key=data.external_key)
    session.add(unit)
    session.flush()
    tree.units[unit.id] = unit
    tree.children[unit.parent_id].append(unit.id)
    return unit


def update_unit(session: Session, tree: UnitTree, unit: Unit, data: UnitUpdate) -> Unit:
    fields = data.model_fields_set
    parent_id = data.parent_id if "parent_id" in fields else unit.parent_id
    name = data.name if "name" in fields and data.name is not None else unit.name
    if "name" in fields and data.name is None:
        raise _field_error("name", "a unit needs a name")
    if parent_id != unit.parent_id:
        if parent_id is not None and parent_id not in tree.units:
            raise _field_error("parent_id", "no such unit in this organisation")
        if parent_id is not None and tree.is_within(parent_id, unit.id):
            raise Conflict("A unit can't move under itself or one of its descendants.")
        if parent_id is not None and tree.units[parent_id].archived_at is not None and unit.archived_at is None:
            raise _field_error("parent_id", "the unit is archived")
    archiving = data.archived is True and unit.archived_at is None
    if archiving:
        _check_archivable(session, tree, unit)
    if data.archived is False and unit.archived_at is not None and parent_id is not None \
            and tree.units[parent_id].archived_at is not None:
        raise Conflict("The unit's parent is archived: unarchive the parent first.")
    if parent_id != unit.parent_id or name != unit.name:
        _check_sibling_name(tree, parent_id, name, unit_id=unit.id)
    if "external_key" in fields:
        _check_external_key(session, unit.organisation_id, data.external_key, unit.id)
        unit.external_key = data.external_key
    if parent_id != unit.parent_id:
        tree.children[unit.parent_id].remove(unit.id)
        tree.children[parent_id].append(unit.id)
    unit.parent_id, unit.name = parent_id, name
    if "archived" in fields and data.archived is not None:
        unit.archived_at = (unit.archived_at or utcnow()) if data.archived else None
    session.flush()
    return unit


def _check_archivable(session: Session, tree: UnitTree, unit: Unit) -> None:
    """Archiving retires a unit: it takes no new invitations and no new sub-units, and reports keep its past
    results. So its sub-units must be archived (or moved) first, and no wave that is not closed may still invite
    people in it: their links would lead into a retired unit. Close those waves first."""
    if any(tree.units[c].archived_at is None for c in tree.children.get(unit.id, [])):
        raise Conflict("The unit has sub-units that are not archived: archive or move them first.")
    from app.invitations.models import Invitation  # invitations build on units, not the other way round
    from app.surveys.models import Survey, SurveyStatus

    waves = session.scalars(select(Survey.title).join(Invitation, Invitation.survey_id == Survey.id)
                            .where(Invitation.unit_id == unit.id, Survey.status != SurveyStatus.closed)
                            .distinct().order_by(Survey.title)).all()
    if waves:
        raise Conflict(f"Waves that are not closed invite people in this unit ({', '.join(waves)}): close them "
                       "before archiving it.")


def unit_holds_responses(session: Session, unit: Unit) -> bool:
    from app.responses.models import Response  # responses build on units, not the other way round

    return session.scalar(select(Response.id).where(Response.unit_id == unit.id).limit(1)) is not None


def unit_has_invitations(session: Session, unit: Unit) -> bool:
    from app.invitations.models import Invitation  # invitations build on units, not the other way round

    return session.scalar(select(Invitation.id).where(Invitation.unit_id == unit.id).limit(1)) is not None


def delete_unit(session: Session, tree: UnitTree, unit: Unit) -> None:
    if tree.children.get(unit.id):
        raise Conflict("The unit has sub-units; move or delete them first.")
    if unit_holds_responses(session, unit):
        raise Conflict("The unit holds survey responses; archive it instead.")
    if unit_has_invitations(session, unit):
        raise Conflict("The unit has survey invitations; archive it instead.")
    session.delete(unit)
    session.flush()
