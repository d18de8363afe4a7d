/* The console's waves page: create a wave of a built-in or the organisation's own questionnaire (Amsterdam time
   shown, UTC stored), change its schedule, open, mail the invitations (console-invite.js: a CSV or XLSX list
   checked line by line, then sent), follow the response rates per unit and per layer (under the reports'
   anonymity protection), remind, close. */
import {
  $, amsterdam, api, failure, localInput, markFields, reminderDays, say, serverFieldErrors, state, t, utc,
} from "./console-core.js";
import { showAnswers, wireAnswers } from "./console-answers.js";
import { showComments, wireComments } from "./console-comments.js";
import { clearCheck, redrawCheck, wireInvitations } from "./console-invite.js";
import { showLinks, wireLinks } from "./console-links.js";

const waves = { list: [], survey: null, questionnaires: [], layers: [], checkedFor: null,
  answered: null };  // the shown wave's responses as the rates give them: { n (null when hidden), reason }

export const currentWave = () => waves.survey;

export async function loadSurveys(select) {
  [waves.list, waves.questionnaires, waves.layers] = await Promise.all([api("/surveys"), api("/questionnaires"),
    api("/layers")]);
  labelQuestionnaires();
  const choose = $("survey-select");
  choose.replaceChildren(...waves.list.map((s) => new Option(s.title, s.id)));
  if (!waves.list.length) choose.append(new Option(t().noSurveys, ""));
  const id = select || waves.survey?.id || waves.list.at(-1)?.id;
  if (id) choose.value = id;
  document.dispatchEvent(new CustomEvent("console:waves", { detail: waves.list }));
  await showSurvey(waves.list.find((s) => s.id === choose.value) || null);
}

/** The questionnaires a wave can be made of: the newest built-in version first (chosen unless another is), the
    older built-in ones, then the organisation's own, newest first; labelled in the console's language. */
function labelQuestionnaires() {
  const choose = $("survey-questionnaire"), chosen = choose.value;
  const title = (q) => q.title[state.lang] || Object.values(q.title)[0] || q.key;
  const newest = (a, b) => b.version - a.version || b.created_at.localeCompare(a.created_at);
  const ordered = [...waves.questionnaires.filter((q) => q.builtin).sort(newest),
    ...waves.questionnaires.filter((q) => !q.builtin).sort(newest)];
  choose.replaceChildren(...ordered.map((q) => new Option(
    (q.builtin ? t().builtinVersion : t().customVersion)(title(q), q.version), q.id)));
  if (ordered.some((q) => q.id === chosen)) choose.value = chosen;
  offerLanguages();
}

/** Only the chosen questionnaire's languages can be asked. */
function offerLanguages() {
  const q = waves.questionnaires.find((x) => x.id === $("survey-questionnaire").value);
  for (const box of document.querySelectorAll("input[name=lang]")) {
    box.disabled = Boolean(q) && !q.languages.includes(box.value);
    if (box.disabled) box.checked = false;
  }
}

export async function showSurvey(survey) {
  labelQuestionnaires();  // the language may have changed
  const another = waves.survey?.id !== survey?.id;
  if (another) waves.answered = null;
  waves.survey = survey;
  $("wave").hidden = !survey;
  if (!survey) return;
  $("wave-title").textContent = survey.title;
  $("wave-status").textContent = statusText(survey);
  $("wave-key").hidden = !survey.key_changed;  // its links are refused until the server's key is restored
  $("wave-key").textContent = survey.key_changed ? t().keyChanged : "";
  $("wave-open").hidden = survey.status !== "draft";
  $("wave-close").hidden = survey.status !== "open";
  $("wave-reopen").hidden = survey.status !== "closed";
  if (another || survey.status !== "open") hideCloseConfirm();
  else if (!$("close-confirm").hidden) askToClose();  // in the language just chosen
  // a closed wave takes no invitations: one line says so instead of the forms' headings and texts
  $("invite-ended").hidden = survey.status !== "closed";
  $("invite-section").hidden = survey.status === "closed";
  $("links-section").hidden = survey.status === "closed";
  const invitable = survey.status === "open" || (survey.status === "draft" && Boolean(survey.opens_at));
  $("invite-form").hidden = !invitable;
  $("remind").hidden = survey.status !== "open" || waitsForOpening(survey);  // nobody could have answered yet
  $("invite-wait").textContent = waitsForOpening(survey) ? t().inviteWait(amsterdam(survey.opens_at)) : "";
  // a list checked for another wave is not sent to this one, nor to a wave that no longer takes invitations
  if (waves.checkedFor !== survey.id || !invitable) clearCheck();
  else redrawCheck();
  waves.checkedFor = survey.id;
  $("wave-dashboard").href = `/dashboard?survey=${survey.id}`;
  showLinks(survey);
  showAnswers(survey);
  fillSchedule(survey);
  await Promise.all([showDelivery(), showRates(), showComments(survey)]);
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
  const survey = waves.survey;
  const d = await api(`/surveys/${survey.id}/invitations/mail-delivery`);
  const opening = waitsForOpening(survey) ? amsterdam(survey.opens_at) : null;
  $("delivery").textContent = d.addresses ? t().delivery(d, opening) : "";
}

