/* The panels built on the profile reports: culture profile, response rates (the heatmap: dashboard-heatmap.js).
   A panel names the reports it needs (`requests`) and draws them (`render`) into its body; the page fetches,
   caches and redraws (on a change of language, selection or width). A suppressed group is drawn hatched with
   "n < k", never as a zero or an empty cell. Data-quality warnings are marked ⚠ on the figures they concern, with a
   pointer to the data-quality panel that says them in words. */
import {
  arrowLegend, changeArrow, changeSentences, chartTrend, dimensionChanges, trendRequest,
} from "./dashboard-arrows.js";
import { figure, intervalChart, legend, table } from "./dashboard-charts.js";
import {
  add, el, fmt, fmtCi, fmtPct, hidden, hiddenKey, isHidden, present, scopeNote, suppressedCell,
} from "./dashboard-dom.js";
import { rollupLine } from "./dashboard-notes.js";
import { dimensionName } from "./dashboard-outcome.js";
import { qualityRequest, severityOf, warningsOf, warnMark, warnNotes } from "./dashboard-quality.js";
import { statementLinks } from "./dashboard-statements.js";

/** The path of a unit above it ("Directie Ruimte › Wonen"), or "". */
function parentPath(group) {
  return (group.unit_path || []).slice(0, -1).join(" › ");
}

/** A unit's name, the path above it, and (with `ctx`) whose answers its figures include when not only its own. */
function unitLabel(group, ctx = null) {
  const parent = parentPath(group);
  return el("span", { class: "unit-label" }, el("span", { class: "unit-name", text: group.unit_name }),
    parent ? el("span", { class: "unit-parent", text: parent }) : null, ctx ? rollupLine(ctx, group) : null);
}

// --- culture profile -----------------------------------------------------------------------------------------------

export const profile = {
  id: "profile",
  requests: (ctx) => ({
    profile: ctx.report("profile", { lang: ctx.lang }), ...qualityRequest(ctx),
    // the organisation-wide means, as reference marks, when the scope is a unit
    ...(ctx.scopeId ? { heatmap: ctx.report("heatmap", { level: "tree", lang: ctx.lang }) } : {}),
    ...trendRequest(ctx), // the change since the previous wave, as arrows beside the scores
  }),
  optional: ["quality", "trend"],
  render(body, { profile: data, heatmap: heat, quality, trend }, ctx) {
    if (data.suppressed) return add(body, scopeNote(ctx, data.group.reason));
    // only where the profile shows the figure too (the trend's own maps agree; this is a second guard)
    const changes = dimensionChanges(trend);
    const changeOf = (d) => (present(d.mean) && !isHidden(d.reason) ? changes.get(d.key) || null : null);
    const wave = trend && trend.waves.length === 2 ? trend.waves[0].title : null;
    const refs = new Map((heat ? heat.columns : []).map((c) => [c.key, c.organisation_mean]));
    const showRef = ctx.scopeId && [...refs.values()].some(present);
    const of = (dimension) => warningsOf(quality, ctx.scopeId, null, dimension);
    const rows = data.dimensions.map((d) => ({
      label: dimensionName(ctx, d), value: d.mean, low: d.ci && d.ci.low, high: d.ci && d.ci.high, warn: severityOf(of(d.key)),
      suppressed: isHidden(d.reason), suppressedText: ctx.t(hiddenKey("suppressedLong", d.reason), { k: ctx.k }),
      ref: showRef ? refs.get(d.key) : null, trend: chartTrend(ctx, changeOf(d)),
      text: present(d.mean) && d.n !== null ? `${fmt(ctx.lang, d.mean)}  (${ctx.t("nIs", { n: d.n })})`
        : ctx.t("noFigure"),
    }));
    const caption = ctx.t("profileCaption");
    const chart = intervalChart({ rows, kind: "dot", domain: [ctx.scale.min, ctx.scale.max], width: ctx.width(body),
      label: `${caption}. ${ctx.t("chartNote")}`, lang: ctx.lang });
    const head = [ctx.t("dimension"), ctx.t("mean"), ctx.t("ci"), ctx.t("n"),
      ...(showRef ? [ctx.t("organisationMean")] : []), ...(wave ? [ctx.t("arrowColumn", { wave })] : [])];
    const arrow = (d) => { const found = changeOf(d); return found ? changeArrow(ctx, found.change, wave, d.key) : ctx.t("arrowNone"); };
    const tableRows = data.dimensions.map((d) => [[dimensionName(ctx, d), warnMark(ctx, of(d.key))], fmt(ctx.lang, d.mean),
      fmtCi(ctx.lang, d.ci),
      d.n === null ? suppressedCell(ctx, d.reason) : String(d.n), ...(showRef ? [fmt(ctx.lang, refs.get(d.key))] : []),
      ...(wave ? [arrow(d)] : [])]);
    add(body, 
      legend([{ mark: "dot", text: ctx.t("mean") }, { mark: "whisker", text: ctx.t("ci") },
        ...(showRef ? [{ mark: "ref", text: ctx.t("organisationMean") }] : [])]),
      figure(chart, table({ caption, head, rows: tableRows }), ctx.t("showTable")),
      changes.size ? [arrowLegend(ctx, wave),
        changeSentences(ctx, data.dimensions.map((d) => ({ name: dimensionName(ctx, d), found: changeOf(d) })))] : null,
      statementLinks(ctx, data.dimensions),
      warnNotes(ctx, of()));
  },
};

