/* The action plan of the wave on show, next to the gap each action addresses: per dimension (most room to grow
   first, as the readiness report ranks them), the scope's current and desired score or its mean, and the actions
   aimed at it (title, unit, owner, due date, status). The gap figures are the readiness report's, so a scope too
   small to show gives none here either. Once a later wave is open, each action's before and after follows the table
   (dashboard-action-effect.js, from `.../actions/{id}/effect`). Organisation admins and leaders add and change actions here too
   (dashboard-action-form.js), and delete one after saying so in a confirmation (`dropped` keeps it on record). */
import { fieldMessage } from "./console-problems.js";
import { askEffects, effectRequests, effectSection } from "./dashboard-action-effect.js";
import { actionForm, mayPlan } from "./dashboard-action-form.js";
import { API, path } from "./dashboard-api.js";
import { table } from "./dashboard-charts.js";
import { add, el, fmt, isHidden, note, present, suppressedCell } from "./dashboard-dom.js";
import { send } from "./dashboard-send.js";
import { gapText } from "./dashboard-gaps.js";
import { outcomeKey } from "./dashboard-outcome.js";

const actionsBase = (ctx) => `/api/v1/organisations/${ctx.survey.organisation_id}/surveys/${ctx.survey.id}/actions`;
// `v`: bumped after a save, so the list is read again (the API ignores it)
const actionsUrl = (ctx) => path(actionsBase(ctx), { unit_id: ctx.scopeId, v: ctx.choice("actions:saved") });

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

function aimed(ctx, a, outcome) {
  const name = a.dimension_names[ctx.lang] || a.dimension_names.en || a.dimension_key;
  const dimension = a.dimension_key === outcome ? `${name} (${ctx.t("outcomeLabel")})` : name;
  const statement = a.item_texts ? a.item_texts[ctx.lang] || a.item_texts.en : null;
  return statement ? el("span", {}, dimension, el("span", { class: "action-statement", text: ` · ${statement}` }))
    : dimension;
}

const reread = (ctx) => ctx.choose("actions:saved", (ctx.choice("actions:saved") || 0) + 1);

/** Asks before deleting an action for good, in the form's place; the focus starts on "Cancel" (the safe choice).
    Deleted: the list is read again and the focus goes to "Add an action"; refused: said here, nothing changed. */
function confirmDelete(ctx, action, { slot, opener, adder }) {
  const id = `action-delete-${action.id}`;
  const problem = el("p", { class: "alert form-alert", role: "alert", tabindex: "-1", hidden: true });
  const yes = el("button", { type: "button", class: "button button-danger action-delete-confirm",
    text: ctx.t("actionDeleteConfirm") });
  const no = el("button", { type: "button", class: "button button-secondary", text: ctx.t("actionFormCancel") });
  no.addEventListener("click", () => { slot.replaceChildren(); opener.focus(); });
  yes.addEventListener("click", async () => {
    if (yes.getAttribute("aria-disabled") === "true") return;
    yes.setAttribute("aria-disabled", "true");
    try {
      await send("DELETE", `${actionsBase(ctx)}/${action.id}`);
    } catch (failure) {
      const detail = failure.body && typeof failure.body.detail === "string"
        ? fieldMessage(failure.body.detail, ctx.lang) : "";
      problem.textContent = ctx.t(failure.status === 403 ? "actionDeleteForbidden" : "actionDeleteFailed", { detail });
      problem.hidden = false;
      problem.focus();
      yes.removeAttribute("aria-disabled");
      return;
    }
    ctx.announce(ctx.t("actionDeleted", { title: action.title }));
    adder.focus(); // kept through the panel's redraw (same id)
    reread(ctx);
  });
  const box = el("div", { class: "action-form action-confirm", role: "group", "aria-labelledby": `${id}-h`,
    "aria-describedby": `${id}-text` },
  el("h3", { id: `${id}-h`, class: "action-form-title", text: ctx.t("actionDeleteTitle", { title: action.title }) }),
  problem, el("p", { id: `${id}-text`, text: ctx.t("actionDeleteText") }),
  el("div", { class: "action-form-buttons" }, yes, no));
  slot.replaceChildren(box);
  no.focus();
}

