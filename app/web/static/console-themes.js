/* The theme keyword lists of a wave's comment settings (part of console-comments.js's form): per dimension, named in
   the page's language from the wave's questionnaire, its Dutch and English keywords (and any other language a list
   has) as comma- or line-separated text. The lists follow the built-in defaults (`themes: null`) until they are
   edited; "Use the standard lists" puts the defaults back in the fields. Saved as they were read, they stay as they
   were: null while they were the defaults, so later improvements to the defaults reach the wave. */
import { $, api, el, field, markFields, state, t } from "./console-core.js";

const MAX_KEYWORD = 60, MAX_KEYWORDS = 50; // the API's
const th = { settings: null, keys: [], langs: [], names: {} };
const names = new Map(); // questionnaire id -> its dimensions' names by key, per language

export const themeId = (i, lang) => `cs-t${i}-${lang}`;
const parse = (text) => text.split(/[,\n]/).map((w) => w.trim()).filter(Boolean);

/** The lists in a comparable form: keys and languages sorted, empty lists and dimensions left out. */
function canon(themes) {
  return JSON.stringify(Object.keys(themes || {}).sort().map((key) => [key, Object.keys(themes[key]).sort()
    .filter((lang) => themes[key][lang].length).map((lang) => [lang, themes[key][lang]])])
    .filter(([, lists]) => lists.length));
}

/** The lists as the fields hold them. */
function typed() {
  return Object.fromEntries(th.keys.map((key, i) => [key, Object.fromEntries(th.langs
    .map((lang) => [lang, parse($(themeId(i, lang))?.value ?? "")]).filter(([, words]) => words.length))])
    .filter(([, lists]) => Object.keys(lists).length));
}

/** What to send: null for the defaults (the fields as read while they were the defaults, or as the defaults are). */
export function themesToSend() {
  const lists = typed(), s = th.settings;
  if (canon(lists) === canon(s.themes)) return s.themes_are_defaults ? null : s.themes;
  return canon(lists) === canon(s.default_themes) ? null : lists;
}

/** Whether sending `themes` changes the wave's lists. */
export const themesChanged = (themes) => (themes === null) !== th.settings.themes_are_defaults
  || (themes !== null && canon(themes) !== canon(th.settings.themes));

function showState(text) {
  $("cs-themes-state").textContent = text ?? (themesToSend() === null ? t().csThemesDefault : t().csThemesOwn);
}

async function dimensionNames(survey) {
  if (!names.has(survey.questionnaire_id)) {
    const q = await api(`/questionnaires/${survey.questionnaire_id}`).catch(() => ({ dimensions: [] }));
    names.set(survey.questionnaire_id, q.dimensions.filter((d) => !d.outcome));
  }
  return names.get(survey.questionnaire_id);
}

function fill(themes) {
  th.keys.forEach((key, i) => th.langs.forEach((lang) => {
    $(themeId(i, lang)).value = (themes[key]?.[lang] || []).join(", ");
  }));
}

/** The wave's lists in the form: the lists in use, and the questionnaire's other dimensions with empty fields. */
export async function showThemes(survey, settings) {
  const words = t(), dimensions = await dimensionNames(survey);
  th.settings = settings;
  th.keys = [...new Set([...Object.keys(settings.themes), ...dimensions.map((d) => d.key)])];
  const others = Object.values(settings.themes).flatMap(Object.keys).filter((l) => !["nl", "en"].includes(l));
  th.langs = [...new Set(["nl", "en", ...others.sort()])];
  const name = (key) => {
    const d = dimensions.find((x) => x.key === key);
    return d?.names[state.lang] || d?.names.en || key.replaceAll("_", " ");
  };
  $("cs-themes").replaceChildren(...th.keys.map((key, i) => {
    const box = el("fieldset", null, "cs-question");
    box.append(el("legend", name(key)));
    for (const lang of th.langs) {
      const text = Object.assign(el("textarea", null, "input textarea"), { rows: 3, autocomplete: "off" });
      box.append(field(themeId(i, lang), words.csKeywordsIn(words.csLanguages[lang] || lang), text));
    }
    return box;
  }));
  fill(settings.themes);
  showState();
}

/** The form's own checks of the lists, by field id. */
export function checkThemes() {
  const errors = {};
  th.keys.forEach((_, i) => th.langs.forEach((lang) => {
    const words = parse($(themeId(i, lang)).value), long = words.find((w) => w.length > MAX_KEYWORD);
    if (long) errors[themeId(i, lang)] = t().csKeywordTooLong(long);
    else if (words.length > MAX_KEYWORDS) errors[themeId(i, lang)] = t().csTooManyKeywords;
  }));
  return errors;
}

export const themeFieldIds = () => th.keys.flatMap((_, i) => th.langs.map((lang) => themeId(i, lang)));

/** The field of an API error at `["body", "themes", key?, lang?, ...]`: that list, or the dimension's or the first. */
export function themeFieldOf(key, lang) {
  const i = Math.max(0, th.keys.indexOf(key));
  return th.keys.length ? themeId(i, th.langs.includes(lang) ? lang : th.langs[0]) : null;
}

/** Open the lists when one of their fields has a message (a closed `<details>` hides the focused field). */
export function revealThemes(errors) {
  if (themeFieldIds().some((id) => errors[id])) $("cs-themes-box").open = true;
}

export function wireThemes() {
  $("cs-themes").addEventListener("input", () => showState());
  $("cs-themes-reset").addEventListener("click", () => {
    fill(th.settings.default_themes);
    markFields(themeFieldIds(), {});
    showState(t().csThemesFilled);
  });
}
