/* Data quality: the warnings of the data-quality report (mis-keyed items, low reliability, straight-lining, many
   "don't know" answers), shown twice: beside the figures they concern (a ⚠ mark on the figure and the warning in
   words right under the chart, by the panels that draw those figures), and all together in the data-quality panel,
   each saying where its figure is shown. */
import { table } from "./dashboard-charts.js";
import { add, el, fmt, fmtPct, hidden, hiddenKey, note, suppressedCell } from "./dashboard-dom.js";

export const WARN = "\u26a0";
const SEVERITY_ORDER = ["critical", "warning", "info"];

/** The data-quality request every panel that marks figures adds (optional: the figures stand without it). */
export const qualityRequest = (ctx) => ({ quality: ctx.report("data-quality") });

function sameGroup(w, unitId, layerKey) {
  return (w.group.unit_id || null) === (unitId || null) && (w.group.layer_key || null) === (layerKey || null);
}

/** The warnings about a group (unit id or null for the organisation; a layer key or null for every layer), on one
    dimension (`dimension`: its key), or about the group as a whole (`dimension: null`); all of them when left out. */
export function warningsOf(report, unitId, layerKey, dimension) {
  if (!report) return [];
  return report.warnings.filter((w) => sameGroup(w, unitId, layerKey)
    && (dimension === undefined || (w.dimension || null) === dimension));
}

/** The highest severity among `warnings` ("critical", "warning", "info"), or null. */
export function severityOf(warnings) {
  return SEVERITY_ORDER.find((s) => warnings.some((w) => w.severity === s)) || null;
}

const message = (ctx, w) => w.message[ctx.lang] || w.message.en;

/** A ⚠ beside a figure, the warnings in words for screen readers (and as a tooltip). */
export function warnMark(ctx, warnings) {
  if (!warnings.length) return null;
  const text = `${ctx.t("qualityNote")}: ${warnings.map((w) => message(ctx, w)).join(" ")}`;
  return el("span", { class: `warn-mark warn-${severityOf(warnings)}`, title: text },
    el("span", { "aria-hidden": "true", text: WARN }), hidden(text));
}

/** The warnings in words, right under the figure they concern, each with its n. */
export function warnNotes(ctx, warnings) {
  if (!warnings.length) return null;
  return el("ul", { class: "warn-notes", "aria-label": ctx.t("qualityNotes") }, warnings.map((w) => el("li", {
    class: `warn-note warn-${w.severity}` },
  el("span", { class: "warn-glyph", "aria-hidden": "true", text: WARN }),
  el("span", {}, el("strong", { text: `${ctx.t(`severity.${w.severity}`)}: ` }), message(ctx, w),
    ` (${ctx.t("nIs", { n: w.evidence.n })})`))));
}

/** Where the dashboard marks the figure a warning is about (the scope's profile, a team's heatmap row, a layer's
    perception-gap chart): a panel id, or null when it shows that group's figures nowhere. */
function shownIn(w, ctx, shown) {
  if (w.group.layer_key) return shown.layers.has(w.group.layer_key) ? "perception" : null;
  if ((w.group.unit_id || null) === (ctx.scopeId || null)) return "profile";
  return shown.teams.has(w.group.unit_id) ? "heatmap" : null;
}

/** The teams and layers whose figures the heatmap and the perception-gap charts show. */
function shownGroups(heat, gaps) {
  const visible = (gaps ? gaps.comparisons : []).filter((c) => !c.suppressed);
  return {
    teams: new Set((heat ? heat.rows : []).filter((r) => !r.group.suppressed).map((r) => r.group.unit_id)),
    layers: new Set(visible.flatMap((c) => [c.a, c.b]).filter((side) => side.layer_keys.length === 1)
      .map((side) => side.layer_keys[0])),
  };
}

