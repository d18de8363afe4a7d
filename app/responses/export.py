"""The published responses of a survey as a file that adds nothing to what the reports show.

Columns: `unit_path` (names from the top, `/`-separated; `*` for the organisation as a whole), `unit_key` (the named
unit's external key, may be empty), `layer` (a layer key; `*` for the unit's other layers; empty for imported rows
without one), one column per item key in questionnaire order (`1`..`5`, or empty), and `<item_key>:desired` columns
when the survey asks how it should be. Values are as answered: reverse-keyed items are not reversed, and no answer
is ever changed, only left out.

Which unit and layer name a row, and which of its answers are written, follows the reports' suppression maps
(`app.responses.export_cells`): every group of rows is a difference of groups the reports show, a dimension's
answers are written only for those who answered all of its statements and where its own map shows the group, and
within a group those who left out the same dimensions number 0 or at least k. The first line is a `#` comment
saying how much was generalised and left out (the same in the `X-Export-*` response headers).

Only published responses are exported (`app.responses.publication`), as in the reports: the rows are those of the
answers the reports were computed from (`app.reports.data`), sorted by unit, layer and answers, so their order says
nothing about when anyone answered. A file cut short by an erasure ends with a `# incomplete` line.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from app.db import get_sessionmaker
from app.exports.spss import DONT_KNOW_CODE, Variable
from app.exports.tables import Cell, Table
from app.orgs.models import Organisation
from app.questionnaires.service import QuestionnaireDefinition
from app.reports.anonymity import ALL
from app.reports.context import LayerRef, build_context
from app.reports.data import SurveyData, is_erased
from app.responses.csv_import import DESIRED
from app.responses.export_cells import ExportCells, export_cells
from app.surveys.models import Survey
from app.units.tree import UnitTree

CHUNK_ROWS = 5000
DESCRIBING = ["unit_path", "unit_key", "layer"]
ANY = "*"


@dataclass(frozen=True)
class Summary:
    k: int
    rows: int
    units: int  # rows named at a unit above their own
    layers: int  # rows whose layer is `*`
    withheld: int  # answers of completed dimensions left out to protect those who left some out (point 4)
    suppressed: int  # rows not exported


@dataclass(frozen=True)
class ExportPlan:
    """Everything the rows need, computed in the request's session."""

    survey_id: uuid.UUID
    definition: QuestionnaireDefinition
    ask_desired: bool
    data: SurveyData
    describing: list[list[str]]  # per group of rows (`ExportCells.groups`)
    columns: npt.NDArray[np.bool_]  # groups x item columns (current, then desired): written?
    group_of: npt.NDArray[np.int64]  # per respondent of `data`: their group, -1 when left out
    summary: Summary

    @classmethod
    def of(cls, session: Session, organisation: Organisation, survey: Survey, tree: UnitTree) -> "ExportPlan":
        ctx = build_context(session, organisation, survey, tree, None)
        data = ctx.data
        cells = export_cells(ctx)
        layer_keys: dict[LayerRef, str] = {layer.id: layer.key for layer in ctx.layers}
        layer_keys[ALL] = ANY
        describing = [[*_unit_cells(tree, g.unit), layer_keys.get(g.layer, "")] for g in cells.groups]
        columns = _columns(cells, data)
        return cls(survey.id, data.definition, survey.ask_desired, data, describing, columns, cells.group_of,
                   _summary(ctx.k, cells, data, columns))

    def header(self) -> list[str]:
        keys = [item.key for item in self.definition.items]
        return [*DESCRIBING, *keys, *([k + DESIRED for k in keys] if self.ask_desired else [])]

    def comment(self) -> str:
        s = self.summary
        return (f"# k-anonymous export: k={s.k}, rows={s.rows}, units generalised={s.units}, layers generalised="
                f"{s.layers}, answers withheld={s.withheld}, rows suppressed={s.suppressed}")

    def headers(self) -> dict[str, str]:
        """The comment's figures as response headers."""
        s = self.summary
        return {"X-Export-K": str(s.k), "X-Export-Rows": str(s.rows), "X-Export-Units-Generalised": str(s.units),
                "X-Export-Layers-Generalised": str(s.layers), "X-Export-Answers-Withheld": str(s.withheld),
                "X-Export-Rows-Suppressed": str(s.suppressed)}


def _unit_cells(tree: UnitTree, unit: uuid.UUID | None) -> list[str]:
    if unit is None:
        return [ANY, ""]
    return ["/".join(tree.path(unit)), tree.units[unit].external_key or ""]


def _answers(data: SurveyData) -> npt.NDArray[np.float32]:
    """Respondents x item columns (current, then desired): NaN where a dimension was not completed in a frame."""
    return data.current if data.desired is None else np.hstack([data.current, data.desired])


def _columns(cells: ExportCells, data: SurveyData) -> npt.NDArray[np.bool_]:
    width = data.scale.n_items
    columns = np.zeros((len(cells.groups), width * (2 if data.desired is not None else 1)), dtype=bool)
    for g, group in enumerate(cells.groups):
        for (d, frame), written in zip(cells.pairs, group.written, strict=True):
            if written:
                columns[g, data.scale.items_of(d) + (width if frame == "desired" else 0)] = True
    return columns


def _summary(k: int, cells: ExportCells, data: SurveyData, columns: npt.NDArray[np.bool_]) -> Summary:
    exported = cells.group_of >= 0
    groups = cells.group_of[exported]
    own = [(data.unit_ids[u]) for u in data.unit_codes[exported]]
    named = [cells.groups[g].unit for g in groups]
    withheld = ~np.isnan(_answers(data)[exported]) & ~columns[groups]
    return Summary(k, int(exported.sum()), sum(1 for a, b in zip(own, named, strict=True) if a != b),
                   sum(1 for g in groups if cells.groups[g].layer is ALL), int(withheld.sum()), cells.suppressed)


INCOMPLETE = "# incomplete: the survey's responses were deleted while they were exported"


def table(plan: ExportPlan) -> Table:
    """The export as a table (`app.exports`: CSV in either dialect, or XLSX), its rows made while written."""
    return Table(f"responses-{plan.survey_id}", plan.header(), rows(plan), comment=plan.comment(),
                 sheet="responses", escape=False)


TEXT_WIDTHS = {"unit_path": 1000, "unit_key": 200, "layer": 64}


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
    """The rows (a scale point as an int, None when left empty), sorted by unit, layer and answers: the order says
    nothing about when anyone answered, and an export of the same publication is the same file. Between chunks a
    short transaction checks that the survey still exists: a file cut short by an erasure (in any worker) ends with
    an `INCOMPLETE` row instead of answers that are gone."""
    exported = np.flatnonzero(plan.group_of >= 0)
    groups = plan.group_of[exported]
    values = np.where(plan.columns[groups], _answers(plan.data)[exported], np.nan)
    rank = np.empty(len(plan.describing), dtype=np.int64)
    rank[sorted(range(len(plan.describing)), key=plan.describing.__getitem__)] = np.arange(len(plan.describing))
    order = np.lexsort([*np.nan_to_num(values, nan=-1.0).T[::-1], rank[groups]])
    for start in range(0, len(order), CHUNK_ROWS):
        if _erased(plan.survey_id):
            yield [INCOMPLETE]
            return
        for i in order[start:start + CHUNK_ROWS]:
            yield [*plan.describing[int(groups[i])], *(None if np.isnan(v) else int(v) for v in values[i].tolist())]


def _erased(survey_id: uuid.UUID) -> bool:
    if is_erased(survey_id):
        return True
    with get_sessionmaker(read_only=True)() as session:
        return session.get(Survey, survey_id) is None
