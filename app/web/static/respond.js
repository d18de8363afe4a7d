/* The respondent's form: one dimension per step, drafts saved as the respondent goes, submitted once.
   Runs under a strict Content-Security-Policy: no inline script or handlers, no eval, and no innerHTML (every text
   is set with textContent). The token comes from the URL fragment and only ever travels in the X-Survey-Token
   header; it is never put in a URL query, never logged, never stored. */
(() => {
  "use strict";

  const API = "/api/v1/respond";
  const SAVE_DELAY_MS = 800;
  const PROBLEM_PREFIX = "urn:culturegap:problem:";
  const KNOWN_PROBLEMS = ["token-unusable", "token-expired", "survey-not-open", "survey-closed"];
  const STRINGS = window.CG_I18N;
  const FRAMES = ["current", "desired"];

  const $ = (id) => document.getElementById(id);
  const els = {
    status: $("status"), loading: $("view-loading"), message: $("view-message"), form: $("view-form"),
    messageIcon: $("message-icon"), messageTitle: $("message-title"), messageText: $("message-text"),
    messageRetry: $("message-retry"), surveyTitle: $("survey-title"), unitLine: $("unit-line"),
    progress: $("progress"), progressStep: $("progress-step"), progressCount: $("progress-count"),
    progressBar: $("progress-bar"), progressFill: $("progress-fill"), step: $("step"),
    alert: $("form-alert"), alertText: $("form-alert-text"), alertRetry: $("form-alert-retry"),
    back: $("back"), next: $("next"), saveState: $("save-state"), langSwitch: $("lang-switch"),
  };

  const state = {
    token: "",
    lang: browserLanguage(),
    survey: null, // {title, ask_desired, languages}
    unitName: null,
    q: null, // the localised questionnaire
    answers: { current: {}, desired: {} },
    step: 0, // 0: welcome, 1..n: dimensions, n + 1: review
    dirty: false, saveTimer: null, saving: null, submitting: false, done: false,
    alertRetry: null, // what the form alert's button repeats
    message: null, // the message on show, to translate it when the language changes
    invalid: new Set(), // item keys the server refused on submit
  };

  // --- text ----------------------------------------------------------------------------------------------------

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

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function announce(text) {
    els.status.textContent = "";
    window.setTimeout(() => { els.status.textContent = text; }, 50);
  }

  function translateStatic() {
    document.documentElement.lang = state.lang;
    document.title = state.survey ? `${state.survey.title} · ${t("appName")}` : t("appName");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    const offered = state.survey ? state.survey.languages : Object.keys(STRINGS);
    for (const button of els.langSwitch.querySelectorAll("button")) {
      button.hidden = !offered.includes(button.dataset.lang);
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    }
    els.langSwitch.hidden = offered.filter((lang) => STRINGS[lang]).length < 2;
  }

  // --- the API ---------------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(kind, status, body) {
      super(kind);
      this.kind = kind; // a KNOWN_PROBLEMS code, "invalid", "network", "server" or "unexpected"
      this.status = status;
      this.body = body;
    }
  }

  function classify(status, body) {
    const code = body && typeof body.type === "string" && body.type.startsWith(PROBLEM_PREFIX)
      ? body.type.slice(PROBLEM_PREFIX.length) : "";
    if (KNOWN_PROBLEMS.includes(code)) return code;
    if (status === 401 || status === 404) return "token-unusable";
    if (status === 410) return "token-expired";
    if (status === 422) return "invalid";
    if (status === 429 || status >= 500) return "server";
    return "unexpected";
  }

  async function api(method, path, body, options) {
    const headers = { "X-Survey-Token": state.token, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer", ...options,
      });
    } catch {
      throw new ApiError("network", 0, null);
    }
    let payload = null;
    try { payload = await response.json(); } catch { payload = null; }
    if (!response.ok) throw new ApiError(classify(response.status, payload), response.status, payload);
    return payload;
  }

  function answersBody() {
    const pick = (frame) => Object.fromEntries(Object.entries(state.answers[frame]).filter(([, v]) => v !== null));
    return { language: state.lang, current: pick("current"), desired: state.survey.ask_desired ? pick("desired") : {} };
  }

  // --- loading ---------------------------------------------------------------------------------------------------

  async function load(lang) {
    const data = await api("GET", `${API}?lang=${encodeURIComponent(lang)}`);
    state.survey = data.survey;
    state.q = data.questionnaire;
    state.lang = data.language || data.questionnaire.language || lang;
    state.unitName = data.unit_name || null;
    return data;
  }

  async function start() {
    const token = decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
    if (!/^[A-Za-z0-9_-]{16,256}$/.test(token)) {
      showProblem("no-token");
      return;
    }
    state.token = token;
    showLoading();
    let data;
    try {
      data = await load(state.lang);
      const draft = data.draft;
      if (draft && draft.language && draft.language !== state.lang && state.survey.languages.includes(draft.language)) {
        data = { ...(await load(draft.language)), draft };
      }
    } catch (error) {
      showProblem(error.kind, start);
      return;
    }
    const draft = data.draft;
    if (draft) {
      state.answers.current = { ...(draft.current || {}) };
      state.answers.desired = { ...(draft.desired || {}) };
    }
    showForm();
    if (draft && answeredCount().any > 0) {
      goTo(firstIncompleteStep());
      announce(t("restored"));
    } else {
      goTo(0);
    }
  }

  // --- views -----------------------------------------------------------------------------------------------------

  function showOnly(view) {
    for (const node of [els.loading, els.message, els.form]) node.hidden = node !== view;
  }

  function showLoading() {
    translateStatic();
    showOnly(els.loading);
  }

  function showProblem(kind, retry) {
    const known = [...KNOWN_PROBLEMS, "no-token", "network", "server"].includes(kind) ? kind : "unexpected";
    const retryable = ["network", "server", "unexpected"].includes(known);
    state.message = { kind: known, retry: retryable && retry ? retry : null };
    renderMessage(true);
  }

  function showThanks() {
    state.message = { kind: "thanks", retry: null };
    renderMessage(true);
  }

  function renderMessage(focus) {
    const { kind, retry } = state.message;
    translateStatic();
    els.message.dataset.kind = kind;
    els.messageIcon.textContent = kind === "thanks" ? "\u2713" : "!";
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

  // --- answers and progress --------------------------------------------------------------------------------------

  function frames() {
    return state.survey.ask_desired ? FRAMES : ["current"];
  }

  function isAnswered(frame, key) {
    const value = state.answers[frame][key];
    return value !== undefined && value !== null;
  }

  function answeredCount(dimension) {
    const items = dimension ? dimension.items : state.q.dimensions.flatMap((d) => d.items);
    let complete = 0;
    let any = 0;
    for (const item of items) {
      const answered = frames().filter((frame) => isAnswered(frame, item.key)).length;
      if (answered === frames().length) complete += 1;
      if (answered > 0) any += 1;
    }
    return { complete, any, total: items.length };
  }

  function firstIncompleteStep() {
    const index = state.q.dimensions.findIndex((d) => answeredCount(d).complete < d.items.length);
    return index < 0 ? state.q.dimensions.length + 1 : index + 1;
  }

  function updateProgress() {
    const parts = state.q.dimensions.length;
    const onDimension = state.step >= 1 && state.step <= parts;
    els.progress.hidden = state.step === 0;
    const label = onDimension ? t("partOf", { i: state.step, n: parts }) : t("lastStep");
    const percent = Math.round((Math.min(state.step, parts + 1) / (parts + 1)) * 100);
    els.progressStep.textContent = label;
    const count = answeredCount();
    els.progressCount.textContent = t("answeredOf", { a: count.complete, t: count.total });
    els.progressBar.setAttribute("aria-valuenow", String(percent));
    els.progressBar.setAttribute("aria-valuetext", `${label}, ${els.progressCount.textContent}`);
    els.progressFill.style.width = `${percent}%`;
  }

  // --- drafts ----------------------------------------------------------------------------------------------------

  function setSaveState(kind) {
    els.saveState.dataset.state = kind;
    els.saveState.textContent = kind === "saving" ? t("saving") : kind === "saved" ? t("saved") : "";
  }

  function scheduleSave() {
    state.dirty = true;
    window.clearTimeout(state.saveTimer);
    state.saveTimer = window.setTimeout(saveDraft, SAVE_DELAY_MS);
  }

  async function saveDraft() {
    window.clearTimeout(state.saveTimer);
    if (state.saving) {
      await state.saving;
      if (state.saving) return state.saving;
    }
    if (!state.dirty || state.done || state.submitting) return undefined;
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
        if (["network", "server", "unexpected", "invalid"].includes(error.kind)) {
          showAlert("save", t("saveFailed"), t("retrySave"), saveDraft);
        } else {
          showProblem(error.kind);
        }
      })
      .finally(() => {
        state.saving = null;
        if (state.dirty && !state.done && els.alert.dataset.kind !== "save") scheduleSave();
      });
    return state.saving;
  }

  function saveOnLeave() {
    // The page is going away: send pending answers without waiting for the debounce.
    if (!state.dirty || state.done || state.submitting || !state.token) return;
    state.dirty = false;
    api("PUT", `${API}/draft`, answersBody(), { keepalive: true }).catch(() => {});
  }

  // --- alerts inside the form ------------------------------------------------------------------------------------

  function showAlert(kind, text, retryLabel, retry, details) {
    els.alert.dataset.kind = kind;
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

  // --- rendering the steps ---------------------------------------------------------------------------------------

  function scaleOptions(frame, item) {
    const scale = state.q.scale;
    const group = el("div", { class: "scale" });
    group.style.setProperty("--points", String(scale.max - scale.min + 1));
    const current = state.answers[frame][item.key];
    const option = (value, text, extraClass) => {
      const id = `${frame}-${item.key}-${value}`;
      const input = el("input", {
        type: "radio", id, name: `${frame}:${item.key}`, value: String(value), checked: current === value,
      });
      const number = typeof value === "number" ? el("span", { class: "option-number", "aria-hidden": "true", text: String(value) }) : null;
      return el("label", { class: `option${extraClass}`, for: id }, input,
        el("span", { class: "option-text" }, number, el("span", { class: "option-label", text })));
    };
    for (let value = scale.min; value <= scale.max; value += 1) {
      group.append(option(value, scale.labels[value - scale.min] || String(value), ""));
    }
    const wrap = el("div", { class: "scale-wrap" }, group);
    if (scale.dont_know) wrap.append(option("dont_know", scale.dont_know, " option-dont-know"));
    return wrap;
  }

  function renderItem(item, number) {
    const invalid = state.invalid.has(item.key);
    const textId = `text-${item.key}`;
    const legend = el("legend", { class: "item-legend", id: textId },
      el("span", { class: "item-number", text: `${number}.` }), el("span", { text: item.text }));
    const fieldset = el("fieldset", { class: `item${invalid ? " item-invalid" : ""}`, id: `item-${item.key}`,
      "aria-invalid": invalid ? "true" : false }, legend);
    if (state.survey.ask_desired) {
      for (const frame of FRAMES) {
        const frameLegend = el("legend", { class: "frame-legend",
          text: state.q.frames && state.q.frames[frame] ? state.q.frames[frame] : t(frame === "current" ? "frameCurrent" : "frameDesired") });
        fieldset.append(el("fieldset", { class: `frame frame-${frame}` }, frameLegend, scaleOptions(frame, item)));
      }
    } else {
      fieldset.append(scaleOptions("current", item));
    }
    return fieldset;
  }

  function heading(text) {
    return el("h2", { id: "step-heading", class: "step-heading", tabindex: "-1", text });
  }

  function renderWelcome() {
    const parts = state.q.dimensions.length;
    const body = [
      heading(state.q.title || t("introHeading")),
      el("p", { class: "lead", text: t("introLead") }),
      el("p", { text: t("introParts", { n: parts }) }),
      state.survey.ask_desired ? el("p", { text: t("introDesired") }) : null,
      el("ul", { class: "assurances" },
        el("li", { text: t("introAnonymous") }), el("li", { text: t("introDraft") })),
    ];
    return body.filter(Boolean);
  }

  function renderDimension(index) {
    const dimension = state.q.dimensions[index];
    const offset = state.q.dimensions.slice(0, index).reduce((sum, d) => sum + d.items.length, 0);
    return [
      heading(dimension.name),
      el("p", { class: "hint", text: t("stepHint") }),
      ...dimension.items.map((item, i) => renderItem(item, offset + i + 1)),
    ];
  }

  function renderReview() {
    const count = answeredCount();
    const summary = count.any === 0 ? t("reviewNone")
      : count.complete === count.total ? t("reviewAll", { t: count.total })
        : t("reviewSome", { a: count.complete, t: count.total });
    const parts = state.q.dimensions.map((dimension, index) => {
      const c = answeredCount(dimension);
      const button = el("button", { type: "button", class: "button button-link", "data-goto": String(index + 1) },
        t("change"), el("span", { class: "visually-hidden", text: ` ${t("changeHidden", { name: dimension.name })}` }));
      return el("li", { class: `review-part${c.complete === c.total ? " review-complete" : ""}` },
        el("span", { class: "review-info" }, el("span", { class: "review-name", text: dimension.name }),
          el("span", { class: "review-count", text: t("partAnswered", { a: c.complete, t: c.total }) })), button);
    });
    return [
      heading(t("reviewHeading")),
      el("p", { class: "lead", id: "review-summary", text: summary }),
      el("ul", { class: "review-list" }, ...parts),
      count.any > 0 ? el("p", { class: "hint", text: t("reviewFinal") }) : null,
    ].filter(Boolean);
  }

  function renderStep() {
    const parts = state.q.dimensions.length;
    const nodes = state.step === 0 ? renderWelcome()
      : state.step <= parts ? renderDimension(state.step - 1) : renderReview();
    els.step.replaceChildren(...nodes);
    els.back.hidden = state.step === 0;
    const onReview = state.step > parts;
    els.next.textContent = state.step === 0 ? t("start") : onReview ? t("submit") : t("next");
    els.next.disabled = onReview && answeredCount().any === 0;
    els.next.classList.toggle("button-submit", onReview);
    updateProgress();
  }

  function goTo(step, focus = true) {
    state.step = step;
    if (els.alert.dataset.kind !== "save") hideAlert();
    renderStep();
    if (focus) {
      window.scrollTo(0, 0);
      $("step-heading").focus();
    }
  }

  function rerender() {
    // Keep the focused control (e.g. the language switch) focused across a re-render.
    const active = document.activeElement && document.activeElement.id;
    showForm();
    renderStep();
    if (active && $(active)) $(active).focus();
  }

  // --- actions ---------------------------------------------------------------------------------------------------

  function onChange(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "radio") return;
    const [frame, key] = input.name.split(":");
    if (!FRAMES.includes(frame)) return;
    state.answers[frame][key] = input.value === "dont_know" ? "dont_know" : Number(input.value);
    if (state.invalid.delete(key)) {
      const item = $(`item-${key}`);
      item.classList.remove("item-invalid");
      item.removeAttribute("aria-invalid");
    }
    updateProgress();
    scheduleSave();
  }

  async function submit() {
    if (state.submitting) return;
    state.submitting = true;
    window.clearTimeout(state.saveTimer);
    hideAlert();
    els.next.disabled = true;
    els.next.textContent = t("submitting");
    announce(t("submitting"));
    try {
      if (state.saving) await state.saving;
      await api("POST", `${API}/submit`, answersBody());
      state.done = true;
      state.dirty = false;
      showThanks();
    } catch (error) {
      state.submitting = false;
      renderStep();
      if (error.kind === "invalid") {
        showInvalid(error.body);
      } else if (["network", "server", "unexpected"].includes(error.kind)) {
        showAlert("submit", t(`error.${error.kind}.text`), t("retry"), submit);
        announce(t(`error.${error.kind}.title`));
      } else {
        showProblem(error.kind);
      }
    } finally {
      state.submitting = false;
    }
  }

  function showInvalid(body) {
    const items = new Map(state.q.dimensions.flatMap((d) => d.items.map((item) => [item.key, item])));
    state.invalid = new Set();
    for (const error of (body && body.errors) || []) {
      const key = Array.isArray(error.loc) ? error.loc[error.loc.length - 1] : null;
      if (items.has(key)) state.invalid.add(key);
    }
    showAlert("invalid", t("invalidAnswers"), null, null, [...state.invalid].map((key) => items.get(key).text));
  }

  async function changeLanguage(lang) {
    if (lang === state.lang) return;
    if (!state.survey || els.form.hidden) {
      // Nothing loaded, or a message on show: translate what is there.
      state.lang = lang;
      if (!els.message.hidden && state.message) renderMessage(false);
      else translateStatic();
      announce(t("languageChanged"));
      return;
    }
    try {
      await load(lang);
    } catch (error) {
      if (["network", "server", "unexpected"].includes(error.kind)) {
        showAlert("language", t(`error.${error.kind}.text`), t("retry"), () => changeLanguage(lang));
      } else {
        showProblem(error.kind);
      }
      return;
    }
    rerender();
    announce(t("languageChanged"));
    scheduleSave();
  }

  function onNext(event) {
    event.preventDefault();
    const parts = state.q ? state.q.dimensions.length : 0;
    if (!state.q || state.done) return;
    if (state.step > parts) {
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
})();
