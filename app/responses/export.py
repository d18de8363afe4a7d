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
saying what that cost, in figures the file or the reports give anyway (the same in the `X-Export-*` headers).

Only published responses are exported (`app.responses.publication`), as in the reports: the rows are those of the
answers the reports were computed from (`app.reports.data`), sorted by unit, layer and answers, so their order says
nothing about when anyone answered. A file cut short by an erasure ends with a `# incomplete` line.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

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
LONG = ["dimension", "frame"]  # the long file's columns after DESCRIBING
ANY = "*"
Shape = Literal["wide", "long"]


@dataclass(frozen=True)
class Summary:
    """What the first line says. Only figures the file or the reports give anyway: a count of the respondents named
    above their own unit, or of the rows left out, would be the size of groups the maps hide (a small team's)."""

    k: int
    rows: int
    layers: int  # rows whose layer is `*` (as the file shows)
    withheld: int  # answers of the wide file's left-out dimensions (rule 4): each pair's respondents are a
    # dimension's n that the reports show for the group
    suppressed: bool  # some respondents are not in the file (their organisation's total below k)


@dataclass(frozen=True)
class ExportPlan:
    """Everything the rows need, computed in the request's session: each row's describing cells (an index into
    `describing`) and answers (`codes`: 0 for an empty cell, else the scale point less `low` plus 1)."""

    survey_id: uuid.UUID
    definition: QuestionnaireDefinition
    ask_desired: bool
    shape: Shape
    describing: list[list[str]]
    row_describing: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int16]
    low: int
    summary: Summary

    @classmethod
    def of(cls, session: Session, organisation: Organisation, survey: Survey, tree: UnitTree,
           shape: Shape = "wide") -> "ExportPlan":
        ctx = build_context(session, organisation, survey, tree, None)
        data, cells = ctx.data, export_cells(ctx)
        layer_keys: dict[LayerRef, str] = {layer.id: layer.key for layer in ctx.layers}
        layer_keys[ALL] = ANY
        groups = [[*_unit_cells(tree, g.unit), layer_keys.get(g.layer, "")] for g in cells.groups]
        answers = _answers(data)
        points = answers[~np.isnan(answers)]
        low = int(points.min()) if points.size else 0
        all_codes = np.where(np.isnan(answers), 0, answers - low + 1).astype(np.int16)
        build = _long if shape == "long" else _wide
        describing, row_describing, codes = build(cells, data, groups, all_codes)
        layers = sum(1 for g in row_describing.tolist() if describing[g][2] == ANY)
        summary = Summary(ctx.k, len(row_describing), layers, _withheld(cells, data) if shape == "wide" else 0,
                          bool((cells.group_of < 0).any()))
        return cls(survey.id, data.definition, survey.ask_desired, shape, describing, row_describing, codes, low,
                   summary)

    def header(self) -> list[str]:
        keys = [item.key for item in self.definition.items]
        if self.shape == "long":
            return [*DESCRIBING, *LONG, *keys]
        return [*DESCRIBING, *keys, *([k + DESIRED for k in keys] if self.ask_desired else [])]

    def comment(self) -> str:
        s = self.summary
        return (f"# k-anonymous export: {'shape=long, ' if self.shape == 'long' else ''}k={s.k}, rows={s.rows}, "
                f"layers generalised={s.layers}, answers withheld={s.withheld}"
                + (", some responses left out (fewer than k in all)" if s.suppressed else ""))

    def headers(self) -> dict[str, str]:
        """The comment's figures as response headers."""
        s = self.summary
        return {"X-Export-Shape": self.shape, "X-Export-K": str(s.k), "X-Export-Rows": str(s.rows),
                "X-Export-Layers-Generalised": str(s.layers), "X-Export-Answers-Withheld": str(s.withheld),
                "X-Export-Suppressed": "yes" if s.suppressed else "no"}


Built = tuple[list[list[str]], npt.NDArray[np.int64], npt.NDArray[np.int16]]


def _wide(cells: ExportCells, data: SurveyData, groups: list[list[str]], codes: npt.NDArray[np.int16]) -> Built:
    """One row per respondent: the pairs `written` (point 4) of their group."""
    respondent = np.flatnonzero(cells.group_of >= 0)
    group = cells.group_of[respondent]
    columns = np.zeros((len(cells.groups), codes.shape[1]), dtype=bool)
    for g, found in enumerate(cells.groups):
        for p, written in enumerate(found.written):
            columns[g, _pair_columns(cells, data, p)] = written
    return groups, group, np.where(columns[group], codes[respondent], 0).astype(np.int16)


