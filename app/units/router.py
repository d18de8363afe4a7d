from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile, status

from app import csv_encoding
from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.deps import AdminOrganisationDep, CurrentKey, SessionDep, TreeDep, UnitDep, key_reaches_unit, reachable_roots
from app.errors import PayloadTooLarge, problem_responses
from app.idempotency.deps import IdempotentDep
from app.paging import PagingDep
from app.units import service
from app.units.csv_import import import_units
from app.units.models import Unit
from app.units.schemas import UnitCreate, UnitImportResult, UnitRead, UnitUpdate

router = APIRouter(prefix="/organisations/{organisation_id}/units", tags=["units"],
                   responses=problem_responses(401, 404, 422))
MAX_CSV_BYTES = 5_000_000
UPLOAD = csv_encoding.UPLOAD_OR_XLSX
UNIT = "/{unit_id:uuid}"  # a UUID only: `/units/import` is a resource of its own (PATCH there is a 405, not a 422)


@router.get("", name="list_units")
def list_units(tree: TreeDep, principal: CurrentKey, paging: PagingDep,
               include_archived: Annotated[bool, Query(description="Also list archived units")] = True,
               ) -> list[UnitRead]:
    """The unit tree as a flat list in depth-first order (parents before children, siblings by name). A unit-scoped
    key or person sees their own subtrees only. `limit` pages it (see `Link`)."""
    ids = [i for root in reachable_roots(principal, tree) for i in tree.subtree(root)]
    units = [tree.units[i] for i in ids if include_archived or tree.units[i].archived_at is None]

    def depth_first(unit: Unit) -> list[Any]:
        return [[tree.units[i].name.casefold(), str(i)] for i in [*reversed(list(tree.ancestors(unit.id))), unit.id]]

    return [service.to_read(tree, u) for u in paging.page(units, depth_first)]


@router.post("", name="create_unit", status_code=status.HTTP_201_CREATED, responses=problem_responses(403, 409))
def create_unit(data: UnitCreate, organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                audit: AuditDep, once: IdempotentDep) -> UnitRead:
    """Create a unit under `parent_id` (or at the top). Names are unique among siblings (409 otherwise)."""
    unit = service.create_unit(session, organisation, tree, data)
    audit.record(AuditAction.unit_created, unit.id)
    return once.created(service.to_read(tree, unit), "get_unit", unit_id=unit.id)


@router.get(UNIT, name="get_unit")
def get_unit(unit: UnitDep, tree: TreeDep) -> UnitRead:
    """One unit, with its path from the top of the tree."""
    return service.to_read(tree, unit)


@router.patch(UNIT, name="update_unit", responses=problem_responses(403, 409))
def update_unit(data: UnitUpdate, unit: UnitDep, _: AdminOrganisationDep, tree: TreeDep,
                session: SessionDep, audit: AuditDep) -> UnitRead:
    """Rename, move, re-key, archive or unarchive. A move may not create a cycle (409), nor go under an archived unit
    (422).

    Archiving retires a unit: it takes no new invitations or sub-units, and the reports keep its past results. It is
    refused (409) while the unit has sub-units that are not archived, or while a wave that is not closed has
    invitations in it (close the wave first). Unarchiving needs the parent unarchived (409)."""
    service.update_unit(session, tree, unit, data)
    fields = sorted(data.model_fields_set - {"archived"})
    if fields or data.archived is None:
        audit.record(AuditAction.unit_updated, unit.id, fields=fields)
    if data.archived is not None:
        audit.record(AuditAction.unit_archived if data.archived else AuditAction.unit_unarchived, unit.id)
    return service.to_read(tree, unit)


@router.delete(UNIT, name="delete_unit", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(403, 409))
def delete_unit(unit: UnitDep, _: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                audit: AuditDep) -> None:
    """Delete a unit without sub-units or responses (409 otherwise: archive it instead)."""
    service.delete_unit(session, tree, unit)
    audit.record(AuditAction.unit_deleted, unit.id)


@router.post("/import", name="import_units", responses=problem_responses(403, 413))
def import_units_csv(file: Annotated[UploadFile, File(description=UPLOAD)],
                     organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                     principal: CurrentKey, audit: AuditDep) -> UnitImportResult:
    """Import units from CSV or XLSX (the workbook's first sheet) with a `path` column (`Directie/Afdeling/Team`,
    optional `external_key`) or with
    `external_key,name,parent_key` columns. All or nothing: any bad line gives a 422 listing every bad line
    (`loc` = `["file", line, column]`; for a workbook the row number Excel shows) and stores nothing. Units that
    already exist are reused; nothing is created under an archived unit."""
    raw = file.file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise PayloadTooLarge(f"The file is larger than {MAX_CSV_BYTES} bytes.")
    outcome = import_units(session, organisation, tree, raw)
    units = [service.to_read(tree, tree.units[i]) for i in outcome.unit_ids if key_reaches_unit(principal, tree, i)]
    audit.record(AuditAction.organisation_units_imported, organisation.id, created=outcome.created,
                 existing=outcome.existing)
    return UnitImportResult(created=outcome.created, existing=outcome.existing, units=units)
