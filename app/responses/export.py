"""The published responses of a survey as k-anonymous CSV: every combination of describing columns in k rows or more.

Columns: `unit_path` (names from the top, `/`-separated; `*` for the organisation as a whole), `unit_key` (the named
unit's external key, may be empty), `layer` (layer key, `*leaders` for any leadership layer, `*` for any layer,
empty for imported rows without one), `language` (the answering language, `*`, or empty when not recorded),
`source` (`web`, `import` or `*`), one column per item key in questionnaire order (`1`..`5`, `dont_know`, or empty
when missing), and `<item_key>:desired` columns when the survey asks how it should be. Values are as answered:
reverse-keyed items are not reversed, and no answer is ever changed.

The describing values are generalised by `app.anonymity.generalise` (k = the survey's minimum group size): a row
starts at the unit whose figures count its answers in the reports (`app.reports.rollup`: a small own group of
managers counts with the parent's), a unit's rows that can't make k move up the tree together, layers coarsen to
`*leaders` and `*` (teams get `*` at once: the reports publish no per-layer figures for teams either), source and
language to `*`. Only when the survey has fewer than k published responses in all is anything suppressed. The first
line is a `#` comment saying how much was generalised (the same in the `X-Export-*` response headers).

Only published responses are exported (`app.responses.publication`), as in the reports. Rows come in the order of
their random ids, so their order says nothing about when anyone answered. Rows are read while streaming, each chunk
in a short transaction of its own; each combination is written at most as many times as the plan counted, so a
publication meanwhile adds nothing to the file, and a file cut short by an erasure ends with a `# incomplete` line.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.anonymity.generalise import ANY, Atom, Generalisation, UnitRef, generalise
from app.db import get_sessionmaker
from app.exports.spss import DONT_KNOW_CODE, Variable
from app.exports.tables import Cell, Table
from app.orgs.models import Layer
from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.reports.data import load_survey_data
from app.reports.maps import map_base
from app.responses.codec import Answer, unpack
from app.responses.csv_import import DESIRED
from app.responses.models import Response
from app.surveys.models import Survey
from app.units.tree import UnitTree

CHUNK_ROWS = 5000
DESCRIBING = ["unit_path", "unit_key", "layer", "language", "source"]
RawAtom = tuple[uuid.UUID, uuid.UUID | None, str | None, str]  # the stored (unit, layer, language, source)


@dataclass(frozen=True)
class ExportPlan:
    """Everything the rows need, computed in the request's session; the rows themselves are read while streaming."""

    survey_id: uuid.UUID
    definition: QuestionnaireDefinition
    ask_desired: bool
    written: dict[RawAtom, list[str] | None]  # the describing cells each stored combination is written with
    quota: dict[RawAtom, int]  # how many rows of it the plan counted
    summary: Generalisation

    @classmethod
    def of(cls, session: Session, survey: Survey, tree: UnitTree, layers: list[Layer]) -> "ExportPlan":
        """`layers`: the organisation's layers in rank order (the last one is not a leadership layer)."""
        r = Response
        counted = session.execute(select(r.unit_id, r.layer_id, r.language, r.source, func.count())
                                  .where(r.survey_id == survey.id, r.published.is_(True))
                                  .group_by(r.unit_id, r.layer_id, r.language, r.source)).all()
        key_of = {layer.id: layer.key for layer in layers}
        quota: dict[RawAtom, int] = {}
        atoms: dict[Atom, int] = {}
        atom_of: dict[RawAtom, Atom] = {}
        for unit, layer, language, source, n in counted:
            raw = (unit, layer, language, source)
            quota[raw] = int(n)
            atom_of[raw] = (unit, key_of.get(layer, "") if layer is not None else "", language or "", source)
            atoms[atom_of[raw]] = atoms.get(atom_of[raw], 0) + int(n)
        summary = generalise(atoms, parent_of={u: tree.units[u].parent_id for u in tree.units},
                             k=survey.min_group_size, leaders={layer.key for layer in layers[:-1]},
                             layer_detail={None, *(u for u in tree.units if tree.children.get(u))},
                             start=_reporting_units(session, survey, tree, layers) if atoms else None)
        names: dict[UnitRef, list[str]] = {u: ["/".join(tree.path(u)), tree.units[u].external_key or ""]
                                           for u in tree.units}

        def cells(written: tuple[UnitRef, str, str, str] | None) -> list[str] | None:
            if written is None:
                return None
            unit, layer, language, source = written
            return [*(names[unit] if unit is not None else [ANY, ""]), layer, language, source]

        written = {raw: cells(summary.of(atom)) for raw, atom in atom_of.items()}
        return cls(survey.id, load_definition(session, survey.questionnaire_id), survey.ask_desired, written, quota,
                   summary)

    def header(self) -> list[str]:
        keys = [item.key for item in self.definition.items]
        return [*DESCRIBING, *keys, *([k + DESIRED for k in keys] if self.ask_desired else [])]

    def comment(self) -> str:
        s = self.summary
        return (f"# k-anonymous export: k={s.k}, rows={s.rows}, units generalised={s.units}, layers generalised="
                f"{s.layers}, languages generalised={s.languages}, sources generalised={s.sources}, "
                f"rows suppressed={s.suppressed}")

    def headers(self) -> dict[str, str]:
        """The comment's figures as response headers."""
        s = self.summary
        return {"X-Export-K": str(s.k), "X-Export-Rows": str(s.rows), "X-Export-Units-Generalised": str(s.units),
                "X-Export-Layers-Generalised": str(s.layers), "X-Export-Languages-Generalised": str(s.languages),
                "X-Export-Sources-Generalised": str(s.sources), "X-Export-Rows-Suppressed": str(s.suppressed)}