def _long(cells: ExportCells, data: SurveyData, groups: list[list[str]], codes: npt.NDArray[np.int16]) -> Built:
    """One row per respondent, dimension and frame that the maps let be written (`shown`), for those who completed
    it, the answers under the current frame's item keys."""
    width = data.scale.n_items
    describing: list[list[str]] = []
    parts: list[tuple[npt.NDArray[np.int64], int, npt.NDArray[np.int64]]] = []
    for g, found in enumerate(cells.groups):
        members = np.flatnonzero(cells.group_of == g)
        for p, (d, frame) in enumerate(cells.pairs):
            who = members[cells.complete[members, p]]
            if found.shown[p] and len(who):
                parts.append((who, len(describing), _pair_columns(cells, data, p)))
                describing.append([*groups[g], data.scale.dimensions[d], frame])
    rows = sum(len(who) for who, _, _ in parts)
    out = np.zeros((rows, width), dtype=np.int16)
    row_describing = np.empty(rows, dtype=np.int64)
    at = 0
    for who, index, columns in parts:
        out[at:at + len(who), columns % width] = codes[np.ix_(who, columns)]
        row_describing[at:at + len(who)] = index
        at += len(who)
    return describing, row_describing, out


def _pair_columns(cells: ExportCells, data: SurveyData, p: int) -> npt.NDArray[np.int64]:
    d, frame = cells.pairs[p]
    return np.asarray(data.scale.items_of(d), dtype=np.int64) + (data.scale.n_items if frame == "desired" else 0)


def _withheld(cells: ExportCells, data: SurveyData) -> int:
    """Rule 4's cost: per group, the answers of the pairs the maps let be written but the wide file leaves out."""
    per_pair = [len(data.scale.items_of(d)) for d, _ in cells.pairs]
    total = 0
    for g, group in enumerate(cells.groups):
        done = cells.complete[cells.group_of == g].sum(axis=0)
        total += sum(per_pair[p] * int(done[p]) for p in range(len(cells.pairs))
                     if group.shown[p] and not group.written[p])
    return total


def _unit_cells(tree: UnitTree, unit: uuid.UUID | None) -> list[str]:
    if unit is None:
        return [ANY, ""]
    return ["/".join(tree.path(unit)), tree.units[unit].external_key or ""]


def _answers(data: SurveyData) -> npt.NDArray[np.float32]:
    """Respondents x item columns (current, then desired): NaN where a dimension was not completed in a frame."""
    return data.current if data.desired is None else np.hstack([data.current, data.desired])


INCOMPLETE = "# incomplete: the survey's responses were deleted while they were exported"


def table(plan: ExportPlan) -> Table:
    """The export as a table (`app.exports`: CSV in either dialect, or XLSX), its rows made while written."""
    return Table(f"responses-{plan.survey_id}", plan.header(), rows(plan), comment=plan.comment(),
                 sheet="responses", escape=False)


TEXT_WIDTHS = {"unit_path": 1000, "unit_key": 200, "layer": 64, "dimension": 64, "frame": 16}


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
    long = plan.shape == "long"
    variables = [Variable(c, c, text=True, width=TEXT_WIDTHS[c]) for c in [*DESCRIBING, *(LONG if long else [])]]
    for frame in ("current", "desired") if plan.ask_desired and not long else ("current",):
        for item in d.items:
            text = item.texts.get(lang) or item.key
            variables.append(Variable(item.key + (DESIRED if frame == "desired" else ""),
                                      text if frame == "current" else f"{text} ({desired})",
                                      value_labels=by_dimension[item.dimension_key],
                                      note="reverse-keyed (answers as ticked, not reversed)" if item.reverse
                                      else None, reverse=item.reverse))
    return variables


def rows(plan: ExportPlan) -> Iterator[list[Cell]]:
    """The rows (a scale point as an int, None when left empty), sorted by unit, layer (long: dimension and frame)
    and answers: the order says nothing about when anyone answered, and an export of the same publication is the
    same file. Between chunks a short transaction checks that the survey still exists: a file cut short by an
    erasure (in any worker) ends with an `INCOMPLETE` row instead of answers that are gone."""
    rank = np.empty(len(plan.describing), dtype=np.int64)
    rank[sorted(range(len(plan.describing)), key=plan.describing.__getitem__)] = np.arange(len(plan.describing))
    order = np.lexsort([*plan.codes.T[::-1], rank[plan.row_describing]])
    cells = np.array([None, *range(plan.low, plan.low + int(plan.codes.max(initial=0)))], dtype=object)
    for start in range(0, len(order), CHUNK_ROWS):
        if _erased(plan.survey_id):
            yield [INCOMPLETE]
            return
        chunk = order[start:start + CHUNK_ROWS]
        for describing, answers in zip([plan.describing[g] for g in plan.row_describing[chunk].tolist()],
                                       cells[plan.codes[chunk]].tolist(), strict=True):
            yield [*describing, *answers]


def _erased(survey_id: uuid.UUID) -> bool:
    if is_erased(survey_id):
        return True
    with get_sessionmaker(read_only=True)() as session:
        return session.get(Survey, survey_id) is None
