/* Trend arrows beside the scores (issue 15, item 4): the profile's dimensions, the statements and the readiness
   summary. Each arrow is one change the API publishes against the previous wave -- a dimension's from the `trend`
   report (the URL the trend panel asks by default, so fetched once), a statement's from `item-profile`'s `change`
   -- with its Holm-adjusted Welch test: drawn in colour with ★ when the change is clear, grey when it could be
   chance, and said in a visually hidden sentence (size and verdict) for screen readers. An arrow is drawn only where
   both waves' figures are shown: a figure hidden in either wave gets no arrow and no change. (The heatmap's arrows,
   between published means of every unit, give the direction only: dashboard-heatmap.js.) */
import { el, fmt, fmtDiff, hidden, isHidden, present } from "./dashboard-dom.js";
import { previousWave } from "./dashboard-heatmap.js";

const FLAT = 0.0125; // a change smaller than this share of the dimension's range (0.05 on 1-5), and not clear, is
// drawn as "about the same": a share, so it means as much on 0-4 as on 1-7
const GLYPH = { up: "\u2191", down: "\u2193", flat: "\u2192" };
const STAR = "\u2605";

/** The scope's trend against the previous wave with published figures, as an optional request; {} without one. */
export function trendRequest(ctx) {
  const wave = previousWave(ctx);
  return wave ? { trend: ctx.report("trend", { surveys: wave.id, lang: ctx.lang }) } : {};
}

const shown = (f) => Boolean(f) && present(f.mean) && !isHidden(f.reason);

/** A series' change from the first wave to the second where both waves show the figure, else null. */
function shownChange(series, waves) {
  const [before, now] = waves;
  if (!series || !before || !now || before.suppressed || now.suppressed) return null;
  const figures = new Map(series.waves.map((f) => [f.survey_id, f]));
  if (!shown(figures.get(before.survey_id)) || !shown(figures.get(now.survey_id))) return null;
  const c = series.changes.find((x) => x.from_survey_id === before.survey_id && x.to_survey_id === now.survey_id);
  return c && present(c.difference) && !isHidden(c.reason) ? c : null;
}

/** Per dimension key, {change, wave} from the trend report of two waves (an empty map without one). */
export function dimensionChanges(data) {
  if (!data || data.waves.length !== 2) return new Map();
  const wave = data.waves[0].title;
  return new Map(data.dimensions.map((d) => [d.key, shownChange(d, data.waves)])
    .filter(([, c]) => c).map(([key, change]) => [key, { change, wave, key }]));
}

/** A statement's change (item-profile) where both waves' figures are shown, else null. */
export function statementChange(s) {
  return s.change && shown(s.current) && shown(s.previous) && present(s.change.difference)
    && !isHidden(s.change.reason) ? s.change : null;
}

function reading(ctx, change, wave, key) {
  const d = change.difference;
  const p = change.welch && present(change.welch.p_adjusted) ? change.welch.p_adjusted : null;
  const clear = p !== null && p < 0.05;
  const kind = Math.abs(d) < FLAT * ctx.range(key) && !clear ? "flat" : d > 0 ? "up" : "down";
  const family = change.welch ? change.welch.family_size : 0;
  const verdict = p === null ? ctx.t("arrow.untested")
    : ctx.t(`arrow.${clear ? "clear" : "noise"}${family > 1 ? "Adjusted" : ""}`, { count: family });
  const size = ctx.t(`arrow.${kind}`, { wave, size: fmt(ctx.lang, Math.abs(d)), change: fmtDiff(ctx.lang, d) });
  return { kind, clear, sentence: `${size}, ${verdict}.` };
}

/** The arrow for a change {difference, welch} since `wave` (a title) of dimension `key` (its scale sets what is
    "about the same"), or null when there is none to show. */
export function changeArrow(ctx, change, wave, key) {
  if (!change || !present(change.difference)) return null;
  const { kind, clear, sentence } = reading(ctx, change, wave, key);
  return el("span", { class: `trend-arrow trend-${kind} trend-${clear ? "clear" : "noise"}`, title: sentence,
    "data-change": String(change.difference), "data-clear": String(clear) },
  el("span", { class: "trend-glyph", "aria-hidden": "true", text: GLYPH[kind] }),
  el("span", { class: "trend-size", "aria-hidden": "true",
    text: `${fmtDiff(ctx.lang, change.difference)}${clear ? ` ${STAR}` : ""}` }),
  hidden(sentence));
}

/** The mark a chart row draws for a change (`intervalChart`'s `trend`), or null. */
export function chartTrend(ctx, found) {
  if (!found) return null;
  const { kind, clear } = reading(ctx, found.change, found.wave, found.key);
  return { glyph: GLYPH[kind], kind, clear };
}

/** For a chart (one image to a screen reader): each row's change in words, as a visually hidden list. */
export function changeSentences(ctx, rows) {
  const items = rows.filter((r) => r.found).map((r) => el("li", {
    text: `${r.name}: ${reading(ctx, r.found.change, r.found.wave, r.found.key).sentence}` }));
  return items.length ? el("ul", { class: "visually-hidden trend-sentences" }, items) : null;
}

/** The key under a panel with arrows: what they mean, once. */
export function arrowLegend(ctx, wave) {
  return el("p", { class: "trend-legend", text: ctx.t("arrowLegend", { wave }) });
}
