"""Importing responses collected elsewhere (another survey tool, a spreadsheet) into a survey, all or nothing.

The file: a `unit` column (external key, path `Directie/Afdeling/Team`, or id; `unit_path` is taken as well), an
optional `layer` column (a layer's key, or its name in any of its languages: `Teamleider`; empty = no layer), one
column per item key with the "how it is now" answers, and, when the survey asks it, `<item_key>:desired` columns. An
empty cell is a missing answer; `dont_know` is allowed where the questionnaire offers it. Columns may come in any
order; items without a column are missing in every row. An XLSX workbook's first sheet is read like a CSV
(`app.responses.csv_reader`: cells as text, errors by the row number Excel shows).

A file of the raw export (`app.responses.export`) imports as it is: its `#` summary line is skipped, its `unit_key`
column (and the `language` and `source` columns of earlier exports) read but not stored (an imported response has
source `import` and no recorded language), a unit generalised to a department is that department, and a `*` layer is
no layer. What can't be placed is refused line by line like any bad cell: the unit `*` (the whole organisation) and
the layer `*leaders` of earlier exports (a leadership layer, but which one?). Importing `*leaders` as "no layer"
would silently drop that it was a leader.

Rows are read from the spooled upload in batches of `BATCH_SIZE`, so memory stays flat whatever the file's length.
A batch is checked as a whole (unit and layer references once per distinct value, answer cells with numpy: see
`cell_codes`) and handed to the engine's bulk writer (`bulk_store`: COPY on PostgreSQL, executemany on SQLite). The
first bad row stops the storing but not the reading (up to `MAX_ERRORS` errors are listed); any error raises, and the
request's transaction rolls back every row stored and every unit created. A file of more than `import_max_rows` rows
is refused with a 413 as soon as the row after the limit is read.

Units and layers named in the file are locked (`FOR KEY SHARE`, as a foreign key check would) when first seen, so
one deleted meanwhile is reported on the line that names it, and one can't be deleted until the import is done.

Any survey takes an import, whatever its status: imported data is historical, so a closed survey takes it, and so
does a draft (which then can't change its questionnaire or frames any more).
"""

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import IO

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound, PayloadTooLarge, Unprocessable
from app.invitations.service import layers_by_id
from app.orgs.layer_names import LayerNames
from app.orgs.models import Layer, Organisation
from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.responses.bulk_store import IdTable, PackedRows, ResponseWriter, response_writer
from app.responses.cell_codes import INVALID, CellCodes
from app.responses.codec import MISSING
from app.responses.csv_reader import LineErrors, check_header, open_csv
from app.responses.schemas import ResponseImportResult, UnknownUnits
from app.responses.unit_refs import UnitResolver
from app.surveys.models import Survey
from app.units.models import Unit
from app.units.tree import UnitTree

BATCH_SIZE = 1000
DESIRED = ":desired"
UNIT_COLUMNS = ("unit", "unit_path")  # `unit_path`: as the export writes it
INFORMATIVE = ("unit_key", "language", "source")  # written by the export, not stored by an import
ANY, LEADERS = "*", "*leaders"  # generalised values of the raw export (`*leaders`: of its earlier versions)
NO_LAYER = -1
DELETED = "deleted while the file was being imported"


@dataclass
class Layout:
    """Which column holds what."""

    width: int
    unit: int
    layer: int | None
    current: list[tuple[int, int]] = field(default_factory=list)  # (column index, item position)
    desired: list[tuple[int, int]] = field(default_factory=list)

    @property
    def answer_columns(self) -> list[int]:
        return [index for index, _ in self.current + self.desired]


def _layout(header: list[str], definition: QuestionnaireDefinition, ask_desired: bool,
            errors: LineErrors, line: int = 1) -> Layout:
    names = [name.lower() for name in header]
    check_header(names, errors, line)
    layout = Layout(width=len(names), unit=-1, layer=None)
    for index, name in enumerate(names):
        key, desired = (name[:-len(DESIRED)], True) if name.endswith(DESIRED) else (name, False)
        item = definition.item_by_key.get(key)
        if name in UNIT_COLUMNS:
            if layout.unit >= 0 and names[layout.unit] != name:  # the same name twice: `check_header` says so
                errors.add(line, header[index], "`unit` and `unit_path` both name the unit: keep one")
            layout.unit = index
        elif name == "layer":
            layout.layer = index
        elif name in INFORMATIVE:
            continue
        elif item is None:
            if name:
                errors.add(line, header[index], "unknown column: not `unit`, `layer` or an item key of the survey's "
                                                "questionnaire")
        elif desired and not ask_desired:
            errors.add(line, header[index], "this survey asks only how it is now, not how it should be")
        else:
            (layout.desired if desired else layout.current).append((index, item.position))
    if layout.unit < 0:
        errors.add(line, "unit", "missing column")
    errors.raise_if_any()
    if not layout.current and not layout.desired:
        raise Unprocessable("The file has no item columns: name each one by its item key.")
    return layout


