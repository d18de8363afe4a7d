import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, UploadFile, status
from sqlalchemy import select

from app import csv_encoding
from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.deps import AdminOrganisationDep, SessionDep, TreeDep
from app.errors import PayloadTooLarge, problem_responses
from app.idempotency.deps import IdempotentDep
from app.paging import PagingDep
from app.people import service
from app.people.csv_import import import_people
from app.people.models import Person
from app.people.schemas import PeopleImportResult, PersonCreate, PersonRead, PersonUpdate
from app.sessions import service as session_service

router = APIRouter(prefix="/organisations/{organisation_id}/people", tags=["people"],
                   responses=problem_responses(401, 403, 404, 422))
PERSON = "/{person_id:uuid}"
MAX_CSV_BYTES = 5_000_000


def valid_person(person_id: Annotated[uuid.UUID, Path()], organisation: AdminOrganisationDep,
                 session: SessionDep) -> Person:
    return service.get(session, organisation, person_id)


PersonDep = Annotated[Person, Depends(valid_person)]


@router.get("", name="list_people")
def list_people(organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                paging: PagingDep) -> list[PersonRead]:
    """The organisation's people, deactivated ones included, by e-mail address. Organisation admins only. `limit`
    pages the list (see `Link`)."""
    people = session.scalars(select(Person).where(Person.organisation_id == organisation.id))
    return service.read_all(session, paging.page(people, lambda p: [p.email, str(p.id)]), tree)


@router.post("", name="create_person", status_code=status.HTTP_201_CREATED, responses=problem_responses(409))
def create_person(data: PersonCreate, organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                  audit: AuditDep, once: IdempotentDep) -> PersonRead:
    """Add a person who may sign in (single sign-on, or a link by e-mail). An e-mail address is one person per
    organisation (409 otherwise). A leader needs units; an organisation admin takes none."""
    person = service.create(session, organisation, tree, data)
    audit.record(AuditAction.person_created, person.id, role=person.role, units=len(data.unit_ids))
    return once.created(service.read_all(session, [person], tree)[0], "get_person", person_id=person.id)


@router.get(PERSON, name="get_person")
def get_person(person: PersonDep, tree: TreeDep, session: SessionDep) -> PersonRead:
    """One person."""
    return service.read_all(session, [person], tree)[0]


@router.patch(PERSON, name="update_person", responses=problem_responses(409))
def update_person(data: PersonUpdate, person: PersonDep, tree: TreeDep, session: SessionDep,
                  audit: AuditDep) -> PersonRead:
    """Change a person's address, name, role or units, or deactivate (`active: false`) or reactivate them. A
    deactivated person is signed out everywhere at once; so is one whose address, role or units change."""
    change = service.update(session, tree, person, data)
    if change["fields"] or not (change["deactivated"] or change["reactivated"]):
        audit.record(AuditAction.person_updated, person.id, fields=change["fields"])
    if change["deactivated"]:
        audit.record(AuditAction.person_deactivated, person.id)
    if change["reactivated"]:
        audit.record(AuditAction.person_reactivated, person.id)
    return service.read_all(session, [person], tree)[0]


@router.delete(PERSON, name="delete_person", status_code=status.HTTP_204_NO_CONTENT)
def delete_person(person: PersonDep, session: SessionDep, audit: AuditDep) -> None:
    """Delete a person; their sessions and unused sign-in links go with them. The audit log keeps their id."""
    person_id = person.id
    service.delete_person(session, person)
    audit.record(AuditAction.person_deleted, person_id)


@router.post(PERSON + "/sign-out", name="sign_out_person", status_code=status.HTTP_204_NO_CONTENT)
def sign_out_person(person: PersonDep, session: SessionDep, audit: AuditDep) -> None:
    """End every session of the person (a lost laptop, a role that changes): they must sign in again."""
    ended = session_service.end_all(session, person.id)
    audit.record(AuditAction.person_signed_out_everywhere, person.id, sessions=ended)


@router.post("/import", name="import_people", responses=problem_responses(413))
def import_people_csv(file: Annotated[UploadFile, File(description=csv_encoding.UPLOAD_OR_XLSX)],
                      organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                      audit: AuditDep) -> PeopleImportResult:
    """Import people from CSV: `email,name,role` and optionally `units` (unit paths such as
    `Directie Ruimte/Wonen`, several separated by `|`). Known addresses are updated, others created. All or nothing:
    any bad line gives a 422 listing every bad line (`loc` = `["file", line, column]`) and stores nothing."""
    raw = file.file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise PayloadTooLarge(f"The file is larger than {MAX_CSV_BYTES} bytes.")
    outcome = import_people(session, organisation, tree, raw)
    audit.record(AuditAction.organisation_people_imported, organisation.id, created=outcome.created,
                 updated=outcome.updated)
    return PeopleImportResult(created=outcome.created, updated=outcome.updated,
                              people=service.read_all(session, outcome.people, tree))
