/* Trend across survey waves: the reader ticks the earlier waves of the same questionnaire to compare with the wave
   on show (the latest); per dimension the change with its 95% confidence interval, marked ★ when significant after
   the report's Holm correction. Each wave hides its own small groups: a wave where the scope is hidden shows no
   figures, and no change involving it is drawn. Last, what earlier waves planned, each action's unit before and
   after (dashboard-action-effect.js). */
import { earlierSection } from "./dashboard-action-effect.js";
import { path } from "./dashboard-api.js";
import { figure, table } from "./dashboard-charts.js";
import { add, el, fmt, fmtDiff, isHidden, note, present, suppressedCell } from "./dashboard-dom.js";
import { changeBody, findings, fmtHolm, holmRange } from "./dashboard-findings.js";
import { domainOf, fmtP, gapChart, gapLegend, significantText } from "./dashboard-gaps.js";
import { dimensionName } from "./dashboard-outcome.js";

const MAX_EARLIER = 11; // the report takes at most twelve waves

const significant = (change) => Boolean(change && change.welch && present(change.welch.p_adjusted)
  && change.welch.p_adjusted < 0.05);

/** Earlier waves of the same questionnaire (same key and owner), oldest first; a version that asked a dimension on
    another scale is one of them (the report marks that dimension `other_scale` there). */
export function earlierWaves(ctx) {
  const summaries = new Map((ctx.questionnaires || []).map((q) => [q.id, q]));
  const own = summaries.get(ctx.survey.questionnaire_id);
  const sameQuestionnaire = (s) => {
    if (s.questionnaire_id === ctx.survey.questionnaire_id) return true;
    const q = summaries.get(s.questionnaire_id);
    return Boolean(own && q && q.key === own.key && q.organisation_id === own.organisation_id);
  };
  const opened = String(ctx.survey.opened_at || "");
  return ctx.surveys.filter((s) => s.id !== ctx.survey.id && sameQuestionnaire(s)
    && String(s.opened_at || "") < opened)
    .sort((a, b) => String(a.opened_at).localeCompare(String(b.opened_at))).slice(-MAX_EARLIER);
}

const choiceKey = (ctx) => `trend:waves:${ctx.survey.id}`;

function chosenWaves(ctx) {
  const candidates = earlierWaves(ctx);
  const wanted = ctx.choice(choiceKey(ctx));
  return wanted ? candidates.filter((s) => wanted.includes(s.id)) : candidates;
}

function wavePicker(ctx, candidates, chosen) {
  const boxes = candidates.map((s) => {
    const id = `trend-wave-${s.id}`;
    const box = el("input", { type: "checkbox", id, value: s.id, class: "check" });
    box.checked = chosen.some((c) => c.id === s.id);
    box.addEventListener("change", () => {
      const ticked = [...box.closest("fieldset").querySelectorAll("input:checked")].map((b) => b.value);
      ctx.choose(choiceKey(ctx), ticked);
    });
    return el("label", { class: "check-label", for: id }, box, el("span", { class: "check-box", "aria-hidden": "true" }),
      el("span", { text: s.title }));
  });
  return el("fieldset", { class: "wave-picker" }, el("legend", { class: "field-label", text: ctx.t("trendPick") }),
    el("div", { class: "check-row" }, boxes,
      el("span", { class: "check-label check-fixed" }, el("span", { "aria-hidden": "true", text: "\u2713" }),
        el("span", { text: ctx.t("trendLatest", { title: ctx.survey.title }) }))));
}

function waveChips(ctx, waves) {
  return el("ol", { class: "wave-chips", "aria-label": ctx.t("trendWaves") }, waves.map((w) => el("li", {
    class: `wave-chip${w.suppressed ? " wave-chip-suppressed" : ""}` }, el("span", { class: "wave-title", text: w.title }),
  w.suppressed ? [el("span", { class: "legend-mark legend-suppressed", "aria-hidden": "true" }), suppressedCell(ctx, w.reason)]
    : el("span", { class: "wave-n", text: ctx.t("nIs", { n: w.n }) }))));
}

/** Per dimension: the change drawn (first to last with three or more waves, else the one change); where the first
    wave asked it on another scale or not at all, the change from its last comparable wave (`compared_with`). */
function mainChange(d) {
  const first = d.changes.find((c) => c.kind === "first_to_last");
  if (first && first.reason !== "other_scale" && first.reason !== "not_asked") return first;
  const latest = d.waves[d.waves.length - 1].survey_id;
  const since = d.changes.find((c) => c.from_survey_id === d.compared_with && c.to_survey_id === latest);
  return since || first || d.changes[d.changes.length - 1] || null;
}

function waveCells(ctx, f) {
  if (isHidden(f.reason)) return [{ span: 2, content: suppressedCell(ctx, f.reason) }];
  if (f.reason === "not_asked") return [{ span: 2, content: ctx.t("notAsked") }];
  if (f.reason === "other_scale") return [{ span: 2, content: ctx.t("otherScale") }];
  return [fmt(ctx.lang, f.mean), f.n === null ? "–" : String(f.n)];
}

function changeCells(ctx, c) {
  if (!c) return ["–", "–", "–", "–"];
  if (isHidden(c.reason)) return [{ span: 4, content: suppressedCell(ctx, c.reason) }];
  return [fmtDiff(ctx.lang, c.difference), fmtHolm(ctx, c.difference_ci_holm),
    fmtP(ctx.lang, c.welch && c.welch.p_adjusted), significantText(ctx, c.welch ? significant(c) : null)];
}

