/* Each action's before and after, under the action plan of an earlier wave: its unit's score on the dimension (and
   statement) it addresses in the action's wave and in the next, with the change, as `GET .../actions/{id}/effect`
   returns them (the trend report's figures, each wave under its own anonymity map). Nothing is computed here: a
   figure the API hides stays hidden with its reason, and the API's own sentence says why there is no change. The
   API's caveat closes the section: a change, not proof that the action caused it. */
import { path } from "./dashboard-api.js";
import { table } from "./dashboard-charts.js";
import { el, fmt, isHidden, present, suppressedCell } from "./dashboard-dom.js";
import { gapText, reading } from "./dashboard-gaps.js";

export const EFFECTS = "actions:effects"; // the ids of the actions whose effect is asked for, joined by commas

const started = (s) => String(s.opened_at || s.created_at || "");

/** Whether a later wave has been opened: only then is each action's before and after asked for. */
export const laterWave = (ctx) => (ctx.surveys || []).some((s) => s.id !== ctx.survey.id
  && started(s) > started(ctx.survey));

/** The effect requests of the actions named in the panel's choice: `effect:<id>` -> URL. */
export function effectRequests(ctx, base) {
  const ids = (ctx.choice(EFFECTS) || "").split(",").filter(Boolean);
  const v = ctx.choice("actions:saved"); // a changed action (another dimension) is read again, as the list is
  return Object.fromEntries(ids.map((id) => [`effect:${id}`, path(`${base}/${id}/effect`, { lang: ctx.lang, v })]));
}

/** Asks for the listed actions' effects (once per list), by setting the panel's choice after this draw. */
export function askEffects(ctx, list) {
  const ids = laterWave(ctx) ? list.map((a) => a.id).sort().join(",") : "";
  if (ids !== (ctx.choice(EFFECTS) || "")) window.setTimeout(() => ctx.choose(EFFECTS, ids), 0);
}

const waveTitle = (ctx, id, fallback) => {
  const found = (ctx.surveys || []).find((s) => s.id === id);
  return found ? found.title : ctx.t(fallback);
};

function figureCell(ctx, wave) {
  if (present(wave.mean)) {
    return el("span", {}, fmt(ctx.lang, wave.mean), " ", el("span", { class: "effect-n", text: `(n = ${wave.n})` }));
  }
  if (isHidden(wave.reason)) return suppressedCell(ctx, wave.reason);
  return ctx.t(REASONS.has(wave.reason) ? `effectReason.${wave.reason}` : "noFigure");
}

const REASONS = new Set(["not_asked", "other_scale"]);

const shownChange = (f) => Boolean(f.change && present(f.change.difference));

function changeCell(ctx, f) {
  if (!shownChange(f)) return "–"; // why: the API's sentence under the table
  const p = f.change.welch ? f.change.welch.p_adjusted : null;
  return gapText(ctx, f.change.difference, present(p) && p < 0.05);
}

function effectTable(ctx, action, effect, captionKey = "effectCaption") {
  const figures = [effect.dimension, ...(effect.item ? [effect.item] : [])];
  const rows = figures.map((f) => [f.name, figureCell(ctx, f.before), figureCell(ctx, f.after), changeCell(ctx, f)]);
  const unit = effect.group.unit_path && effect.group.unit_path.length ? effect.group.unit_path.join(" / ")
    : ctx.t("wholeOrganisation");
  const missing = figures.filter((f) => !shownChange(f));
  const status = ctx.t(`actionStatus.${action.status}`);
  return [table({ caption: ctx.t(captionKey, { title: action.title, unit, status }), hideCaption: false,
    className: "effect-table",
    head: ["", waveTitle(ctx, effect.before_survey_id, "effectBefore"),
      waveTitle(ctx, effect.after_survey_id, "effectAfter"), ctx.t("effectChange")], rows }),
  missing.length ? el("ul", { class: "effect-none" }, missing.map((f) => el("li", { text: reading(ctx, f.reading) })))
    : null];
}

/** The section: one small table per action that has a next wave; nothing when none has. */
export function effectSection(ctx, list, results) {
  const shown = list.map((a) => [a, results[`effect:${a.id}`]]).filter(([, e]) => e && e.after_survey_id);
  if (!shown.length) return null;
  return el("section", { class: "action-effects", "aria-labelledby": "action-effects-h" },
    el("h3", { id: "action-effects-h", class: "action-effects-title", text: ctx.t("effectTitle") }),
    el("p", { text: ctx.t("effectLead") }),
    ...shown.map(([a, e]) => effectTable(ctx, a, e)),
    el("p", { class: "panel-foot effect-caveat", text: reading(ctx, shown[0][1].caveat) }));
}

/** The later wave's side, in its trend panel: what earlier waves planned (`GET .../earlier-actions`,
    the actions whose next wave is this one), each with its unit before (its own wave) and after (this wave), with
    the action's status; nothing when there is none. */
export function earlierSection(ctx, entries) {
  if (!entries || !entries.length) return null;
  return el("section", { class: "action-effects earlier-actions", "aria-labelledby": "earlier-actions-h" },
    el("h3", { id: "earlier-actions-h", class: "action-effects-title", text: ctx.t("earlierTitle") }),
    el("p", { text: ctx.t("earlierLead") }),
    ...entries.map((e) => effectTable(ctx, e.action, e.effect, "earlierCaption")),
    el("p", { class: "panel-foot effect-caveat", text: reading(ctx, entries[0].effect.caveat) }));
}
