"""Import people from CSV or an XLSX workbook (its first sheet), all or nothing: columns `email,name,role` and
optionally `units`, the paths of the units whose subtrees the person reaches (`Directie Ruimte/Wonen`), several
separated by `|`.

A row whose address is already a person of the organisation updates that person (name, role, units); the rest are
created. Any bad row gives a 422 listing every bad row (`loc` = `["file", line, column]`) and stores nothing.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.errors import Unprocessable
from app.orgs.models import Organisation
from app.people import service
from app.people.models import Person
from app.people.schemas import PersonCreate, PersonRole, PersonUpdate
from app.units.csv_import import ImportOutcome, read_table
from app.units.tree import UnitTree

MAX_ROWS = 20_000


@dataclass
class PeopleImport:
    created: int = 0
    updated: int = 0
    people: list[Person] = field(default_factory=list)


def _paths(tree: UnitTree) -> dict[str, uuid.UUID]:
    return {"/".join(p.casefold() for p in tree.path(u)): u for u in tree.units}


def import_people(session: Session, organisation: Organisation, tree: UnitTree, raw: bytes) -> PeopleImport:
    problems = ImportOutcome()
    header, rows = read_table(raw, problems)
    if not problems.errors:
        if not {"email", "name", "role"} <= set(header):
            raise Unprocessable("The header needs `email`, `name` and `role` columns (and optionally `units`).")
        if not rows:
            raise Unprocessable("The file has no rows.")
    paths = _paths(tree)
    valid: list[tuple[PersonCreate, int]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        units: list[uuid.UUID] = []
        known_before = len(problems.errors)
        for raw_path in filter(None, (p.strip() for p in row.get("units", "").split("|"))):
            key = "/".join(part.strip().casefold() for part in raw_path.split("/"))
            if key not in paths:
                problems.error(line, "units", f"no unit with the path {raw_path!r}")
            else:
                units.append(paths[key])
        try:
            data = PersonCreate(email=row["email"], name=row["name"], role=row["role"].lower(), unit_ids=units)
        except ValidationError as exc:
            for e in exc.errors():
                column = str(e["loc"][0]) if e["loc"] else ""
                problems.error(line, "units" if column == "unit_ids" else column, str(e["msg"]))
            continue
        if len(problems.errors) > known_before:  # an unknown unit path: said once for the line
            continue
        if (problem := service.unit_problem(data.role, data.unit_ids, tree)) is not None:
            problems.error(line, "units", problem)
        elif data.email in seen:
            problems.error(line, "email", f"the address is on line {seen[data.email]} too")
        else:
            seen[data.email] = line
            valid.append((data, line))
    if problems.errors:
        raise Unprocessable("The file has errors; nothing was imported.", errors=problems.errors)
    out = PeopleImport()
    for data, _line in valid:
        existing = service.by_email(session, organisation.id, data.email)
        if existing is None:
            out.people.append(service.create(session, organisation, tree, data))
            out.created += 1
        else:
            change: dict[str, Any] = {"name": data.name, "role": PersonRole(data.role), "unit_ids": data.unit_ids}
            service.update(session, tree, existing, PersonUpdate(**change))
            out.people.append(existing)
            out.updated += 1
    return out
