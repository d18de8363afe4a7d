/* Hand-written SVG charts, drawn at the width of their container (redrawn when it changes), so text stays at its
   CSS size on a phone and on a laptop. Each chart is one <svg role="img"> whose label says the figures follow in a
   table: the panels always add that table (a <details> under the chart). */
import { el, fmt, present, svg } from "./dashboard-dom.js";

const ROW = 50; // px per row: the label line above, the mark below
const AXIS = 26;
const PAD = 4; // around the labels
const INSET = 22; // around the plot, room for the first and last tick label
let hatchCount = 0;

/** Evenly spaced "nice" tick values covering [lo, hi], and the decimals their step needs. */
export function ticks(lo, hi, target = 5) {
  const span = hi - lo;
  const raw = span / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => span / s <= target + 1) || raw;
  const values = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) values.push(Math.round(v * 1e6) / 1e6);
  let digits = 0;
  while (digits < 3 && Math.abs(Math.round(step * 10 ** digits) - step * 10 ** digits) > 1e-6) digits += 1;
  return { values, digits };
}

function hatch(defs) {
  hatchCount += 1;
  const id = `hatch-${hatchCount}`;
  defs.append(svg("pattern", { id, patternUnits: "userSpaceOnUse", width: 8, height: 8,
    patternTransform: "rotate(45)" },
  svg("rect", { width: 8, height: 8, class: "hatch-bg" }),
  svg("line", { x1: 0, y1: 0, x2: 0, y2: 8, class: "hatch-line" })));
  return `url(#${id})`;
}

/**
 * Rows of intervals on a common axis.
 *
 * options.rows: [{label, sublabel?, value, low, high, text (right-hand figure), ref? (a reference value, drawn as
 *   an open diamond), suppressed?, suppressedText?, significant?, missingText?, warn? (a data-quality severity:
 *   a ⚠ after the label; the warning itself is written under the chart), trend? ({glyph, kind, clear}: an arrow
 *   right of the track, dashboard-arrows.js)}]
 * options.kind: "dot" (a mean on the scale) or "bar" (a difference, a bar from zero).
 * options.domain: [lo, hi]; options.width: px; options.label: the chart's accessible name.
 */
