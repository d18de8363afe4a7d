/* The survey console's shell: who is signed in, the language, and the three pages -- structure, people and
   access, waves -- each a module of its own, shown one at a time by the address's fragment (#structure, #people,
   #waves), so a page can be bookmarked and the browser's back button works. */
import { forgetKey, storedKey } from "./dashboard-api.js";
import { signOut, signedInSession } from "./dashboard-session.js";
import { $, api, state, t } from "./console-core.js";
import { loadPeople, translatePeople, wirePeople } from "./console-people.js";
import { loadUnits, rerenderStructure, setWaves, wireStructure } from "./console-structure.js";
import { currentWave, loadSurveys, showSurvey, wireWaves } from "./console-waves.js";

const VIEWS = ["waves", "structure", "people"];
const HEADINGS = { waves: "surveys-title", structure: "structure-title", people: "people-title" };
const TITLES = { waves: "surveysTitle", structure: "structureTitle", people: "peopleTitle" };
const viewOf = () => (VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "waves");

function translate() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const text = t()[el.dataset.i18n];
    if (typeof text === "string") el.textContent = text;
  }
  for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t()[el.dataset.i18nLabel]);
  for (const b of document.querySelectorAll(".lang-button")) b.setAttribute("aria-pressed", b.dataset.lang === state.lang);
  document.title = `${t()[TITLES[viewOf()]]} – ${t().appName}`;
}

/** Show the page the fragment names; `focus` moves the focus to its heading (after a click in the menu). */
function show(focus) {
  const view = viewOf();
  for (const name of VIEWS) $(`view-${name}`).hidden = name !== view;
  for (const link of document.querySelectorAll(".console-nav a")) {
    if (link.hash.slice(1) === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${t()[TITLES[view]]} – ${t().appName}`;
  if (focus) $(HEADINGS[view]).focus();
}

function wire() {
  for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t()[el.dataset.i18nLabel]);
  for (const b of document.querySelectorAll(".lang-button")) {
    b.addEventListener("click", async () => {
      state.lang = b.dataset.lang;
      localStorage.setItem("console-lang", state.lang);
      translate();
      translatePeople();
      rerenderStructure();
      if (currentWave()) await showSurvey(currentWave());
    });
  }
  $("sign-out").addEventListener("click", () => {
    if (state.session) signOut(state.session);
    else { forgetKey(); location.assign("/signin"); }
  });
  window.addEventListener("hashchange", () => show(true));
  document.addEventListener("console:waves", (e) => setWaves(e.detail));  // the structure page counts from one
  wireStructure();
  wirePeople();
  wireWaves();
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
  show(false);
  $("console").hidden = false;
  await loadSurveys();
  await Promise.all([loadUnits(), loadPeople()]);
}

start();
