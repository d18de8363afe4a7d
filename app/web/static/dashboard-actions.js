/* The action plan of the wave on show, next to the gap each action addresses: per dimension (most room to grow
   first, as the readiness report ranks them), the scope's current and desired score or its mean, and the actions
   aimed at it (title, unit, owner, due date, status). The gap figures are the readiness report's, so a scope too
   small to show gives none here either. An action's before and after, in the next wave, is in the API
   (`.../actions/{id}/effect`). */
import { path } from "./dashboard-api.js";
import { table } from "./dashboard-charts.js";
import { add, el, fmt, isHidden, note, present, suppressedCell } from "./dashboard-dom.js";
import { gapText } from "./dashboard-gaps.js";

const actionsUrl = (ctx) => path(`/api/v1/organisations/${ctx.survey.organisation_id}/surveys/${ctx.survey.id}/actions`,
  { unit_id: ctx.scopeId });

function gapCell(ctx, d) {
  if (!d) return ctx.t("noFigure");
  const gap = d.desired_gap;
  if (gap && present(gap.gap) && present(gap.mean_current) && present(gap.mean_desired)) {
    return ctx.t("actionsGapDesired", { current: fmt(ctx.lang, gap.mean_current), desired: fmt(ctx.lang, gap.mean_desired),
      gap: gapText(ctx, gap.gap, gap.significant) });
  }
  if (present(d.mean)) return ctx.t("actionsGapMean", { mean: fmt(ctx.lang, d.mean) });
  return isHidden(d.reason) ? suppressedCell(ctx, d.reason) : ctx.t("noFigure");
}

function owner(a) {
  return a.owner && a.owner.name ? a.owner.name : "–";
}

function aimed(ctx, a) {
  const dimension = a.dimension_names[ctx.lang] || a.dimension_names.en || a.dimension_key;
  const statement = a.item_texts ? a.item_texts[ctx.lang] || a.item_texts.en : null;
  return statement ? el("span", {}, dimension, el("span", { class: "action-statement", text: ` · ${statement}` }))
    : dimension;
}

export const actions = {
  id: "actions",
  optional: ["readiness"],
  requests: (ctx) => ({ actions: actionsUrl(ctx), readiness: ctx.report("readiness", { lang: ctx.lang }) }),
  render(body, { actions: list, readiness }, ctx) {
    if (!list.length) return add(body, note(ctx.t("actionsNone")));
    const dims = new Map(readiness && !readiness.suppressed ? readiness.dimensions.map((d) => [d.key, d]) : []);
    const rank = (a) => (dims.get(a.dimension_key) && dims.get(a.dimension_key).rank) || 99;
    const sorted = [...list].sort((a, b) => rank(a) - rank(b) || a.dimension_key.localeCompare(b.dimension_key));
    const head = [ctx.t("actionsAction"), ctx.t("actionsAddresses"), ctx.t("actionsGap"), ctx.t("actionsUnit"),
      ctx.t("actionsOwner"), ctx.t("actionsDue"), ctx.t("actionsStatus")];
    const rows = sorted.map((a) => [a.title, aimed(ctx, a), gapCell(ctx, dims.get(a.dimension_key)),
      a.unit_path.length ? a.unit_path.join(" / ") : ctx.t("wholeOrganisation"), owner(a), a.due_date || "–",
      ctx.t(`actionStatus.${a.status}`)]);
    add(body, table({ caption: ctx.t("actionsTitle"), head, rows, className: "table-wide" }),
      el("p", { class: "panel-foot", text: readiness && readiness.suppressed ? ctx.t("actionsGapHidden")
        : ctx.t("actionsFoot") }));
  },
};
