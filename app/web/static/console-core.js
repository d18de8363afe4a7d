/* What every page of the console shares: the signed-in state, the API call, messages (the server's problems in
   the reader's language), and Amsterdam time. Every call goes to the public API with the session cookie (writes
   carry the session's CSRF token), or with the API key the dashboard's key form keeps in this tab. */
import { CONSOLE_STRINGS } from "./console-i18n.js";
import { fieldMessage, problemMessage } from "./console-problems.js";

export const ZONE = "Europe/Amsterdam";
export const state = { session: null, key: "", prefix: "", lang: "en" };
export const $ = (id) => document.getElementById(id);
export const t = () => CONSOLE_STRINGS[state.lang];

/** The API's answer: JSON, or the text of another `accept`ed type (a CSV); a problem is thrown with its details. */
export async function api(path, { method = "GET", body, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (state.key) headers.Authorization = `Bearer ${state.key}`;
  else if (method !== "GET") headers["X-CSRF-Token"] = state.session.csrf_token;
  if (body && !(body instanceof FormData)) headers["Content-Type"] = "application/json";
  const response = await fetch(`${state.prefix}${path}`, {
    method, headers, credentials: "same-origin", cache: "no-store", referrerPolicy: "no-referrer",
    body: body instanceof FormData ? body : body && JSON.stringify(body),
  });
  if (response.status === 401) location.assign("/signin?expired=1");
  if (response.ok && accept !== "application/json") return response.text();
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw Object.assign(new Error(data?.detail || data?.title || response.statusText), { problem: data });
  return data;
}

/** A field's or a line's message from the server, in the reader's language where the console knows it. */
export const serverWords = (msg) => fieldMessage(msg.replace(/^Value error, /, ""), state.lang);

/** The sentence for a failed call: the problem's detail in the reader's language. */
export const problemText = (error) => problemMessage(error.problem, error.message, state.lang);

/** Put `text` in `node` as its only content, its markdown code spans (`path`, as the server's English writes
    column and field names) as <code> elements: text nodes only, never parsed as HTML. */
export function showText(node, text) {
  const parts = String(text ?? "").split(/`([^`\n]+)`/);  // odd indexes: the spans' insides
  node.replaceChildren(...parts.map((part, i) => (i % 2 ? el("code", part) : document.createTextNode(part)))
    .filter((part) => part.textContent));
  return node;
}

export function say(target, text, errors = []) {
  const box = $(target);
  box.replaceChildren();
  if (!text) return;
  box.append(showText(document.createElement("p"), text));
  if (errors.length) {
    const list = document.createElement("ul");
    list.className = "line-errors";
    for (const e of errors) {
      const [where, line, column] = e.loc || [];
      list.append(showText(document.createElement("li"),
        where === "file" ? t().line(line, column, serverWords(e.msg)) : serverWords(e.msg)));
    }
    box.append(list);
  }
}

export function failure(target, error) {
  const problem = error.problem;
  if (problem?.errors?.some((e) => e.loc?.[0] === "file")) say(target, t().fileErrors, problem.errors);
  else say(target, `${t().failed} ${problemText(error)}`, problem?.errors?.filter((e) => e.loc?.[0] !== "file") || []);
}

export function upload(input) {
  const form = new FormData();
  form.append("file", input.files[0]);
  return form;
}

/** Show each message next to its field (and mark it invalid for screen readers); focus the first. `ids` are the
    fields' ids; each has a `<id>-error` paragraph in its `aria-describedby`. */
export function markFields(ids, messages) {
  for (const id of ids) {
    showText($(`${id}-error`), messages[id] || "");
    if (messages[id]) $(id).setAttribute("aria-invalid", "true");
    else $(id).removeAttribute("aria-invalid");
  }
  const first = ids.find((id) => messages[id]);
  if (first) $(first).focus();
  return Boolean(first);
}

/** The server's 422 field errors (`loc: ["body", field]`) by field id (`fields` maps API name to id), and the rest. */
export function serverFieldErrors(error, fields) {
  const problems = error.problem?.errors || [];
  const byField = {};
  for (const p of problems) {
    const id = p.loc?.[0] === "body" && fields[p.loc[1]];
    if (id && !byField[id]) byField[id] = serverWords(p.msg);
  }
  const rest = problems.filter((p) => !(p.loc?.[0] === "body" && fields[p.loc[1]]));
  return { byField, rest };
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
export const utc = (local) => new Date(amsterdamIso(local)).toISOString();

/** A stored moment as a datetime-local input holds it in Amsterdam: "2027-03-01T17:00". */
export function localInput(iso) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export const amsterdam = (iso) => new Date(iso).toLocaleString(state.lang === "nl" ? "nl-NL" : "en-GB",
  { timeZone: ZONE, dateStyle: "medium", timeStyle: "short" });

/** "3, 7" (commas, semicolons or spaces) as [3, 7]: whole days 1-365, no repeats, at most 10. */
export function reminderDays(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) < 1 || Number(p) > 365)) return { error: t().badReminders };
  const days = parts.map(Number);
  const twice = days.find((d, i) => days.indexOf(d) !== i);
  if (twice !== undefined) return { error: t().repeatedReminder(twice) };
  if (days.length > 10) return { error: t().tooManyReminders };
  return { days: days.sort((a, b) => a - b) };
}

/** An element with text (and optional class), for the pages' small bits of DOM. */
export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** A labelled field built in script: `control` gets `id`, an optional hint and the `<id>-error` paragraph
    `markFields` fills, both in its `aria-describedby`. */
export function field(id, label, control, hint) {
  control.id = id;
  control.setAttribute("aria-describedby", [hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" "));
  const wrap = el("div", null, "field");
  const caption = el("label", label, "field-label");
  caption.htmlFor = id;
  wrap.append(caption);
  if (hint) wrap.append(Object.assign(el("p", hint, "field-hint"), { id: `${id}-hint` }));
  wrap.append(control, Object.assign(el("p", null, "field-error"), { id: `${id}-error` }));
  return wrap;
}

/** An upload's bad lines (the problem's errors at `["file", line, column]`) beside what each line says, in the
    element `boxId` as a table `tableId` (a CSV is read here; a workbook's rows are named only). False, showing
    nothing, when the problem names no line. Used by the structure's, the invitations' and the people's uploads. */
export async function showLineErrors(file, error, boxId, tableId) {
  const errors = (error.problem?.errors || []).filter((x) => x.loc?.[0] === "file" && x.loc.length > 1);
  if (!errors.length || !file) return false;
  const lines = /\.xlsx$/i.test(file.name) ? null : (await file.text()).split(/\r\n|\n|\r/);
  const box = $(boxId);
  box.replaceChildren(el("p", t().fileErrors));
  const table = el("table", null, "line-table");
  table.id = tableId;
  table.append(el("caption", t().linesCaption));
  const head = el("tr");
  for (const h of [t().lineNumber, t().lineText, t().problem]) {
    const th = el("th", h);
    th.scope = "col";
    head.append(th);
  }
  table.append(el("thead"), el("tbody"));
  table.tHead.append(head);
  for (const e of errors) {
    const [, line, column] = e.loc;
    const tr = el("tr");
    const number = el("th", String(line));
    number.scope = "row";
    const text = lines ? lines[line - 1] ?? "" : t().rowInWorkbook;
    const code = el("td", null, "line-text");
    code.append(el("code", text));
    tr.append(number, code, showText(el("td"), `${column ? `${column}: ` : ""}${serverWords(e.msg)}`));
    table.tBodies[0].append(tr);
  }
  const wrap = el("div", null, "table-wrap");
  wrap.append(table);
  box.append(wrap);
  return true;
}
