/* The respondent's form: one dimension per step, drafts saved as the respondent goes, submitted once.
   Runs under a strict Content-Security-Policy: ES modules from this origin only, no inline script or handlers, no
   eval, no HTML parsed from strings. The token comes from the URL fragment and only ever travels in the
   X-Survey-Token header; it is never put in a URL query, never logged, never stored by the page. */
import { API, KNOWN_PROBLEMS, RETRYABLE, request } from "./respond-api.js";
import { STRINGS } from "./respond-i18n.js";
import { FRAMES, answeredCount, el, firstIncompleteStep, renderStep } from "./respond-steps.js";

const SAVE_DELAY_MS = 800;
const TOKEN = /^[A-Za-z0-9_-]{32,128}$/; // as the API checks it: secrets.token_urlsafe, 32 to 128 characters

const $ = (id) => document.getElementById(id);
const els = {
  status: $("status"), loading: $("view-loading"), message: $("view-message"), form: $("view-form"),
  messageIcon: $("message-icon"), messageTitle: $("message-title"), messageText: $("message-text"),
  messageRetry: $("message-retry"), surveyTitle: $("survey-title"), unitLine: $("unit-line"),
  progress: $("progress"), progressStep: $("progress-step"), progressCount: $("progress-count"),
  progressBar: $("progress-bar"), progressFill: $("progress-fill"), step: $("step"),
  alert: $("form-alert"), alertTitle: $("form-alert-title"), alertText: $("form-alert-text"), alertRetry: $("form-alert-retry"),
  back: $("back"), next: $("next"), saveState: $("save-state"), langSwitch: $("lang-switch"),
};

const state = {
  token: "",
  lang: browserLanguage(),
  survey: null, // {title, ask_desired, languages}
  unitName: null,
  q: null, // the questionnaire, localised: {title, scale, frames, dimensions: [{key, name, items: [{key, text}]}]}
  answers: { current: {}, desired: {} }, // item key -> scale point or "dont_know"
  openQuestions: [], comments: {}, // the optional open questions ({key, text}) and their answers (key -> text)
  step: 0,
  dirty: false, saveTimer: null, saving: null, submitting: false, done: false,
  alertRetry: null, // what the form alert's button repeats
  message: null, // {kind, retry} of the message on show, to translate it when the language changes
  invalid: new Set(), // item keys the server refused on submit
};

// --- text ----------------------------------------------------------------------------------------------------------

function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (STRINGS[base]) return base;
  }
  return "en";
}

function t(key, values) {
  const text = (STRINGS[state.lang] || STRINGS.en)[key] || STRINGS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? String(values[name]) : ""));
}

function announce(text) {
  // Cleared first, so that the same text twice is announced twice.
  els.status.textContent = "";
  window.setTimeout(() => { els.status.textContent = text; }, 50);
}

function translateStatic() {
  document.documentElement.lang = state.lang;
  document.title = state.survey ? `${state.survey.title} · ${t("appName")}` : t("appName");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  const offered = (state.survey ? state.survey.languages : Object.keys(STRINGS)).filter((lang) => STRINGS[lang]);
  for (const button of els.langSwitch.querySelectorAll("button")) {
    button.hidden = !offered.includes(button.dataset.lang);
    button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
  }
  els.langSwitch.hidden = offered.length < 2;
}

// --- loading ---------------------------------------------------------------------------------------------------

const api = (method, path, body, options) => request(state.token, method, path, body, options);

function answersBody() {
  const pick = (frame) => Object.fromEntries(Object.entries(state.answers[frame]).filter(([, v]) => v !== null));
  return { language: state.lang, current: pick("current"), desired: state.survey.ask_desired ? pick("desired") : {},
    comments: state.openQuestions.length ? { ...state.comments } : {} };
}

async function load(lang) {
  const data = await api("GET", `${API}?lang=${encodeURIComponent(lang)}`);
  state.survey = data.survey;
  state.q = data.questionnaire;
  state.lang = data.language || data.questionnaire.language || lang;
  state.unitName = data.unit_name || null;
  state.openQuestions = data.open_questions || [];
  return data;
}

async function start() {
  const token = decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
  if (!TOKEN.test(token)) {
    showProblem("no-token");
    return;
  }
  state.token = token;
  translateStatic();
  showOnly(els.loading);
  let draft;
  try {
    ({ draft } = await load(state.lang));
    // A returning respondent continues in the language of the draft.
    if (draft && draft.language && draft.language !== state.lang && state.survey.languages.includes(draft.language)) {
      await load(draft.language);
    }
  } catch (error) {
    showProblem(error.kind, start);
    return;
  }
  if (draft) state.answers = { current: { ...(draft.current || {}) }, desired: { ...(draft.desired || {}) } };
  if (draft) state.comments = { ...(draft.comments || {}) };
  showForm();
  if (draft && answeredCount(state).any > 0) {
    goTo(firstIncompleteStep(state));
    announce(t("restored"));
  } else {
    goTo(0);
  }
}