class _References:
    """Cells naming a unit (or a layer) -> indexes into an `IdTable`, each distinct cell resolved once; a code <= -2
    stands for a problem, `NO_LAYER` for an empty layer cell. What is found is locked when first seen."""

    def __init__(self, session: Session, model: type[Unit] | type[Layer],
                 resolve: Callable[[str], tuple[uuid.UUID | None, str | None]], deleted: str) -> None:
        self.session, self.model, self.resolve, self.deleted = session, model, resolve, deleted
        self.table = IdTable()
        self.codes: dict[str, int] = {}
        self.problems: list[str] = []

    def problem(self, msg: str) -> int:
        self.problems.append(msg)
        return -1 - len(self.problems)

    def message(self, code: int) -> str:
        return self.problems[-code - 2]

    def of(self, writer: ResponseWriter, cells: list[str]) -> np.ndarray:
        new = set(cells).difference(self.codes)
        if new:
            writer.pause()  # resolving may create units, and locks what it finds: statements of their own
            first_seen: dict[uuid.UUID, list[str]] = {}
            for cell in new:
                found, problem = self.resolve(cell)
                if problem is not None:
                    self.codes[cell] = self.problem(problem)
                elif found is None:
                    self.codes[cell] = NO_LAYER
                else:
                    if found in first_seen or found not in self.table.index:
                        first_seen.setdefault(found, []).append(cell)
                    self.codes[cell] = self.table.add(found)
            for gone in self._missing(first_seen):
                for cell in first_seen[gone]:
                    self.codes[cell] = self.problem(self.deleted)
        return np.fromiter(map(self.codes.__getitem__, cells), np.intp, count=len(cells))

    def _missing(self, first_seen: dict[uuid.UUID, list[str]]) -> set[uuid.UUID]:
        """Which of these ids are gone; the others stay locked against deletion until the transaction ends."""
        if not first_seen:
            return set()
        present = self.session.scalars(select(self.model.id).where(self.model.id.in_(first_seen))
                                       .with_for_update(key_share=True))
        return set(first_seen) - set(present)


def _picker(indexes: Sequence[int]) -> Callable[[list[str]], tuple[str, ...]]:
    if len(indexes) == 1:
        only = indexes[0]
        return lambda row: (row[only],)
    return itemgetter(*indexes)


Found = tuple[int, int, str, str]  # line, column index (for the order), column name, message


