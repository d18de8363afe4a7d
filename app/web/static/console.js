/* The survey console: an organisation admin, signed in, uploads the structure, creates and opens a wave, mails
   the invitations, follows the response rates (under the reports' anonymity protection), reminds and closes.
   Every call goes to the public API with the session cookie (writes carry the session's CSRF token), or with the
   API key the dashboard's key form keeps in this tab (`/dashboard?key`), as `make run`'s demo admin would. */
import { CONSOLE_STRINGS } from "./console-i18n.js";
import { forgetKey, storedKey } from "./dashboard-api.js";
import { signOut, signedInSession } from "./dashboard-session.js";

const ZONE = "Europe/Amsterdam";
const state = { session: null, key: "", prefix: "", lang: "en", surveys: [], survey: null };
const $ = (id) => document.getElementById(id);
const t = () => CONSOLE_STRINGS[state.lang];

async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (state.key) headers.Authorization = `Bearer ${state.key}`;
  else if (method !== "GET") headers["X-CSRF-Token"] = state.session.csrf_token;
  if (body && !(body instanceof FormData)) headers["Content-Type"] = "application/json";
  const response = await fetch(`${state.prefix}${path}`, {
    method, headers, credentials: "same-origin", cache: "no-store", referrerPolicy: "no-referrer",
    body: body instanceof FormData ? body : body && JSON.stringify(body),
  });
  if (response.status === 401) location.assign("/signin?expired=1");
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw Object.assign(new Error(data?.detail || data?.title || response.statusText), { problem: data });
  return data;
}

function say(target, text, errors = []) {
  const box = $(target);
  box.replaceChildren();
  if (!text) return;
  const p = document.createElement("p");
  p.textContent = text;
  box.append(p);
  if (errors.length) {
    const list = document.createElement("ul");
    list.className = "line-errors";
    for (const e of errors) {
      const item = document.createElement("li");
      const [where, line, column] = e.loc || [];
      item.textContent = where === "file" ? t().line(line, column, e.msg) : e.msg;
      list.append(item);
    }
    box.append(list);
  }
}

function failure(target, error) {
  const problem = error.problem;
  if (problem?.errors?.some((e) => e.loc?.[0] === "file")) say(target, t().fileErrors, problem.errors);
  else say(target, `${t().failed} ${error.message}`, problem?.errors?.filter((e) => e.loc?.[0] !== "file") || []);
}

function upload(input) {
  const form = new FormData();
  form.append("file", input.files[0]);
  return form;
}

const offsetAt = (moment) => new Intl.DateTimeFormat("en", { timeZone: ZONE, timeZoneName: "longOffset" })
  .formatToParts(moment).find((p) => p.type === "timeZoneName").value.replace("GMT", "") || "+00:00";

/** "2027-03-01T17:00" typed as Amsterdam time, as an ISO moment with Amsterdam's offset at that moment (taken
    twice: the first guess reads the time as UTC, which is an hour or two off near a change to or from summer time). */
function amsterdamIso(local) {
  const guess = offsetAt(new Date(`${local}:00Z`));
  return `${local}:00${offsetAt(new Date(`${local}:00${guess}`))}`;
}

/** The same moment in UTC, as the API stores it: "2027-03-01T07:00:00.000Z". */
const utc = (local) => new Date(amsterdamIso(local)).toISOString();

const amsterdam = (iso) => new Date(iso).toLocaleString(state.lang === "nl" ? "nl-NL" : "en-GB",
  { timeZone: ZONE, dateStyle: "medium", timeStyle: "short" });

function translate() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const text = t()[el.dataset.i18n];
    if (typeof text === "string") el.textContent = text;
  }
  for (const b of document.querySelectorAll(".lang-button")) b.setAttribute("aria-pressed", b.dataset.lang === state.lang);
  document.title = t().appName;
}

async function loadUnits() {
  const units = await api("/units");
  $("units-list").replaceChildren(...units.map((u) => {
    const item = document.createElement("li");
    item.textContent = u.path.join(" / ");
    return item;
  }));
}

async function loadSurveys(select) {
  state.surveys = await api("/surveys");
  const choose = $("survey-select");
  choose.replaceChildren(...state.surveys.map((s) => new Option(s.title, s.id)));
  if (!state.surveys.length) choose.append(new Option(t().noSurveys, ""));
  const id = select || state.survey?.id || state.surveys.at(-1)?.id;
  if (id) choose.value = id;
  await showSurvey(state.surveys.find((s) => s.id === choose.value) || null);
}

