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
from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.deps import SessionDep
from app.exports.options import TABLE_RESPONSES, ExportDep
from app.exports.tables import Cell, Table
from app.invitations.models import Invitation
from app.reports.anonymity import ALL
from app.reports.breakdown import units_of
from app.reports.context import ReportContext, ReportDep
from app.reports.figures import DEFAULT_LEVEL, LEVEL_DESCRIPTION, GroupRef
from app.reports.maps import counts_map
from app.reports.profile_csv import GROUP, group_cells
from app.reports.rollup import RollUp
from app.responses.models import Response as StoredResponse

Reason = Literal["below_minimum", "protects_smaller_group", "not_published", "no_invitations", "imported_responses",
                 "more_responses_than_invitations"]
Key = tuple[uuid.UUID | None, uuid.UUID | None]  # (unit or None = organisation, layer or None = every layer)


class RateRow(BaseModel):
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
    survey_id: uuid.UUID
    level: RatesLevel
    scope: RateRow
    units: list[RateRow]
    layers: list[RateRow]


def _rolled_up(ctx: ReportContext, rollup: RollUp,
               atoms: Iterable[tuple[uuid.UUID, uuid.UUID | None, int]]) -> dict[Key, int]:
    """Counts per (unit, layer) atom added, where the unit's own respondents count, to that unit and every
    ancestor, the organisation and every layer, once: summed per reporting unit, then up the tree in one pass."""
    by_unit: dict[uuid.UUID | None, Counter[uuid.UUID | None]] = {}
    for unit_id, layer_id, count in atoms:
        by_unit.setdefault(rollup.reporting_unit(unit_id), Counter())[layer_id] += count
    for child in reversed(ctx.tree.subtree(None)):  # children before their parents
        if child in by_unit:
            by_unit.setdefault(ctx.tree.units[child].parent_id, Counter()).update(by_unit[child])
    totals: dict[Key, int] = {}
    for unit, layers in by_unit.items():
        totals.update(((unit, layer), n) for layer, n in layers.items() if layer is not None)
        totals[unit, None] = layers.total()
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
    invitations = _rolled_up(ctx, rollup, _invitations(session, ctx.survey.id))
    imports = _rolled_up(ctx, rollup, imported)

    def row(unit: uuid.UUID | None, layer: uuid.UUID | None = None) -> RateRow:
        cell = (unit, ALL if layer is None else layer)
        visible = live.visible(*cell)
        ref = GroupRef(
            unit_id=unit, unit_name=ctx.unit_name(unit), unit_path=ctx.unit_path(unit),
            layer_key=next((lay.key for lay in ctx.layers if lay.id == layer), None),
            n=live.n(*cell) if visible else None, suppressed=not visible, reason=live.reason(*cell),
            own_counted_at=ctx.unit_path(rollup.reporting_unit(unit)) if unit and rollup.moved(unit) else None,
            counts_own_of=sorted(ctx.unit_path(u) for u in rollup.counts_own_of(unit)))
        invited = invitations.get((unit, layer), 0)
        if ref.n is None:
            return RateRow(group=ref, invited=None, answered=None, rate=None, reason=ref.reason)
        answered = ref.n
        reason: Reason | None = None
        if not invited:
            reason = "no_invitations"
        elif imports.get((unit, layer), 0):
            reason = "imported_responses"
        elif answered > invited:
            reason = "more_responses_than_invitations"
        return RateRow(group=ref, invited=invited, answered=answered, rate=None if reason else answered / invited,
                       reason=reason)

    return ResponseRates(survey_id=ctx.survey.id, level=level, scope=row(ctx.scope),
                         units=[row(unit) for unit in _units(ctx, level)],
                         layers=[row(ctx.scope, layer.id) for layer in ctx.layers])


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
