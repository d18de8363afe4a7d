/* A wave's comment settings in the console (`GET/PUT .../comment-settings`): its open questions on or off, each
   question in every language of the wave (only while the wave is a draft: the API refuses a change after, 409), and
   the comment threshold, never below the wave's minimum group size (checked here and by the API, 422 beside the
   field) and the theme keyword lists (console-themes.js: null while they are the defaults and untouched). */
import { $, api, el, failure, field, markFields, say, serverWords, t } from "./console-core.js";
import { checkThemes, revealThemes, showThemes, themeFieldIds, themeFieldOf, themesChanged, themesToSend, wireThemes }
  from "./console-themes.js";

const MAX_QUESTIONS = 5; // the API's
const KEY = /^[a-z][a-z0-9_]*$/;
const cs = { survey: null, settings: null, questions: [] }; // questions: [{key, texts}] as the form holds them

const draft = () => cs.survey.status === "draft";
const keyId = (i) => `cs-q${i}-key`;
const textId = (i, lang) => `cs-q${i}-${lang}`;

/** The questions as typed (the form is the truth while it is on show). */
function collect() {
  cs.questions = cs.questions.map((q, i) => ({ key: $(keyId(i))?.value.trim() ?? q.key,
    texts: Object.fromEntries(cs.survey.languages.map((lang) => [lang, $(textId(i, lang))?.value.trim()
      ?? q.texts[lang] ?? ""])) }));
}

function questionBox(q, i) {
  const words = t();
  const box = el("fieldset", null, "cs-question");
  box.append(el("legend", words.csQuestion(i + 1)));
  const key = Object.assign(el("input", null, "input"), { value: q.key, maxLength: 100, autocomplete: "off",
    disabled: !draft() });
  box.append(field(keyId(i), words.csKey, key, words.csKeyHint));
  for (const lang of cs.survey.languages) {
    const text = Object.assign(el("textarea", null, "input textarea"), { value: q.texts[lang] || "", rows: 2,
      maxLength: 500, disabled: !draft() });
    box.append(field(textId(i, lang), words.csTextIn(words.csLanguages[lang] || lang), text));
  }
  if (draft()) {
    const remove = el("button", words.csRemove(i + 1), "button button-secondary");
    remove.type = "button";
    remove.addEventListener("click", () => {
      collect();
      cs.questions.splice(i, 1);
      if (!cs.questions.length) $("cs-on").checked = false;
      render();
      $(cs.questions.length ? "cs-add" : "cs-on").focus();
    });
    box.append(remove);
  }
  return box;
}

function render() {
  const words = t(), on = $("cs-on").checked;
  $("cs-on").disabled = !draft();
  $("cs-on-hint").textContent = draft() ? words.csOnHint : words.csFixed;
  $("cs-questions").hidden = !on;
  $("cs-questions").replaceChildren(...(on ? cs.questions.map(questionBox) : []));
  $("cs-add").hidden = !on || !draft() || cs.questions.length >= MAX_QUESTIONS;
  $("cs-threshold").min = String(cs.survey.min_group_size);
  $("cs-threshold-hint").textContent = words.csThresholdHint(cs.survey.min_group_size);
}

/** The wave's settings, read afresh (a new wave, a new language). */
export async function showComments(survey) {
  cs.survey = survey;
  cs.settings = await api(`/surveys/${survey.id}/comment-settings`);
  cs.questions = cs.settings.questions.map((q) => ({ key: q.key, texts: { ...q.texts } }));
  $("cs-on").checked = cs.questions.length > 0;
  $("cs-threshold").value = String(cs.settings.threshold);
  say("cs-result", "");
  render();
  markFields(formFieldIds(), {});  // before the themes' fetch: a check the reader makes meanwhile keeps its words
  await showThemes(survey, cs.settings);
  markFields(themeFieldIds(), {});
}

