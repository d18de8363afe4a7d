"""The raw responses of a survey as CSV: unit, layer and item values, nothing else.

Columns: `unit_path` (names from the top, `/`-separated), `unit_key` (external key, may be empty), `layer` (layer key,
empty for imported rows without one), one column per item key in questionnaire order (`1`..`5`, `dont_know`, or
empty when missing), and `<item_key>:desired` columns when the survey asks how it should be. Rows come in the order
of their random ids, so their order says nothing about when anyone answered. Values are as answered: reverse-keyed
items are not reversed. The file can be imported again (`unit_path` into `unit`).
"""

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.db import get_sessionmaker
from app.orgs.models import Layer
from app.questionnaires.service import QuestionnaireDefinition
from app.responses.codec import Answer, unpack
from app.responses.csv_import import DESIRED
from app.responses.models import Response
from app.units.tree import UnitTree

CHUNK_ROWS = 5000


@dataclass(frozen=True)
class ExportPlan:
    """Everything the rows need, read in the request's session; the rows themselves are read while streaming."""

    survey_id: uuid.UUID
    definition: QuestionnaireDefinition
    ask_desired: bool
    units: dict[uuid.UUID, tuple[str, str]]  # unit id -> (path, external key)
    layers: dict[uuid.UUID, str]  # layer id -> key

    @classmethod
    def of(cls, survey_id: uuid.UUID, definition: QuestionnaireDefinition, ask_desired: bool, tree: UnitTree,
           layers: list[Layer]) -> "ExportPlan":
        units = {i: ("/".join(tree.path(i)), tree.units[i].external_key or "") for i in tree.units}
        return cls(survey_id, definition, ask_desired, units, {layer.id: layer.key for layer in layers})

    def header(self) -> list[str]:
        keys = [item.key for item in self.definition.items]
        return ["unit_path", "unit_key", "layer", *keys, *([k + DESIRED for k in keys] if self.ask_desired else [])]


def _cells(blob: bytes | None, width: int) -> list[str]:
    answers: list[Answer] = unpack(blob) if blob is not None else []
    answers += [None] * (width - len(answers))
    return ["" if a is None else str(a) for a in answers[:width]]


def stream_csv(plan: ExportPlan) -> Iterator[str]:
    """The CSV text in chunks. The request's session is closed once streaming starts, so each chunk is read in a
    short transaction of its own (keyset pagination by id) and none is open while a slow client reads: a long
    transaction would keep PostgreSQL from vacuuming, and SQLite's WAL from being checkpointed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(plan.header())
    yield out.getvalue()
    width = len(plan.definition.items)
    last: uuid.UUID | None = None
    while True:
        query = (select(Response.id, Response.unit_id, Response.layer_id, Response.current, Response.desired)
                 .where(Response.survey_id == plan.survey_id).order_by(Response.id).limit(CHUNK_ROWS))
        if last is not None:
            query = query.where(Response.id > last)
        with get_sessionmaker(read_only=True)() as session:
            rows = session.execute(query).all()
        if not rows:
            return
        out.seek(0)
        out.truncate()
        for _, unit_id, layer_id, current, desired in rows:
            path, key = plan.units.get(unit_id, ("", ""))
            row = [path, key, plan.layers.get(layer_id, "") if layer_id else "", *_cells(current, width)]
            if plan.ask_desired:
                row += _cells(desired, width)
            writer.writerow(row)
        yield out.getvalue()
        last = rows[-1][0]
