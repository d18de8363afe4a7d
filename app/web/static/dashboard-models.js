/* The perception gaps' primary verdict and measurement invariance, in words (issue 17): per dimension of a layer
   comparison, the mixed model's sentence (a random intercept per team: the report's primary test; or why it could
   not be fitted) and whether the two layers read the statements alike. The sentences are the API's readings
   (`mixed_model.reading`/`explanation`, `invariance.reading`); the details give ICC, design effect, df, the
   adjusted p, the cluster-robust (CR2) check's unadjusted p and, where the model gives the verdict (`verdict_test`), the interval that agrees with it; the Welch
   finding below is then left out, so the verdict is said once. Its own strings live here so the shared string
   tables stay untouched. */
import { el, fmt, hidden, present } from "./dashboard-dom.js";
import { dimensionName } from "./dashboard-outcome.js";
import { fmtHolm } from "./dashboard-findings.js";

const STRINGS = Object.freeze({
  en: {
    title: "Taking the teams into account",
    label: "Primary verdict and reading alike: {a} versus {b}",
    details: "Details",
    icc: "Share of the variation between teams (ICC)",
    designEffect: "Design effect",
    df: "Degrees of freedom (Satterthwaite)",
    p: "p-value (adjusted)",
    teams: "Teams",
    robust: "Check without the team model (cluster-robust, CR2): p-value, unadjusted",
    robustValue: "{p} ({df} degrees of freedom)",
    cfi: "CFI configural / metric / scalar",
  },
  nl: {
    title: "Rekening houdend met de teams",
    label: "Belangrijkste oordeel en gelijk lezen: {a} tegenover {b}",
    details: "Details",
    icc: "Deel van de spreiding tussen teams (ICC)",
    designEffect: "Design-effect",
    df: "Vrijheidsgraden (Satterthwaite)",
    p: "p-waarde (gecorrigeerd)",
    teams: "Teams",
    robust: "Controle zonder teammodel (clusterrobuust, CR2): p-waarde, ongecorrigeerd",
    robustValue: "{p} ({df} vrijheidsgraden)",
    cfi: "CFI configuraal / metrisch / scalair",
  },
});

const say = (ctx, key, values = {}) => (STRINGS[ctx.lang] || STRINGS.en)[key]
  .replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
const text = (ctx, r) => (r && (r[ctx.lang] || r.en)) || "";
const fmtP = (lang, p) => (!present(p) ? "–" : p < 0.001 ? `< ${fmt(lang, 0.001, 3)}` : fmt(lang, p, 3));

function details(ctx, d) {
  const m = d.mixed_model;
  const inv = d.invariance;
  const ci = d.verdict_test === "mixed_model" ? d.difference_ci_holm : null; // the verdict's interval
  const rows = [
    ci ? [ctx.t("ciAdjustedLong", { m: ci.family_size }), fmtHolm(ctx, ci), "finding-ci-adjusted"] : null,
    m && m.fitted ? [say(ctx, "p"), fmtP(ctx.lang, m.test && m.test.p_adjusted), "model-p"] : null,
    m && m.fitted ? [say(ctx, "df"), fmt(ctx.lang, m.df, 1), "model-df"] : null,
    m && m.fitted ? [say(ctx, "icc"), fmt(ctx.lang, m.icc), "model-icc"] : null,
    m && m.fitted ? [say(ctx, "designEffect"), fmt(ctx.lang, m.design_effect), "model-deff"] : null,
    m && m.fitted ? [say(ctx, "teams"), String(m.n_clusters), "model-teams"] : null,
    m && m.fitted && m.cluster_robust && present(m.cluster_robust.p) ? [say(ctx, "robust"), say(ctx, "robustValue",
      { p: fmtP(ctx.lang, m.cluster_robust.p), df: fmt(ctx.lang, m.cluster_robust.df, 1) }), "model-robust"] : null,
    inv && inv.configural ? [say(ctx, "cfi"), [inv.configural, inv.metric, inv.scalar]
      .map((f) => fmt(ctx.lang, f && f.cfi, 3)).join(" / "), "model-cfi"] : null,
  ].filter(Boolean);
  return rows.length ? el("details", { class: "finding-details" },
    el("summary", {}, say(ctx, "details"), hidden(`: ${dimensionName(ctx, d)}`)),
    el("dl", { class: "finding-figures" }, rows.map(([label, value, cls]) => el("div", { class: "finding-row" },
      el("dt", { text: label }), el("dd", { class: cls, text: value }))))) : null;
}

/** The comparison's model sentences, one item per dimension with a model (null when there is none). */
export function modelFindings(ctx, comparison) {
  const items = comparison.dimensions.filter((d) => d.mixed_model || d.invariance).map((d) => {
    const m = d.mixed_model;
    const primary = m ? text(ctx, m.fitted ? m.reading : m.explanation) : "";
    return el("li", { class: "finding model-finding", "data-dimension": d.key,
      "data-significant": m && m.fitted ? String(m.significant === true) : "" },
    primary ? el("p", { class: "finding-text model-primary", text: primary }) : null,
    d.invariance ? el("p", { class: "finding-text model-invariance", "data-verdict": d.invariance.verdict,
      text: text(ctx, d.invariance.reading) }) : null,
    details(ctx, d));
  });
  if (!items.length) return null;
  return el("section", { class: "model-findings" }, el("h4", { class: "small-sub", text: say(ctx, "title") }),
    el("ul", { class: "findings", "aria-label": say(ctx, "label", { a: comparison.a.name, b: comparison.b.name }) },
      items));
}
