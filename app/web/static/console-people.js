/* The console's people-and-access page: who may sign in, with which role, and which units' subtrees they see.
   Add, change the role and units, deactivate or reactivate, remove; each refusal of the server beside its field. */
import {
  $, api, el, failure, markFields, problemText, say, serverFieldErrors, showLineErrors, showText, state, t, upload,
} from "./console-core.js";

const people = { list: [], units: [], editing: null, removing: null };
const ADD = { email: "person-email", name: "person-name", role: "person-role", unit_ids: "person-units" };
const EDIT = { role: "access-role", unit_ids: "access-units" };

export async function loadPeople() {
  [people.list, people.units] = await Promise.all([api("/people"), api("/units?include_archived=false")]);
  fillUnitChoices($("person-units"), "person", []);
  render();
}

/** One checkbox per live unit, labelled with its path, inside the fieldset `box` (its legend stays). */
function fillUnitChoices(box, prefix, chosen) {
  const list = box.querySelector(".unit-choices");
  list.replaceChildren(...people.units.map((u) => {
    const label = el("label", null, "check");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = u.id;
    input.name = `${prefix}-unit`;
    input.checked = chosen.includes(u.id);
    label.append(input, el("span", u.path.join(" / ")));
    return label;
  }));
  if (!people.units.length) list.append(el("p", t().noUnitsYet, "field-hint"));
}

const chosenUnits = (box) => [...box.querySelectorAll("input[type=checkbox]:checked")].map((c) => c.value);

function roleSelect(id, value) {
  const select = el("select", null, "input");
  select.id = id;
  for (const role of ["org_admin", "analyst", "leader"]) select.append(new Option(t().roles[role], role));
  select.value = value;
  return select;
}

function render() {
  const body = $("people-table").tBodies[0];
  body.replaceChildren(...people.list.map(personRow));
  $("people-empty").hidden = people.list.length > 0;
}

function personRow(p) {
  const tr = el("tr");
  tr.dataset.person = p.id;
  const who = el("th");
  who.scope = "row";
  who.append(el("span", p.name, "person-name"), el("span", p.email, "person-email"));
  if (!p.active) who.append(el("span", t().deactivated, "tag"));
  const units = el("td", p.role === "org_admin" ? t().wholeOrganisation
    : p.unit_paths.map((path) => path.join(" / ")).join("; ") || (p.role === "analyst" ? t().wholeOrganisation : "–"));
  const actions = el("td", null, "person-actions");
  const buttons = el("div", null, "console-actions");
  const b = (text, label, action) => {
    const button = el("button", text, "button button-secondary button-small");
    button.type = "button";
    button.dataset.action = action;
    button.dataset.person = p.id;
    button.setAttribute("aria-label", label);
    return button;
  };
  if (p.id === state.session?.person_id) buttons.append(el("span", t().thisIsYou, "field-hint"));  // no lock-out
  else {
    buttons.append(b(t().changeAccess, t().changeAccessOf(p.name), "edit"),
      p.active ? b(t().deactivate, t().deactivateWho(p.name), "deactivate")
        : b(t().reactivate, t().reactivateWho(p.name), "reactivate"),
      b(t().remove, t().removeWho(p.name), "remove"));
  }
  actions.append(buttons);
  if (people.removing === p.id) actions.append(removeConfirm(p));
  if (people.editing === p.id) actions.append(accessForm(p));
  const message = el("p", "", "field-error");
  message.id = `person-message-${p.id}`;
  actions.append(message);
  tr.append(who, el("td", t().roles[p.role]), units, actions);
  return tr;
}

function removeConfirm(p) {
  const box = el("div", null, "confirm");
  box.setAttribute("role", "group");
  box.setAttribute("aria-labelledby", "remove-question");
  const question = el("p", t().removeQuestion(p.name));
  question.id = "remove-question";
  const yes = el("button", t().removeYes, "button button-danger");
  yes.type = "button";
  yes.dataset.action = "remove-yes";
  yes.dataset.person = p.id;
  const no = el("button", t().cancel, "button button-secondary");
  no.type = "button";
  no.dataset.action = "remove-no";
  no.dataset.person = p.id;
  const buttons = el("div", null, "console-actions");
  buttons.append(yes, no);
  box.append(question, buttons);
  return box;
}

function accessForm(p) {
  const form = el("form", null, "console-form access-form");
  form.dataset.person = p.id;
  const roleField = el("div", null, "field");
  const label = el("label", t().role, "field-label");
  label.htmlFor = "access-role";
  const select = roleSelect("access-role", p.role);
  select.setAttribute("aria-describedby", "access-role-error");
  const roleError = el("p", "", "field-error");
  roleError.id = "access-role-error";
  roleField.append(label, select, roleError);
  const units = el("fieldset", null, "field unit-picker");
  units.id = "access-units";
  units.tabIndex = -1;
  units.setAttribute("aria-describedby", "access-units-hint access-units-error");
  const hint = el("p", t().unitsHint, "field-hint");
  hint.id = "access-units-hint";
  const unitsError = el("p", "", "field-error");
  unitsError.id = "access-units-error";
  units.append(el("legend", t().unitsLegend(p.name), "field-label"), hint, el("div", null, "unit-choices"), unitsError);
  const save = el("button", t().save, "button button-primary");
  save.type = "submit";
  const cancel = el("button", t().cancel, "button button-secondary");
  cancel.type = "button";
  cancel.dataset.action = "edit-cancel";
  cancel.dataset.person = p.id;
  const buttons = el("div", null, "console-actions");
  buttons.append(save, cancel);
  form.append(roleField, units, buttons);
  fillUnitChoices(units, "access", p.unit_ids);
  return form;
}

