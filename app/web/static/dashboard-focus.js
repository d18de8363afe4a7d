/* Focus areas (the `drivers` report): which culture dimensions matter most for the outcome scale (knowledge sharing
   and learning) in this scope and how much room each has to grow, in one plain sentence, a ranked list and the
   statements to start with. The bars are for the eye only: every figure is written beside them in words. A scope
   without the outcome scale or with too few respondents gets a note saying so instead. */
import { add, el, fmt, fmtPct, present } from "./dashboard-dom.js";

const ROOM = { desired_gap: "focusRoomDesired", below_organisation: "focusRoomOrganisation",
  below_scale_top: "focusRoomTop" };

function bar(share) {
  const fill = el("span", { class: "focus-bar-fill" });
  fill.style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`; // CSSOM: allowed by the CSP
  return el("span", { class: "focus-bar", "aria-hidden": "true" }, fill);
}

function dimensionItem(ctx, f, driver, top) {
  const share = driver ? driver.general_dominance.share : 0;
  const room = present(f.room) ? ctx.t("focusRoom", { x: fmt(ctx.lang, f.room, 1) }) : ctx.t("focusRoomHidden");
  return el("li", { class: "focus-item", "data-dimension": f.key },
    el("span", { class: "focus-rank", text: String(f.rank) }),
    el("span", { class: "focus-name", text: f.name }),
    el("span", { class: "focus-figures" },
      bar(top > 0 && present(f.priority) ? f.priority / top : 0),
      el("span", { class: "focus-text",
        text: `${ctx.t("focusImportance", { pct: fmtPct(ctx.lang, share) })} · ${room}` })));
}

function statementItem(ctx, s) {
  return el("li", { class: "focus-statement" },
    el("span", { class: "focus-statement-text", text: s.text }),
    el("span", { class: "focus-text", text: ctx.t("focusRoom", { x: fmt(ctx.lang, s.room, 1) }) }));
}

export const focus = {
  id: "focus",
  requests: (ctx) => ({ drivers: ctx.report("drivers", { lang: ctx.lang, resamples: 200 }) }),
  optional: ["drivers"],
  render(body, { drivers: data }, ctx) {
    if (!data) { // the whole organisation has no larger unit to choose
      return add(body, el("p", { class: "panel-note panel-note-info",
        text: ctx.t(ctx.scopeId ? "focusUnavailable" : "focusUnavailableOrganisation") }));
    }
    const focusAreas = data.focus;
    const byKey = new Map(data.drivers.map((d) => [d.key, d]));
    const top = Math.max(0, ...focusAreas.dimensions.map((f) => (present(f.priority) ? f.priority : 0)));
    add(body,
      el("p", { class: "focus-reading", text: focusAreas.reading[ctx.lang] || focusAreas.reading.en }),
      el("ol", { class: "focus-list", "aria-label": ctx.t("focusListLabel", { outcome: data.outcome.name }) },
        focusAreas.dimensions.map((f) => dimensionItem(ctx, f, byKey.get(f.key), top))),
      focusAreas.statements.length ? el("h3", { class: "focus-subtitle", text: ctx.t("focusStatements") }) : null,
      focusAreas.statements.length ? el("ol", { class: "focus-statements" },
        focusAreas.statements.map((s) => statementItem(ctx, s))) : null,
      el("p", { class: "panel-foot", text: ctx.t("focusFoot", {
        n: data.n, r2: fmtPct(ctx.lang, data.r_squared), outcome: data.outcome.name.toLowerCase(),
        room: ctx.t(ROOM[focusAreas.room_basis]) }) }));
  },
};
