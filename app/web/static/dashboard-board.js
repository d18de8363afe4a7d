/* The board of panels: fetches what each panel asks for (each report once per selection), draws it, and draws it
   again on a change of language, width or a choice made inside a panel. A panel is
   `{id, requests(ctx) -> {name: url}, optional?: [names], render(body, results, ctx)}`; an optional report that
   fails leaves the panel standing without it (a name ending in ":" makes every request named with it optional). Answers that arrive for an older selection are dropped. */
import { ApiError } from "./dashboard-api.js";
import { clear, el, note } from "./dashboard-dom.js";

/* Reports asked of the service at once. On SQLite every request holds the database's one write lock while it
   runs, and a request that waits longer than the busy timeout fails (503): two at a time, the top panels first. */
const IN_FLIGHT = 2;

export class Board {
  /** `fetch(url, signal)`: a promise of the JSON; `context()`: the panels' context for the current selection;
      `errorText(error)`: {title, text}; `onResult(panelId, result)`; `onUnauthorized()`: the key was refused;
      `onRetry()`: the reader asked for a failed panel again. */
  constructor({ panels, fetch, context, t, errorText, onResult, onUnauthorized, onRetry }) {
    Object.assign(this, { panels, fetch, context, t, errorText, onResult, onUnauthorized, onRetry });
    this.cache = new Map(); // url -> promise of its JSON, for the current selection
    this.data = new Map(); // panel id -> {result} or {error}
    this.requested = new Map(); // panel id -> the requests its figures came from
    this.loads = new Map(); // panel id -> a count of its loads: a later load of the same panel wins
    this.generation = 0; // bumped by every new selection
    this.openTables = new Set(); // "<panel>:<index>" of the figure tables the reader opened
    this.choices = new Map(); // "<panel>:<name>" -> what the reader picked inside a panel (a team, the waves)
    this.active = 0;
    this.waiting = []; // resolvers of the requests queued for a free slot, first come first served
    this.aborts = new AbortController(); // of the current selection's requests
  }

  /** Drops every answer still on its way (a new survey, organisation or sign-out): the requests in flight are
      aborted and the queued ones never sent, so they hold up nothing the reader asks for next. */
  cancel() {
    this.generation += 1;
    this.aborts.abort();
    this.aborts = new AbortController();
  }

  body(panel) {
    return document.getElementById(`panel-${panel.id}`).querySelector(".panel-body");
  }

  showLoading(panel) {
    const body = this.body(panel);
    body.setAttribute("aria-busy", "true");
    clear(body).append(el("div", { class: "panel-loading" }, el("div", { class: "spinner spinner-small" }),
      el("span", { text: this.t("loading") })));
  }

  /** Every panel fetched afresh; resolves true when this selection is still the current one. */
  async loadAll() {
    this.cancel();
    const generation = this.generation;
    this.cache.clear();
    this.data.clear();
    const ctx = this.context();
    await Promise.all(this.panels.map((panel) => {
      this.showLoading(panel);
      return this.load(panel, ctx, generation);
    }));
    return generation === this.generation;
  }

  fetchOnce(url) {
    if (!this.cache.has(url)) this.cache.set(url, this.throttled(url));
    return this.cache.get(url);
  }

  async throttled(url) {
    const { signal } = this.aborts;
    if (this.active < IN_FLIGHT) this.active += 1;
    else await new Promise((resolve) => this.waiting.push(resolve)); // a finished request hands its slot over
    try {
      if (signal.aborted) throw new DOMException("The selection changed.", "AbortError");
      return await this.fetch(url, signal);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  async load(panel, ctx, generation) {
    const requests = panel.requests(ctx);
    const optional = (name) => (panel.optional || [])
      .some((o) => o === name || (o.endsWith(":") && name.startsWith(o)));
    const token = (this.loads.get(panel.id) || 0) + 1;
    this.loads.set(panel.id, token);
    this.requested.set(panel.id, JSON.stringify(requests));
    let entry;
    try {
      const names = Object.keys(requests);
      const values = await Promise.all(names.map((name) => this.fetchOnce(requests[name]).catch((error) => {
        if (optional(name) && !(error instanceof ApiError && error.kind === "unauthorized")) return null;
        throw error;
      })));
      entry = { result: Object.fromEntries(names.map((name, i) => [name, values[i]])) };
    } catch (error) {
      entry = { error };
    }
    if (generation !== this.generation || this.loads.get(panel.id) !== token) return;
    if (entry.error instanceof ApiError && entry.error.kind === "unauthorized") {
      this.onUnauthorized();
      return;
    }
    this.data.set(panel.id, entry);
    this.onResult(panel.id, entry.result || null);
    this.draw(panel, ctx);
  }

  /** A choice made inside a panel: drawn again at once, or, when it changes what the panel asks for, fetched again
      while the old figures stay on show (dimmed, aria-busy), so the control keeps the focus. */
  choose(key, value) {
    this.choices.set(key, value);
    const panel = this.panels.find((p) => p.id === key.split(":")[0]);
    if (!panel || !this.data.has(panel.id)) return;
    const ctx = this.context();
    if (JSON.stringify(panel.requests(ctx)) === this.requested.get(panel.id)) {
      this.draw(panel, ctx);
      return;
    }
    this.body(panel).setAttribute("aria-busy", "true");
    this.load(panel, ctx, this.generation);
  }

  draw(panel, ctx) {
    const body = this.body(panel);
    const entry = this.data.get(panel.id);
    if (!entry) return;
    const focused = body.contains(document.activeElement) ? document.activeElement.id : ""; // the panel's control
    clear(body);
    body.removeAttribute("aria-busy");
    if (entry.error) {
      const text = this.errorText(entry.error);
      const retry = el("button", { type: "button", class: "button button-secondary button-small",
        text: this.t("retry") });
      retry.addEventListener("click", () => this.onRetry());
      body.append(el("div", { class: "panel-error", role: "alert" },
        el("p", { class: "alert-title", text: text.title }), el("p", { text: text.text }), retry));
      return;
    }
    try {
      panel.render(body, entry.result, ctx);
      body.querySelectorAll("details").forEach((details, i) => {
        details.open = this.openTables.has(`${panel.id}:${i}`); // a table opened stays open through redraws
      });
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    } catch (error) {
      console.error(error); // a report shape this page does not know: say so in the panel, keep the others
      clear(body).append(note(this.t("error.unexpected.text"), "error"));
    }
  }

  redraw() {
    const ctx = this.context();
    for (const panel of this.panels) this.draw(panel, ctx);
  }

  /** Remembers which figure tables the reader opened (a `toggle` event inside the panels). */
  toggled(details) {
    const section = details.closest && details.closest("section.panel");
    if (!section || details.tagName !== "DETAILS") return;
    const key = `${section.id.replace("panel-", "")}:${[...section.querySelectorAll("details")].indexOf(details)}`;
    if (details.open) this.openTables.add(key);
    else this.openTables.delete(key);
  }
}
