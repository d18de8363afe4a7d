/* The panels built on the gap and readiness reports: the readiness summary, desired versus current, and perception
   gaps between layers. Differences are bars from zero with their 95% confidence interval; a difference that is
   significant after the report's correction for multiple tests is drawn darker and marked ★. */
import { arrowLegend, changeArrow, dimensionChanges, trendRequest } from "./dashboard-arrows.js";
import { figure, intervalChart, legend, table } from "./dashboard-charts.js";
import {
  add, el, fmt, fmtCi, fmtDiff, fmtPct, hiddenKey, isHidden, note, present, scopeNote, suppressedCell,
} from "./dashboard-dom.js";
import {
  findings, fmtHolm, gapFinding, holmRange, readingBody, verdictOf, verdictText,
} from "./dashboard-findings.js";
import { modelFindings } from "./dashboard-models.js";
import { dimensionName } from "./dashboard-outcome.js";
import { pooledComparison, pooledRequest, singleLayersHidden } from "./dashboard-pooled.js";
import { qualityRequest, severityOf, warningsOf, warnNotes } from "./dashboard-quality.js";

const STAR = "\u2605";

/** "0.012", "< 0.001"; "–" when missing. */
export function fmtP(lang, p) {
  if (!present(p)) return "–";
  return p < 0.001 ? `< ${fmt(lang, 0.001, 3)}` : fmt(lang, p, 3);
}

export const reading = (ctx, r) => (r && (r[ctx.lang] || r.en)) || "";