/** The form's own checks, by field id. */
function check(threshold) {
  const words = t(), errors = checkThemes(), k = cs.survey.min_group_size;
  if (!/^\d+$/.test($("cs-threshold").value.trim())) errors["cs-threshold"] = words.csBadThreshold;
  else if (threshold < k) errors["cs-threshold"] = words.csBelowK(k);
  else if (threshold > 1000) errors["cs-threshold"] = words.csTooHigh;
  if (!$("cs-on").checked || !draft()) return errors;
  cs.questions.forEach((q, i) => {
    if (!KEY.test(q.key)) errors[keyId(i)] = words.csBadKey;
    else if (cs.questions.findIndex((other) => other.key === q.key) !== i) errors[keyId(i)] = words.csTwice;
    for (const lang of cs.survey.languages) {
      if (!q.texts[lang]) errors[textId(i, lang)] = words.csNeedText;
    }
  });
  return errors;
}

/** The API's 422 errors by field id (`loc`: ["body", "threshold"], ["body", "questions", i, "key" | "texts"] or
    ["body", "themes", key, lang, ...]). */
function serverErrors(error) {
  const byField = {}, rest = [];
  for (const p of error.problem?.errors || []) {
    const [where, name, i, part] = p.loc || [];
    let id = null;
    if (where === "body" && name === "threshold") id = "cs-threshold";
    else if (where === "body" && name === "questions" && Number.isInteger(i) && i < cs.questions.length) {
      id = part === "key" ? keyId(i) : textId(i, cs.survey.languages[0]);
    } else if (where === "body" && name === "themes") id = themeFieldOf(i, part);
    if (id && !byField[id]) byField[id] = serverWords(p.msg);
    else if (!id) rest.push(p);
  }
  return { byField, rest };
}

/** The form's fields on show (the questions only while they are), the threshold first; then the theme lists'. */
const formFieldIds = () => ["cs-threshold", ...($("cs-on").checked ? cs.questions : []).flatMap((_, i) => [keyId(i),
  ...cs.survey.languages.map((lang) => textId(i, lang))])];
const fieldIds = () => [...formFieldIds(), ...themeFieldIds()];

/** Show the messages beside their fields (opening the theme lists when one is there); true when there were any. */
function mark(errors) {
  revealThemes(errors);
  return markFields(fieldIds(), errors);
}

async function save(e) {
  e.preventDefault();
  collect();
  const threshold = Number($("cs-threshold").value.trim());
  const errors = check(threshold);
  if (mark(errors)) return say("cs-result", t().csNotSaved);
  const questions = draft() && $("cs-on").checked ? cs.questions : cs.settings.questions;
  const themes = themesToSend();
  if (JSON.stringify(questions) === JSON.stringify(cs.settings.questions) && threshold === cs.settings.threshold
      && !themesChanged(themes)) {
    return say("cs-result", t().csNoChanges);
  }
  try {
    cs.settings = await api(`/surveys/${cs.survey.id}/comment-settings`, { method: "PUT",
      body: { questions, threshold, themes } });
    cs.questions = cs.settings.questions.map((q) => ({ key: q.key, texts: { ...q.texts } }));
    render();
    await showThemes(cs.survey, cs.settings);
    say("cs-result", t().csSaved);
  } catch (error) {
    const { byField, rest } = serverErrors(error);
    if (mark(byField) && !rest.length) say("cs-result", t().csNotSaved);
    else failure("cs-result", Object.assign(error, { problem: { ...error.problem, errors: rest } }));
  }
}

/** A new question, its key free and numbered, its first text field focused. */
function addQuestion() {
  collect();
  const taken = new Set(cs.questions.map((q) => q.key));
  let n = cs.questions.length + 1;
  while (taken.has(`question_${n}`)) n += 1;
  cs.questions.push({ key: `question_${n}`, texts: {} });
  render();
  $(textId(cs.questions.length - 1, cs.survey.languages[0])).focus();
}

export function wireComments() {
  $("cs-form").addEventListener("submit", save);
  $("cs-add").addEventListener("click", addQuestion);
  $("cs-on").addEventListener("change", () => {
    collect();
    if ($("cs-on").checked && !cs.questions.length) return addQuestion();
    render();
  });
  $("cs-threshold").addEventListener("input", () => markFields(["cs-threshold"], {}));
  wireThemes();
}
