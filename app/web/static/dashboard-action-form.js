/* Creating and editing an action of the plan on the dashboard (organisation admins anywhere; leaders, signed in,
   for the units of their own subtrees: the API decides and says 403 otherwise). The form sends nothing while a
   field it can check itself is wrong, and what the API refuses (422) is said beside the field it names; a refused
   form changes nothing (the API takes all of it or none). Saved: the panel is read again. The API's words are
   English; in Dutch they are said as the console says them (console-problems.js). */
import { fieldMessage } from "./console-problems.js";
import { el } from "./dashboard-dom.js";
import { send } from "./dashboard-send.js";

const STATUSES = ["planned", "in_progress", "done", "dropped"];
const ADMINS = new Set(["org_admin", "platform_admin"]);
const FIELDS = ["title", "unit_id", "dimension_key", "item_key", "owner_name", "due_date", "status", "notes"]; // as on screen
let forms = 0; // ids of the form's fields, unique on the page

/** Whether the reader may plan actions at all: an organisation admin, or a leader signed in as a person. */
export function mayPlan(me) {
  return Boolean(me) && (ADMINS.has(me.role) || (me.role === "leader" && me.kind === "person"));
}

function field(id, label, control, hint) {
  const error = el("p", { id: `${id}-error`, class: "field-error", hidden: true });
  control.id = id;
  control.setAttribute("aria-describedby", [hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" "));
  return el("div", { class: "field action-field" }, el("label", { for: id, class: "field-label", text: label }),
    hint ? el("p", { id: `${id}-hint`, class: "field-hint", text: hint }) : null, control, error);
}

function select(options, value) {
  const node = el("select", { class: "select" }, options.map((o) => el("option", { value: o.value, text: o.text })));
  node.value = value ?? "";
  return node;
}