/** The form's place, under the table: a button that opens a new action's form; an action's "Change" opens its
    form there too, its "Delete" a confirmation. Returns [the nodes, open(action, opener), remove(action, opener)]. */
function planning(ctx, me, questionnaire) {
  const slot = el("div", { class: "action-editor" });
  const open = (action, opener) => {
    const form = actionForm(ctx, { me, questionnaire, action, url: actionsBase(ctx), done: () => reread(ctx),
      cancel: () => { slot.replaceChildren(); opener.focus(); } });
    slot.replaceChildren(form);
    form.querySelector("input, select").focus();
  };
  const adder = el("button", { type: "button", id: "action-add", class: "button button-secondary button-small action-add",
    text: ctx.t("actionFormAdd") });
  adder.addEventListener("click", () => open(null, adder));
  const remove = (action, opener) => confirmDelete(ctx, action, { slot, opener, adder });
  return [[el("div", { class: "action-planning" }, adder), slot], open, remove];
}

function editButtons(ctx, a, open, remove) {
  const edit = el("button", { type: "button", class: "button button-secondary button-small action-edit",
    "aria-label": ctx.t("actionFormEditLabel", { title: a.title }), text: ctx.t("actionFormEdit") });
  edit.addEventListener("click", () => open(a, edit));
  const del = el("button", { type: "button", class: "button button-secondary button-small action-delete",
    "aria-label": ctx.t("actionDeleteLabel", { title: a.title }), text: ctx.t("actionDelete") });
  del.addEventListener("click", () => remove(a, del));
  return el("span", { class: "action-buttons" }, edit, del);
}

export const actions = {
  id: "actions",
  optional: ["readiness", "me", "questionnaire", "effect:"], // a failed effect leaves the plan standing
  requests: (ctx) => ({ actions: actionsUrl(ctx), readiness: ctx.report("readiness", { lang: ctx.lang }), me: API.me,
    questionnaire: API.questionnaire(ctx.survey.organisation_id, ctx.survey.questionnaire_id),
    ...effectRequests(ctx, actionsBase(ctx)) }),
  render(body, results, ctx) {
    const { actions: list, readiness, me, questionnaire } = results;
    askEffects(ctx, list);
    const [form, open, remove] = mayPlan(me) ? planning(ctx, me, questionnaire) : [null, null, null];
    if (!list.length) return add(body, note(ctx.t("actionsNone")), form);
    const dims = new Map(readiness && !readiness.suppressed ? readiness.dimensions.map((d) => [d.key, d]) : []);
    const rank = (a) => (dims.get(a.dimension_key) && dims.get(a.dimension_key).rank) || 99;
    const sorted = [...list].sort((a, b) => rank(a) - rank(b) || a.dimension_key.localeCompare(b.dimension_key));
    const head = [ctx.t("actionsAction"), ctx.t("actionsAddresses"), ctx.t("actionsGap"), ctx.t("actionsUnit"),
      ctx.t("actionsOwner"), ctx.t("actionsDue"), ctx.t("actionsStatus"), ...(open ? [ctx.t("actionFormManage")] : [])];
    const outcome = outcomeKey(questionnaire);
    const rows = sorted.map((a) => [a.title, aimed(ctx, a, outcome), gapCell(ctx, dims.get(a.dimension_key)),
      a.unit_path.length ? a.unit_path.join(" / ") : ctx.t("wholeOrganisation"), owner(a), a.due_date || "–",
      ctx.t(`actionStatus.${a.status}`), ...(open ? [editButtons(ctx, a, open, remove)] : [])]);
    add(body, table({ caption: ctx.t("actionsTitle"), head, rows, className: "table-wide" }), form,
      el("p", { class: "panel-foot", text: readiness && readiness.suppressed ? ctx.t("actionsGapHidden")
        : ctx.t("actionsFoot") }), effectSection(ctx, sorted, results));
  },
};
