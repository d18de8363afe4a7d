"""The statements report (`item-profile`): every statement of every dimension, in the current and desired frames
and against the previous wave, under the reports' one protection (`app.reports.items_service`)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from app.deps import SessionDep
from app.exports.options import TABLE_RESPONSES, ExportDep
from app.exports.tables import Cell, Table
from app.reports.context import ReportDep
from app.reports.items_schemas import ItemProfileReport, ItemProfileUnits, StatementFigures
from app.reports.items_service import item_profile, item_profile_children
from app.reports.profile import LangQuery
from app.reports.profile_csv import HIDDEN

router = APIRouter()

FRAME = ["n", "mean", "ci_low", "ci_high", "favourable", "neutral", "unfavourable"]


def _frame(f: StatementFigures | None, values: list[int]) -> list[Cell]:
    if f is None:
        return [None] * (len(FRAME) + len(values) + 1)
    counts = {a.value: a.count for a in f.distribution}
    ci: list[Cell] = [None, None] if f.ci is None else [f.ci.low, f.ci.high]
    return [f.n, f.mean, *ci, f.favourable, f.neutral, f.unfavourable, *[counts.get(v) for v in values], f.reason]


def _values(reports: list[ItemProfileReport]) -> list[int]:
    """The scale points of the distribution columns: every point any shown statement has (dimensions may have
    scales of their own)."""
    return sorted({a.value for r in reports for d in r.dimensions for s in d.statements
                   for a in s.current.distribution})


def _header(values: list[int]) -> list[str]:
    frames = [(p, [*FRAME, *[f"count_{v}" for v in values], "reason"]) for p in ("current", "desired", "previous")]
    return ["dimension", "dimension_name", "outcome", "dimension_n", "key", "text", "reverse", "dont_know", "seen",
            "dont_know_share", *[f"{p}_{c}" for p, cols in frames for c in cols], "gap", "change", "change_ci_low",
            "change_ci_high", "change_p", "change_p_holm", "favourable_change", "suppressed", "hidden_reason"]


def _rows(report: ItemProfileReport, values: list[int]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    if report.suppressed:
        rows.append([*[None] * (len(_header(values)) - 2), True, report.group.reason])
    for d in report.dimensions:
        for s in d.statements:
            c = s.change
            ci: list[Cell] = [None, None] if c is None or c.difference_ci is None else [c.difference_ci.low,
                                                                                          c.difference_ci.high]
            p: list[Cell] = [None, None] if c is None or c.welch is None else [c.welch.p, c.welch.p_adjusted]
            hidden = s.current.reason if s.current.reason in HIDDEN else None
            rows.append([d.key, d.name, d.outcome, d.n, s.key, s.text, s.reverse, s.dont_know, s.seen,
                         s.dont_know_share,
                         *_frame(s.current, values), *_frame(s.desired, values), *_frame(s.previous, values), s.gap,
                         None if c is None else c.difference, *ci, *p, s.favourable_change, hidden is not None,
                         hidden])
    return rows


def item_profile_csv(report: ItemProfileReport | ItemProfileUnits) -> Table:
    """One row per statement; with `level=children`, per child unit (`unit_id`, `unit_name` first)."""
    if isinstance(report, ItemProfileReport):
        values = _values([report])
        return Table("statements", _header(values), _rows(report, values))
    values = _values(report.units)
    rows = [[str(u.group.unit_id), u.group.unit_name, *row] for u in report.units for row in _rows(u, values)]
    return Table("statements", ["unit_id", "unit_name", *_header(values)], rows)


@router.get("/item-profile", name="get_item_profile", response_model=ItemProfileReport | ItemProfileUnits,
            responses=TABLE_RESPONSES)
def get_item_profile(
    ctx: ReportDep, out: ExportDep, session: SessionDep, lang: LangQuery = "en",
    level: Annotated[Literal["children"] | None, Query(
        description="`children`: the statements of each child unit of the scope in one answer (`units`), each "
                    "exactly as `unit_id=<that unit>` gives them; left out: the scope's own statements")] = None,
) -> Response | ItemProfileReport | ItemProfileUnits:
    """The statements of the scope (every layer together), per dimension: each statement's `n`, mean (as ticked)
    with its t-interval, the shares of favourable / neutral / unfavourable answers (keyed), the answers per scale
    point, and how many chose "don't know" (of those who saw it).

    - `desired` (when the survey asks how people would like it to be): the same figures in the desired frame, and
      `gap` = desired minus current mean, both keyed. Tests of the gaps: the `desired-gap` report.
    - `previous`: the same figures in the previous wave (the latest earlier-started wave of the questionnaire with
      published figures; statements matched by key), `change` its Welch comparison (Holm over every statement, as
      the `trend` report) and `favourable_change`.

    Anonymity: each figure rests on the respondents who answered every statement of the dimension in that frame and
    wave, and is shown only where the profile (and the desired gap, the trend) show that group -- the same figures
    those reports publish, never a statement over its own respondents. A hidden figure is null with `reason`.

    CSV (`format=csv`): one row per statement, `current_*`, `desired_*` and `previous_*` columns (with
    `level=children`, per child unit, `unit_id` and `unit_name` first)."""
    report: ItemProfileReport | ItemProfileUnits = (item_profile_children(session, ctx, lang) if level == "children"
                                                    else item_profile(session, ctx, lang))
    return out.respond(item_profile_csv(report)) if out.tabular else report