/** The form: `action` to edit one (null: a new one); `done()` after saving, `cancel()` to close it. */
export function actionForm(ctx, { me, questionnaire, action, url, done, cancel }) {
  const n = (forms += 1);
  const id = (name) => `action-${n}-${name}`;
  const name = (names) => names[ctx.lang] || names.en || Object.values(names)[0];
  const dims = questionnaire ? questionnaire.dimensions : [];
  const units = [...(ADMINS.has(me.role) ? [{ value: "", text: ctx.t("wholeOrganisation") }] : []),
    ...ctx.units.map((u) => ({ value: u.id, text: (u.path || [u.name]).join(" / ") }))];
  const controls = {
    unit_id: select(units, action ? action.unit_id || "" : ctx.scopeId || units[0] && units[0].value),
    dimension_key: select([{ value: "", text: ctx.t("actionFormChoose") }, ...dims.map((d) => ({ value: d.key,
      text: d.outcome ? `${name(d.names)} (${ctx.t("outcomeLabel")})` : name(d.names) }))], action && action.dimension_key),
    item_key: select([], ""),
    title: el("input", { type: "text", class: "input", maxlength: 200, autocomplete: "off" }),
    owner_name: el("input", { type: "text", class: "input", maxlength: 200, autocomplete: "off" }),
    due_date: el("input", { type: "date", class: "input" }),
    status: select(STATUSES.map((s) => ({ value: s, text: ctx.t(`actionStatus.${s}`) })), action ? action.status
      : "planned"),
    notes: el("textarea", { class: "input textarea", rows: 3, maxlength: 4000 }),
  };
  const statements = () => {
    const d = dims.find((x) => x.key === controls.dimension_key.value);
    const keep = controls.item_key.value || (action && action.item_key) || "";
    controls.item_key.replaceChildren(el("option", { value: "", text: ctx.t("actionFormWhole") }),
      ...(d ? d.items : []).map((i) => el("option", { value: i.key, text: name(i.texts) })));
    controls.item_key.value = d && d.items.some((i) => i.key === keep) ? keep : "";
  };
  controls.dimension_key.addEventListener("change", statements);
  statements();
  controls.title.required = true;
  controls.title.value = action ? action.title : "";
  controls.owner_name.value = action && action.owner && action.owner.name ? action.owner.name : "";
  controls.due_date.value = action && action.due_date ? action.due_date : "";
  controls.notes.value = action ? action.notes : "";
  const alert = el("div", { class: "alert form-alert", role: "alert", tabindex: "-1", hidden: true });
  const save = el("button", { type: "submit", class: "button button-primary",
    text: ctx.t(action ? "actionFormSaveEdit" : "actionFormSave") });
  const close = el("button", { type: "button", class: "button button-secondary", text: ctx.t("actionFormCancel") });
  close.addEventListener("click", cancel);
  const form = el("form", { class: "action-form", novalidate: true, "aria-labelledby": id("title-h") },
    el("h3", { id: id("title-h"), class: "action-form-title",
      text: action ? ctx.t("actionFormEditTitle", { title: action.title }) : ctx.t("actionFormNewTitle") }),
    alert,
    el("div", { class: "action-form-grid" },
      field(id("title"), ctx.t("actionFormTitle"), controls.title),
      field(id("unit"), ctx.t("actionsUnit"), controls.unit_id),
      field(id("dimension"), ctx.t("actionFormDimension"), controls.dimension_key),
      field(id("item"), ctx.t("actionFormStatement"), controls.item_key),
      field(id("owner"), ctx.t("actionsOwner"), controls.owner_name, ctx.t("actionFormOwnerHint")),
      field(id("due"), ctx.t("actionsDue"), controls.due_date),
      field(id("status"), ctx.t("actionsStatus"), controls.status),
      field(id("notes"), ctx.t("actionFormNotes"), controls.notes)),
    el("div", { class: "action-form-buttons" }, save, close));

  const showErrors = (errors, general) => {
    for (const key of FIELDS) {
      const control = controls[key];
      const message = errors[key];
      const node = document.getElementById(`${control.id}-error`);
      node.hidden = !message;
      node.textContent = message || "";
      control.setAttribute("aria-invalid", String(Boolean(message)));
    }
    alert.hidden = !general;
    alert.textContent = general || "";
    const first = FIELDS.find((key) => errors[key]);
    if (first) controls[first].focus();
    else if (general) alert.focus();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const errors = {};
    const title = controls.title.value.trim();
    if (!title) errors.title = ctx.t("actionFormNeedTitle");
    if (!controls.dimension_key.value) errors.dimension_key = ctx.t("actionFormNeedDimension");
    if (controls.due_date.value && !/^\d{4}-\d{2}-\d{2}$/.test(controls.due_date.value)) {
      errors.due_date = ctx.t("actionFormBadDate");
    }
    if (Object.keys(errors).length) return showErrors(errors, ctx.t("actionFormNotSent"));
    const body = { unit_id: controls.unit_id.value || null, dimension_key: controls.dimension_key.value,
      item_key: controls.item_key.value || null, title, due_date: controls.due_date.value || null,
      status: controls.status.value, notes: controls.notes.value };
    const owner = controls.owner_name.value.trim();
    const ownerBefore = action && action.owner ? action.owner.name || "" : "";
    if (!action || owner !== ownerBefore) body.owner_name = owner || null;
    save.disabled = true;
    try {
      await send(action ? "PATCH" : "POST", action ? `${url}/${action.id}` : url, body);
      ctx.announce(ctx.t(action ? "actionFormEdited" : "actionFormCreated", { title }));
      done();
    } catch (failure) {
      const found = {};
      const problems = failure.body && Array.isArray(failure.body.errors) ? failure.body.errors : [];
      const loose = [];
      for (const e of problems) {
        const key = Array.isArray(e.loc) ? FIELDS.find((f) => e.loc.includes(f)) : null;
        const msg = fieldMessage(e.msg, ctx.lang);
        if (key) found[key] = found[key] ? `${found[key]}; ${msg}` : msg;
        else loose.push(msg);
      }
      const detail = failure.body && typeof failure.body.detail === "string"
        ? fieldMessage(failure.body.detail, ctx.lang) : "";
      const general = failure.status === 422 ? ctx.t("actionFormRefused", { detail: loose.join("; ") || "" })
        : failure.status === 403 ? ctx.t("actionFormForbidden", { detail })
          : ctx.t("actionFormFailed", { detail });
      showErrors(found, general);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
