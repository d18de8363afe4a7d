/* The console's structure page: upload the unit tree (CSV or XLSX; each bad line shown beside what it says), see
   it as a tree with the chosen wave's invitation and answer counts (from the response-rates report, so a group
   below the wave's minimum shows its reason, never a number), rename, move and archive units. */
import {
  $, api, el, failure, problemText, say, serverWords, showLineErrors, showText, state, t, upload,
} from "./console-core.js";

const tree = { units: [], rates: new Map(), editing: null, waves: [] };

export async function loadUnits() {
  tree.units = await api("/units");
  await loadCounts();
  render();
}

/** The waves whose counts the tree can show; called by the shell when the waves change. */
export function setWaves(list) {
  tree.waves = list;
  const choose = $("tree-wave");
  const keep = choose.value;
  choose.replaceChildren(new Option(t().noCounts, ""), ...list.map((s) => new Option(s.title, s.id)));
  choose.value = list.some((s) => s.id === keep) ? keep : "";
}

async function loadCounts() {
  tree.rates = new Map();
  const wave = $("tree-wave").value;
  if (!wave) return;
  const r = await api(`/surveys/${wave}/reports/response-rates?level=subtree&lang=${state.lang}`);
  for (const row of r.units) tree.rates.set(row.group.unit_id, row);
}

function countsText(unit) {
  const row = tree.rates.get(unit.id);
  if (!row) return "";
  if (row.answered == null) return t().reasons[row.reason] || t().reasons.not_published;
  const rate = row.rate == null ? "" : ` (${Math.round(100 * row.rate)}%)`;
  return t().unitCounts(row.invited, row.answered) + rate;
}

let children = new Map();  // parent id (null: the top) -> its units, in the API's order (by name)
const childrenOf = (id) => children.get(id) || [];
const byId = (id) => tree.units.find((u) => u.id === id);

function button(text, label, action, unit) {
  const b = el("button", text, "button button-secondary button-small");
  b.type = "button";
  b.setAttribute("aria-label", label);
  b.dataset.action = action;
  b.dataset.unit = unit.id;
  return b;
}

function unitItem(unit, showArchived) {
  const item = el("li");
  item.dataset.unit = unit.id;
  const row = el("div", null, "unit-row");
  const name = el("span", unit.name, "unit-name");
  name.id = `unit-name-${unit.id}`;
  row.append(name);
  if (unit.archived) row.append(el("span", t().archived, "tag"));
  const counts = countsText(unit);
  if (counts) row.append(el("span", counts, tree.rates.get(unit.id)?.answered == null ? "unit-counts hidden-reason"
    : "unit-counts"));
  const actions = el("span", null, "unit-actions");
  if (!unit.archived) {
    actions.append(button(t().rename, t().renameUnit(unit.name), "rename", unit),
      button(t().move, t().moveUnit(unit.name), "move", unit));
  }
  actions.append(unit.archived ? button(t().unarchive, t().unarchiveUnit(unit.name), "unarchive", unit)
    : button(t().archive, t().archiveUnit(unit.name), "archive", unit));
  row.append(actions);
  item.append(row);
  if (tree.editing?.id === unit.id) item.append(editForm(unit, tree.editing.kind));
  const message = el("p", "", "field-error unit-message");
  message.id = `unit-message-${unit.id}`;
  item.append(message);
  const kids = childrenOf(unit.id).filter((u) => showArchived || !u.archived);
  if (kids.length) {
    const list = el("ul", null, "tree");
    list.append(...kids.map((k) => unitItem(k, showArchived)));
    item.append(list);
  }
  return item;
}

function render() {
  const survey = tree.waves.find((s) => s.id === $("tree-wave").value);
  $("tree-k").textContent = survey ? t().countsNote(survey.min_group_size) : "";
  const showArchived = $("show-archived").checked;
  children = new Map();
  for (const u of tree.units) children.set(u.parent_id, [...(children.get(u.parent_id) || []), u]);
  const roots = childrenOf(null).filter((u) => showArchived || !u.archived);
  $("units-tree").replaceChildren(...roots.map((u) => unitItem(u, showArchived)));
  $("units-empty").hidden = tree.units.length > 0;
}

/** Everything a unit may move under: not itself or below it, not archived. */
function targets(unit) {
  const below = new Set([unit.id]);
  for (const u of tree.units) if (below.has(u.parent_id)) below.add(u.id);  // depth first: parents come first
  return tree.units.filter((u) => !below.has(u.id) && !u.archived);
}

