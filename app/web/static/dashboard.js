/* The leader's dashboard: a person signed in at /signin (anyone else is sent there) or an API key entered at
   /dashboard?key picks a survey wave and a unit (kept in the address) and reads the reports.
   Runs under a strict Content-Security-Policy: ES modules from this origin only, no inline script or handlers, no
   eval, no HTML parsed from strings. The key is kept in sessionStorage and only ever sent in the Authorization
   header; it is never put in a URL, never logged. */
import { actions } from "./dashboard-actions.js";
import { API, ApiError, forgetKey, get, path, storeKey, storedKey } from "./dashboard-api.js";
import { blindspot } from "./dashboard-blindspot.js";
import { Board } from "./dashboard-board.js";
import { comments } from "./dashboard-comments.js";
import { add, clear, el } from "./dashboard-dom.js";
import { download, downloadBar } from "./dashboard-downloads.js";
import { focus } from "./dashboard-focus.js";
import { desired, perception, readiness } from "./dashboard-gaps.js";
import { STRINGS } from "./dashboard-i18n.js";
import { drawPublication, drawRollup, viewerSees } from "./dashboard-notes.js";
import { heatmap } from "./dashboard-heatmap.js";
import { profile, rates } from "./dashboard-panels.js";
import { byKind, quality } from "./dashboard-quality.js";
import { agreement, teamGaps } from "./dashboard-teams.js";
import { trend } from "./dashboard-trend.js";
import { boardReportButton } from "./dashboard-report.js";
import { statements } from "./dashboard-statements.js";
import { sessionEnded, signInLink, signOut, signedInSession } from "./dashboard-session.js";
import { askedLanguage, putSelectionInUrl, selectionInUrl, wantsKeyForm } from "./dashboard-url.js";

/** A panel with its downloads under it: each report it shows, as CSV and as XLSX. */
const withDownloads = (panel) => ({ ...panel, render(body, results, ctx) {
  panel.render(body, results, ctx);
  add(body, downloadBar(ctx, panel, results));
} });

// in the order of the page: participation first, as the commercial tools open
// (the action plan is not a report: nothing to download under it; the comments bring their own export)
const PANELS = [rates, readiness, focus, actions, heatmap, profile, desired, statements, perception, blindspot, teamGaps, trend,
  agreement, quality, comments].map((panel) => (panel === actions || panel === comments ? panel : withDownloads(panel)));
const SELECTION_STORE = "culturegap.dashboard.selection";
const LANG_STORE = "culturegap.dashboard.lang";

const $ = (id) => document.getElementById(id);
const els = {
  status: $("status"), signin: $("view-signin"), signinForm: $("signin-form"), keyInput: $("key-input"),
  signinError: $("signin-error"), signinErrorTitle: $("signin-error-title"), signinErrorText: $("signin-error-text"),
  signinTitle: $("signin-title"), loading: $("view-loading"), message: $("view-message"),
  messageTitle: $("message-title"), messageText: $("message-text"), messageRetry: $("message-retry"),
  dashboard: $("view-dashboard"), orgName: $("org-name"), title: $("dashboard-title"), meta: $("survey-meta"),
  orgField: $("org-field"), orgSelect: $("org-select"), surveyField: $("survey-field"),
  surveySelect: $("survey-select"), unitField: $("unit-field"), unitSelect: $("unit-select"),
  signOut: $("sign-out"), langSwitch: $("lang-switch"), panels: $("panels"), qualityLink: $("quality-link"),
  boardReport: $("board-report").closest(".board-report"),
};

const state = {
  key: "",
  session: null, // a signed-in person's session (dashboard-session.js), when there is no key
  lang: initialLanguage(),
  me: null,
  organisations: [], // for a platform admin key
  org: null, layers: [], units: [], surveys: [], questionnaires: [],
  survey: null, scopeId: null, scale: { min: 1, max: 5 },
  dimensionScales: new Map(), // dimension key -> its own scale {min, max} (or the questionnaire's)
  message: null, // {kind, retry} on show
  signinError: null,
};

