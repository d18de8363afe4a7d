"""Importing responses collected elsewhere (another survey tool, a spreadsheet) into a survey, all or nothing.

The file: a `unit` column (external key, path `Directie/Afdeling/Team`, or id), an optional `layer` column (layer
key; empty = no layer), one column per item key with the "how it is now" answers, and, when the survey asks it,
`<item_key>:desired` columns. An empty cell is a missing answer; `dont_know` is allowed where the questionnaire offers
it. Columns may come in any order; items without a column are missing in every row.

Rows are read one by one from the spooled upload and inserted in batches, so memory stays flat whatever the file's
length. The first bad row stops the inserting but not the reading (up to `MAX_ERRORS` errors are listed); any error
raises, and the request's transaction rolls back every row inserted and every unit created.

Any survey takes an import, whatever its status: imported data is historical, so a closed survey takes it, and so
does a draft (which then can't change its questionnaire or frames any more).
"""

import re
import uuid
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.errors import Unprocessable
from app.invitations.service import layers_by_id
from app.orgs.models import Organisation
from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.responses.codec import DONT_KNOW_VALUE, Answer, answer_problem, pack
from app.responses.csv_reader import LineErrors, check_header, open_csv
from app.responses.models import Response
from app.responses.schemas import ResponseImportResult, UnknownUnits
from app.responses.unit_refs import UnitResolver
from app.surveys.models import Survey
from app.units.tree import UnitTree

MAX_ROWS = 200_000
BATCH_SIZE = 1000
DESIRED = ":desired"
_INTEGER = re.compile(r"[+-]?\d{1,4}")


@dataclass
class Layout:
    """Which column holds what."""

    width: int
    unit: int
    layer: int | None
    current: list[tuple[int, int]] = field(default_factory=list)  # (column index, item position)
    desired: list[tuple[int, int]] = field(default_factory=list)


def _layout(header: list[str], definition: QuestionnaireDefinition, ask_desired: bool,
            errors: LineErrors) -> Layout:
    names = [name.lower() for name in header]
    check_header(names, errors)
    layout = Layout(width=len(names), unit=-1, layer=None)
    for index, name in enumerate(names):
        key, desired = (name[:-len(DESIRED)], True) if name.endswith(DESIRED) else (name, False)
        item = definition.item_by_key.get(key)
        if name == "unit":
            layout.unit = index
        elif name == "layer":
            layout.layer = index
        elif item is None:
            if name:
                errors.add(1, header[index], "unknown column: not `unit`, `layer` or an item key of the survey's "
                                             "questionnaire")
        elif desired and not ask_desired:
            errors.add(1, header[index], "this survey asks only how it is now, not how it should be")
        else:
            (layout.desired if desired else layout.current).append((index, item.position))
    if layout.unit < 0:
        errors.add(1, "unit", "missing column")
    errors.raise_if_any()
    if not layout.current and not layout.desired:
        raise Unprocessable("The file has no item columns: name each one by its item key.")
    return layout


def _answer(definition: QuestionnaireDefinition, cell: str) -> tuple[Answer, str | None]:
    text = cell.strip()
    if not text:
        return None, None
    value: object
    if text.lower() == DONT_KNOW_VALUE:
        value = DONT_KNOW_VALUE
    elif _INTEGER.fullmatch(text):
        value = int(text)
    else:
        value = text
    problem = answer_problem(definition, value)
    if problem is not None:
        return None, problem.msg
    return value, None  # type: ignore[return-value]


class _Importer:
    def __init__(self, session: Session, organisation: Organisation, tree: UnitTree, survey: Survey,
                 unknown_units: UnknownUnits) -> None:
        self.session = session
        self.survey = survey
        self.definition = load_definition(session, survey.questionnaire_id)
        self.resolver = UnitResolver(session, tree, organisation.id)
        self.layers = {layer.key: layer.id for layer in layers_by_id(session, organisation).values()}
        self.create_units = unknown_units is UnknownUnits.create
        self.errors = LineErrors()
        self.batch: list[dict[str, Any]] = []
        self.imported = 0

    def _unit(self, line: int, header: list[str], layout: Layout, ref: str) -> uuid.UUID | None:
        column = header[layout.unit]
        if not ref.strip():
            self.errors.add(line, column, "required")
            return None
        unit_id = self.resolver.find(ref)
        if unit_id is None and self.create_units:
            unit_id, problem = self.resolver.create(ref)
            if problem is not None:
                self.errors.add(line, column, problem)
        elif unit_id is None:
            self.errors.add(line, column, "no such unit in this organisation (name it by external key, path or id, "
                                          "or import with unknown_units=create)")
        return unit_id

    def _frame(self, line: int, header: list[str], cells: list[str],
               columns: list[tuple[int, int]]) -> tuple[list[Answer], int, bool]:
        slots: list[Answer] = [None] * len(self.definition.items)
        answered, ok = 0, True
        for index, position in columns:
            value, problem = _answer(self.definition, cells[index])
            if problem is not None:
                self.errors.add(line, header[index], problem)
                ok = False
            elif value is not None:
                slots[position] = value
                answered += 1
        return slots, answered, ok

    def row(self, line: int, header: list[str], layout: Layout, cells: list[str]) -> None:
        if len(cells) != layout.width:
            self.errors.add(line, "", f"{len(cells)} cells, but the header has {layout.width} columns")
            return
        unit_id = self._unit(line, header, layout, cells[layout.unit])
        layer_id = None
        if layout.layer is not None and (layer_key := cells[layout.layer].strip()):
            layer_id = self.layers.get(layer_key)
            if layer_id is None:
                self.errors.add(line, header[layout.layer], f"no layer with key {layer_key!r}; the organisation's "
                                                            f"layers are {', '.join(self.layers)}")
        current, answered_now, ok_now = self._frame(line, header, cells, layout.current)
        desired, answered_desired, ok_desired = self._frame(line, header, cells, layout.desired)
        if ok_now and ok_desired and answered_now + answered_desired == 0:
            self.errors.add(line, "", "the row has no answers")
            return
        if unit_id is None or self.errors.items:
            return  # once anything is wrong, nothing will be stored: only look for more errors
        self.batch.append({"id": uuid.uuid4(), "survey_id": self.survey.id, "unit_id": unit_id,
                           "layer_id": layer_id, "language": None, "source": "import", "current": pack(current),
                           "desired": pack(desired) if self.survey.ask_desired else None})
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.batch and not self.errors.items:
            self.session.execute(insert(Response), self.batch)
            self.imported += len(self.batch)
        self.batch = []


def import_responses(session: Session, organisation: Organisation, tree: UnitTree, survey: Survey, raw: IO[bytes],
                     unknown_units: UnknownUnits) -> ResponseImportResult:
    importer = _Importer(session, organisation, tree, survey, unknown_units)
    csv_file = open_csv(raw)
    layout = _layout(csv_file.header, importer.definition, survey.ask_desired, importer.errors)
    rows = 0
    for line, cells in csv_file.rows:
        rows += 1
        if rows > MAX_ROWS:
            importer.errors.add(line, "", f"more than {MAX_ROWS} rows; split the file")
            break
        importer.row(line, csv_file.header, layout, cells)
        if importer.errors.full:
            break
    importer.flush()
    importer.errors.raise_if_any()
    if rows == 0:
        raise Unprocessable("The file has no rows below its header.")
    return ResponseImportResult(imported=importer.imported, units_created=importer.resolver.created)
