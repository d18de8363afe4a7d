"""Response rates of a survey wave: invitations issued against responses stored, per unit and per layer.

`answered` is the number of stored responses in the group, live: every response counts at once, published or not
(the figures of the other reports wait for the close, `app.responses.publication`; a count says that someone
answered, never what). It is not the number of invitations used: responses imported from a CSV file came without
invitations, and counting used invitations would leave them out. The live counts have their own suppression map
(`maps.counts_map`, with their own roll-up of small own groups; invitations are counted where their unit's
respondents count). A rate is only given where it is a rate: the group has invitations and none of its responses
were imported. Otherwise it is null, and `reason` says why (a group with imported responses could otherwise show
more than 100 %).
"""

import uuid
from collections.abc import Iterable
from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.deps import SessionDep
from app.exports.options import TABLE_RESPONSES, ExportDep
from app.exports.tables import Cell, Table
from app.invitations.models import Invitation
from app.reports.anonymity import ALL, Layout
from app.reports.anonymity_flow import IntArray
from app.reports.breakdown import units_of
from app.reports.context import Cell as ReportCell
from app.reports.context import ReportContext, ReportDep
from app.reports.figures import DEFAULT_LEVEL, LEVEL_DESCRIPTION, GroupRef
from app.reports.maps import counts_map
from app.reports.profile_csv import GROUP, group_cells
from app.reports.profile_service import group_refs
from app.reports.rollup import RollUp
from app.responses.models import Response as StoredResponse

Reason = Literal["below_minimum", "protects_smaller_group", "not_published", "no_invitations", "imported_responses",
                 "more_responses_than_invitations"]
Key = tuple[uuid.UUID | None, uuid.UUID | None]  # (unit or None = organisation, layer or None = every layer)


class RateRow(BaseModel):
    """Invitations and stored responses of one group, and its response rate."""

    group: GroupRef = Field(description="`n` counts the group's stored responses (imported ones included); null "
                                        "when the group is suppressed")
    invited: int | None = Field(description="Invitations issued in the group; null when the group is hidden (a "
                                            "hidden group's invitations beside a visible group's full response "
                                            "rate would give its number of respondents)")
    answered: int | None = Field(description="Responses stored in the group so far, imported ones included (live: "
                                             "also those not yet published in the figures). Null when the group "
                                             "is suppressed")
    rate: float | None = Field(description="answered / invited, between 0 and 1; null when that would not be a "
                                           "response rate (see `reason`)")
    reason: Reason | None = Field(
        description="Why `rate` is null: `below_minimum`, `protects_smaller_group` or `not_published` (the "
                    "group is hidden: no `answered` either); "
                    "`no_invitations` (nobody in the group was invited: its responses, if any, were imported); "
                    "`imported_responses` (some of the group's responses were imported without invitations, so "
                    "answered / invited would overstate the rate); `more_responses_than_invitations` (more "
                    "responses than invitations for another reason)")


RatesLevel = Literal["teams", "children", "subtree"]  # one enum in the OpenAPI document


class ResponseRates(BaseModel):
    """Invitations issued against responses stored, for the scope, its units and its layers."""

    survey_id: uuid.UUID
    level: RatesLevel
    scope: RateRow
    units: list[RateRow]
    layers: list[RateRow]


def _rolled_up(layout: Layout, rollup: RollUp, atoms: Iterable[tuple[uuid.UUID, uuid.UUID | None, int]]) -> IntArray:
    """Counts per (unit, layer) atom added, where the unit's own respondents count, to that unit and every
    ancestor and the organisation: per unit row of `layout` (the organisation last), a column per layer of the
    layout, one for any other layer, and the total last. Summed per reporting unit, then up the tree in one
    pass."""
    p = len(layout.layers)
    totals = np.zeros((len(layout.units) + 1, p + 2), dtype=np.int64)
    kept = [(layout.unit_index[rollup.reporting_unit(unit)], layout.layer_index.get(layer, p), n)
            for unit, layer, n in atoms if unit in layout.unit_index]
    if kept:
        rows, cols, ns = zip(*kept, strict=True)
        np.add.at(totals, (np.array(rows), np.array(cols)), np.array(ns, dtype=np.int64))
    tree = layout.tree
    for nodes in reversed(tree.levels[1:]):  # children before their parents
        np.add.at(totals, tree.parent[nodes], totals[nodes])
    totals[:, p + 1] = totals[:, :p + 1].sum(axis=1)
    return totals


Atoms = list[tuple[uuid.UUID, uuid.UUID | None, int]]


def _invitations(session: Session, survey: uuid.UUID) -> Atoms:
    rows = session.execute(select(Invitation.unit_id, Invitation.layer_id, func.count())
                           .where(Invitation.survey_id == survey).group_by(Invitation.unit_id, Invitation.layer_id))
    return [(unit, layer, int(n)) for unit, layer, n in rows]


