/* The sign-in page: an e-mail address leads to the organisation's single sign-on or to a link by e-mail; a link
   (`/signin#link=<token>`) is finished here with one click. Runs under the same strict Content-Security-Policy as
   the dashboard. The link's token is taken out of the address bar at once and only ever sent in a POST body; the
   session it opens lives in an HttpOnly cookie that no script here can read. */
import { SIGNIN_STRINGS } from "./signin-i18n.js";

const LANG_STORE = "culturegap.dashboard.lang"; // shared with the dashboard
const $ = (id) => document.getElementById(id);
const views = { email: $("view-email"), sso: $("view-sso"), sent: $("view-sent"), link: $("view-link") };
const state = { lang: initialLanguage(), view: "email", email: "", choices: [], token: "", error: null };

function initialLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked && SIGNIN_STRINGS[asked]) return asked;
  const stored = localStorage.getItem(LANG_STORE);
  if (stored && SIGNIN_STRINGS[stored]) return stored;
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (SIGNIN_STRINGS[base]) return base;
  }
  return "en";
}

function t(key, values) {
  const text = (SIGNIN_STRINGS[state.lang] || SIGNIN_STRINGS.en)[key] ?? SIGNIN_STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? String(values[name]) : ""));
}

function announce(text) {
  $("status").textContent = "";
  window.setTimeout(() => { $("status").textContent = text; }, 50);
}

function render() {
  document.documentElement.lang = state.lang;
  document.title = `${t("title")} · ${t("appName")}`;
  for (const node of document.querySelectorAll("[data-s]")) node.textContent = t(node.dataset.s);
  for (const button of $("lang-switch").querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
  }
  for (const [name, view] of Object.entries(views)) view.hidden = name !== state.view;
  $("sent-text").textContent = t("sent", { email: state.email });
  const choices = $("sso-choices");
  choices.replaceChildren(...state.choices.map((choice) => {
    const link = document.createElement("a");
    link.className = "button-link";
    link.href = choice.start_url.replace(/([?&]lang=)[a-z]+/, `$1${state.lang}`);
    link.textContent = t("ssoButton", { name: choice.name });
    return link;
  }));
  showError(state.error);
}

function showError(error) {
  const where = state.view === "link" ? "link" : "email";
  for (const name of ["email", "link"]) $(`${name}-error`).hidden = !(error && name === where);
  if (!error) return;
  $(`${where}-error-title`).textContent = t(error.title);
  $(`${where}-error-text`).textContent = error.text ? t(error.text) : "";
  if (where === "email") $("email-input").setAttribute("aria-invalid", "true");
}

function go(view, focus = true) {
  state.view = view;
  render();
  if (focus) (view === "email" ? $("email-input") : views[view].querySelector("h1")).focus();
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST", body: JSON.stringify(body), credentials: "same-origin", cache: "no-store",
    headers: { "Content-Type": "application/json", Accept: "application/json" }, referrerPolicy: "no-referrer",
  });
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  return { status: response.status, payload };
}

function busy(button, on) {
  button.disabled = on;
  button.setAttribute("aria-busy", String(on));
  if (on) announce(t("busy"));
}

$("email-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = $("email-input").value.trim();
  $("email-input").removeAttribute("aria-invalid");
  if (!email) return void (state.error = { title: "emailMissing" }, render(), $("email-input").focus());
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    state.error = { title: "emailInvalid" };
    render();
    return void $("email-input").focus();
  }
  busy($("email-submit"), true);
  try {
    const { status, payload } = await post("/api/v1/sign-in", { email, language: state.lang });
    state.error = null;
    if (status === 200 && payload.method === "single_sign_on") {
      state.choices = payload.organisations;
      return go("sso");
    }
    if (status === 200) {
      state.email = email;
      return go("sent");
    }
    state.error = status === 429 ? { title: "tooMany", text: "tooManyText" }
      : status === 422 ? { title: "emailInvalid" } : { title: "failed", text: "failedText" };
    render();
    $("email-input").focus();
  } catch {
    state.error = { title: "failed", text: "failedText" };
    render();
  } finally {
    busy($("email-submit"), false);
  }
});

$("link-submit").addEventListener("click", async () => {
  busy($("link-submit"), true);
  try {
    const { status } = await post("/api/v1/sign-in/link", { token: state.token });
    if (status === 200) {
      location.replace("/dashboard");
      return;
    }
    state.error = status === 400 || status === 422 ? { title: "linkBad", text: "linkBadText" }
      : { title: "failed", text: "failedText" };
    $("link-new").hidden = status !== 400 && status !== 422;
    render();
    $("link-error").focus?.();
  } catch {
    state.error = { title: "failed", text: "failedText" };
    render();
  } finally {
    busy($("link-submit"), false);
  }
});

for (const back of document.querySelectorAll("[data-back]")) {
  back.addEventListener("click", () => {
    state.error = null;
    state.choices = [];
    go("email");
  });
}

$("lang-switch").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-lang]");
  if (!button || button.dataset.lang === state.lang) return;
  state.lang = button.dataset.lang;
  localStorage.setItem(LANG_STORE, state.lang);
  render();
  announce(t("languageChanged"));
});

// --- start -------------------------------------------------------------------------------------------------------
/** A link's token in the fragment: kept in memory, taken out of the address bar (and history) at once. */
function takeLink() {
  const token = new URLSearchParams(location.hash.slice(1)).get("link");
  if (!token) return false;
  state.token = token;
  state.error = null;
  $("link-new").hidden = true;
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}

// A link opened in a tab already on this page changes only the fragment: no new page load.
window.addEventListener("hashchange", () => { if (takeLink()) go("link"); });

if (takeLink()) {
  go("link", false);
} else {
  $("expired").hidden = new URLSearchParams(location.search).get("expired") !== "1";
  go("email", false);
}