function groupName(ctx, w) {
  const name = w.group.layer_key ? `${w.group.unit_name}, ${ctx.layerName(w.group.layer_key)}` : w.group.unit_name;
  return w.language ? `${name} (${w.language})` : name;
}

function figureText(ctx, evidence) {
  const share = evidence.figure.endsWith("share");
  const f = (x) => (share ? fmtPct(ctx.lang, x) : fmt(ctx.lang, x));
  return `${ctx.t(`figure.${evidence.figure}`, { value: f(evidence.value), threshold: f(evidence.threshold) })}`
    + ` · ${ctx.t("nIs", { n: evidence.n })}`;
}

/** The warnings grouped by the group they concern, the group with the most severe warning first. */
function byGroup(warnings) {
  const sorted = [...warnings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const groups = new Map();
  for (const w of sorted) {
    const key = `${w.group.unit_id}|${w.group.layer_key}|${w.language}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(w);
  }
  return [...groups.values()];
}

function groupBlock(ctx, items, where) {
  const link = where ? el("a", { href: `#panel-${where}`, class: "warn-where",
    text: ctx.t("qualityShownIn", { panel: ctx.t(`${where}Title`) }) }) : null;
  return el("li", { class: "quality-group-block" },
    el("h3", { class: "quality-group" }, el("span", { text: groupName(ctx, items[0]) }), link),
    el("ul", { class: "quality-items" }, items.map((w) => el("li", { class: `quality-item warn-${w.severity}` },
      el("p", { class: "quality-line" },
        el("span", { class: `severity-tag severity-${w.severity}` },
          el("span", { "aria-hidden": "true", text: `${WARN} ` }), ctx.t(`severity.${w.severity}`)),
        el("span", { class: "quality-message", text: message(ctx, w) })),
      el("p", { class: "quality-evidence", text: figureText(ctx, w.evidence) })))));
}

function dontKnowTable(ctx, rows, reason) {
  const cells = rows.map((r) => [r.item, r.suppressed ? { span: 3, content: suppressedCell(ctx, reason) }
    : String(r.dont_know), ...(r.suppressed ? [] : [fmtPct(ctx.lang, r.share), String(r.n)])]);
  return el("details", { class: "table-toggle" }, el("summary", { text: ctx.t("dontKnowShow") }),
    table({ caption: ctx.t("dontKnowCaption"), head: [ctx.t("item"), ctx.t("dontKnow"), ctx.t("share"), ctx.t("n")],
      rows: cells }));
}

export const quality = {
  id: "quality",
  requests: (ctx) => ({ ...qualityRequest(ctx), heatmap: ctx.report("heatmap", { level: "teams", lang: ctx.lang }),
    gaps: ctx.report("perception-gaps", { lang: ctx.lang }) }), // the same requests as those panels': fetched once
  optional: ["heatmap", "gaps"],
  render(body, { quality: data, heatmap: heat, gaps }, ctx) {
    const shown = shownGroups(heat, gaps);
    const warnings = data.warnings;
    const counts = SEVERITY_ORDER.map((s) => [s, warnings.filter((w) => w.severity === s).length]).filter(([, c]) => c);
    add(body,
      data.suppressed ? note(ctx.t(hiddenKey("qualityScopeSuppressed", data.group.reason), { k: ctx.k }),
        "suppressed") : null,
      warnings.length
        ? el("p", { class: "quality-count", text: ctx.t("qualityCount", { count: warnings.length,
          detail: counts.map(([s, c]) => `${ctx.t(`severity.${s}`).toLowerCase()} ${c}`).join(", ") }) })
        : note(ctx.t("qualityNone")),
      warnings.length ? el("ul", { class: "quality-list" },
        byGroup(warnings).map((items) => groupBlock(ctx, items, shownIn(items[0], ctx, shown)))) : null,
      data.dont_know.length ? dontKnowTable(ctx, data.dont_know, data.group.reason) : null,
      el("p", { class: "panel-foot", text: ctx.t("qualityFoot") }));
  },
};
