"""Import a unit tree from CSV or an XLSX workbook (its first sheet, `app.xlsx_read`), all or nothing.

Two layouts are accepted, told apart by the header:
- `path` (and optionally `external_key`): each row names a unit by its full path, `Directie Ruimte/Wonen/Team A`;
  missing ancestors are created too.
- `external_key,name,parent_key`: each row names a unit and its parent by key; parents may come later in the file.
Rows naming a unit that already exists reuse it, so importing a file twice creates nothing the second time.
Units are written as the rows are read; any error raises, and the request's transaction rolls everything back.
An error names the line of the CSV file, or the row number Excel shows.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app import csv_encoding, xlsx_read
from app.errors import Unprocessable
from app.orgs.models import Organisation
from app.text import has_control_characters
from app.units.models import Unit
from app.units.tree import UnitTree

MAX_ROWS = 20_000
MAX_NAME = 200


@dataclass
class ImportOutcome:
    created: int = 0
    existing: int = 0
    unit_ids: list[uuid.UUID] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, line: int, column: str, msg: str) -> None:
        if len(self.errors) < 200:
            self.errors.append({"loc": ["file", line, column], "msg": msg, "type": "value_error.csv"})


SEPARATORS = ",;\t"


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return "empty name"
    if len(name) > MAX_NAME:
        return f"longer than {MAX_NAME} characters"
    if has_control_characters(name):
        return "contains control characters"
    if name.strip()[0] in SEPARATORS or name.strip()[-1] in SEPARATORS:  # `Team Balie;` from a line of two cells
        return "starts or ends with a separator (, or ;): is each line separated as the header is?"
    return None


def _read_rows(text: str, out: ImportOutcome) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    header_line = text[:4096].partition("\n")[0]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=csv_encoding.delimiter_of(header_line),
                            strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        reader.fieldnames = header
        for row in reader:
            if len(rows) >= MAX_ROWS:
                out.error(reader.line_num, "", f"more than {MAX_ROWS} rows")
                break
            if None in row:
                out.error(reader.line_num, "", "more cells than the header has columns")
                continue
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    except csv.Error as exc:
        out.error(reader.line_num, "", f"not valid CSV: {exc}")
        return [], []
    return header, rows


def _read_sheet(raw: bytes, out: ImportOutcome) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    sheet = xlsx_read.rows(raw)
    first = next(sheet, None)
    if first is None:
        return [], []
    header = [h.strip().lower() for h in first[1]]
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in sheet:
        if len(rows) >= MAX_ROWS:
            out.error(line, "", f"more than {MAX_ROWS} rows")
            break
        if any(c.strip() for c in cells[len(header):]):
            out.error(line, "", "more cells than the header has columns")
            continue
        rows.append((line, {k: (cells[i] if i < len(cells) else "").strip() for i, k in enumerate(header) if k}))
    return header, rows


def read_table(raw: bytes, out: ImportOutcome) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (lower case) and the rows (with their line, or Excel's row number) of CSV bytes or, when they are
    a zip, of an XLSX workbook's first sheet; bad rows are recorded in `out`."""
    if xlsx_read.is_xlsx(raw):
        return _read_sheet(raw, out)
    return _read_rows(csv_encoding.decode(raw), out)


def import_units(session: Session, organisation: Organisation, tree: UnitTree, raw: bytes) -> ImportOutcome:
    """Import from CSV bytes or, when they are a zip, from an XLSX workbook's first sheet."""
    out = ImportOutcome()
    header, rows = read_table(raw, out)
    if not out.errors:
        if "path" in header:
            _import_paths(session, organisation, tree, rows, out)
        elif {"external_key", "name", "parent_key"} <= set(header):
            _import_keyed(session, organisation, tree, rows, out)
        else:
            raise Unprocessable("The header needs a `path` column, or `external_key,name,parent_key` columns.")
        if not rows:
            raise Unprocessable("The file has no rows.")
    if out.errors:
        raise Unprocessable("The file has errors; nothing was imported.", errors=out.errors)
    out.unit_ids = list(dict.fromkeys(out.unit_ids))
    return out


