"""CSV forms of the readiness summary and the data-quality warnings: the same figures as the JSON, one table each,
with the group columns and hidden reasons of the other reports' CSV (`profile_csv`)."""

from app.exports.tables import Cell, Table
from app.reports.figures import Interval, PValue
from app.reports.gaps_schemas import PairedGap
from app.reports.profile_csv import GROUP, group_cells
from app.reports.profile_schemas import DataQuality
from app.reports.readiness import Readiness
from app.reports.readings import Reading


def _p(test: PValue | None) -> Cell:
    return None if test is None else test.p_adjusted


def _ci(ci: Interval | None) -> list[Cell]:
    return [None, None] if ci is None else [ci.low, ci.high]


def _reading(r: Reading | None) -> list[Cell]:
    return [None, None] if r is None else [r.en, r.nl]


def _desired(g: PairedGap | None) -> list[Cell]:
    if g is None:
        return [None] * 6
    return [g.gap, *_ci(g.gap_ci), g.effect_size, _p(g.t_test), g.significant]


READINESS = ["section", "rank", "key", "name", "outcome", *GROUP, "compared_with", "mean", "ci_low", "ci_high", "gap",
             "gap_ci_low", "gap_ci_high", "effect_size", "p_adjusted", "significant", "reason", "reading_en",
             "reading_nl", "scale_min", "scale_max", "pomp", "metric"]


def readiness_csv(r: Readiness) -> Table:
    """One row per ranked dimension (`section` = `dimension`; `gap` = desired - current), per highlighted
    perception gap (`perception_gap`: the group is side a, `compared_with` names side b, `gap` = a - b), and per
    team (`most_ready_team` / `least_ready_team`: `mean` is the readiness index, `gap` its difference from the rest
    of the organisation), then per unit of leaders only (`leadership_unit`, not ranked: `rank` empty). A suppressed
    scope gives the scope row only, with its hidden reason. A dimension row also gives its scale and its mean as
    POMP (0..1); `metric` (every row) says whether the index and ranks combine raw means (`scale`) or POMP.
    `outcome`: the JSON's flag of a dimension or perception-gap row's dimension (false on readiness's culture
    dimensions); empty on team rows."""
    rows: list[list[Cell]] = []
    scope = group_cells(r.group)
    if r.suppressed:
        rows.append(["scope", None, None, None, None, *scope, *[None] * (len(READINESS) - 6 - len(GROUP)), r.metric])
    for d in r.dimensions:
        rows.append(["dimension", d.rank, d.key, d.name, d.outcome, *scope[:3], d.n, scope[4], None, d.mean, *_ci(d.ci),
                     *_desired(d.desired_gap), d.reason, *_reading(d.reading), d.scale_min, d.scale_max, d.pomp,
                     r.metric])
    for rank, h in enumerate(r.perception_gaps, 1):
        f = h.figures
        side = [str(h.a.unit_id) if h.a.unit_id else "", "/".join(h.a.unit_path), "+".join(h.a.layer_keys), f.n_a,
                h.a.reason]
        rows.append(["perception_gap", rank, f.key, f.name, f.outcome, *side, h.b.name, f.mean_a, None, None,
                     f.difference, *_ci(f.difference_ci), f.effect_size, _p(f.welch), f.significant, f.reason,
                     *_reading(f.reading), None, None, None, r.metric])
    for section, teams in (("most_ready_team", r.most_ready_teams), ("least_ready_team", r.least_ready_teams)):
        for rank, t in enumerate(teams, 1):
            rows.append([section, rank, None, "/".join(t.group.unit_path), None, *group_cells(t.group), None, t.index,
                         None, None, t.difference, None, None, None, None, None, t.reason, *_reading(t.reading),
                         None, None, None, r.metric])
    for t in r.leadership_units:
        rows.append(["leadership_unit", None, None, "/".join(t.group.unit_path), None, *group_cells(t.group), None,
                     t.index, None, None, t.difference, None, None, None, None, None, t.reason, *_reading(t.reading),
                     None, None, None, r.metric])
    return Table("readiness", READINESS, rows, split="section")


QUALITY = ["row", "code", "severity", *GROUP, "language", "dimension", "item", "figure", "value", "threshold",
           "evidence_n", "message_en", "message_nl"]


def quality_csv(q: DataQuality) -> Table:
    """One row per warning (`row` = `warning`), then one per item's "don't know" share of the scope
    (`row` = `dont_know`, `figure` = `dont_know_share`)."""
    rows: list[list[Cell]] = []
    for w in q.warnings:
        e = w.evidence
        rows.append(["warning", w.code, w.severity, *group_cells(w.group), w.language, w.dimension, w.item,
                     e.figure, e.value, e.threshold, e.n, w.message.en, w.message.nl])
    scope = group_cells(q.group)
    for d in q.dont_know:
        rows.append(["dont_know", None, None, *scope, None, d.dimension, d.item, "dont_know_share", d.share, None,
                     d.n, None, None])
    return Table("data-quality", QUALITY, rows, split="row")
