/* The heatmap (issue 15, item 3): three views of the scope, switched by buttons -
   - dimensions: every unit below the scope (directorates, departments, teams: `heatmap?level=tree`), parents
     collapsible, each cell coloured by its difference from the organisation's mean with the mean itself printed;
   - statements: each statement's mean in the scope's units (`item-profile?level=children`, one request), coloured
     by the difference from the parent unit (the scope; for a team, the organisation);
   - layers: each leadership layer of the scope (`breakdown?by=layer`), coloured against the organisation.
   With a previous wave, an arrow beside each score gives its direction since then (not a test: the trend panel
   tests the scope's changes). A hidden cell says why, hatched, never as a zero. */
import {
  add, diverging, el, fmt, fmtDiff, hidden, inkOn, note, present, suppressedCell,
} from "./dashboard-dom.js";
import { rollupLine } from "./dashboard-notes.js";
import { dimensionName } from "./dashboard-outcome.js";
import { qualityRequest, warningsOf, warnMark, warnNotes } from "./dashboard-quality.js";
import { earlierWaves } from "./dashboard-trend.js";

const VIEWS = ["dimensions", "items", "layers"];
/* Shares of a dimension's range (max - min), so a shade or an arrow means as much on 0-4 as on 1-7: on 1-5 they are
   half a point and 0.05 point. The printed figures stay in each dimension's points. */
const SPAN = 0.125; // the colour saturates at this share of the range from the reference
const FLAT = 0.0125; // a change smaller than this share of the range is drawn as "about the same"

/** The latest earlier wave of the same questionnaire with published figures, or null. */
export function previousWave(ctx) {
  const waves = earlierWaves(ctx).filter((s) => s.published_at);
  return waves.length ? waves[waves.length - 1] : null;
}

const view = (ctx) => (VIEWS.includes(ctx.choice("heatmap:view")) ? ctx.choice("heatmap:view") : "dimensions");

/* The statements view in two requests whatever the number of units: the reference's statements (the scope's: the
   statements panel asks the same) and every child unit's at once (`item-profile?level=children`). */
function unitsForItems(ctx) {
  const children = ctx.units.filter((u) => (u.parent_id || null) === (ctx.scopeId || null));
  if (children.length) return { reference: ctx.scopeId, parent: ctx.scopeId }; // the scope's units against the scope
  return { reference: null, self: ctx.scopeId }; // a team against the organisation
}

/** The columns of the statements view: [{unit: {id, name}, data}] from the children's answer (or the team's own). */
function itemColumns(results, plan) {
  if (plan.self !== undefined) {
    const own = results.unit;
    return own ? [{ unit: { id: own.group.unit_id, name: own.group.unit_name }, data: own }] : [];
  }
  return (results.children ? results.children.units : []).map((data) => ({
    unit: { id: data.group.unit_id, name: data.group.unit_name }, data }));
}

/** A trend arrow: direction of the change since the previous wave, its size in words for screen readers. */
export function trendArrow(ctx, now, before, wave, range) {
  if (!present(now) || !present(before)) return null;
  const change = now - before;
  const [glyph, kind] = Math.abs(change) < FLAT * range ? ["\u2192", "flat"] : change > 0 ? ["\u2191", "up"] : ["\u2193", "down"];
  const text = ctx.t("trendArrow", { change: fmtDiff(ctx.lang, change), wave: wave.title });
  return el("span", { class: `trend-arrow trend-${kind}`, title: text },
    el("span", { "aria-hidden": "true", text: glyph }), hidden(text));
}

