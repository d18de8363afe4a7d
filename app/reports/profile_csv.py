"""Tables (CSV, XLSX: `app.exports`) of the profile, breakdown, and heatmap reports: the same figures as the JSON,
with the JSON's `outcome` flag on every dimension row (a statement's row: its dimension's),
the same suppression (a hidden group has empty figure cells, `suppressed` = true and why in `hidden_reason`:
`below_minimum`, `protects_smaller_group` or `not_published`). Unit paths are `/`-separated; text that a
spreadsheet would run as a formula is prefixed with `'` in CSV."""

from app.exports.tables import Cell, Table
from app.reports.figures import GroupRef, Interval
from app.reports.profile_schemas import Breakdown, CultureProfile, Heatmap


def group_cells(g: GroupRef) -> list[Cell]:
    return [str(g.unit_id) if g.unit_id else "", "/".join(g.unit_path), g.layer_key or "", g.n, g.reason]


def _ci(ci: Interval | None) -> list[Cell]:
    return [None, None] if ci is None else [ci.low, ci.high]


GROUP = ["unit_id", "unit_path", "layer", "n", "hidden_reason"]
HIDDEN = ("below_minimum", "protects_smaller_group", "not_published")


def profile_csv(p: CultureProfile) -> Table:
    # one count column per scale point of any dimension (dimensions may have their own scales; an item's count
    # is empty on the points its scale doesn't have)
    values = sorted({a.value for d in p.dimensions for i in d.items for a in i.distribution})
    header = ["level", "dimension", "key", "name", "outcome", "n", "mean", "sd", "ci_low", "ci_high", "favourable",
              "unfavourable", "alpha", "alpha_ci_low", "alpha_ci_high", "omega", "dont_know",
              *[f"count_{v}" for v in values], "suppressed", "hidden_reason", "item_total_correlation",
              "alpha_if_deleted", "reading_en", "reading_nl"]
    rows: list[list[Cell]] = []
    if p.suppressed:
        rows.append(["scope", "", "", p.group.unit_name, *[None] * (len(header) - 10), True, p.group.reason,
                     None, None, None, None])
    for d in p.dimensions:
        rel = d.reliability
        alpha: list[Cell] = [None] * 4 if rel is None else [rel.alpha, *_ci(rel.alpha_ci), rel.omega]
        rows.append(["dimension", d.key, d.key, d.name, d.outcome, d.n, d.mean, d.sd, *_ci(d.ci), d.favourable,
                     d.unfavourable, *alpha, None, *[None] * len(values), d.reason in HIDDEN, _hidden(d.reason), None,
                     None, None, None])
        for i in d.items:
            given = {a.value: a.count for a in i.distribution}
            counts: list[Cell] = [given.get(v) for v in values]
            rows.append(["item", d.key, i.key, i.text, d.outcome, i.n, i.mean, None, *_ci(i.ci), i.favourable,
                         i.unfavourable, None, None, None, None, i.dont_know, *counts, i.reason in HIDDEN,
                         _hidden(i.reason), i.item_total_correlation, i.alpha_if_deleted,
                         i.reading.en if i.reading else None, i.reading.nl if i.reading else None])
    return Table("culture-profile", header, rows, split="level")


def _hidden(reason: str | None) -> str | None:
    return reason if reason in HIDDEN else None


def breakdown_csv(b: Breakdown) -> Table:
    header = ["row", *GROUP, "suppressed", "dimension", "outcome", "dimension_n", "mean", "ci_low", "ci_high",
              "diff_from_organisation", "dimension_hidden_reason"]
    rows: list[list[Cell]] = []
    for kind, groups in (("organisation", [b.organisation]), ("scope", [b.scope]), ("group", b.groups)):
        for g in groups:
            for d in g.dimensions:
                rows.append([kind, *group_cells(g.group), g.group.suppressed, d.key, d.outcome, d.n, d.mean, *_ci(d.ci),
                             d.diff_from_organisation, _hidden(d.reason)])
    return Table(f"breakdown-{b.by}", header, rows, split="row")


HEAT_COLUMN = ("n", "mean", "diff", "scale_min", "scale_max", "outcome")


def heatmap_csv(h: Heatmap) -> Table:
    """Per dimension its cell's figures, then its scale and outcome flag (the same on every row: a column's, so that
    a mean can be read against its own scale in a mixed questionnaire)."""
    header = [*GROUP, "suppressed", *[f"{c.key}_{what}" for c in h.columns for what in HEAT_COLUMN]]
    rows = [[*group_cells(r.group), r.group.suppressed,
             *[v for cell, c in zip(r.cells, h.columns, strict=True)
               for v in (cell.n, cell.mean, cell.diff_from_organisation, c.scale_min, c.scale_max, c.outcome)]]
            for r in h.rows]
    return Table("heatmap", header, rows)