// --- text ------------------------------------------------------------------------------------------------------------

function initialLanguage() {
  const asked = askedLanguage(); // a sign-in came back in this language
  if (asked && STRINGS[asked]) {
    localStorage.setItem(LANG_STORE, asked);
    return asked;
  }
  const stored = localStorage.getItem(LANG_STORE);
  if (stored && STRINGS[stored]) return stored;
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (STRINGS[base]) return base;
  }
  return "en";
}

function t(key, values) {
  const text = (STRINGS[state.lang] || STRINGS.en)[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? String(values[name]) : ""));
}

function announce(text) {
  els.status.textContent = "";
  window.setTimeout(() => { els.status.textContent = text; }, 50);
}

function translateStatic() {
  document.documentElement.lang = state.lang;
  document.title = state.org ? `${state.org.name} · ${t("appName")}` : t("appName");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-lead]")) {
    // dimensions on scales of their own: the lead says so instead of naming the span of them all
    const uniform = new Set([...state.dimensionScales.values()].map((s) => `${s.min}:${s.max}`)).size <= 1;
    node.textContent = t(uniform ? node.dataset.lead : `${node.dataset.lead}Each`,
      { min: state.scale.min, max: state.scale.max });
  }
  for (const button of els.langSwitch.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
  }
  signInLink(els.signinForm, state.lang);
}

// --- views -------------------------------------------------------------------------------------------------------------

function show(view) {
  for (const name of ["signin", "loading", "message", "dashboard"]) els[name].hidden = name !== view;
  els.signOut.hidden = view === "signin" || !(state.key || state.session);
}

/** The sign-in form; `error`: "missing" (no key entered) or an ApiError kind, said above the field. */
function showSignIn(error) {
  state.signinError = error;
  show("signin");
  els.signinError.hidden = !error;
  els.keyInput.setAttribute("aria-invalid", String(Boolean(error)));
  if (error) {
    const text = error === "missing" ? { title: t("keyMissing"), text: "" } : errorText(new ApiError(error, 0, null));
    els.signinErrorTitle.textContent = text.title;
    els.signinErrorText.textContent = text.text;
  }
  els.keyInput.focus();
}

function errorText(error) {
  const kind = error instanceof ApiError ? error.kind : "unexpected";
  const detail = error instanceof ApiError ? (error.detail || error.errors.map((e) => e.msg).join("; ")) : "";
  return { title: t(`error.${kind}.title`), text: t(`error.${kind}.text`, { detail }) };
}

function showMessage(kind, retry) {
  state.message = { kind, retry };
  const text = kind === "no-surveys" ? { title: t("noSurveysTitle"), text: t("noSurveysText") }
    : errorText(new ApiError(kind, 0, null));
  show("message");
  els.messageTitle.textContent = text.title;
  els.messageText.textContent = text.text;
  els.messageRetry.hidden = !retry;
  els.messageTitle.focus();
}

/** A key the service refused: forget it and ask again. */
function keyRefused() {
  if (state.session) return sessionEnded(); // a signed-in person's session ended: sign in again
  forgetKey();
  state.key = "";
  showSignIn("unauthorized");
}

function failed(error, retry) {
  if (error instanceof ApiError && error.kind === "unauthorized") return keyRefused();
  const kind = error instanceof ApiError ? error.kind : "unexpected";
  return showMessage(kind, retry);
}

// --- loading ---------------------------------------------------------------------------------------------------------

const api = (url) => get(state.key, url);

function remembered() {
  try { return JSON.parse(sessionStorage.getItem(SELECTION_STORE) || "{}"); } catch { return {}; }
}

function remember() {
  const selection = { org: state.org && state.org.id, survey: state.survey && state.survey.id, unit: state.scopeId };
  sessionStorage.setItem(SELECTION_STORE, JSON.stringify(selection));
  putSelectionInUrl(state.organisations.length ? selection : { ...selection, org: null }); // one organisation: no id
}