/** A heatmap cell; `range`: its dimension's max - min (the colour is the difference as a share of it). */
function cell(ctx, figure, reference, arrow, warnings, range) {
  if (figure.suppressed || (figure.reason && !present(figure.mean) && figure.reason !== "all_missing")) {
    return el("td", { class: "heat-cell heat-suppressed" }, suppressedCell(ctx, figure.reason));
  }
  if (!present(figure.mean)) return el("td", { class: "heat-cell heat-empty" }, "\u2013", hidden(ctx.t("noFigure")));
  // the report's own difference where it gives one (the organisation's), else from the two published means
  const relative = present(figure.diff_from_organisation) && reference === figure.organisation_ref
    ? figure.diff_from_organisation : present(reference) ? figure.mean - reference : null;
  const td = el("td", { class: "heat-cell", "data-mean": figure.mean },
    el("span", { class: "heat-abs" }, fmt(ctx.lang, figure.mean), arrow, warnMark(ctx, warnings || [])),
    present(relative) ? el("span", { class: "heat-rel", text: fmtDiff(ctx.lang, relative) }) : null);
  if (present(relative)) {
    const colour = diverging(relative / range, -SPAN, SPAN);
    td.style.backgroundColor = colour;
    td.style.color = inkOn(colour);
  }
  return td;
}

/** The ramp's ends: in points on one scale, as a share of each scale where the dimensions' scales differ. */
function heatLegend(ctx, against) {
  const points = SPAN * ctx.range(null);
  const end = (sign) => (ctx.uniformScale() ? fmtDiff(ctx.lang, sign * points, Number.isInteger(points * 10) ? 1 : 2)
    : ctx.t("legendShare", { share: `${sign < 0 ? "\u2212" : "+"}${fmt(ctx.lang, SPAN * 100, 1)}%` }));
  return el("div", { class: "heat-legend", "aria-hidden": "true" },
    el("span", { class: "heat-legend-end", text: `${end(-1)} ${ctx.t("legendLow")}` }),
    el("span", { class: "heat-legend-ramp" }),
    el("span", { class: "heat-legend-end", text: `${end(1)} ${ctx.t("legendHigh")}` }),
    el("span", { class: "heat-legend-suppressed" },
      el("span", { class: "legend-mark legend-suppressed" }), ctx.t("legendSuppressed", { k: ctx.k })),
    el("span", { class: "heat-legend-note", text: against }));
}

function switcher(ctx, current) {
  const group = el("div", { class: "heat-switch", role: "group", "aria-label": ctx.t("heatView") },
    VIEWS.map((v) => {
      const button = el("button", { type: "button", id: `heat-view-${v}`, "aria-pressed": String(v === current),
        text: ctx.t(`heatView.${v}`) });
      button.addEventListener("click", () => ctx.choose("heatmap:view", v));
      return button;
    }));
  return el("div", { class: "heat-tools" }, group);
}

function scroll(ctx, caption, head, body, foot) {
  return el("div", { class: "heat-scroll", role: "region", tabindex: "0", "aria-label": caption },
    el("table", { class: "heat-table" }, el("caption", { class: "visually-hidden", text: caption }),
      el("thead", {}, head), el("tbody", {}, body), foot || null));
}

// --- dimensions: the unit tree -----------------------------------------------------------------------------------

const columnRange = (column) => column.scale_max - column.scale_min;

function collapsed(ctx) {
  return new Set(ctx.choice("heatmap:collapsed") || []);
}

function toggle(ctx, unitId) {
  const set = collapsed(ctx);
  if (set.has(unitId)) set.delete(unitId);
  else set.add(unitId);
  ctx.choose("heatmap:collapsed", [...set]);
}

