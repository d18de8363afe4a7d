"""Issuing invitations from a CSV of `unit,layer,count` lines (or an XLSX workbook's first sheet with those columns:
`app.responses.csv_reader`), all or nothing.

`unit` is the unit's external key, its path (`Directie/Afdeling/Team`) or its id; `layer` is a layer's key or its name
in any of its languages (`team_leader`, `Teamleider`). Every line
is checked before any token is issued; a file with errors gives a 422 listing them by line and issues nothing.
"""

import re
from dataclasses import dataclass
from typing import IO

from sqlalchemy.orm import Session

from app.errors import Unprocessable
from app.invitations.schemas import MAX_TOKENS_PER_REQUEST
from app.invitations.service import Target, layers_by_id
from app.orgs.layer_names import LayerNames
from app.orgs.models import Organisation
from app.responses.csv_reader import LineErrors, known_columns, open_csv
from app.responses.unit_refs import UnitResolver
from app.units.tree import UnitTree

COLUMNS = ("unit", "layer", "count")
_WHOLE_NUMBER = re.compile(r"\d{1,6}")


@dataclass(frozen=True)
class InvitationLine:
    line: int
    unit_ref: str
    layer_key: str
    target: Target
    count: int


def read_invitation_file(session: Session, organisation: Organisation, tree: UnitTree,
                         raw: IO[bytes]) -> list[InvitationLine]:
    """The file's lines, each checked; raises `Unprocessable` listing every bad line."""
    csv_file = open_csv(raw)
    at = known_columns(csv_file, COLUMNS, COLUMNS)
    width = len(csv_file.header)
    errors = LineErrors()
    resolver = UnitResolver(session, tree, organisation.id, by_name=True)
    layers = LayerNames(layers_by_id(session, organisation).values())
    lines: list[InvitationLine] = []
    total = 0
    for line, cells in csv_file.rows:
        if len(cells) != width:
            errors.add(line, "", f"{len(cells)} cells, but the header has {width} columns")
        else:
            parsed = _parse_line(line, cells, at, resolver, tree, layers, errors)
            if parsed is not None:
                lines.append(parsed)
                total += parsed.count
                if total > MAX_TOKENS_PER_REQUEST:
                    errors.add(line, "count", f"the file asks for more than {MAX_TOKENS_PER_REQUEST} tokens in all; "
                                              "split it into several requests")
                    break
        if errors.full:
            break
    errors.raise_if_any()
    if not lines:
        raise Unprocessable("The file has no lines below its header.")
    return lines


def _parse_line(line: int, cells: list[str], at: dict[str, int], resolver: UnitResolver, tree: UnitTree,
                layers: LayerNames, errors: LineErrors) -> InvitationLine | None:
    unit_ref, layer_key, count_cell = (cells[at[name]].strip() for name in COLUMNS)
    ok = True
    unit_id = resolver.find(unit_ref) if unit_ref else None
    if unit_id is None:
        errors.add(line, "unit", "required" if not unit_ref else resolver.not_found(unit_ref))
        ok = False
    elif tree.units[unit_id].archived_at is not None:
        errors.add(line, "unit", "the unit is archived")
        ok = False
    layer = layers.find(layer_key)
    if layer is None:
        errors.add(line, "layer", layers.unknown(layer_key) if layer_key else "required")
        ok = False
    count = int(count_cell) if _WHOLE_NUMBER.fullmatch(count_cell) else 0
    if not 1 <= count <= MAX_TOKENS_PER_REQUEST:
        errors.add(line, "count", f"a whole number from 1 to {MAX_TOKENS_PER_REQUEST}")
        ok = False
    if not ok or unit_id is None or layer is None:
        return None
    return InvitationLine(line=line, unit_ref=unit_ref, layer_key=layer.key,
                          target=Target(unit_id=unit_id, layer_id=layer.id), count=count)