async function start() {
  show("loading");
  try {
    state.me = await api(API.me);
    storeKey(state.key);
    let orgId = state.me.organisation_id;
    els.orgField.hidden = Boolean(orgId);
    if (!orgId) { // a platform admin: every organisation, one at a time
      state.organisations = await api(API.organisations);
      if (!state.organisations.length) return showMessage("no-surveys", null);
      const wanted = remembered().org;
      orgId = state.organisations.some((o) => o.id === wanted) ? wanted : state.organisations[0].id;
      fillSelect(els.orgSelect, state.organisations.map((o) => ({ value: o.id, text: o.name })), orgId);
    }
    await loadOrganisation(orgId);
  } catch (error) {
    failed(error, start);
  }
}

async function loadOrganisation(orgId) {
  show("loading");
  const [org, layers, units, surveys, questionnaires] = await Promise.all([
    api(API.organisation(orgId)), api(API.layers(orgId)), api(API.units(orgId)), api(API.surveys(orgId)),
    api(API.questionnaires(orgId)).catch(() => [])]); // only to find earlier waves: same questionnaire id suffices
  Object.assign(state, { org, layers, units, questionnaires, surveys: surveys.filter((s) => s.status !== "draft") });
  if (!state.surveys.length) return showNoSurveys();
  const saved = remembered();
  const newest = [...state.surveys].sort((a, b) => String(b.opened_at).localeCompare(String(a.opened_at)))[0];
  state.survey = state.surveys.find((s) => s.id === saved.survey) || newest;
  const own = state.me.unit_id || (state.me.unit_ids || [])[0]; // a person with several units: the first
  state.scopeId = state.units.some((u) => u.id === saved.unit) ? saved.unit : own || null;
  fillPickers();
  await selectSurvey(state.survey);
}

/** An organisation without survey results: the toolbar stays (a platform admin may pick another organisation). */
function showNoSurveys() {
  state.survey = null;
  board.cancel();
  show("dashboard");
  els.orgName.textContent = state.org.name;
  els.title.textContent = t("noSurveysTitle");
  els.meta.textContent = t("noSurveysText");
  els.surveyField.hidden = true;
  els.unitField.hidden = true;
  els.panels.hidden = true;
  els.boardReport.hidden = true; // no wave: nothing to print
  remember();
  translateStatic();
  els.title.focus();
}

function fillSelect(select, options, value) {
  clear(select);
  for (const option of options) select.append(el("option", { value: option.value, text: option.text }));
  select.value = value ?? "";
}

function fillPickers() {
  fillSelect(els.surveySelect, state.surveys.map((s) => ({ value: s.id,
    text: `${s.title} (${t(`status.${s.status}`)})` })), state.survey.id);
  const options = state.me.unit_id || state.me.unit_ids ? [] : [{ value: "", text: t("wholeOrganisation") }];
  for (const unit of state.units) {
    const depth = unit.depth - (state.units[0] ? state.units[0].depth : 0);
    options.push({ value: unit.id, text: `${"\u2002\u2002".repeat(depth)}${unit.name}` });
  }
  fillSelect(els.unitSelect, options, state.scopeId || "");
}