function editForm(unit, kind) {
  const form = el("form", null, "unit-edit");
  form.dataset.unit = unit.id;
  const field = el("div", null, "field");
  const label = el("label", kind === "rename" ? t().newName(unit.name) : t().moveUnder(unit.name), "field-label");
  label.htmlFor = "unit-edit-input";
  let input;
  if (kind === "rename") {
    input = el("input", null, "input");
    input.value = unit.name;
    input.required = true;
    input.maxLength = 200;
    input.autocomplete = "off";
  } else {
    input = el("select", null, "input");
    input.append(new Option(t().topLevel, ""), ...targets(unit).map((u) => new Option(u.path.join(" / "), u.id)));
    input.value = unit.parent_id || "";
  }
  input.id = "unit-edit-input";
  input.setAttribute("aria-describedby", "unit-edit-input-error");
  const error = el("p", "", "field-error");
  error.id = "unit-edit-input-error";
  field.append(label, input, error);
  const save = el("button", t().save, "button button-primary");
  save.type = "submit";
  const cancel = el("button", t().cancel, "button button-secondary");
  cancel.type = "button";
  cancel.dataset.action = "cancel";
  const buttons = el("div", null, "console-actions");
  buttons.append(save, cancel);
  form.append(field, buttons);
  form.dataset.kind = kind;
  return form;
}

function focusUnit(id, action) {
  const target = document.querySelector(`#units-tree button[data-unit="${id}"][data-action="${action}"]`)
    || document.querySelector(`#units-tree button[data-unit="${id}"]`);
  target?.focus();
}

function edit(unit, kind) {
  tree.editing = { id: unit.id, kind };
  render();
  const input = $("unit-edit-input");
  input.focus();
  if (kind === "rename") input.select();
}

function stopEditing(id, action) {
  tree.editing = null;
  render();
  focusUnit(id, action);
}

async function saveEdit(form) {
  const unit = byId(form.dataset.unit), kind = form.dataset.kind;
  const value = $("unit-edit-input").value;
  const body = kind === "rename" ? { name: value.trim() } : { parent_id: value || null };
  if (kind === "rename" && (!body.name || body.name.includes("/"))) {
    showFieldError(body.name ? t().noSlash : t().nameNeeded);
    return;
  }
  try {
    await api(`/units/${unit.id}`, { method: "PATCH", body });
    tree.editing = null;
    await loadUnits();
    focusUnit(unit.id, kind);
    $("status").textContent = kind === "rename" ? t().renamed(body.name) : t().moved(unit.name);
  } catch (error) {
    const field = error.problem?.errors?.find((e) => e.loc?.[0] === "body");
    showFieldError(field ? serverWords(field.msg) : problemText(error));
  }
}

function showFieldError(text) {
  showText($("unit-edit-input-error"), text);
  $("unit-edit-input").setAttribute("aria-invalid", "true");
  $("unit-edit-input").focus();
}

async function setArchived(unit, archived) {
  const message = $(`unit-message-${unit.id}`);
  try {
    await api(`/units/${unit.id}`, { method: "PATCH", body: { archived } });
    await loadUnits();
    focusUnit(unit.id, archived ? "unarchive" : "archive");
    $("status").textContent = archived ? t().archivedDone(unit.name) : t().unarchivedDone(unit.name);
  } catch (error) {
    showText(message, problemText(error));
    message.setAttribute("role", "alert");
  }
}

async function uploadUnits(e) {
  e.preventDefault();
  const input = $("units-file");
  try {
    const result = await api("/units/import", { method: "POST", body: upload(input) });
    say("units-result", t().unitsDone(result.created, result.existing));
    $("units-form").reset();
    await loadUnits();
  } catch (error) {
    if (!await showLineErrors(input.files[0], error, "units-result", "units-errors")) failure("units-result", error);
  }
}

export function wireStructure() {
  $("units-form").addEventListener("submit", uploadUnits);
  $("show-archived").addEventListener("change", render);
  $("tree-wave").addEventListener("change", async () => {
    await loadCounts();
    render();
  });
  $("units-tree").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-action]");
    if (!b) return;
    const form = b.closest("form.unit-edit");
    if (b.dataset.action === "cancel" && form) return stopEditing(form.dataset.unit, form.dataset.kind);
    const unit = byId(b.dataset.unit);
    if (b.dataset.action === "rename" || b.dataset.action === "move") edit(unit, b.dataset.action);
    else if (b.dataset.action === "archive") setArchived(unit, true);
    else if (b.dataset.action === "unarchive") setArchived(unit, false);
  });
  $("units-tree").addEventListener("submit", (e) => {
    e.preventDefault();
    saveEdit(e.target);
  });
  $("units-tree").addEventListener("keydown", (e) => {
    const form = e.target.closest("form.unit-edit");
    if (e.key === "Escape" && form) stopEditing(form.dataset.unit, form.dataset.kind);
  });
  $("units-tree").addEventListener("input", (e) => {
    if (e.target.id === "unit-edit-input") {
      $("unit-edit-input-error").textContent = "";
      e.target.removeAttribute("aria-invalid");
    }
  });
}

/** After a change of language: the wave choice's first option and the tree's words. */
export function rerenderStructure() {
  setWaves(tree.waves);
  render();
}