function dimensionsView(ctx, data, previous, quality, wave) {
  // an arrow only where the previous wave asked the dimension on the same scale (docs/scales.md)
  const sameScale = new Set((previous ? previous.columns : []).filter((p) => data.columns.some((c) => c.key === p.key
    && c.scale_min === p.scale_min && c.scale_max === p.scale_max)).map((p) => p.key));
  const base = data.rows.length ? Math.min(...data.rows.map((r) => r.group.unit_path.length)) : 0;
  const parents = new Set(data.rows.map((r) => r.group.unit_path.slice(0, -1).join("\u0000")));
  const closed = collapsed(ctx);
  const before = new Map((previous ? previous.rows : []).map((r) => [r.group.unit_id,
    new Map(r.cells.map((c) => [c.dimension, c.mean]))]));
  const hiddenBelow = (row) => data.rows.some((other) => closed.has(other.group.unit_id)
    && row.group.unit_path.length > other.group.unit_path.length
    && other.group.unit_path.every((name, i) => row.group.unit_path[i] === name));
  const head = el("tr", {}, el("th", { scope: "col", class: "heat-corner", text: ctx.t("unitCol") }),
    data.columns.map((c) => el("th", { scope: "col", class: "heat-col" }, el("span", { text: dimensionName(ctx, c) }))),
    el("th", { scope: "col", class: "num heat-n", text: ctx.t("n") }));
  const rows = data.rows.filter((row) => !hiddenBelow(row)).map((row) => {
    const depth = row.group.unit_path.length - base;
    const isParent = parents.has(row.group.unit_path.join("\u0000"));
    const open = !closed.has(row.group.unit_id);
    const button = isParent ? el("button", { type: "button", class: "heat-toggle", "aria-expanded": String(open),
      id: `heat-toggle-${row.group.unit_id}`, title: ctx.t(open ? "heatCollapse" : "heatExpand", { unit: row.group.unit_name }) },
    el("span", { "aria-hidden": "true", text: open ? "\u25be" : "\u25b8" }),
    hidden(ctx.t(open ? "heatCollapse" : "heatExpand", { unit: row.group.unit_name }))) : null;
    if (button) button.addEventListener("click", () => toggle(ctx, row.group.unit_id));
    const was = before.get(row.group.unit_id);
    const of = (dimension) => warningsOf(quality, row.group.unit_id, null, dimension);
    return el("tr", { class: `heat-level-${Math.min(depth, 2)}${isParent ? " heat-parent" : ""}`,
      "data-unit": row.group.unit_id },
    el("th", { scope: "row", class: "heat-row" }, el("div", { class: "heat-row-inner" }, button,
      el("span", { class: "unit-label" }, el("span", { class: "unit-name", text: row.group.unit_name }),
        rollupLine(ctx, row.group)))),
    row.cells.map((c, i) => cell(ctx, { ...c, organisation_ref: data.columns[i].organisation_mean },
      data.columns[i].organisation_mean,
      was && !c.suppressed && sameScale.has(c.dimension)
        ? trendArrow(ctx, c.mean, was.get(c.dimension), wave, columnRange(data.columns[i])) : null,
      of(c.dimension), columnRange(data.columns[i]))),
    el("td", { class: "num heat-n" }, row.group.suppressed ? suppressedCell(ctx, row.group.reason)
      : String(row.group.n)));
  });
  const foot = data.columns.some((c) => present(c.organisation_mean)) ? el("tfoot", {}, el("tr", {},
    el("th", { scope: "row", class: "heat-row", text: ctx.t("organisationMean") }),
    data.columns.map((c) => el("td", { class: "num heat-ref", text: fmt(ctx.lang, c.organisation_mean) })),
    el("td", { class: "heat-n" }))) : null;
  const warned = data.rows.filter((r) => !r.group.suppressed).flatMap((r) => warningsOf(quality, r.group.unit_id, null));
  return [heatLegend(ctx, ctx.t("heatAgainstOrg")), scroll(ctx, ctx.t("heatmapCaption"), head, rows, foot),
    warnNotes(ctx, warned)];
}

// --- statements: the scope's units ------------------------------------------------------------------------------