async function selectSurvey(survey) {
  state.survey = survey;
  board.cancel(); // answers still on their way belong to the previous survey
  for (const panel of PANELS) board.showLoading(panel);
  try {
    const questionnaire = await api(API.questionnaire(state.org.id, survey.questionnaire_id));
    // the span of the dimensions' scales (each dimension's own, or the questionnaire's: docs/scales.md)
    const own = (questionnaire.dimensions || []).map((d) => d.scale).filter(Boolean);
    const scales = own.length ? own : [{ min: questionnaire.scale_min, max: questionnaire.scale_max }];
    state.scale = { min: Math.min(...scales.map((s) => s.min)), max: Math.max(...scales.map((s) => s.max)) };
    state.dimensionScales = new Map((questionnaire.dimensions || []).filter((d) => d.scale)
      .map((d) => [d.key, { min: d.scale.min, max: d.scale.max }]));
  } catch (error) {
    if (error instanceof ApiError && error.kind === "unauthorized") return keyRefused();
    state.scale = { min: 1, max: 5 }; // the built-in scale: the reports still show
    state.dimensionScales = new Map();
  }
  const focusWasAway = !els.dashboard.contains(document.activeElement) || els.dashboard.hidden;
  show("dashboard");
  els.surveyField.hidden = false;
  els.unitField.hidden = false;
  els.panels.hidden = false;
  els.boardReport.hidden = false;
  if (focusWasAway) els.title.focus(); // after signing in: start reading at the heading
  loadPanels();
}

// --- panels --------------------------------------------------------------------------------------------------------

function scopeName() {
  const unit = state.units.find((u) => u.id === state.scopeId);
  return unit ? unit.name : t("wholeOrganisation");
}

function panelContext() {
  const layerNames = new Map(state.layers.map((l) => [l.key, l.names[state.lang] || l.names.en || l.key]));
  return {
    orgName: state.org.name, canSee: viewerSees(state.me, state.units), hasChildren: (id) => state.units.some((u) => u.parent_id === id),
    me: state.me, lang: state.lang, t, k: state.survey.min_group_size, scale: state.scale, scopeId: state.scopeId,
    // a dimension's range max - min (its own scale; the span of all without a key): colours and arrows are shares of it
    range: (key) => { const s = state.dimensionScales.get(key) || state.scale; return s.max - s.min; },
    uniformScale: () => new Set([...state.dimensionScales.values()].map((s) => `${s.min}:${s.max}`)).size <= 1,
    survey: state.survey, layers: state.layers, surveys: state.surveys, questionnaires: state.questionnaires,
    choice: (key) => board.choices.get(key),
    choose: (key, value) => board.choose(key, value), // the panel named by the key's prefix is drawn again
    layerName: (key) => (key ? layerNames.get(key) || key : t("wholeOrganisation")),
    report: (name, query) => path(API.report(state.org.id, state.survey.id, name),
      { ...query, unit_id: state.scopeId }),
    // another unit's (null: the organisation's) report, or another wave's
    reportAt: (unitId, name, query, surveyId) => path(API.report(state.org.id, surveyId || state.survey.id, name),
      { ...query, unit_id: unitId }),
    units: state.units,
    download: (url) => download(state.key, url),
    announce,
    surveyPath: (sub) => `/api/v1/organisations/${state.org.id}/surveys/${state.survey.id}/${sub}`,
    width: (node) => node.clientWidth || els.panels.clientWidth,
  };
}

function updateHeader() {
  els.orgName.textContent = state.org.name;
  els.title.textContent = `${state.survey.title} · ${scopeName()}`;
  drawPublication(t, state.lang, state.survey);
  translateStatic();
}



function updateMeta(profileResult) {
  drawRollup(panelContext(), profileResult && profileResult.group); // from the profile report's group
  const status = t(`status.${state.survey.status}`);
  const n = profileResult && profileResult.group ? profileResult.group.n : null;
  els.meta.textContent = n === null || n === undefined
    ? t("surveyMetaHidden", { status, k: state.survey.min_group_size })
    : t("surveyMeta", { status, n, k: state.survey.min_group_size });
}

async function loadPanels() {
  remember();
  updateHeader();
  updateMeta(null);
  updateQualityLink(null);
  announce(t("loadingReports"));
  const current = await board.loadAll();
  if (current && !els.dashboard.hidden) {
    announce(t("reportsLoaded", { survey: state.survey.title, scope: scopeName() }));
  }
}

