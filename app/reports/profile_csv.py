"""CSV forms of the profile, breakdown, and heatmap reports: the same figures as the JSON, the same
suppression (a hidden group has empty figure cells, `suppressed` = true and why in `hidden_reason`: `below_minimum`,
`protects_smaller_group` or `not_published`). Unit paths are `/`-separated; text that a spreadsheet would run as a
formula is prefixed with `'`."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import Response

from app.reports.figures import GroupRef, Interval
from app.reports.profile_schemas import Breakdown, CultureProfile, Heatmap

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "JSON, or with `format=csv` the same table as CSV",
          "content": {"text/csv": {"schema": {"type": "string"}}}}}

Cell = str | int | float | bool | None


def _text(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value) if isinstance(value, str) else value


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Cell]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def group_cells(g: GroupRef) -> list[Cell]:
    return [str(g.unit_id) if g.unit_id else "", "/".join(g.unit_path), g.layer_key or "", g.n, g.reason]


def _ci(ci: Interval | None) -> list[Cell]:
    return [None, None] if ci is None else [ci.low, ci.high]


GROUP = ["unit_id", "unit_path", "layer", "n", "hidden_reason"]
HIDDEN = ("below_minimum", "protects_smaller_group", "not_published")


def profile_csv(p: CultureProfile) -> Response:
    shown = next((i for d in p.dimensions for i in d.items if i.distribution), None)
    values = [a.value for a in shown.distribution] if shown else []
    header = ["level", "dimension", "key", "name", "n", "mean", "sd", "ci_low", "ci_high", "favourable",
              "unfavourable", "alpha", "alpha_ci_low", "alpha_ci_high", "omega", "dont_know",
              *[f"count_{v}" for v in values], "suppressed", "hidden_reason"]
    rows: list[list[Cell]] = []
    if p.suppressed:
        rows.append(["scope", "", "", p.group.unit_name, *[None] * (len(header) - 6), True, p.group.reason])
    for d in p.dimensions:
        rel = d.reliability
        alpha: list[Cell] = [None] * 4 if rel is None else [rel.alpha, *_ci(rel.alpha_ci), rel.omega]
        rows.append(["dimension", d.key, d.key, d.name, d.n, d.mean, d.sd, *_ci(d.ci), d.favourable, d.unfavourable,
                     *alpha, None, *[None] * len(values), d.reason in HIDDEN, _hidden(d.reason)])
        for i in d.items:
            counts: list[Cell] = [a.count for a in i.distribution] if i.distribution else [None] * len(values)
            rows.append(["item", d.key, i.key, i.text, i.n, i.mean, None, *_ci(i.ci), i.favourable, i.unfavourable,
                         None, None, None, None, i.dont_know, *counts, i.reason in HIDDEN, _hidden(i.reason)])
    return csv_response(header, rows, "culture-profile")


def _hidden(reason: str | None) -> str | None:
    return reason if reason in HIDDEN else None


def breakdown_csv(b: Breakdown) -> Response:
    header = ["row", *GROUP, "suppressed", "dimension", "dimension_n", "mean", "ci_low", "ci_high",
              "diff_from_organisation", "dimension_hidden_reason"]
    rows: list[list[Cell]] = []
    for kind, groups in (("organisation", [b.organisation]), ("scope", [b.scope]), ("group", b.groups)):
        for g in groups:
            for d in g.dimensions:
                rows.append([kind, *group_cells(g.group), g.group.suppressed, d.key, d.n, d.mean, *_ci(d.ci),
                             d.diff_from_organisation, _hidden(d.reason)])
    return csv_response(header, rows, f"breakdown-{b.by}")


def heatmap_csv(h: Heatmap) -> Response:
    header = [*GROUP, "suppressed", *[f"{c.key}_{what}" for c in h.columns for what in ("n", "mean", "diff")]]
    rows = [[*group_cells(r.group), r.group.suppressed,
             *[v for c in r.cells for v in (c.n, c.mean, c.diff_from_organisation)]] for r in h.rows]
    return csv_response(header, rows, "heatmap")