async function showSurvey(survey) {
  state.survey = survey;
  $("wave").hidden = !survey;
  if (!survey) return;
  $("wave-title").textContent = survey.title;
  $("wave-status").textContent = statusText(survey);
  $("wave-open").hidden = survey.status !== "draft";
  $("wave-close").hidden = survey.status !== "open";
  $("wave-reopen").hidden = survey.status !== "closed";
  $("invite-form").hidden = survey.status !== "open" && !(survey.status === "draft" && survey.opens_at);
  $("remind").hidden = survey.status !== "open" || waitsForOpening(survey);  // nobody could have answered yet
  $("invite-wait").textContent = waitsForOpening(survey) ? t().inviteWait(amsterdam(survey.opens_at)) : "";
  $("wave-dashboard").href = `/dashboard?survey=${survey.id}`;
  await Promise.all([showDelivery(), showRates()]);
}

const later = (iso) => iso != null && new Date(iso).getTime() > Date.now();

/** Mails wait for the opening: a draft that opens itself, or an open wave whose `opens_at` is still to come. */
const waitsForOpening = (s) => (s.status === "draft" && s.opens_at != null)
  || (s.status === "open" && !s.accepting && later(s.opens_at));

function statusText(s) {
  const words = t();
  let text = words.statusLine[s.status];
  if (s.status === "draft" && s.opens_at) text = words.opensItself(amsterdam(s.opens_at));
  else if (s.status === "open" && later(s.opens_at)) text = words.openFrom(amsterdam(s.opens_at));
  if (s.status === "open" && s.next_reminder_at) text += words.nextReminder(amsterdam(s.next_reminder_at));
  else if (s.status === "draft" && s.reminder_days.length) text += words.reminderPlan(s.reminder_days);
  if (s.closes_at && s.status !== "closed") text += words.closesLine(amsterdam(s.closes_at));
  return text;
}

async function showDelivery() {
  const survey = state.survey;
  const d = await api(`/surveys/${survey.id}/invitations/mail-delivery`);
  const opening = waitsForOpening(survey) ? amsterdam(survey.opens_at) : null;
  $("delivery").textContent = d.addresses ? t().delivery(d, opening) : "";
}

async function showRates() {
  const r = await api(`/surveys/${state.survey.id}/reports/response-rates?level=teams&lang=${state.lang}`);
  const row = (x, name) => {
    const tr = document.createElement("tr");
    const cells = [name, x.invited ?? "–", x.answered ?? "–",
      x.rate == null ? (t().reasons[x.reason] || "–") : `${Math.round(100 * x.rate)}%`];
    cells.forEach((value, i) => {
      const td = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) td.scope = "row";
      else td.className = x.rate == null && i === 3 ? "hidden-reason" : "num";
      td.textContent = value;
      tr.append(td);
    });
    return tr;
  };
  $("rates").tBodies[0].replaceChildren(row(r.scope, t().organisation),
    ...r.units.map((x) => row(x, x.group.unit_path.join(" / "))));
}

async function act(button, step) {
  button.disabled = true;
  try {
    const survey = await api(`/surveys/${state.survey.id}/${step}`, { method: "POST" });
    await loadSurveys(survey.id);
  } catch (error) {
    failure("survey-result", error);
  } finally {
    button.disabled = false;
  }
}

const FIELDS = { title: "survey-title", min_group_size: "survey-k", opens_at: "survey-opens",
  closes_at: "survey-closes", reminder_days: "survey-reminders" };

/** Show each message next to its field (and mark it invalid for screen readers); focus the first. */
function markFields(messages) {
  for (const id of Object.values(FIELDS)) {
    $(`${id}-error`).textContent = messages[id] || "";
    if (messages[id]) $(id).setAttribute("aria-invalid", "true");
    else $(id).removeAttribute("aria-invalid");
  }
  const first = Object.values(FIELDS).find((id) => messages[id]);
  if (first) $(first).focus();
  return Boolean(first);
}

/** "3, 7" (commas, semicolons or spaces) as [3, 7]: whole days 1-365, no repeats, at most 10. */
function reminderDays(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) < 1 || Number(p) > 365)) return { error: t().badReminders };
  const days = parts.map(Number);
  const twice = days.find((d, i) => days.indexOf(d) !== i);
  if (twice !== undefined) return { error: t().repeatedReminder(twice) };
  if (days.length > 10) return { error: t().tooManyReminders };
  return { days: days.sort((a, b) => a - b) };
}

/** The form's own checks, before anything is sent: `{ body }` or `{ errors }` by field id. */
function readSurveyForm() {
  const errors = {};
  const moment = (id) => {
    if ($(id).validity.badInput) errors[id] = t().badDate;
    return $(id).value ? utc($(id).value) : null;
  };
  const opens = moment("survey-opens"), closes = moment("survey-closes");
  const now = new Date().toISOString();
  if (opens && opens <= now) errors["survey-opens"] = t().opensPast;
  if (closes && closes <= now) errors["survey-closes"] = t().closesPast;
  else if (opens && closes && closes <= opens) errors["survey-closes"] = t().closesBeforeOpens;
  const reminders = reminderDays($("survey-reminders").value);
  if (reminders.error) errors["survey-reminders"] = reminders.error;
  if (Object.keys(errors).length) return { errors };
  return { body: {
    title: $("survey-title").value, min_group_size: Number($("survey-k").value),
    ask_desired: $("survey-desired").checked,
    languages: [...document.querySelectorAll("input[name=lang]:checked")].map((c) => c.value),
    reminder_days: reminders.days, ...(opens ? { opens_at: opens } : {}), ...(closes ? { closes_at: closes } : {}),
  } };
}