async function showRates() {
  const r = await api(`/surveys/${waves.survey.id}/reports/response-rates?level=teams&lang=${state.lang}`);
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
  waves.answered = { n: r.scope.answered, reason: r.scope.reason };
  $("rates").tBodies[0].replaceChildren(row(r.scope, t().organisation),
    ...r.units.map((x) => row(x, x.group.unit_path.join(" / "))));
  const names = Object.fromEntries(waves.layers.map((l) => [l.key, l.names[state.lang] || l.key]));
  $("layer-rates").tBodies[0].replaceChildren(...r.layers.map((x) => row(x, names[x.group.layer_key]
    || x.group.layer_key)));
}

/** Fewer responses than the wave's minimum group size: closing now leaves nothing to report. The organisation's
    count is shown only from the minimum up (or at 0), so below it the rates give no number but the reason. */
function tooFewToClose() {
  const a = waves.answered, k = waves.survey.min_group_size;
  if (!a) return false;
  return a.n == null ? a.reason === "below_minimum" : a.n < k;
}

/** The page's own confirmation (as for removing a person), the safe choice focused first. */
function askToClose() {
  const k = waves.survey.min_group_size, n = waves.answered?.n ?? null;
  $("close-question").textContent = t().closeFew(n, k);
  $("close-undo").textContent = t().closeUndo(n, k);
  $("close-confirm").hidden = false;
}

function hideCloseConfirm() {
  $("close-confirm").hidden = true;
}

async function act(button, step) {
  hideCloseConfirm();
  button.disabled = true;
  try {
    const survey = await api(`/surveys/${waves.survey.id}/${step}`, { method: "POST" });
    await loadSurveys(survey.id);
  } catch (error) {
    failure("survey-result", error);
  } finally {
    button.disabled = false;
  }
}

const FIELDS = { title: "survey-title", questionnaire_id: "survey-questionnaire", min_group_size: "survey-k",
  opens_at: "survey-opens",
  closes_at: "survey-closes", reminder_days: "survey-reminders" };
const SCHEDULE = { opens_at: "sched-opens", closes_at: "sched-closes", reminder_days: "sched-reminders" };

/** The window's checks shared by both forms; `errors` by field id. `changed` says which moments were edited: a
    moment already past that is left as it was is not the reader's mistake. */
function checkWindow(ids, errors, changed = { opens: true, closes: true }) {
  const moment = (id) => {
    if ($(id).validity.badInput) errors[id] = t().badDate;
    return $(id).value ? utc($(id).value) : null;
  };
  const opens = moment(ids.opens_at), closes = moment(ids.closes_at);
  const now = new Date().toISOString();
  if (changed.opens && opens && opens <= now) errors[ids.opens_at] = t().opensPast;
  if (changed.closes && closes && closes <= now) errors[ids.closes_at] = t().closesPast;
  else if (opens && closes && closes <= opens) errors[ids.closes_at] = t().closesBeforeOpens;
  const reminders = reminderDays($(ids.reminder_days).value);
  if (reminders.error) errors[ids.reminder_days] = reminders.error;
  return { opens, closes, days: reminders.days };
}

/** The form's own checks, before anything is sent: `{ body }` or `{ errors }` by field id. */
function readSurveyForm() {
  const errors = {};
  const { opens, closes, days } = checkWindow(FIELDS, errors);
  if (Object.keys(errors).length) return { errors };
  return { body: {
    title: $("survey-title").value, questionnaire_id: $("survey-questionnaire").value,
    min_group_size: Number($("survey-k").value),
    ask_desired: $("survey-desired").checked,
    languages: [...document.querySelectorAll("input[name=lang]:checked")].map((c) => c.value),
    reminder_days: days, ...(opens ? { opens_at: opens } : {}), ...(closes ? { closes_at: closes } : {}),
  } };
}