def _reporting_units(session: Session, survey: Survey, tree: UnitTree,
                     layers: list[Layer]) -> dict[UnitRef, UnitRef]:
    """Where each unit's rows start: the unit whose figures count its own respondents in the reports (the same
    roll-up, `app.reports.maps.map_base`). A group the reports count at a unit that is not an ancestor (directors
    with the board's unit) starts at the organisation, and so does that unit's own group, so that the unit's
    published total is never its exported rows plus a small group."""
    rollup = map_base(load_survey_data(session, survey), tree, layers, survey.min_group_size).rollup
    start: dict[UnitRef, UnitRef] = {}
    for unit in tree.units:
        at = rollup.reporting_unit(unit)
        if at == unit:
            continue
        if at is None or tree.is_within(unit, at):
            start[unit] = at
        else:
            start[unit] = start[at] = None
    return start


INCOMPLETE = "# incomplete: the survey's responses were deleted while they were exported"


def _cells(blob: bytes | None, width: int) -> list[Cell]:
    answers: list[Answer] = unpack(blob) if blob is not None else []
    answers += [None] * (width - len(answers))
    return list(answers[:width])


def table(plan: ExportPlan) -> Table:
    """The export as a table (`app.exports`: CSV in either dialect, or XLSX), its rows read while written."""
    return Table(f"responses-{plan.survey_id}", plan.header(), rows(plan), comment=plan.comment(),
                 sheet="responses", escape=False)


TEXT_WIDTHS = {"unit_path": 1000, "unit_key": 200, "layer": 64, "language": 35, "source": 8}


def spss_variables(plan: ExportPlan) -> list[Variable]:
    """The columns as SPSS variables: labels in the questionnaire's first language (the statements; `(desired)`
    for how it should be), the answer scale's labels, "don't know" as a user-missing code, reverse keying noted."""
    d = plan.definition
    lang = d.languages[0]
    by_dimension: dict[str, dict[int, str]] = {}
    for dimension in d.dimensions:  # each dimension's own scale (most questionnaires: the same one for all)
        scale = d.scale_of(dimension.key)
        labels = {scale.min + i: text for i, text in enumerate(scale.labels.get(lang) or [])}
        labels[DONT_KNOW_CODE] = (scale.dont_know_label or d.dont_know_label or {}).get(lang) or "Don't know"
        by_dimension[dimension.key] = labels
    desired = (d.frame_labels.get(lang) or {}).get("desired") or "desired"
    variables = [Variable(c, c, text=True, width=TEXT_WIDTHS[c]) for c in DESCRIBING]
    for frame in ("current", "desired") if plan.ask_desired else ("current",):
        for item in d.items:
            text = item.texts.get(lang) or item.key
            variables.append(Variable(item.key + (DESIRED if frame == "desired" else ""),
                                      text if frame == "current" else f"{text} ({desired})",
                                      value_labels=by_dimension[item.dimension_key],
                                      note="reverse-keyed (answers as ticked, not reversed)" if item.reverse
                                      else None, reverse=item.reverse))
    return variables


def rows(plan: ExportPlan) -> Iterator[list[Cell]]:
    """The rows (a scale point as an int, `dont_know`, None when missing). The request's session is closed once
    streaming starts, so each chunk is read in a short transaction of its own (keyset pagination by id) and none is
    open while a slow client reads: a long transaction would keep PostgreSQL from vacuuming, and SQLite's WAL from
    being checkpointed. A file cut short by an erasure ends with an `INCOMPLETE` row."""
    width = len(plan.definition.items)
    left = dict(plan.quota)
    last: uuid.UUID | None = None
    r = Response
    while True:
        query = (select(r.id, r.unit_id, r.layer_id, r.language, r.source, r.current, r.desired)
                 .where(r.survey_id == plan.survey_id, r.published.is_(True)).order_by(r.id).limit(CHUNK_ROWS))
        if last is not None:
            query = query.where(r.id > last)
        with get_sessionmaker(read_only=True)() as session:
            chunk = session.execute(query).all()
        if not chunk:
            break
        for _, unit_id, layer_id, language, source, current, desired in chunk:
            raw = (unit_id, layer_id, language, source)
            describing = plan.written.get(raw)
            if describing is None or left[raw] <= 0:  # suppressed, or published after the plan was made
                continue
            left[raw] -= 1
            row: list[Cell] = [*describing, *_cells(current, width)]
            if plan.ask_desired:
                row += _cells(desired, width)
            yield row
        last = chunk[-1][0]
    if any(n > 0 for raw, n in left.items() if plan.written.get(raw) is not None):
        yield [INCOMPLETE]