class _Importer:
    def __init__(self, session: Session, organisation: Organisation, tree: UnitTree, survey: Survey,
                 unknown_units: UnknownUnits, layout: Layout, header: list[str],
                 definition: QuestionnaireDefinition) -> None:
        self.session, self.survey, self.layout, self.header = session, survey, layout, header
        self.items = len(definition.items)
        self.cells = CellCodes(definition)
        self.resolver = UnitResolver(session, tree, organisation.id)
        self.layer_names = LayerNames(layers_by_id(session, organisation).values())
        self.create_units = unknown_units is UnknownUnits.create
        self.errors = LineErrors()
        self.units = _References(session, Unit, self._resolve_unit, f"no such unit in this organisation ({DELETED})")
        self.layers = _References(session, Layer, self._resolve_layer, f"no such layer ({DELETED})")
        self.answer_cells = _picker(layout.answer_columns)
        self.answer_positions = [position for _, position in layout.current + layout.desired]
        self.definition = definition
        self.imported = 0

    def lock_survey(self) -> None:
        found = self.session.scalar(select(Survey.id).where(Survey.id == self.survey.id)
                                    .with_for_update(key_share=True))
        if found is None:
            raise NotFound("No such survey.")

    def batch(self, writer: ResponseWriter, lines: list[int], rows: list[list[str]]) -> None:
        found: list[Found] = []
        if any(len(row) != self.layout.width for row in rows):
            kept = [(line, row) for line, row in zip(lines, rows, strict=True) if len(row) == self.layout.width]
            found += [(line, -1, "", f"{len(row)} cells, but the header has {self.layout.width} columns")
                      for line, row in zip(lines, rows, strict=True) if len(row) != self.layout.width]
            lines, rows = [line for line, _ in kept], [row for _, row in kept]
        if rows:
            unit = self.units.of(writer, [row[self.layout.unit] for row in rows])
            layer = (self.layers.of(writer, [row[self.layout.layer] for row in rows]) if self.layout.layer is not None
                     else np.full(len(rows), NO_LAYER, np.intp))
            answers = self.cells.codes(list(chain.from_iterable(map(self.answer_cells, rows))))
            answers = self.cells.fit_columns(answers.reshape(len(rows), len(self.layout.answer_columns)),
                                             self.answer_positions)
            found += self._problems(lines, rows, unit, layer, answers)
        for line, _, column, msg in sorted(found, key=lambda f: (f[0], f[1])):
            self.errors.add(line, column, msg)
        if rows and not self.errors.items:
            writer.write(self._packed(unit, layer, answers))
            self.imported += len(rows)

    def _resolve_unit(self, ref: str) -> tuple[uuid.UUID | None, str | None]:
        if not ref.strip():
            return None, "required"
        if ref.strip() == ANY:
            return None, ("`*` is the whole organisation (a row the anonymous export could not place in a unit): it "
                          "can't be imported into a unit; leave the row out")
        unit_id = self.resolver.find(ref)
        if unit_id is None and self.create_units:
            return self.resolver.create(ref)
        if unit_id is None:
            return None, ("no such unit in this organisation (name it by external key, path or id, or import with "
                          "unknown_units=create)")
        return unit_id, None

    def _resolve_layer(self, cell: str) -> tuple[uuid.UUID | None, str | None]:
        key = cell.strip()
        if not key or key == ANY:  # `*`: any layer, as the anonymous export writes it: imported without a layer
            return None, None
        if key == LEADERS:
            return None, ("`*leaders` is any leadership layer (a row the anonymous export generalised): it can't be "
                          "imported as a layer; leave the row out, or import it with `*` or an empty layer")
        layer = self.layer_names.find(key)
        if layer is None:
            return None, self.layer_names.unknown(key)
        return layer.id, None

    def _problems(self, lines: list[int], rows: list[list[str]], unit: np.ndarray, layer: np.ndarray,
                  answers: np.ndarray) -> list[Found]:
        found: list[Found] = []
        for references, codes, index in ((self.units, unit, self.layout.unit), (self.layers, layer, self.layout.layer)):
            if index is not None:
                found += [(lines[i], index, self.header[index], references.message(int(codes[i])))
                          for i in np.flatnonzero(codes <= -2).tolist()]
        invalid = answers == INVALID
        columns = self.layout.answer_columns
        for i, j in np.argwhere(invalid).tolist():
            key = self.definition.items[self.answer_positions[j]].key
            found.append((lines[i], columns[j], self.header[columns[j]], self.cells.problem(rows[i][columns[j]], key)))
        unanswered = ~invalid.any(axis=1) & (answers == MISSING).all(axis=1)
        found += [(lines[i], self.layout.width, "", "the row has no answers")
                  for i in np.flatnonzero(unanswered).tolist()]
        return found

    def _packed(self, unit: np.ndarray, layer: np.ndarray, answers: np.ndarray) -> PackedRows:
        def frame(columns: list[tuple[int, int]], start: int) -> np.ndarray:
            packed = np.full((len(unit), self.items), MISSING, np.int8)
            packed[:, [position for _, position in columns]] = answers[:, start:start + len(columns)]
            return packed

        current = frame(self.layout.current, 0)
        desired = frame(self.layout.desired, len(self.layout.current)) if self.survey.ask_desired else None
        return PackedRows(unit=unit, layer=layer, current=current, desired=desired)


def _batches(rows: Iterator[tuple[int, list[str]]], max_rows: int) -> Iterator[tuple[list[int], list[list[str]]]]:
    lines: list[int] = []
    batch: list[list[str]] = []
    for count, (line, cells) in enumerate(rows, start=1):
        if count > max_rows:
            raise PayloadTooLarge(f"The file has more than {max_rows:,} rows, the most one import takes "
                                  f"(IMPORT_MAX_ROWS); split it. Nothing was imported.")
        lines.append(line)
        batch.append(cells)
        if len(batch) == BATCH_SIZE:
            yield lines, batch
            lines, batch = [], []
    if batch:
        yield lines, batch


def import_responses(session: Session, organisation: Organisation, tree: UnitTree, survey: Survey, raw: IO[bytes],
                     unknown_units: UnknownUnits, *, max_rows: int) -> ResponseImportResult:
    definition = load_definition(session, survey.questionnaire_id)
    csv_file = open_csv(raw)
    errors = LineErrors()
    layout = _layout(csv_file.header, definition, survey.ask_desired, errors, csv_file.header_line)
    importer = _Importer(session, organisation, tree, survey, unknown_units, layout, csv_file.header, definition)
    importer.lock_survey()
    read = 0
    with response_writer(session, survey.id, importer.items, survey.ask_desired, importer.units.table,
                         importer.layers.table) as writer:
        for lines, rows in _batches(csv_file.rows, max_rows):
            read += len(rows)
            importer.batch(writer, lines, rows)
            if importer.errors.full:
                break
        importer.errors.raise_if_any()  # inside the block: an open COPY is aborted, not completed
    if read == 0:
        raise Unprocessable("The file has no rows below its header.")
    return ResponseImportResult(imported=importer.imported, units_created=importer.resolver.created)