function itemsView(ctx, results, plan) {
  const reference = results.reference;
  const columns = itemColumns(results, plan);
  const refStatements = new Map((reference && !reference.suppressed ? reference.dimensions : [])
    .flatMap((d) => d.statements.map((s) => [s.key, s.current])));
  const dims = (reference && reference.dimensions) || (columns[0] && columns[0].data && columns[0].data.dimensions) || [];
  const head = el("tr", {}, el("th", { scope: "col", class: "heat-corner", text: ctx.t("statement") }),
    el("th", { scope: "col", class: "heat-col" }, el("span", { text: reference ? reference.group.unit_name : "" })),
    columns.map((c) => el("th", { scope: "col", class: "heat-col" }, el("span", { text: c.unit.name }))));
  const find = (data, key) => {
    if (!data || data.suppressed) return { suppressed: true, reason: data ? data.group.reason : "below_minimum" };
    for (const d of data.dimensions) {
      const s = d.statements.find((x) => x.key === key);
      if (s) return s.current ? { ...s.current, suppressed: Boolean(s.current.reason && !present(s.current.mean)) }
        : { suppressed: true, reason: d.reason };
    }
    return { mean: null };
  };
  const rows = dims.flatMap((d) => [
    el("tr", { class: "heat-group" }, el("th", { scope: "rowgroup", colspan: String(columns.length + 2),
      class: "heat-group-name", text: dimensionName(ctx, d) })),
    ...d.statements.map((s) => {
      const ref = refStatements.get(s.key);
      const refMean = ref && present(ref.mean) ? ref.mean : null;
      return el("tr", {}, el("th", { scope: "row", class: "heat-row heat-statement", text: s.text }),
        cell(ctx, find(reference, s.key), null, null, null, ctx.range(d.key)),
        columns.map((c) => cell(ctx, find(c.data, s.key), refMean, null, null, ctx.range(d.key))));
    })]);
  return [heatLegend(ctx, ctx.t("heatAgainstParent", { unit: reference ? reference.group.unit_name : "" })),
    scroll(ctx, ctx.t("heatItemsCaption"), head, rows)];
}

// --- layers -----------------------------------------------------------------------------------------------------

function layersView(ctx, data, columns) {
  const head = el("tr", {}, el("th", { scope: "col", class: "heat-corner", text: ctx.t("layer") }),
    columns.map((c) => el("th", { scope: "col", class: "heat-col" }, el("span", { text: dimensionName(ctx, c) }))),
    el("th", { scope: "col", class: "num heat-n", text: ctx.t("n") }));
  const orgMeans = new Map(data.organisation.dimensions.map((d) => [d.key, d.mean]));
  const rows = data.groups.map((g) => el("tr", {},
    el("th", { scope: "row", class: "heat-row" }, el("span", { class: "unit-name",
      text: ctx.layerName(g.group.layer_key) })),
    g.dimensions.map((d) => cell(ctx, { ...d, suppressed: g.group.suppressed || Boolean(d.reason && !present(d.mean)
      && d.reason !== "all_missing"), reason: g.group.suppressed ? g.group.reason : d.reason },
    orgMeans.get(d.key), null, null, ctx.range(d.key))),
    el("td", { class: "num heat-n" }, g.group.suppressed ? suppressedCell(ctx, g.group.reason) : String(g.group.n))));
  return [heatLegend(ctx, ctx.t("heatAgainstOrg")), scroll(ctx, ctx.t("heatLayersCaption"), head, rows)];
}

export const heatmap = {
  id: "heatmap",
  requests(ctx) {
    const current = view(ctx);
    if (current === "items") {
      const plan = unitsForItems(ctx);
      const reference = ctx.reportAt(plan.reference, "item-profile", { lang: ctx.lang });
      if (plan.self !== undefined) {
        return { reference, unit: ctx.reportAt(plan.self, "item-profile", { lang: ctx.lang }) };
      }
      return { reference, children: ctx.reportAt(plan.parent, "item-profile", { level: "children", lang: ctx.lang }) };
    }
    if (current === "layers") return { layers: ctx.report("breakdown", { by: "layer", lang: ctx.lang }) };
    const wave = previousWave(ctx);
    return { heatmap: ctx.report("heatmap", { level: "tree", lang: ctx.lang }), ...qualityRequest(ctx),
      ...(wave ? { previous: ctx.reportAt(ctx.scopeId, "heatmap", { level: "tree", lang: ctx.lang }, wave.id) } : {}) };
  },
  optional: ["quality", "previous"],
  render(body, results, ctx) {
    const current = view(ctx);
    add(body, switcher(ctx, current));
    if (current === "items") return add(body, itemsView(ctx, results, unitsForItems(ctx)));
    if (current === "layers") {
      const columns = results.layers.scope.dimensions.map((d) => ({ key: d.key, name: d.name, outcome: d.outcome }));
      return add(body, layersView(ctx, results.layers, columns));
    }
    const data = results.heatmap;
    if (!data.rows.length) return add(body, note(ctx.t("heatmapEmpty")));
    return add(body, dimensionsView(ctx, data, results.previous, results.quality, previousWave(ctx)));
  },
};
