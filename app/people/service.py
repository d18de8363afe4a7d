"""People of an organisation: who they are, their role and the units whose subtrees they reach."""

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth.models import Role
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.orgs.models import Organisation
from app.people.models import Person, PersonUnit
from app.people.schemas import PersonCreate, PersonRead, PersonRole, PersonUpdate
from app.sessions import service as session_service
from app.units.tree import UnitTree


def unit_problem(role: PersonRole, unit_ids: list[uuid.UUID], tree: UnitTree) -> str | None:
    """Why these units don't fit this role (None when they do)."""
    if any(u not in tree.units for u in unit_ids):
        return "no such unit"
    if role is PersonRole.org_admin and unit_ids:
        return "an organisation admin reaches the whole organisation: no units"
    if role is PersonRole.leader and not unit_ids:
        return "a leader needs at least one unit"
    return None


def _check_units(role: PersonRole, unit_ids: list[uuid.UUID], tree: UnitTree) -> None:
    if (problem := unit_problem(role, unit_ids, tree)) is not None:
        raise Unprocessable(errors=[{"loc": ["body", "unit_ids"], "msg": problem, "type": "value_error"}])


def units_of(session: Session, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {p: [] for p in person_ids}
    for person_id, unit_id in session.execute(select(PersonUnit.person_id, PersonUnit.unit_id)
                                              .where(PersonUnit.person_id.in_(person_ids))):
        out[person_id].append(unit_id)
    return out


def to_read(person: Person, unit_ids: list[uuid.UUID], tree: UnitTree) -> PersonRead:
    units = sorted((u for u in unit_ids if u in tree.units), key=tree.path)
    return PersonRead(id=person.id, organisation_id=person.organisation_id, email=person.email, name=person.name,
                      role=PersonRole(person.role.value), unit_ids=units, unit_paths=[tree.path(u) for u in units],
                      active=person.deactivated_at is None, created_at=person.created_at,
                      last_sign_in_at=person.last_sign_in_at)


def read_all(session: Session, people: list[Person], tree: UnitTree) -> list[PersonRead]:
    units = units_of(session, [p.id for p in people])
    return [to_read(p, units[p.id], tree) for p in people]


def by_email(session: Session, organisation_id: uuid.UUID, email: str) -> Person | None:
    return session.scalar(select(Person).where(Person.organisation_id == organisation_id, Person.email == email))


def _email_taken(session: Session, organisation_id: uuid.UUID, email: str, other_than: uuid.UUID | None) -> None:
    existing = by_email(session, organisation_id, email)
    if existing is not None and existing.id != other_than:
        raise Conflict("The organisation already has a person with this e-mail address.")


def set_units(session: Session, person: Person, unit_ids: list[uuid.UUID]) -> None:
    session.execute(delete(PersonUnit).where(PersonUnit.person_id == person.id))
    session.add_all([PersonUnit(person_id=person.id, unit_id=u) for u in dict.fromkeys(unit_ids)])
    session.flush()


def create(session: Session, organisation: Organisation, tree: UnitTree, data: PersonCreate) -> Person:
    _check_units(data.role, data.unit_ids, tree)
    _email_taken(session, organisation.id, data.email, None)
    person = Person(organisation_id=organisation.id, email=data.email, name=data.name, role=Role(data.role.value))
    session.add(person)
    session.flush()
    set_units(session, person, data.unit_ids)
    return person


def get(session: Session, organisation: Organisation, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.organisation_id != organisation.id:
        raise NotFound("No such person.")
    return person


def update(session: Session, tree: UnitTree, person: Person, data: PersonUpdate) -> dict[str, Any]:
    """Apply the change; what happened, for the audit log: the changed fields and whether the person was
    deactivated or reactivated (their sessions end on deactivation, a role or a unit change)."""
    current_units = units_of(session, [person.id])[person.id]
    role = data.role if data.role is not None else PersonRole(person.role.value)
    units = data.unit_ids if data.unit_ids is not None else current_units
    if data.role is not None or data.unit_ids is not None:
        if data.role is PersonRole.org_admin and data.unit_ids is None:
            units = []  # an admin's reach is the organisation: units left over from another role go
        _check_units(role, units, tree)
    if data.email is not None:
        _email_taken(session, person.organisation_id, data.email, person.id)
    fields = sorted(f for f in data.model_fields_set - {"active"} if getattr(data, f) is not None)
    if data.email is not None:
        person.email = data.email
    if data.name is not None:
        person.name = data.name
    person.role = Role(role.value)
    if set(units) != set(current_units):
        set_units(session, person, units)
    changed_reach = bool({"role", "unit_ids", "email"} & set(fields))
    deactivated = reactivated = False
    if data.active is False and person.deactivated_at is None:
        person.deactivated_at, deactivated = utcnow(), True
    elif data.active is True and person.deactivated_at is not None:
        person.deactivated_at, reactivated = None, True
    if deactivated or changed_reach:
        session_service.end_all(session, person.id)
    session.flush()
    return {"fields": fields, "deactivated": deactivated, "reactivated": reactivated}


def delete_person(session: Session, person: Person) -> None:
    session.delete(person)
    session.flush()