def _child_named(tree: UnitTree, parent: uuid.UUID | None, name: str) -> uuid.UUID | None:
    return next((c for c in tree.children.get(parent, []) if tree.units[c].name.casefold() == name.casefold()), None)


def _add(session: Session, organisation: Organisation, tree: UnitTree, out: ImportOutcome, *,
         parent_id: uuid.UUID | None, name: str, external_key: str | None) -> uuid.UUID:
    unit = Unit(organisation_id=organisation.id, parent_id=parent_id, name=name, external_key=external_key)
    session.add(unit)
    session.flush()
    tree.units[unit.id] = unit
    tree.children[parent_id].append(unit.id)
    out.created += 1
    return unit.id


def _import_paths(session: Session, organisation: Organisation, tree: UnitTree,
                  rows: list[tuple[int, dict[str, str]]], out: ImportOutcome) -> None:
    keys = {u.external_key: u.id for u in tree.units.values() if u.external_key}
    for line, row in rows:
        parts = [p.strip() for p in row["path"].split("/")]
        problem = next((msg for p in parts if (msg := _name_problem(p))), None)
        if problem:
            out.error(line, "path", problem)
            continue
        ext = row.get("external_key") or None
        parent: uuid.UUID | None = None
        for depth, name in enumerate(parts, start=1):
            found = _child_named(tree, parent, name)
            last = depth == len(parts)
            if found is None and parent is not None and tree.units[parent].archived_at is not None:
                out.error(line, "path", f"{tree.units[parent].name!r} is archived")
                break
            if found is None:
                if last and ext and ext in keys:
                    out.error(line, "external_key", f"{ext!r} is already used by another unit")
                    break
                found = _add(session, organisation, tree, out, parent_id=parent, name=name,
                             external_key=ext if last else None)
                if last and ext:
                    keys[ext] = found
            elif last:
                out.existing += 1
                if ext and tree.units[found].external_key != ext:
                    out.error(line, "external_key", "the unit exists with another external key")
            parent = found
        else:
            out.unit_ids.append(parent)  # type: ignore[arg-type]


def _import_keyed(session: Session, organisation: Organisation, tree: UnitTree,
                  rows: list[tuple[int, dict[str, str]]], out: ImportOutcome) -> None:
    keys = {u.external_key: u.id for u in tree.units.values() if u.external_key}
    pending: dict[str, tuple[int, str, str]] = {}
    for line, row in rows:
        key, name, parent = row["external_key"], row["name"], row["parent_key"]
        if not key:
            out.error(line, "external_key", "required")
        elif key in pending:
            out.error(line, "external_key", f"{key!r} appears twice in the file")
        elif (problem := _name_problem(name)) is not None:
            out.error(line, "name", problem)
        elif parent == key:
            out.error(line, "parent_key", "a unit can't be its own parent")
        else:
            pending[key] = (line, name, parent)
    order = list(pending)
    while pending:
        progressed = False
        for key in [k for k in pending if not pending[k][2] or pending[k][2] in keys]:
            line, name, parent = pending.pop(key)
            parent_id = keys[parent] if parent else None
            if key not in keys and parent_id is not None and tree.units[parent_id].archived_at is not None:
                out.error(line, "parent_key", f"{parent!r} is archived")
            elif key in keys:
                unit = tree.units[keys[key]]
                out.existing += 1
                if unit.name != name or unit.parent_id != parent_id:
                    out.error(line, "external_key", f"{key!r} exists with another name or parent")
            elif _child_named(tree, parent_id, name) is not None:
                out.error(line, "name", f"a unit named {name!r} already exists under this parent")
            else:
                keys[key] = _add(session, organisation, tree, out, parent_id=parent_id, name=name,
                                 external_key=key)
            progressed = True
        if not progressed:
            for line, _, parent in pending.values():
                reason = "the parent keys form a cycle" if parent in pending else f"no unit with key {parent!r}"
                out.error(line, "parent_key", reason)
            break
    out.unit_ids.extend(keys[k] for k in order if k in keys)
