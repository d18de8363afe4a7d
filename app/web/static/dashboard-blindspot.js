/* The leader blind spot (issue 15, item 4): a leader's own, named self-assessment beside the anonymous view of the
   people they lead, per dimension, from the blind-spot report. The reader picks a leader among the self-assessments
   of the scope (the wave's list, filtered to the scope's subtree). The group's figures are the report's: hidden
   when the led group may not be shown, and then only the leader's own scores remain. */
import { table } from "./dashboard-charts.js";
import { add, el, fmt, fmtCi, fmtDiff, hiddenKey, isHidden, note, present, suppressedCell } from "./dashboard-dom.js";
import { dimensionName } from "./dashboard-outcome.js";

const choiceKey = (ctx) => `blindspot:leader:${ctx.survey.id}:${ctx.scopeId || ""}`;

function inScope(ctx, assessment) {
  if (!ctx.scopeId) return true;
  const scope = ctx.units.find((u) => u.id === ctx.scopeId);
  return Boolean(scope) && scope.path.every((name, i) => assessment.unit_path[i] === name);
}

function chosen(ctx, list) {
  const wanted = ctx.choice(choiceKey(ctx));
  return list.find((a) => a.id === wanted) || list[0] || null;
}

function leaderLabel(ctx, a) {
  return `${a.leader_name} \u2013 ${a.unit_path[a.unit_path.length - 1]} (${ctx.layerName(a.layer_key)})`;
}

function picker(ctx, list, current) {
  const select = el("select", { id: "blindspot-leader", class: "select" }, list.map((a) => el("option", {
    value: a.id, text: leaderLabel(ctx, a) })));
  select.value = current.id;
  select.addEventListener("change", () => ctx.choose(choiceKey(ctx), select.value));
  return el("div", { class: "field panel-picker" },
    el("label", { for: "blindspot-leader", class: "field-label", text: ctx.t("blindspotLeader") }), select);
}

/** One sentence per dimension: how the leader's own score compares with the group's view. */
function sentence(ctx, leader, d) {
  if (!present(d.leader_score)) return ctx.t("blindspotNoLeader", { dimension: dimensionName(ctx, d) });
  if (!present(d.mean)) {
    return ctx.t("blindspotGroupHidden", { dimension: dimensionName(ctx, d), leader: fmt(ctx.lang, d.leader_score) });
  }
  const key = Math.abs(d.difference) < 0.25 ? "blindspotSame" : d.difference > 0 ? "blindspotHigher" : "blindspotLower";
  return ctx.t(key, { name: leader.leader_name, dimension: dimensionName(ctx, d).toLowerCase(), leader: fmt(ctx.lang, d.leader_score),
    group: fmt(ctx.lang, d.mean), diff: fmt(ctx.lang, Math.abs(d.difference), 1) });
}

function figures(ctx, report) {
  const group = report.group;
  const head = [ctx.t("dimension"), ctx.t("blindspotOwn"), ctx.t("blindspotGroup"), ctx.t("ci"), ctx.t("n"),
    ctx.t("difference"), ctx.t("blindspotPercentile")];
  const rows = report.dimensions.map((d) => {
    const hiddenGroup = group.suppressed || isHidden(d.reason);
    const reason = group.suppressed ? group.reason : d.reason;
    return [dimensionName(ctx, d), fmt(ctx.lang, d.leader_score),
      ...(hiddenGroup ? [{ span: 5, content: suppressedCell(ctx, reason) }]
        : [fmt(ctx.lang, d.mean), fmtCi(ctx.lang, d.ci), present(d.n) ? String(d.n) : "\u2013",
          fmtDiff(ctx.lang, d.difference), present(d.percentile_rank) ? `${fmt(ctx.lang, d.percentile_rank, 0)}` : "\u2013"])];
  });
  return [
    el("p", { class: "small-n", text: group.suppressed
      ? ctx.t(hiddenKey("blindspotGroupSuppressed", group.reason), { k: ctx.k })
      : ctx.t("blindspotGroupN", { n: group.n, unit: group.unit_name }) }),
    table({ caption: ctx.t("blindspotCaption", { name: report.leader.leader_name }), head, rows, hideCaption: false,
      className: "blind-table" }),
    el("ul", { class: "findings-plain" }, report.dimensions.map((d) => el("li", { text: sentence(ctx, report.leader, d) }))),
  ];
}

export const blindspot = {
  id: "blindspot",
  requests(ctx) {
    const wanted = ctx.choice(choiceKey(ctx));
    return { list: ctx.surveyPath("self-assessments"),
      ...(wanted ? { report: ctx.report("blind-spot", { self_assessment_id: wanted, lang: ctx.lang }) } : {}) };
  },
  optional: ["report"],
  render(body, { list, report }, ctx) {
    const leaders = list.filter((a) => inScope(ctx, a));
    if (!leaders.length) return add(body, note(ctx.t("blindspotNone")));
    const current = chosen(ctx, leaders);
    if (!report || report.leader.self_assessment_id !== current.id) {
      if (ctx.choice(choiceKey(ctx)) === current.id) { // asked for, and it did not come
        return add(body, picker(ctx, leaders, current), note(ctx.t("error.unexpected.text"), "error"));
      }
      window.setTimeout(() => ctx.choose(choiceKey(ctx), current.id), 0); // fetch the first leader's report
      return add(body, picker(ctx, leaders, current), note(ctx.t("loading")));
    }
    return add(body, picker(ctx, leaders, current), figures(ctx, report),
      el("p", { class: "panel-foot", text: ctx.t("blindspotFoot") }));
  },
};