/** A domain from zero to every interval's far end, rounded out to a quarter point (at least ±0.5 around zero). */
export function domainOf(rows) {
  let [lo, hi] = [-0.25, 0.5];
  for (const r of rows) {
    for (const v of [r.diff, r.ci && r.ci.low, r.ci && r.ci.high]) {
      if (present(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
  }
  return [Math.floor(lo * 4) / 4, Math.ceil(hi * 4) / 4];
}

export function gapText(ctx, diff, significant) {
  return present(diff) ? `${fmtDiff(ctx.lang, diff)}${significant ? ` ${STAR}` : ""}` : ctx.t("noFigure");
}

export function gapChart(ctx, { rows, domain, width, caption }) {
  return intervalChart({
    kind: "bar", domain, width, lang: ctx.lang, label: `${caption}. ${ctx.t("chartNote")}`,
    tickFormat: (v, digits) => (v === 0 ? "0" : fmtDiff(ctx.lang, v, digits)),
    rows: rows.map((r) => ({
      label: r.label, sublabel: r.sublabel, value: r.diff, low: r.ci && r.ci.low, high: r.ci && r.ci.high,
      suppressed: r.suppressed, suppressedText: ctx.t(hiddenKey("suppressedLong", r.reason), { k: ctx.k }), significant: r.significant,
      text: gapText(ctx, r.diff, r.significant), warn: r.warn,
    })),
  });
}

export function gapLegend(ctx, suppressed) {
  return legend([{ mark: "bar", text: ctx.t("difference") }, { mark: "whisker", text: ctx.t("ciAdjusted") },
    { mark: "significant", text: `${STAR} ${ctx.t("significantMark")}` },
    ...(suppressed ? [{ mark: "suppressed", text: ctx.t("legendSuppressed", { k: ctx.k }) }] : [])]);
}

export const significantText = (ctx, s) => (s === null || s === undefined ? "–" : ctx.t(s ? "yes" : "no"));

// --- readiness -------------------------------------------------------------------------------------------------------

function summaryBlock(title, items, extra) {
  return el("section", { class: "summary-block" }, el("h3", { class: "summary-title", text: title }), extra || null,
    items.length ? el("ol", { class: "summary-list" }, items) : null);
}

/** `arrow`: the change of the figure since the previous wave, beside it; `detailArrow`: beside the detail (where
    the figure is a gap and the detail starts with the score the arrow is about). */
function summaryItem({ rank, name, figure: fig, visual, detail, text, arrow, detailArrow }) {
  return el("li", { class: "summary-item" },
    el("div", { class: "summary-line" },
      rank ? el("span", { class: "summary-rank", text: String(rank) }) : null,
      el("span", { class: "summary-name" }, name),
      el("span", { class: "summary-figure", text: fig }), arrow || null),
    visual || null,
    detail ? el("p", { class: "summary-detail" }, detail, detailArrow || null) : null,
    text ? el("p", { class: "summary-reading", text }) : null);
}

/** Current and desired mean on the scale, joined by a line (drawn with CSS; the figures are in the text). */
function dumbbell(ctx, current, wanted) {
  const at = (v) => `${((v - ctx.scale.min) / (ctx.scale.max - ctx.scale.min)) * 100}%`;
  const [a, b] = [Math.min(current, wanted), Math.max(current, wanted)];
  const line = el("span", { class: "db-line" });
  line.style.left = at(a);
  line.style.width = `calc(${at(b)} - ${at(a)})`;
  const dot = (v, kind) => {
    const node = el("span", { class: `db-dot db-${kind}` });
    node.style.left = at(v);
    return node;
  };
  return el("div", { class: "dumbbell", "aria-hidden": "true" }, el("span", { class: "db-track" }), line,
    dot(current, "current"), dot(wanted, "desired"));
}

const effectWord = (ctx, size) => (size ? ctx.t(`effect.${size}`) : "");

/** A gap's reading in plain words, its verdict agreeing with the adjusted interval beside it. */
function sentence(ctx, d) {
  const body = readingBody(ctx, verdictOf(d).reading);
  const holm = d.difference_ci_holm;
  const verdict = verdictText(ctx, d.significant, (holm && holm.family_size) || (d.welch && d.welch.family_size));
  return body ? `${body}${verdict ? `; ${verdict}` : ""}.` : "";
}

export const readiness = {
  id: "readiness",
  requests: (ctx) => ({ readiness: ctx.report("readiness", { lang: ctx.lang }), ...pooledRequest(ctx),
    ...trendRequest(ctx) }),
  optional: ["pooled", "trend"],
  render(body, { readiness: data, pooled: pooledData, trend }, ctx) {
    if (data.suppressed) return add(body, scopeNote(ctx, data.group.reason));
    const byGap = data.ranked_by === "desired_gap";
    const changes = dimensionChanges(trend); // the mean score's change, where both waves show it
    const arrowOf = (d) => {
      const found = present(d.mean) && !isHidden(d.reason) ? changes.get(d.key) : null;
      return found ? changeArrow(ctx, found.change, found.wave, d.key) : null;
    };
    const dims = data.dimensions.map((d) => {
      const gap = byGap ? d.desired_gap : null;
      if (gap && present(gap.gap) && present(gap.mean_current) && present(gap.mean_desired)) {
        return summaryItem({ rank: d.rank, name: dimensionName(ctx, d), figure: gapText(ctx, gap.gap, gap.significant),
          detailArrow: arrowOf(d), visual: dumbbell(ctx, gap.mean_current, gap.mean_desired),
          detail: ctx.t("readinessCurrentDesired", { current: fmt(ctx.lang, gap.mean_current),
            desired: fmt(ctx.lang, gap.mean_desired), n: gap.n, effect: effectWord(ctx, gap.effect_size) }) });
      }
      return summaryItem({ rank: d.rank, name: dimensionName(ctx, d), figure: fmt(ctx.lang, d.mean), arrow: arrowOf(d),
        detail: present(d.mean) ? ctx.t("readinessMean", { ci: fmtCi(ctx.lang, d.ci), n: d.n })
          : isHidden(d.reason) ? ctx.t(hiddenKey("suppressedLong", d.reason), { k: ctx.k }) : ctx.t("noFigure"),
        text: gap ? "" : reading(ctx, d.reading) });
    });
    const key = byGap ? legend([{ mark: "current", text: ctx.t("current") }, { mark: "desired", text: ctx.t("desired") },
      { mark: "scale", text: ctx.t("onScale", { min: ctx.scale.min, max: ctx.scale.max }) }]) : null;
    // no single layer to show (a directorate, a department): the largest gaps of all leaders together
    const pooled = data.perception_gaps.length ? null : pooledComparison(pooledData);
    const highlights = pooled ? pooled.dimensions.filter((f) => present(f.hedges_g))
      .sort((x, y) => Math.abs(y.hedges_g) - Math.abs(x.hedges_g)).slice(0, 3)
      .map((f) => ({ a: { ...pooled.a, name: ctx.t("pooledTitle") }, b: pooled.b, figures: f }))
      : data.perception_gaps;
    const gaps = highlights.map((h) => summaryItem({
      name: `${h.a.name} · ${dimensionName(ctx, h.figures)}`,
      figure: gapText(ctx, verdictOf(h.figures).difference, h.figures.significant),
      detail: ctx.t("readinessVs", { b: h.b.name, na: h.a.n, nb: h.b.n,
        ci: fmtHolm(ctx, h.figures.difference_ci_holm) }),
      text: sentence(ctx, h.figures) }));
    const pomp = data.metric === "pomp"; // dimensions on different scales: the index is a share of each range
    const index = (x) => (pomp ? fmtPct(ctx.lang, x) : fmt(ctx.lang, x));
    const team = (tm) => summaryItem({ name: tm.group.unit_name, figure: index(tm.index),
      detail: present(tm.difference)
        ? ctx.t("readinessTeam", { n: tm.group.n, diff: pomp
          ? ctx.t("percentagePoints", { x: `${tm.difference < 0 ? "\u2212" : "+"}${fmt(ctx.lang, Math.abs(tm.difference) * 100, 0)}` })
          : gapText(ctx, tm.difference, false) })
        : ctx.t("readinessTeamAlone", { n: tm.group.n }) });
    const teams = [...data.most_ready_teams, ...data.least_ready_teams];
    const leaders = (data.leadership_units || []).map((tm) => summaryItem({ name: tm.group.unit_name,
      figure: index(tm.index), detail: ctx.t("leadershipUnit", { n: tm.group.n }) }));
    add(body, el("div", { class: "summary-grid" },
      summaryBlock(ctx.t(byGap ? "readinessByGap" : "readinessByMean"), dims,
        changes.size ? [key, arrowLegend(ctx, trend.waves[0].title)] : key),
      summaryBlock(ctx.t("readinessGaps"), gaps, gaps.length
        ? (pooled ? el("p", { class: "summary-detail", text: ctx.t("pooledNote", { layers: pooled.a.name }) }) : null)
        : note(ctx.t("readinessNoGaps"))),
      el("div", { class: "summary-stack" },
        summaryBlock(ctx.t("readinessMost"), data.most_ready_teams.map(team),
          teams.length ? el("p", { class: "summary-detail", text: ctx.t(pomp ? "readinessIndexPomp" : "readinessIndex") })
            : null),
        teams.length ? summaryBlock(ctx.t("readinessLeast"), data.least_ready_teams.map(team))
          : note(ctx.t("readinessNoTeams")),
        leaders.length ? summaryBlock(ctx.t("leadershipTitle"), leaders,
          el("p", { class: "summary-detail", text: ctx.t("leadershipLead") })) : null)),
    el("p", { class: "summary-foot", text: ctx.t("readinessFoot") }));
  },
};

// --- desired versus current -----------------------------------------------------------------------------------------

export const desired = {
  id: "desired",
  requests: (ctx) => (ctx.survey.ask_desired ? { gap: ctx.report("desired-gap", { lang: ctx.lang }) } : {}),
  render(body, { gap: data }, ctx) {
    if (!ctx.survey.ask_desired || !data) return add(body, note(ctx.t("desiredNotAsked")));
    const group = data.groups[0];
    if (!group || group.suppressed) return add(body, scopeNote(ctx, group && group.group.reason));
    const rows = group.dimensions.map((d) => ({ label: dimensionName(ctx, d), diff: d.gap, ci: holmRange(d.gap_ci_holm), significant: d.significant,
      suppressed: isHidden(d.reason), reason: d.reason }));
    const caption = ctx.t("desiredCaption");
    const head = [ctx.t("dimension"), ctx.t("current"), ctx.t("desired"), ctx.t("gap"), ctx.t("ciAdjusted"), ctx.t("n"),
      ctx.t("pAdjusted"), ctx.t("significant")];
    const tableRows = group.dimensions.map((d) => [dimensionName(ctx, d), fmt(ctx.lang, d.mean_current), fmt(ctx.lang, d.mean_desired),
      fmtDiff(ctx.lang, d.gap), fmtHolm(ctx, d.gap_ci_holm), d.n === null ? suppressedCell(ctx, d.reason) : String(d.n),
      fmtP(ctx.lang, d.t_test && d.t_test.p_adjusted), significantText(ctx, d.significant)]);
    const chart = gapChart(ctx, { rows, domain: domainOf(rows), width: ctx.width(body), caption });
    add(body, gapLegend(ctx, rows.some((r) => r.suppressed)),
      figure(chart, table({ caption, head, rows: tableRows }), ctx.t("showTable")),
      findings(ctx, group.dimensions.map((d) => desiredFinding(ctx, d))),
      el("p", { class: "panel-foot", text: ctx.t("holmFoot") }));
  },
};

function desiredFinding(ctx, d) {
  if (!present(d.gap)) return null;
  const holm = d.gap_ci_holm;
  return { body: readingBody(ctx, d.reading) || dimensionName(ctx, d), label: dimensionName(ctx, d), significant: d.significant,
    family: (holm && holm.family_size) || (d.t_test && d.t_test.family_size), holm, raw: d.gap_ci, difference: d.gap,
    means: `${ctx.t("current")} ${fmt(ctx.lang, d.mean_current)}, ${ctx.t("desired")} ${fmt(ctx.lang, d.mean_desired)}`,
    p: fmtP(ctx.lang, d.t_test && d.t_test.p_adjusted), effect: d.effect_size, n: d.n === null ? null : String(d.n) };
}

// --- perception gaps ------------------------------------------------------------------------------------------------

export const perception = {
  id: "perception",
  requests: (ctx) => ({ gaps: ctx.report("perception-gaps", { lang: ctx.lang }), ...qualityRequest(ctx),
    ...pooledRequest(ctx) }),
  optional: ["quality", "pooled"],
  render(body, { gaps: data, quality, pooled: pooledData }, ctx) {
    if (data.scope && data.scope.suppressed) {
      return add(body, scopeNote(ctx, data.scope.reason));
    }
    // single layers hidden (a directorate, a department): all leaders together against the employees
    const pooled = singleLayersHidden(data) ? pooledComparison(pooledData) : null;
    if (!data.comparisons.length && !pooled) return add(body, note(ctx.t("perceptionNone")));
    const shown = [...(pooled ? [{ ...pooled, pooled: true }] : []), ...data.comparisons.filter((c) => !c.suppressed)];
    const hiddenOnes = data.comparisons.filter((c) => c.suppressed);
    // one verdict per dimension (`verdict_test`): the bar, interval, p and ★ all come from the test it rests on
    const all = shown.flatMap((c) => c.dimensions.map((d) => ({ diff: verdictOf(d).difference,
      ci: holmRange(d.difference_ci_holm) })));
    const domain = domainOf(all);
    const full = ctx.width(body);
    const cols = Math.max(1, Math.min(shown.length, full > 900 ? 3 : full > 560 ? 2 : 1));
    const width = Math.floor((full - (cols - 1) * 32) / cols);
    // data-quality warnings of the two layers compared (a set of several layers is no group the report checks)
    const layerWarnings = (side, dimension) => (side.layer_keys.length === 1
      ? warningsOf(quality, ctx.scopeId, side.layer_keys[0], dimension) : []);
    const charts = shown.map((c) => {
      const caption = ctx.t("perceptionChart", { a: c.a.name, b: c.b.name });
      const rows = c.dimensions.map((d) => ({ label: dimensionName(ctx, d), diff: verdictOf(d).difference,
        ci: holmRange(d.difference_ci_holm),
        significant: d.significant, suppressed: isHidden(d.reason), reason: d.reason,
        warn: severityOf([...layerWarnings(c.a, d.key), ...layerWarnings(c.b, d.key)]) }));
      return el("section", { class: `small-multiple${c.pooled ? " pooled" : ""}` },
        el("h3", { class: "small-title" }, c.pooled ? ctx.t("pooledTitle") : c.a.name,
          el("span", { class: "small-sub", text: ` ${ctx.t("versus")} ${c.b.name}` })),
        c.pooled ? el("p", { class: "pooled-note", text: ctx.t("pooledNote", { layers: c.a.name }) }) : null,
        el("p", { class: "small-n", text: ctx.t("perceptionN", { na: c.a.n, nb: c.b.n }) }),
        el("div", { class: "chart-box" }, gapChart(ctx, { rows, domain, width, caption })),
        modelFindings(ctx, c), // the primary verdict (teams taken into account) and reading alike, first
        // Welch's finding only where it gives the verdict (no model fitted): the verdict is never said twice
        findings(ctx, c.dimensions.filter((d) => d.verdict_test !== "mixed_model")
          .map((d) => gapFinding(ctx, d, fmtP)), caption));
    });
    const hiddenList = hiddenOnes.length ? el("ul", { class: "hidden-list" }, hiddenOnes.map((c) => el("li", {
      class: "hidden-item" }, el("span", { class: "legend-mark legend-suppressed", "aria-hidden": "true" }),
    el("span", { text: ctx.t(hiddenKey("suppressedComparison", c.reason), { a: c.a.name, b: c.b.name, k: ctx.k }) }),
  ))) : null;
    const grid = shown.length ? el("div", { class: "chart-grid" }, charts) : null;
    if (grid) grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
    const caption = ctx.t("perceptionCaption");
    const head = [ctx.t("layer"), ctx.t("dimension"), ctx.t("difference"), ctx.t("ciAdjusted"), ctx.t("n"),
      ctx.t("pAdjusted"), ctx.t("significant")];
    const tableRows = [...(pooled ? [pooled] : []), ...data.comparisons].flatMap((c) => (c.suppressed
      ? [[c.a.name, { span: head.length - 1, content: el("span", { class: "suppressed-text",
        text: ctx.t(hiddenKey("suppressedLong", c.reason), { k: ctx.k }) }) }]]
      : c.dimensions.map((d) => [c.a.name, dimensionName(ctx, d), fmtDiff(ctx.lang, verdictOf(d).difference),
        fmtHolm(ctx, d.difference_ci_holm), `${d.n_a ?? "–"} / ${d.n_b ?? "–"}`,
        fmtP(ctx.lang, verdictOf(d).test && verdictOf(d).test.p_adjusted), significantText(ctx, d.significant)])));
    const marked = shown.flatMap((c) => [...layerWarnings(c.a), ...layerWarnings(c.b)]); // one pointer for all
    add(body, gapLegend(ctx, hiddenOnes.length > 0),
      grid, warnNotes(ctx, marked), hiddenList,
      el("details", { class: "table-toggle" }, el("summary", { text: ctx.t("showTable") }),
        table({ caption, head, rows: tableRows })),
      el("p", { class: "panel-foot", text: ctx.t("holmFoot") }));
  },
};