// --- response rates ------------------------------------------------------------------------------------------------

function rateBar(ctx, row) {
  if (isHidden(row.reason) || row.group.suppressed) {
    return el("span", { class: "rate-cell" }, el("span", { class: "rate-bar rate-bar-suppressed" },
      hidden(ctx.t(hiddenKey("suppressedLong", row.group.reason), { k: ctx.k }))), el("span", { class: "rate-value" }));
  }
  if (!present(row.rate)) { // a rate that would not be one (imports have no invitations): the reason instead
    return el("span", { class: "rate-none", text: ctx.t(`rateReason.${row.reason || "no_invitations"}`) });
  }
  const fill = el("span", { class: "rate-fill" });
  fill.style.width = `${Math.min(100, Math.max(0, row.rate * 100))}%`;
  return el("span", { class: "rate-cell" }, el("span", { class: "rate-bar", "aria-hidden": "true" }, fill),
    el("span", { class: "rate-value", text: fmtPct(ctx.lang, row.rate) }));
}

function rateTable(ctx, caption, rows, label, total) {
  const line = (row, name) => el("tr", {}, el("th", { scope: "row" }, name),
    // a hidden group's invitations are hidden with it: "n < k" there would read as fewer than k invited
    el("td", { class: "num" }, present(row.invited) ? String(row.invited)
      : suppressedCell(ctx, row.group.reason, "invitedHidden")),
    el("td", { class: "num" }, present(row.answered) ? String(row.answered) : suppressedCell(ctx, row.group.reason)),
    el("td", { class: "rate-col" }, rateBar(ctx, row)));
  return el("div", { class: "table-wrap" }, el("table", { class: "data-table rate-table" },
    el("caption", { class: "table-caption", text: caption }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: ctx.t(label) }),
      el("th", { scope: "col", class: "num", text: ctx.t("invited") }),
      el("th", { scope: "col", class: "num", text: ctx.t("answered") }),
      el("th", { scope: "col", class: "rate-col", text: ctx.t("rate") }))),
    el("tbody", {}, rows.map((row) => line(row, row.name))),
    total ? el("tfoot", {}, line(total, ctx.t("total"))) : null));
}

export const rates = {
  id: "rates",
  requests: (ctx) => ({ rates: ctx.report("response-rates", { level: "children" }) }),
  render(body, { rates: data }, ctx) { // no roll-up lines: the rates roll up by live counts, the figures may differ
    const units = data.units.map((r) => ({ ...r, name: unitLabel(r.group) }));
    const layers = data.layers.map((r) => ({ ...r, name: ctx.layerName(r.group.layer_key) }));
    add(body, el("div", { class: "rate-grid" },
      units.length ? rateTable(ctx, ctx.t("ratesCaption"), units, "unitCol", data.scope) : null,
      layers.length ? rateTable(ctx, ctx.t("ratesLayerCaption"), layers, "layer", units.length ? null : data.scope)
        : null));
  },
};