// --- views ---------------------------------------------------------------------------------------------------------

function showOnly(view) {
  for (const node of [els.loading, els.message, els.form]) node.hidden = node !== view;
}

function showProblem(kind, retry) {
  const known = [...KNOWN_PROBLEMS, "no-token", "network", "server"].includes(kind) ? kind : "unexpected";
  state.message = { kind: known, retry: RETRYABLE.includes(known) && retry ? retry : null };
  renderMessage(true);
}

function renderMessage(focus) {
  const { kind, retry } = state.message;
  translateStatic();
  els.message.dataset.kind = kind;
  els.messageIcon.textContent = { thanks: "\u2713", "survey-closed": "i", "survey-not-open": "i" }[kind] || "!";
  els.messageTitle.textContent = kind === "thanks" ? t("thanksTitle") : t(`error.${kind}.title`);
  els.messageText.textContent = kind === "thanks" ? t("thanksText") : t(`error.${kind}.text`);
  els.messageRetry.hidden = !retry;
  showOnly(els.message);
  if (focus) els.messageTitle.focus();
}

function showForm() {
  translateStatic();
  els.surveyTitle.textContent = state.survey.title;
  els.unitLine.hidden = !state.unitName;
  els.unitLine.textContent = state.unitName ? t("unitLine", { unit: state.unitName }) : "";
  showOnly(els.form);
}

function updateProgress() {
  const parts = state.q.dimensions.length;
  els.progress.hidden = state.step === 0;
  const label = state.step <= parts ? t("partOf", { i: state.step, n: parts }) : t("lastStep");
  const percent = Math.round((Math.min(state.step, parts + 1) / (parts + 1)) * 100);
  const count = answeredCount(state);
  els.progressStep.textContent = label;
  els.progressCount.textContent = t("answeredOf", { a: count.complete, t: count.total });
  els.progressBar.setAttribute("aria-valuenow", String(percent));
  els.progressBar.setAttribute("aria-valuetext", `${label}, ${els.progressCount.textContent}`);
  els.progressFill.style.width = `${percent}%`; // CSSOM, which the CSP allows (unlike style attributes)
}

function render() {
  const parts = state.q.dimensions.length;
  const onReview = state.step > parts;
  els.step.replaceChildren(...renderStep(state, t));
  els.back.hidden = state.step === 0;
  els.next.textContent = state.step === 0 ? t("start") : onReview ? t("submit") : t("next");
  els.next.disabled = onReview && answeredCount(state).any === 0;
  updateProgress();
}

function goTo(step) {
  state.step = step;
  if (els.alert.dataset.kind !== "save") hideAlert();
  render();
  window.scrollTo(0, 0);
  $("step-heading").focus(); // screen readers announce the new step; Tab continues from there
}

// --- alerts inside the form ------------------------------------------------------------------------------------

function showAlert(kind, title, text, retryLabel, retry, details) {
  els.alert.dataset.kind = kind;
  els.alertTitle.textContent = title;
  els.alertText.textContent = text;
  const old = els.alert.querySelector("ul");
  if (old) old.remove();
  if (details && details.length) els.alertText.after(el("ul", {}, ...details.map((d) => el("li", { text: d }))));
  els.alertRetry.hidden = !retry;
  els.alertRetry.textContent = retryLabel || "";
  state.alertRetry = retry || null;
  els.alert.hidden = false;
}

function hideAlert() {
  els.alert.hidden = true;
  delete els.alert.dataset.kind;
  state.alertRetry = null;
}

// --- drafts ----------------------------------------------------------------------------------------------------

function setSaveState(kind) {
  els.saveState.dataset.state = kind;
  els.saveState.textContent = kind === "saving" ? t("saving") : kind === "saved" ? t("saved") : "";
}

function scheduleSave() {
  state.dirty = true;
  setSaveState("pending");
  window.clearTimeout(state.saveTimer);
  state.saveTimer = window.setTimeout(saveDraft, SAVE_DELAY_MS);
}

/** Saves the answers now; one PUT at a time, and another after it if answers changed meanwhile. */
async function saveDraft() {
  window.clearTimeout(state.saveTimer);
  while (state.saving) await state.saving;
  if (!state.dirty || state.done || state.submitting) return;
  state.dirty = false;
  setSaveState("saving");
  state.saving = api("PUT", `${API}/draft`, answersBody())
    .then(() => {
      if (!state.dirty) setSaveState("saved");
      if (els.alert.dataset.kind === "save") hideAlert();
    })
    .catch((error) => {
      state.dirty = true;
      if (state.done) return;
      setSaveState("");
      if (error.kind === "invalid" || RETRYABLE.includes(error.kind)) {
        const reason = error.kind === "invalid" ? "" : t(`error.${error.kind}.title`);
        showAlert("save", t("saveFailed"), reason, t("retrySave"), saveDraft);
      } else {
        showProblem(error.kind);
      }
    })
    .finally(() => {
      state.saving = null;
      if (state.dirty && !state.done && els.alert.dataset.kind !== "save") scheduleSave();
    });
  await state.saving;
}