export function intervalChart({ rows, kind, domain, width, label, lang, tickFormat }) {
  const [lo, hi] = domain;
  const w = Math.max(240, Math.floor(width));
  const h = rows.length * ROW + AXIS + 4;
  const x = (v) => INSET + ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (w - 2 * INSET);
  const root = svg("svg", { class: `chart chart-${kind}`, width: w, height: h, viewBox: `0 0 ${w} ${h}`,
    role: "img", "aria-label": label });
  const defs = svg("defs");
  root.append(defs);
  const fillHatched = rows.some((r) => r.suppressed) ? hatch(defs) : null;

  const grid = svg("g", { class: "grid", "aria-hidden": "true" });
  const { values, digits } = ticks(lo, hi);
  for (const v of values) {
    const gx = x(v);
    grid.append(svg("line", { x1: gx, x2: gx, y1: 22, y2: rows.length * ROW + 2,
      class: kind === "bar" && v === 0 ? "zero-line" : "grid-line" }));
    grid.append(svg("text", { x: gx, y: rows.length * ROW + 20, class: "tick", "text-anchor": "middle",
      text: tickFormat ? tickFormat(v, digits) : fmt(lang, v, digits) }));
  }
  root.append(grid);

  rows.forEach((row, i) => {
    const top = i * ROW;
    const y = top + 35;
    const g = svg("g", { class: `row${row.suppressed ? " row-suppressed" : ""}${row.significant ? " row-significant" : ""}` });
    const name = svg("text", { x: PAD, y: top + 16, class: "row-label" }, row.label);
    if (row.sublabel) name.append(svg("tspan", { class: "row-sublabel", dx: 6, text: row.sublabel }));
    if (row.warn) name.append(svg("tspan", { class: `row-warn warn-${row.warn}`, dx: 6, text: "\u26a0" }));
    g.append(name);
    g.append(svg("text", { x: w - PAD, y: top + 16, class: "row-value", "text-anchor": "end",
      text: row.suppressed ? row.suppressedText : (row.text || "") }));
    if (row.trend && !row.suppressed) { // a trend arrow right of the track (the figures are in the table)
      g.append(svg("text", { x: w - PAD, y: y + 5, "text-anchor": "end", "aria-hidden": "true",
        class: `row-trend trend-${row.trend.kind} trend-${row.trend.clear ? "clear" : "noise"}`, text: row.trend.glyph }));
    }
    if (row.suppressed) {
      g.append(svg("rect", { x: INSET, y: y - 8, width: w - 2 * INSET, height: 16, rx: 3, fill: fillHatched,
        class: "suppressed-band" }));
    } else if (!present(row.value)) {
      g.append(svg("line", { x1: INSET, x2: w - INSET, y1: y, y2: y, class: "track track-empty" }));
    } else {
      if (kind === "dot") {
        g.append(svg("line", { x1: INSET, x2: w - INSET, y1: y, y2: y, class: "track" }));
      } else {
        const [a, b] = [x(Math.min(0, row.value)), x(Math.max(0, row.value))];
        g.append(svg("rect", { x: a, y: y - 8, width: Math.max(1, b - a), height: 16, rx: 2,
          class: `bar ${row.value >= 0 ? "bar-positive" : "bar-negative"}` }));
      }
      if (present(row.low) && present(row.high)) {
        const [a, b] = [x(row.low), x(row.high)];
        g.append(svg("line", { x1: a, x2: b, y1: y, y2: y, class: "whisker" }));
        g.append(svg("line", { x1: a, x2: a, y1: y - 6, y2: y + 6, class: "whisker" }));
        g.append(svg("line", { x1: b, x2: b, y1: y - 6, y2: y + 6, class: "whisker" }));
      }
      if (present(row.ref)) {
        const r = x(row.ref);
        g.append(svg("path", { d: `M${r} ${y - 7}L${r + 7} ${y}L${r} ${y + 7}L${r - 7} ${y}Z`, class: "ref-mark" }));
      }
      if (kind === "dot") g.append(svg("circle", { cx: x(row.value), cy: y, r: 6, class: "dot" }));
    }
    root.append(g);
  });
  return root;
}

/** A figure: the chart, then a <details> with the same figures as a table. */
export function figure(chart, table, summaryText) {
  return el("figure", { class: "chart-figure" },
    el("div", { class: "chart-box" }, chart),
    el("details", { class: "table-toggle" }, el("summary", { text: summaryText }), table));
}

/** A table: caption (visually hidden when `hideCaption`), header cells and rows of cells (strings or nodes; a cell
    `{span: n, content}` covers n columns). */
export function table({ caption, head, rows, hideCaption = true, className = "" }) {
  const cap = el("caption", { class: hideCaption ? "visually-hidden" : "table-caption", text: caption });
  const thead = el("thead", {}, el("tr", {}, head.map((h, i) => el("th", { scope: "col",
    class: i === 0 ? "" : "num" }, h))));
  const tbody = el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c, i) => {
    if (i === 0) return el("th", { scope: "row" }, c);
    if (c && c.span) return el("td", { colspan: c.span, class: "cell-span" }, c.content);
    return el("td", { class: "num" }, c);
  }))));
  return el("div", { class: `table-wrap ${className}` }, el("table", { class: "data-table" }, cap, thead, tbody));
}

/** A key for chart marks: [{mark: "dot"|"ref"|"bar"|"suppressed"|"significant", text}]. */
export function legend(items) {
  return el("ul", { class: "legend" }, items.map(({ mark, text }) => el("li", {},
    el("span", { class: `legend-mark legend-${mark}`, "aria-hidden": "true" }), text)));
}