/** The client's check of a role against its units, as the server does it. */
function unitsProblem(role, units) {
  if (role === "leader" && !units.length) return t().leaderNeedsUnits;
  if (role === "org_admin" && units.length) return t().adminNoUnits;
  return null;
}

function focusPerson(id, action) {
  document.querySelector(`#people-table button[data-person="${id}"][data-action="${action}"]`)?.focus();
}

async function addPerson(e) {
  e.preventDefault();
  const ids = Object.values(ADD);
  const body = { email: $("person-email").value.trim(), name: $("person-name").value.trim(),
    role: $("person-role").value, unit_ids: chosenUnits($("person-units")) };
  const errors = {};
  if (!body.email) errors["person-email"] = t().required;
  if (!body.name) errors["person-name"] = t().required;
  const problem = unitsProblem(body.role, body.unit_ids);
  if (problem) errors["person-units"] = problem;
  if (markFields(ids, errors)) {
    say("person-result", t().nobodyAdded);
    return;
  }
  try {
    const person = await api("/people", { method: "POST", body });
    say("person-result", t().added(person.name));
    $("person-form").reset();
    $("person-role").value = "leader";
    await loadPeople();
  } catch (error) {
    const { byField, rest } = serverFieldErrors(error, ADD);
    if (error.problem?.status === 409) byField["person-email"] = problemText(error);
    if (markFields(ids, byField) && !rest.length) say("person-result", t().nobodyAdded);
    else failure("person-result", Object.assign(error, { problem: { ...error.problem, errors: rest } }));
  }
}

async function saveAccess(form) {
  const id = form.dataset.person, ids = Object.values(EDIT);
  const body = { role: $("access-role").value, unit_ids: chosenUnits($("access-units")) };
  const problem = unitsProblem(body.role, body.unit_ids);
  if (markFields(ids, problem ? { "access-units": problem } : {})) {
    $("access-units").querySelector("input")?.focus();
    return;
  }
  try {
    const person = await api(`/people/${id}`, { method: "PATCH", body });
    people.editing = null;
    await loadPeople();
    focusPerson(id, "edit");
    $("status").textContent = t().accessSaved(person.name);
  } catch (error) {
    const { byField, rest } = serverFieldErrors(error, EDIT);
    if (!markFields(ids, byField) || rest.length) showText($("access-units-error"), problemText(error));
  }
}

async function setActive(id, active) {
  try {
    const person = await api(`/people/${id}`, { method: "PATCH", body: { active } });
    await loadPeople();
    focusPerson(id, active ? "deactivate" : "reactivate");
    $("status").textContent = active ? t().reactivated(person.name) : t().deactivatedDone(person.name);
  } catch (error) { showText($(`person-message-${id}`), problemText(error)); }
}

async function remove(id) {
  const person = people.list.find((p) => p.id === id);
  try {
    await api(`/people/${id}`, { method: "DELETE" });
    people.removing = null;
    await loadPeople();
    $("people-title").focus();
    $("status").textContent = t().removed(person.name);
  } catch (error) { showText($(`person-message-${id}`), problemText(error)); }
}

function onClick(e) {
  const b = e.target.closest("button[data-action]");
  if (!b) return;
  const id = b.dataset.person;
  const action = b.dataset.action;
  if (action === "edit") {
    people.editing = id;
    people.removing = null;
    render();
    $("access-role").focus();
  } else if (action === "edit-cancel") {
    people.editing = null;
    render();
    focusPerson(id, "edit");
  } else if (action === "remove") {
    people.removing = id;
    people.editing = null;
    render();
    document.querySelector(`#people-table button[data-action="remove-no"]`).focus();  // the safe choice first
  } else if (action === "remove-no") {
    people.removing = null;
    render();
    focusPerson(id, "remove");
  } else if (action === "remove-yes") remove(id);
  else if (action === "deactivate") setActive(id, false);
  else if (action === "reactivate") setActive(id, true);
}

/** People from a CSV or XLSX file (`.../people/import`, all or nothing): each bad line beside what it says. */
async function importPeople(e) {
  e.preventDefault();
  const input = $("people-file");
  try {
    const result = await api("/people/import", { method: "POST", body: upload(input) });
    say("people-import-result", t().imported(result.created, result.updated));
    $("people-import-form").reset();
    await loadPeople();
  } catch (error) {
    if (!await showLineErrors(input.files[0], error, "people-import-result", "people-import-errors")) {
      failure("people-import-result", error);
    }
  }
}

export function wirePeople() {
  $("people-import-form").addEventListener("submit", importPeople);
  $("person-role").setAttribute("aria-describedby", "person-role-hint person-role-error");
  $("person-role").append(...["org_admin", "analyst", "leader"].map((r) => new Option(t().roles[r], r)));
  $("person-role").value = "leader";
  $("person-form").addEventListener("submit", addPerson);
  $("people-table").addEventListener("click", onClick);
  $("people-table").addEventListener("submit", (e) => {
    e.preventDefault();
    saveAccess(e.target);
  });
  $("people-table").addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !(people.editing || people.removing)) return;
    const id = people.editing || people.removing, action = people.editing ? "edit" : "remove";
    people.editing = people.removing = null;
    render();
    focusPerson(id, action);
  });
  for (const id of Object.values(ADD)) {
    $(id).addEventListener("input", () => {
      $(`${id}-error`).textContent = "";
      $(id).removeAttribute("aria-invalid");
    });
  }
}

/** The role names follow the language: the add form's select is rebuilt (keeping the choice), the table redrawn. */
export function translatePeople() {
  const select = $("person-role"), value = select.value;
  select.replaceChildren(...["org_admin", "analyst", "leader"].map((r) => new Option(t().roles[r], r)));
  select.value = value;
  render();
}
