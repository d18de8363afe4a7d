/* Findings in words: one plain sentence per difference whose verdict the dashboard shows (a perception gap, a team
   against the rest, desired versus current, a change between waves), with its figures behind a "details" toggle.
   The interval shown beside a verdict is the Holm-compatible one (`difference_ci_holm`, `gap_ci_holm`;
   app/stats/holm_ci.py): it excludes 0 exactly when the verdict says the difference is clear, so the two never
   contradict each other on screen. The unadjusted interval appears only in the details, labelled as such. */
import { el, fmt, fmtDiff, hidden, present } from "./dashboard-dom.js";
import { dimensionName } from "./dashboard-outcome.js";

const bound = (lang, x, sign) => (present(x) ? fmtDiff(lang, x) : `${sign}\u221e`);

/** The adjusted interval: "above 0, up to +0.72" where it is open at 0 (a clear difference: its direction is
    established, its size bounded on the far side only), else "[−0.10; +0.72]". */
export function fmtHolm(ctx, ci) {
  if (!ci) return "–";
  const [low, high] = [bound(ctx.lang, ci.low, "\u2212"), bound(ctx.lang, ci.high, "+")];
  if (ci.excludes_zero && ci.low === 0) return ctx.t("holmAbove", { bound: high });
  if (ci.excludes_zero && ci.high === 0) return ctx.t("holmBelow", { bound: low });
  return `[${low}; ${high}]`;
}

/** The interval a chart draws for an adjusted interval (missing bounds: none drawn). */
export const holmRange = (ci) => (ci ? { low: ci.low, high: ci.high } : null);

/** "this difference is clear (adjusted for 5 comparisons)"; "" without a verdict. */
export function verdictText(ctx, significant, family) {
  if (significant === null || significant === undefined) return "";
  const adjusted = family > 1 ? ctx.t("findingAdjusted", { m: family }) : "";
  return ctx.t(significant ? "findingClear" : "findingUnclear", { adjusted });
}

/** The statement part of the API's reading ("Team leaders rate openness 0.81 points higher than employees"),
    without its verdict (": a medium, non-significant difference."), which the dashboard words itself. */
export function readingBody(ctx, r) {
  const text = (r && (r[ctx.lang] || r.en)) || "";
  return text.replace(/: (a|an|een) [^:]*\.$/, "").replace(/\.$/, "");
}

/** Two decimals, as the figures beside the sentence: "+0.15" beside "0.1 points higher" (0.149 at one decimal)
    read as two different numbers. */
const twoDecimals = (ctx, x) => fmt(ctx.lang, Math.abs(x), 2);

/** "Openness scores 0.31 points higher than in Meting 2025" (the trend report gives no reading). */
export function changeBody(ctx, dimension, difference, wave) {
  if (!present(difference)) return "";
  const x = twoDecimals(ctx, difference);
  if (x === fmt(ctx.lang, 0, 2)) return ctx.t("changeSame", { dim: dimension, wave });
  return ctx.t(difference > 0 ? "changeHigher" : "changeLower", { dim: dimension, wave, x });
}

/**
 * A finding: `{body, label, significant, family, holm, raw, difference, means?, p?, effect?, n?}` (`label`: what a
 * screen reader hears after "Details") -> an <li> with the sentence
 * and a <details> of the figures. `holm`: the adjusted interval; `raw`: the unadjusted one (labelled so).
 */
export function finding(ctx, f) {
  const verdict = verdictText(ctx, f.significant, f.family);
  const sentence = verdict ? `${f.body}; ${verdict}.` : `${f.body}.`;
  const fmtRaw = (ci) => (ci && present(ci.low) && present(ci.high)
    ? `[${fmtDiff(ctx.lang, ci.low)}; ${fmtDiff(ctx.lang, ci.high)}]` : "–");
  const rows = [
    [ctx.t("difference"), fmtDiff(ctx.lang, f.difference) + (f.means ? ` (${f.means})` : ""), "finding-diff"],
    [ctx.t("ciAdjustedLong", { m: f.family || 1 }), fmtHolm(ctx, f.holm), "finding-ci-adjusted"],
    [ctx.t("ciUnadjusted"), fmtRaw(f.raw), "finding-ci-unadjusted"],
    f.p !== undefined ? [ctx.t("pAdjustedLong"), f.p, "finding-p"] : null,
    f.effect ? [ctx.t("effectSize"), ctx.t(`size.${f.effect}`), "finding-effect"] : null,
    f.n ? [ctx.t("respondents"), f.n, "finding-n"] : null,
  ].filter(Boolean);
  return el("li", { class: "finding", "data-significant": f.significant === true ? "true"
    : f.significant === false ? "false" : "" },
  el("p", { class: "finding-text", text: sentence }),
  el("details", { class: "finding-details" }, el("summary", {}, ctx.t("details"), f.label ? hidden(`: ${f.label}`) : null),
    el("dl", { class: "finding-figures" }, rows.map(([label, value, cls]) => el("div", { class: "finding-row" },
      el("dt", { text: label }), el("dd", { class: cls, text: value }))))));
}

/** The findings of a list of differences, as one list (null when there are none). */
export function findings(ctx, items, label) {
  const shown = items.filter((f) => f && f.body);
  return shown.length ? el("ul", { class: "findings", "aria-label": label || ctx.t("readings") },
    shown.map((f) => finding(ctx, f))) : null;
}

/** The figures a gap's one verdict rests on (`verdict_test`): the mixed model's where it is fitted (its difference,
    unadjusted interval, test and sentence), else Welch's. `significant` and `difference_ci_holm` already follow it. */
export function verdictOf(d) {
  const m = d.verdict_test === "mixed_model" ? d.mixed_model : null;
  return m ? { model: true, difference: m.difference, raw: m.difference_ci, test: m.test, reading: m.reading }
    : { model: false, difference: d.difference, raw: d.difference_ci, test: d.welch, reading: d.reading };
}

/** A finding of a two-group comparison (GapFigures of the perception and team gaps), `fmtP` from the gaps panel. */
export function gapFinding(ctx, d, fmtP) {
  const v = verdictOf(d);
  if (!present(v.difference)) return null;
  const holm = d.difference_ci_holm;
  return { body: readingBody(ctx, v.reading) || dimensionName(ctx, d), label: dimensionName(ctx, d), significant: d.significant,
    family: (holm && holm.family_size) || (v.test && v.test.family_size), holm, raw: v.raw,
    difference: v.difference,
    means: v.model ? null : `${fmt(ctx.lang, d.mean_a)} ${ctx.t("versus")} ${fmt(ctx.lang, d.mean_b)}`,
    p: fmtP(ctx.lang, v.test && v.test.p_adjusted), effect: d.effect_size,
    n: `${d.n_a ?? "–"} / ${d.n_b ?? "–"}` };
}