async function createSurvey(e) {
  e.preventDefault();
  const ids = Object.values(FIELDS);
  const { body, errors } = readSurveyForm();
  if (markFields(ids, errors || {})) {
    say("survey-result", t().fixFields);
    return;
  }
  try {
    const survey = await api("/surveys", { method: "POST", body });
    say("survey-result", t().created(survey.title));
    $("survey-form").reset();
    labelQuestionnaires();  // back to the newest built-in one
    $("new-survey").open = false;
    await loadSurveys(survey.id);
  } catch (error) {
    const { byField, rest } = serverFieldErrors(error, FIELDS);
    if (markFields(ids, byField) && !rest.length) say("survey-result", t().fixFields);
    else failure("survey-result", Object.assign(error, { problem: { ...error.problem, errors: rest } }));
  }
}

/** The schedule form holds the wave's times as Amsterdam time; an open wave's opening can no longer move. */
function fillSchedule(s) {
  $("schedule").hidden = s.status === "closed";
  $("sched-opens").value = s.opens_at ? localInput(s.opens_at) : "";
  $("sched-opens").disabled = s.status !== "draft";
  $("sched-opens-hint").textContent = s.status === "draft" ? t().schedOpensHint : t().schedOpensFixed;
  $("sched-closes").value = s.closes_at ? localInput(s.closes_at) : "";
  $("sched-reminders").value = s.reminder_days.join(", ");
  markFields(Object.values(SCHEDULE), {});
  say("schedule-result", "");
}

async function saveSchedule(e) {
  e.preventDefault();
  const s = waves.survey, ids = Object.values(SCHEDULE);
  const was = { opens: s.opens_at ? localInput(s.opens_at) : "", closes: s.closes_at ? localInput(s.closes_at) : "" };
  const changed = { opens: $("sched-opens").value !== was.opens, closes: $("sched-closes").value !== was.closes };
  const errors = {};
  const { opens, closes, days } = checkWindow(SCHEDULE, errors, changed);
  if (markFields(ids, errors)) {
    say("schedule-result", t().nothingChanged);
    return;
  }
  const body = {};
  if (changed.opens && s.status === "draft") body.opens_at = opens;
  if (changed.closes) body.closes_at = closes;
  if (days.join() !== s.reminder_days.join()) body.reminder_days = days;
  if (!Object.keys(body).length) {
    say("schedule-result", t().noChanges);
    return;
  }
  try {
    const survey = await api(`/surveys/${s.id}`, { method: "PATCH", body });
    await loadSurveys(survey.id);
    say("schedule-result", t().scheduleSaved);
    $("schedule").open = true;
  } catch (error) {
    const { byField, rest } = serverFieldErrors(error, SCHEDULE);
    if (markFields(ids, byField) && !rest.length) say("schedule-result", t().nothingChanged);
    else failure("schedule-result", Object.assign(error, { problem: { ...error.problem, errors: rest } }));
  }
}

function clearOnInput(fields, result) {
  for (const id of Object.values(fields)) {
    $(id).addEventListener("input", () => {  // an edited field loses its message; the last one, the summary too
      $(`${id}-error`).textContent = "";
      $(id).removeAttribute("aria-invalid");
      if (!Object.values(fields).some((other) => $(`${other}-error`).textContent)) say(result, "");
    });
  }
}

export function wireWaves() {
  $("survey-select").addEventListener("change", (e) =>
    showSurvey(waves.list.find((s) => s.id === e.target.value) || null));
  $("survey-form").addEventListener("submit", createSurvey);
  $("survey-questionnaire").addEventListener("change", offerLanguages);
  $("schedule-form").addEventListener("submit", saveSchedule);
  clearOnInput(FIELDS, "survey-result");
  clearOnInput(SCHEDULE, "schedule-result");
  $("wave-open").addEventListener("click", (e) => act(e.target, "open"));
  $("wave-close").addEventListener("click", async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    await showRates().catch(() => {});  // the count as it is now: answers may have come in since the page drew it
    button.disabled = false;
    if (!tooFewToClose()) return act(button, "close");
    askToClose();
    $("close-no").focus();
  });
  $("close-yes").addEventListener("click", () => act($("wave-close"), "close"));
  $("close-no").addEventListener("click", () => {
    hideCloseConfirm();
    $("wave-close").focus();
  });
  $("wave-reopen").addEventListener("click", (e) => act(e.target, "reopen"));
  const layerName = (key) => waves.layers.find((l) => l.key === key)?.names[state.lang] || key;
  wireInvitations(currentWave, layerName, waitsForOpening, () => Promise.all([showDelivery(), showRates()]));
  wireLinks(currentWave, showRates);
  wireComments();
  wireAnswers(currentWave);
  $("remind").addEventListener("click", async () => {
    try {
      const result = await api(`/surveys/${waves.survey.id}/invitations/reminders`, { method: "POST" });
      say("remind-result", t().reminded(result.reminded));
      await showDelivery();
    } catch (error) { failure("remind-result", error); }
  });
}
