/* DOM and SVG building blocks of the dashboard. Nodes are built with textContent and attributes only: no HTML is
   ever parsed from strings, and no style attribute is written (the CSP forbids them); the few computed colours and
   widths are set through the CSSOM (`node.style.x = ...`), which the CSP allows. */

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.setAttribute("class", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** Appends children to a node, skipping null, undefined and false, flattening arrays. */
export function add(node, ...children) {
  return append(node, children);
}

/** An HTML element: `el("td", {class: "num", text: "3.2"}, ...children)`. */
export function el(tag, attrs, ...children) {
  return append(apply(document.createElement(tag), attrs), children);
}

/** An SVG element. */
export function svg(tag, attrs, ...children) {
  return append(apply(document.createElementNS(SVG_NS, tag), attrs), children);
}

/** A piece of text only screen readers read. */
export function hidden(text) {
  return el("span", { class: "visually-hidden", text });
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

// --- shared pieces of the panels ------------------------------------------------------------------------------

const HIDDEN = new Set(["below_minimum", "protects_smaller_group", "not_published"]);

/** Whether a figure's `reason` says it is hidden to protect anonymity (not merely missing). */
export function isHidden(reason) {
  return HIDDEN.has(reason);
}

/** The text key of a hidden figure: `base` for too few respondents, `base.<reason>` for the other reasons. */
export function hiddenKey(base, reason) {
  return reason === "protects_smaller_group" || reason === "not_published" ? `${base}.${reason}` : base;
}

/** A hidden figure in a table cell: short on screen ("n < k"), its reason in words for screen readers. */
export function suppressedCell(ctx, reason, shortKey = null) {
  const long = ctx.t(hiddenKey("suppressedLong", reason), { k: ctx.k });
  const short = shortKey ? ctx.t(shortKey) : ctx.t(hiddenKey("suppressedShort", reason), { k: ctx.k });
  return el("span", { class: "suppressed-text", title: long },
    el("span", { "aria-hidden": "true", text: short }),
    hidden(long));
}

export function note(text, kind = "info") {
  return el("p", { class: `panel-note panel-note-${kind}`, text });
}

/** `hiddenKey` for a note on a hidden scope; the whole organisation below the minimum has no larger unit to choose,
    and words of its own (`<base>Organisation`). */
export function scopeKey(ctx, base, reason) {
  const key = hiddenKey(base, reason);
  return !ctx.scopeId && key === base ? `${base}Organisation` : key;
}

/** The note of a panel whose scope is hidden, with the reason. */
export function scopeNote(ctx, reason) {
  return note(ctx.t(scopeKey(ctx, "scopeSuppressed", reason), { k: ctx.k }), "suppressed");
}

// --- numbers -----------------------------------------------------------------------------------------------------

const formats = new Map();

function format(lang, digits, signed) {
  const key = `${lang}:${digits}:${signed}`;
  if (!formats.has(key)) {
    formats.set(key, new Intl.NumberFormat(lang === "nl" ? "nl-NL" : "en-GB", {
      minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: signed ? "exceptZero" : "auto",
    }));
  }
  return formats.get(key);
}

const present = (x) => typeof x === "number" && Number.isFinite(x);

/** A figure with `digits` decimals in the language's notation ("3.42" / "3,42"); "–" for a missing one. */
export function fmt(lang, x, digits = 2) {
  return present(x) ? format(lang, digits, false).format(x) : "–";
}

/** A difference with its sign ("+0.45", "−0.12"). */
export function fmtDiff(lang, x, digits = 2) {
  return present(x) ? format(lang, digits, true).format(x).replace("-", "\u2212") : "–";
}

/** A share 0..1 as a percentage ("72%"). */
export function fmtPct(lang, x) {
  return present(x) ? `${format(lang, 0, false).format(x * 100)}%` : "–";
}

/** A confidence interval "[3.10; 3.52]" (a semicolon: the Dutch decimal comma makes a comma ambiguous). */
export function fmtCi(lang, ci, signed = false) {
  if (!ci || !present(ci.low) || !present(ci.high)) return "–";
  const f = signed ? fmtDiff : fmt;
  return `[${f(lang, ci.low)}; ${f(lang, ci.high)}]`;
}

export { present };

// --- colour --------------------------------------------------------------------------------------------------------

/* ColorBrewer RdBu (9 classes): diverging and safe for the common colour-vision deficiencies. Low scores red,
   the scale's midpoint near-white, high scores blue. */
const RDBU = ["#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"];

function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function mix(a, b, t) {
  const [x, y] = [rgb(a), rgb(b)];
  return `#${x.map((v, i) => Math.round(v + (y[i] - v) * t).toString(16).padStart(2, "0")).join("")}`;
}

/** The diverging colour of `value` on [low, high] (clamped). */
export function diverging(value, low, high) {
  const t = Math.min(1, Math.max(0, (value - low) / (high - low))) * (RDBU.length - 1);
  const i = Math.min(RDBU.length - 2, Math.floor(t));
  return mix(RDBU[i], RDBU[i + 1], t - i);
}

function luminance(hex) {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white text, whichever contrasts more with `background`: at least 4.58:1 (pure black and white, where
    the two are equal, give the square root of 21), so always WCAG AA. */
export function inkOn(background) {
  const l = luminance(background);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
}