function trendTable(ctx, data, caption) {
  const names = new Map(data.waves.map((w) => [w.survey_id, w.title]));
  const head = [ctx.t("dimension"), ...data.waves.flatMap((w) => [`${w.title}: ${ctx.t("mean")}`, ctx.t("n")]),
    ctx.t("change"), ctx.t("ciAdjusted"), ctx.t("pAdjusted"), ctx.t("significant")];
  const rows = data.dimensions.map((d) => [dimensionName(ctx, d), ...d.waves.flatMap((f) => waveCells(ctx, f)),
    ...changeCells(ctx, mainChange(d))]);
  const tables = [table({ caption, head, rows, className: "table-wide" })];
  if (data.waves.length > 2) {
    const stepHead = [ctx.t("dimension"), ctx.t("trendStep"), ctx.t("change"), ctx.t("ciAdjusted"), ctx.t("pAdjusted"),
      ctx.t("significant")];
    const steps = data.dimensions.flatMap((d) => d.changes.filter((c) => c.kind === "consecutive").map((c) => [
      dimensionName(ctx, d), `${names.get(c.from_survey_id)} → ${names.get(c.to_survey_id)}`, ...changeCells(ctx, c)]));
    tables.push(table({ caption: ctx.t("trendSteps"), head: stepHead, rows: steps, hideCaption: false,
      className: "table-wide" }));
  }
  return el("div", { class: "table-stack" }, tables);
}

/** The main change of a dimension in one plain sentence, its figures behind "details". */
function changeFinding(ctx, d, data) {
  const c = mainChange(d);
  if (!c || !present(c.difference) || isHidden(c.reason)) return null;
  const from = data.waves.find((w) => w.survey_id === c.from_survey_id);
  const holm = c.difference_ci_holm;
  const [a, b] = [d.waves.find((w) => w.survey_id === c.to_survey_id), d.waves.find((w) => w.survey_id === c.from_survey_id)];
  return { body: changeBody(ctx, dimensionName(ctx, d), c.difference, from ? from.title : ""), label: dimensionName(ctx, d),
    significant: c.welch && present(c.welch.p_adjusted) ? significant(c) : null,
    family: (holm && holm.family_size) || (c.welch && c.welch.family_size), holm, raw: c.difference_ci,
    difference: c.difference, means: a && b ? `${fmt(ctx.lang, a.mean)} ${ctx.t("versus")} ${fmt(ctx.lang, b.mean)}` : null,
    p: fmtP(ctx.lang, c.welch && c.welch.p_adjusted), n: a && b ? `${a.n ?? "–"} / ${b.n ?? "–"}` : null };
}

/** The actions of earlier waves whose next wave is this one, at the scope (its subtree). */
const earlierActions = (ctx) => path(
  `/api/v1/organisations/${ctx.survey.organisation_id}/surveys/${ctx.survey.id}/earlier-actions`,
  { unit_id: ctx.scopeId, lang: ctx.lang });

export const trend = {
  id: "trend",
  optional: ["earlier"], // a failed list of earlier actions leaves the trend standing
  requests(ctx) {
    if (!earlierWaves(ctx).length) return {};
    const waves = chosenWaves(ctx);
    return { earlier: earlierActions(ctx), ...(waves.length
      ? { trend: ctx.report("trend", { surveys: waves.map((s) => s.id).join(","), lang: ctx.lang }) } : {}) };
  },
  render(body, { trend: data, earlier }, ctx) {
    const candidates = earlierWaves(ctx);
    if (!candidates.length) return add(body, note(ctx.t("trendNone")));
    add(body, el("div", { class: "panel-tools" }, wavePicker(ctx, candidates, chosenWaves(ctx))));
    if (!data) return add(body, note(ctx.t("trendPickOne")), earlierSection(ctx, earlier));
    const first = data.waves[0];
    const last = data.waves[data.waves.length - 1];
    const caption = ctx.t("trendChart", { first: first.title, last: last.title });
    const rows = data.dimensions.map((d) => {
      const c = mainChange(d);
      return { label: dimensionName(ctx, d), diff: c && c.difference, ci: c && holmRange(c.difference_ci_holm), significant: significant(c),
        suppressed: Boolean(c && isHidden(c.reason)), reason: c && c.reason };
    });
    const chart = gapChart(ctx, { rows, domain: domainOf(rows), width: ctx.width(body), caption });
    add(body, waveChips(ctx, data.waves),
      el("h3", { class: "small-title", text: caption }),
      gapLegend(ctx, rows.some((r) => r.suppressed)),
      figure(chart, trendTable(ctx, data, caption), ctx.t("showTable")),
      findings(ctx, data.dimensions.map((d) => changeFinding(ctx, d, data))),
      data.dimensions.filter((d) => d.comparison).map((d) => el("p", { class: "panel-note panel-note-info trend-comparison",
        text: d.comparison[ctx.lang] || d.comparison.en })),
      el("p", { class: "panel-foot", text: data.dimension_family_size
        ? ctx.t("trendFoot", { count: data.dimension_family_size }) : ctx.t("trendFootHidden") }),
      earlierSection(ctx, earlier));
  },
};