function saveOnLeave() {
  // The page is going away: send pending answers now, without waiting for the debounce.
  if (!state.dirty || state.done || state.submitting || !state.token) return;
  state.dirty = false;
  api("PUT", `${API}/draft`, answersBody(), { keepalive: true }).catch(() => {});
}

// --- actions ---------------------------------------------------------------------------------------------------

function onChange(event) {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "radio") return;
  const [frame, key] = input.name.split(":");
  if (!FRAMES.includes(frame)) return;
  state.answers[frame][key] = input.value === "dont_know" ? "dont_know" : Number(input.value);
  if (state.invalid.delete(key)) {
    $(`item-${key}`).classList.remove("item-invalid");
    $(`item-${key}`).removeAttribute("aria-invalid");
  }
  updateProgress();
  scheduleSave();
}

function onInput(event) {
  const box = event.target;
  if (!(box instanceof HTMLTextAreaElement) || !box.name.startsWith("comment:")) return;
  state.comments[box.name.slice("comment:".length)] = box.value;
  scheduleSave();
}

async function submit() {
  if (state.submitting) return;
  window.clearTimeout(state.saveTimer);
  while (state.saving) await state.saving;
  state.submitting = true;
  hideAlert();
  els.next.disabled = true;
  els.next.textContent = t("submitting");
  announce(t("submitting"));
  try {
    await api("POST", `${API}/submit`, answersBody());
    state.done = true;
    state.message = { kind: "thanks", retry: null };
    renderMessage(true);
  } catch (error) {
    state.submitting = false;
    render();
    if (error.kind === "invalid") {
      showInvalid(error.body);
    } else if (RETRYABLE.includes(error.kind)) {
      showAlert("submit", t(`error.${error.kind}.title`), t(`error.${error.kind}.text`), t("retry"), submit);
    } else {
      showProblem(error.kind);
    }
  } finally {
    state.submitting = false;
  }
}

function showInvalid(body) {
  // A 422 lists each refused answer at ["body", "current" | "desired", <item key>].
  const items = new Map(state.q.dimensions.flatMap((d) => d.items.map((item) => [item.key, item])));
  state.invalid = new Set();
  for (const error of (body && body.errors) || []) {
    const key = Array.isArray(error.loc) ? error.loc[error.loc.length - 1] : null;
    if (items.has(key)) state.invalid.add(key);
  }
  showAlert("invalid", t("invalidAnswers"), "", null, null, [...state.invalid].map((key) => items.get(key).text));
}

async function changeLanguage(lang) {
  if (lang === state.lang) return;
  if (!state.survey || els.form.hidden) {
    // Nothing loaded yet, or a message on show: translate what is there.
    state.lang = lang;
    if (!els.message.hidden && state.message) renderMessage(false);
    else translateStatic();
    announce(t("languageChanged"));
    return;
  }
  try {
    await load(lang); // the questionnaire's texts in the new language; the answers stay as they are
  } catch (error) {
    if (RETRYABLE.includes(error.kind)) {
      showAlert("language", t(`error.${error.kind}.title`), t(`error.${error.kind}.text`), t("retry"),
        () => changeLanguage(lang));
    } else {
      showProblem(error.kind);
    }
    return;
  }
  const focused = document.activeElement;
  showForm();
  render();
  if (focused && focused.isConnected) focused.focus(); // the switch keeps the focus
  announce(t("languageChanged"));
  scheduleSave();
}

function onNext(event) {
  event.preventDefault();
  if (!state.q || state.done) return;
  if (state.step > state.q.dimensions.length) {
    submit();
    return;
  }
  saveDraft();
  goTo(state.step + 1);
}

function onClick(event) {
  const target = event.target.closest("button");
  if (!target) return;
  if (target === els.back) {
    saveDraft();
    goTo(Math.max(0, state.step - 1));
  } else if (target.dataset.goto) {
    goTo(Number(target.dataset.goto));
  } else if (target === els.alertRetry && state.alertRetry) {
    state.alertRetry();
  }
}

els.form.addEventListener("submit", onNext);
els.form.addEventListener("change", onChange);
els.form.addEventListener("input", onInput);
els.form.addEventListener("click", onClick);
els.messageRetry.addEventListener("click", () => { if (state.message && state.message.retry) state.message.retry(); });
els.langSwitch.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-lang]");
  if (button) changeLanguage(button.dataset.lang);
});
window.addEventListener("pagehide", saveOnLeave);
document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") saveOnLeave(); });
window.addEventListener("hashchange", () => window.location.reload());

start();