/** Under the survey's title: how many data-quality warnings there are, linked to the panel that lists them. */
function updateQualityLink(report) {
  const count = report ? byKind(report.warnings).length : 0; // kinds of warning, each said once in the panel
  els.qualityLink.hidden = !count;
  if (count) els.qualityLink.textContent = t("qualityLink", { count });
}

function panelResult(panelId, result) {
  if (panelId === "profile" && result) updateMeta(result.profile);
  if (panelId === "quality") updateQualityLink(result && result.quality);
}

const board = new Board({
  panels: PANELS, context: panelContext, t, errorText,
  fetch: (url, signal) => get(state.key, url, { signal }),
  onResult: panelResult,
  onUnauthorized: keyRefused, onRetry: () => loadPanels(),
});

function redraw() {
  if (!els.dashboard.hidden) board.redraw();
}

// --- events -------------------------------------------------------------------------------------------------------

els.signinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const key = els.keyInput.value.trim();
  if (!key) return showSignIn("missing");
  state.key = key;
  els.keyInput.value = "";
  start();
});

els.signOut.addEventListener("click", () => {
  if (state.session) return signOut(state.session);
  forgetKey();
  sessionStorage.removeItem(SELECTION_STORE);
  putSelectionInUrl({});
  Object.assign(state, { key: "", me: null, org: null, survey: null, organisations: [] });
  board.cancel();
  showSignIn(null);
  translateStatic();
  announce(t("signedOut"));
});

els.messageRetry.addEventListener("click", () => state.message && state.message.retry && state.message.retry());

els.orgSelect.addEventListener("change", () => {
  sessionStorage.removeItem(SELECTION_STORE);
  loadOrganisation(els.orgSelect.value).catch((error) => failed(error, start));
});

els.surveySelect.addEventListener("change", () => {
  const survey = state.surveys.find((s) => s.id === els.surveySelect.value);
  if (survey) selectSurvey(survey);
});

els.unitSelect.addEventListener("change", () => {
  state.scopeId = els.unitSelect.value || null;
  loadPanels();
});

els.langSwitch.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-lang]");
  if (!button || button.dataset.lang === state.lang) return;
  state.lang = button.dataset.lang;
  localStorage.setItem(LANG_STORE, state.lang);
  translateStatic();
  announce(t("languageChanged"));
  if (state.message && !els.message.hidden) showMessage(state.message.kind, state.message.retry);
  if (!els.signin.hidden && state.signinError) showSignIn(state.signinError);
  if (state.survey && !els.dashboard.hidden) {
    fillPickers();
    loadPanels(); // names of dimensions and layers in the new language
  } else if (state.org && !els.dashboard.hidden) {
    showNoSurveys();
  }
});

boardReportButton($("board-report"), $("board-report-status"), () => (state.survey ? { key: state.key, t, announce,
  url: path(API.report(state.org.id, state.survey.id, "board-report"), { lang: state.lang, unit_id: state.scopeId }) }
  : null));

els.panels.addEventListener("toggle", (event) => board.toggled(event.target), true); // caught on its way down

let lastWidth = 0;
new ResizeObserver(() => {
  const width = els.panels.clientWidth;
  if (width && Math.abs(width - lastWidth) > 1) {
    lastWidth = width;
    window.requestAnimationFrame(redraw);
  }
}).observe(els.panels);

// --- start ------------------------------------------------------------------------------------------------------------

// A selection in the address wins over the tab's remembered one, and outlives a trip through the sign-in page.
if (Object.keys(selectionInUrl()).length) sessionStorage.setItem(SELECTION_STORE, JSON.stringify(selectionInUrl()));
translateStatic();
state.key = storedKey();
if (state.key) start();
else signedInSession().then((session) => { // a person signed in at /signin: their session's cookie
  state.session = session;
  if (session) start();
  else if (wantsKeyForm()) showSignIn(null); // "sign in with an API key" (`/dashboard?key`)
  else location.replace("/signin"); // signed out: people sign in there
});