async function createSurvey(e) {
  e.preventDefault();
  const { body, errors } = readSurveyForm();
  if (markFields(errors || {})) {
    say("survey-result", t().fixFields);
    return;
  }
  try {
    const questionnaires = await api("/questionnaires");
    // the newest built-in version (version 2 adds the outcome scale of the driver report)
    const builtin = questionnaires.filter((q) => q.builtin).reduce((a, b) => (b.version > a.version ? b : a));
    const survey = await api("/surveys", { method: "POST",
      body: { ...body, questionnaire_id: builtin.id } });
    say("survey-result", t().created(survey.title));
    $("survey-form").reset();
    $("new-survey").open = false;
    await loadSurveys(survey.id);
  } catch (error) {
    const problems = error.problem?.errors || [];
    const byField = {};
    for (const p of problems) {
      const id = p.loc?.[0] === "body" && FIELDS[p.loc[1]];
      if (id && !byField[id]) byField[id] = p.msg;
    }
    const rest = problems.filter((p) => !(p.loc?.[0] === "body" && FIELDS[p.loc[1]]));
    if (markFields(byField) && !rest.length) say("survey-result", t().fixFields);
    else failure("survey-result", Object.assign(error, { problem: { ...error.problem, errors: rest } }));
  }
}

function wire() {
  for (const b of document.querySelectorAll(".lang-button")) {
    b.addEventListener("click", async () => {
      state.lang = b.dataset.lang;
      localStorage.setItem("console-lang", state.lang);
      translate();
      if (state.survey) await showSurvey(state.survey);
    });
  }
  $("sign-out").addEventListener("click", () => {
    if (state.session) signOut(state.session);
    else { forgetKey(); location.assign("/signin"); }
  });
  $("survey-select").addEventListener("change", (e) =>
    showSurvey(state.surveys.find((s) => s.id === e.target.value) || null));
  $("units-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const result = await api("/units/import", { method: "POST", body: upload($("units-file")) });
      say("units-result", t().unitsDone(result.created, result.existing));
      await loadUnits();
    } catch (error) { failure("units-result", error); }
  });
  $("survey-form").addEventListener("submit", createSurvey);
  for (const id of Object.values(FIELDS)) {
    $(id).addEventListener("input", () => {  // an edited field loses its message; the last one, the summary too
      $(`${id}-error`).textContent = "";
      $(id).removeAttribute("aria-invalid");
      if (!Object.values(FIELDS).some((other) => $(`${other}-error`).textContent)) say("survey-result", "");
    });
  }
  $("wave-open").addEventListener("click", (e) => act(e.target, "open"));
  $("wave-close").addEventListener("click", (e) => act(e.target, "close"));
  $("wave-reopen").addEventListener("click", (e) => act(e.target, "reopen"));
  $("invite-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const result = await api(`/surveys/${state.survey.id}/invitations/mail`,
        { method: "POST", body: upload($("invite-file")) });
      const waits = waitsForOpening(state.survey);
      say("invite-result", waits ? t().mailedLater(result.mailed, amsterdam(state.survey.opens_at))
        : t().mailed(result.mailed));
      $("invite-form").reset();
      await Promise.all([showDelivery(), showRates()]);
    } catch (error) { failure("invite-result", error); }
  });
  $("remind").addEventListener("click", async () => {
    try {
      const result = await api(`/surveys/${state.survey.id}/invitations/reminders`, { method: "POST" });
      say("remind-result", t().reminded(result.reminded));
      await showDelivery();
    } catch (error) { failure("remind-result", error); }
  });
}

async function start() {
  const stored = localStorage.getItem("console-lang");
  state.lang = stored || (navigator.language.toLowerCase().startsWith("nl") ? "nl" : "en");
  translate();
  state.session = await signedInSession();
  state.key = state.session ? "" : storedKey();
  if (!state.session && !state.key) {
    location.assign("/signin");
    return;
  }
  const me = state.session || await api("/api/v1/me").catch(() => null);
  $("sign-out").hidden = false;
  if (!me || me.role !== "org_admin" || !me.organisation_id) {
    $("not-admin").hidden = false;
    return;
  }
  state.prefix = `/api/v1/organisations/${me.organisation_id}`;
  wire();
  $("console").hidden = false;
  await Promise.all([loadUnits(), loadSurveys()]);
}

start();
