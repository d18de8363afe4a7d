/* Data quality: the warnings of the data-quality report (mis-keyed items, low reliability, straight-lining, many
   "don't know" answers). Each is said in words once, in the data-quality panel, grouped by kind with what it means
   for the reader and where its figures are marked; beside the figures they concern there is only a ⚠ mark (naming
   the kind) and, under the chart, one line pointing to that panel. */
import { table } from "./dashboard-charts.js";
import { add, el, fmt, fmtPct, hidden, note, scopeKey, suppressedCell } from "./dashboard-dom.js";
import { dimensionName } from "./dashboard-outcome.js";

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

/** A ⚠ beside a figure, the kinds of warning in words for screen readers (and as a tooltip); the warnings
    themselves are in the data-quality panel. */
export function warnMark(ctx, warnings) {
  if (!warnings.length) return null;
  const kinds = [...new Set(warnings.map((w) => ctx.t(`qualityKind.${w.code}`)))];
  const text = `${ctx.t("qualityNote")}: ${kinds.join("; ")}`;
  return el("span", { class: `warn-mark warn-${severityOf(warnings)}`, title: text },
    el("span", { "aria-hidden": "true", text: WARN }), hidden(text));
}

/** Under a chart whose figures carry ⚠ marks: one line pointing to the data-quality panel, where the warnings are
    said once (not again under every chart). */
export function warnNotes(ctx, warnings) {
  if (!warnings.length) return null;
  return el("p", { class: "warn-pointer" }, el("span", { class: "warn-glyph", "aria-hidden": "true", text: WARN }),
    el("a", { href: "#panel-quality", text: ctx.t("qualityPointer") }));
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

const CODE_ORDER = ["negative_item_total", "low_alpha", "straight_lining", "high_dont_know"];

/** The warnings by kind (`code`), the most severe kind first; within a kind, by the group they concern. */
export function byKind(warnings) {
  const kinds = new Map();
  for (const w of warnings) {
    if (!kinds.has(w.code)) kinds.set(w.code, []);
    kinds.get(w.code).push(w);
  }
  const rank = (items) => SEVERITY_ORDER.indexOf(severityOf(items));
  return [...kinds.entries()].sort(([a, x], [b, y]) => rank(x) - rank(y)
    || CODE_ORDER.indexOf(a) - CODE_ORDER.indexOf(b));
}

/** One line per group a kind of warning concerns: the group, what it is about (dimensions, or the statement), and
    the panel where its figures carry the ⚠ mark. */
function whereLines(ctx, items, shown, names) {
  const groups = new Map();
  for (const w of items) {
    const key = `${w.group.unit_id}|${w.group.layer_key}|${w.language}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(w);
  }
  return el("ul", { class: "quality-where" }, [...groups.values()].map((ws) => {
    const about = [...new Set(ws.map((w) => (w.item ? w.item : w.dimension ? names.get(w.dimension) || w.dimension
      : "")).filter(Boolean))];
    const where = shownIn(ws[0], ctx, shown);
    return el("li", { class: "quality-where-item" },
      el("span", { class: "quality-group-name", text: groupName(ctx, ws[0]) }),
      about.length ? el("span", { class: "quality-about", text: `: ${about.join(", ")}` }) : null,
      where ? el("a", { href: `#panel-${where}`, class: "warn-where",
        text: ctx.t("qualityShownIn", { panel: ctx.t(`${where}Title`) }) }) : null);
  }));
}

function kindBlock(ctx, code, items, shown, names) {
  const severity = severityOf(items);
  return el("li", { class: `quality-kind warn-${severity}`, "data-code": code },
    el("h3", { class: "quality-kind-title" },
      el("span", { class: `severity-tag severity-${severity}` },
        el("span", { "aria-hidden": "true", text: `${WARN} ` }), ctx.t(`severity.${severity}`)),
      el("span", { class: "quality-kind-name", text: ctx.t(`qualityKind.${code}`) })),
    el("p", { class: "quality-meaning" }, el("strong", { text: `${ctx.t("qualityMeaning")} ` }),
      ctx.t(`qualityMeans.${code}`)),
    whereLines(ctx, items, shown, names),
    el("details", { class: "quality-details" }, el("summary", { text: ctx.t("details") }),
      el("ul", { class: "quality-items" }, items.map((w) => el("li", { class: `quality-item warn-${w.severity}` },
        el("span", { class: "quality-message", text: message(ctx, w) }),
        el("span", { class: "quality-evidence", text: ` (${figureText(ctx, w.evidence)})` }))))));
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
  requests: (ctx) => ({ ...qualityRequest(ctx), heatmap: ctx.report("heatmap", { level: "tree", lang: ctx.lang }),
    gaps: ctx.report("perception-gaps", { lang: ctx.lang }) }), // the same requests as those panels': fetched once
  optional: ["heatmap", "gaps"],
  render(body, { quality: data, heatmap: heat, gaps }, ctx) {
    const shown = shownGroups(heat, gaps);
    const names = new Map((heat ? heat.columns : []).map((c) => [c.key, dimensionName(ctx, c)]));
    const kinds = byKind(data.warnings);
    add(body,
      data.suppressed ? note(ctx.t(scopeKey(ctx, "qualityScopeSuppressed", data.group.reason), { k: ctx.k }),
        "suppressed") : null,
      kinds.length ? el("p", { class: "quality-count", text: ctx.t(kinds.length === 1 ? "qualityKinds.one" : "qualityKinds.other", { count: kinds.length }) })
        : note(ctx.t("qualityNone")),
      kinds.length ? el("ul", { class: "quality-list" },
        kinds.map(([code, items]) => kindBlock(ctx, code, items, shown, names))) : null,
      data.dont_know.length ? dontKnowTable(ctx, data.dont_know, data.group.reason) : null,
      el("p", { class: "panel-foot", text: ctx.t("qualityFoot") }));
  },
};