def _responses(session: Session, survey: uuid.UUID) -> tuple[Atoms, Atoms]:
    """Stored responses per (unit, layer), all and imported, in one pass over the survey's responses."""
    imported = func.sum(case((StoredResponse.source == "import", 1), else_=0))
    rows = session.execute(select(StoredResponse.unit_id, StoredResponse.layer_id, func.count(), imported)
                           .where(StoredResponse.survey_id == survey)
                           .group_by(StoredResponse.unit_id, StoredResponse.layer_id)).all()
    return ([(unit, layer, int(n)) for unit, layer, n, _ in rows],
            [(unit, layer, int(i)) for unit, layer, _, i in rows if i])


def _units(ctx: ReportContext, level: RatesLevel) -> list[uuid.UUID]:
    """`subtree`: every unit below the scope, depth first -- the rows `children` gives at each of their parents,
    gathered in one answer (the console's tree): the same cells of the same map, nothing more."""
    if level == "subtree":
        return [u for u in ctx.tree.subtree(ctx.scope) if u != ctx.scope]
    return units_of(ctx, level)


def response_rates(session: Session, ctx: ReportContext, level: RatesLevel) -> ResponseRates:
    """Invitations and stored responses per unit (children, teams or the whole subtree) and layer of the scope."""
    responses, imported = _responses(session, ctx.survey.id)
    live, rollup = counts_map(ctx.survey.id, ctx.tree, ctx.layers, ctx.k,
                              {(unit, layer): n for unit, layer, n in responses})
    layout = live.layout
    invitations = _rolled_up(layout, rollup, _invitations(session, ctx.survey.id))
    imports = _rolled_up(layout, rollup, imported)
    cells: list[ReportCell] = [(ctx.scope, ALL), *((unit, ALL) for unit in _units(ctx, level)),
                            *((ctx.scope, layer.id) for layer in ctx.layers)]
    at = layout.cell_index(cells)
    cols = np.where(at.cols == len(layout.layers), len(layout.layers) + 1, at.cols)  # ALL: the total
    rows = [_row(ref, invited, imports_n) for ref, invited, imports_n in zip(
        group_refs(ctx, cells, live, rollup), invitations[at.rows, cols].tolist(), imports[at.rows, cols].tolist(),
        strict=True)]
    return ResponseRates(survey_id=ctx.survey.id, level=level, scope=rows[0], units=rows[1:-len(ctx.layers) or None],
                         layers=rows[len(rows) - len(ctx.layers):])


def _row(ref: GroupRef, invited: int, imports: int) -> RateRow:
    if ref.n is None:
        return RateRow(group=ref, invited=None, answered=None, rate=None, reason=ref.reason)
    answered = ref.n
    reason: Reason | None = None
    if not invited:
        reason = "no_invitations"
    elif imports:
        reason = "imported_responses"
    elif answered > invited:
        reason = "more_responses_than_invitations"
    return RateRow(group=ref, invited=invited, answered=answered, rate=None if reason else answered / invited,
                   reason=reason)


def rates_csv(r: ResponseRates) -> Table:
    header = ["row", *GROUP, "suppressed", "invited", "answered", "rate", "reason"]

    def line(kind: str, x: RateRow) -> list[Cell]:
        return [kind, *group_cells(x.group), x.group.suppressed, x.invited, x.answered, x.rate, x.reason]

    rows = [line("scope", r.scope), *[line("unit", x) for x in r.units], *[line("layer", x) for x in r.layers]]
    return Table("response-rates", header, rows, split="row")


router = APIRouter()


@router.get("/response-rates", name="get_response_rates", response_model=ResponseRates, responses=TABLE_RESPONSES)
def get_response_rates(
    ctx: ReportDep, out: ExportDep, session: SessionDep,
    level: Annotated[RatesLevel, Query(description=LEVEL_DESCRIPTION + "; `subtree`: every unit below the scope, "
                                                                       "depth first")] = DEFAULT_LEVEL,
) -> Response | ResponseRates:
    """Response rates of the scope, per unit (children or teams) and per layer: `invited` (invitations issued),
    `answered` (responses stored, imported ones included: the group's `n`, as in every other report) and `rate` =
    answered / invited.

    A rate is given only where it is one: when the group has invitations and none of its responses were imported.
    Imported responses come without invitations, so a group nobody was invited in has `rate: null` and
    `reason: no_invitations`, and a group holding imported responses beside invitations has `rate: null` and
    `reason: imported_responses` (answered / invited would overstate the rate, even beyond 100 %).

    Live: `answered` counts every response stored so far, also those of an open wave whose figures the other
    reports show only after the close. Anonymity: `invited`, `answered` and `rate` only for groups that are not
    hidden, under the suppression map of these counts (a hidden group shows nulls and its reason: `below_minimum`,
    `protects_smaller_group` or `not_published`); beside a visible group's rate of 100 %, a hidden group's
    invitations would be its number of respondents.
    """
    result = response_rates(session, ctx, level)
    return out.respond(rates_csv(result)) if out.tabular else result
