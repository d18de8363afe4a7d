/* The statements of one dimension (the `item-profile` report): each statement's text, mean, a stacked bar of its
   unfavourable / neutral / favourable shares (keyed: for a reverse-worded statement disagreeing is favourable), how
   many chose "don't know", desired against current where the survey asked, and the change since the previous wave.
   The bar is drawn for the eye only; the same shares are written beside it in words. A hidden figure says why.
   How well each statement fits its dimension (corrected item-total correlation and alpha if deleted) comes from the
   profile report, which the profile panel asks for anyway, and is shown only beside a statement whose figures are
   shown here, in words first (fits / fits poorly / runs against), with the figures. */
import { arrowLegend, changeArrow, statementChange } from "./dashboard-arrows.js";
import { legend } from "./dashboard-charts.js";
import { add, el, fmt, fmtDiff, fmtPct, hiddenKey, isHidden, note, present, scopeNote } from "./dashboard-dom.js";
import { dimensionName } from "./dashboard-outcome.js";

const CHOICE = "statements:dimension";
/* The report is asked for only once the reader comes near the panel (or picks a dimension elsewhere): it is the
   heaviest of the page (every statement in three frames), and the panels above it are on show first. */
const WANTED = "statements:wanted";
let focusPicker = false; // the reader chose a dimension in another panel: the picker takes the focus when drawn
const SHARES = ["unfavourable", "neutral", "favourable"];
const LOW_ITEM_TOTAL = 0.3; // app/reports/item_fit.py: below it a statement fits its dimension poorly

/** Opens the statements of a dimension (from another panel, e.g. the profile): chosen, scrolled to, focused. */
export function showStatements(ctx, key) {
  focusPicker = !document.getElementById("statements-dimension"); // not drawn yet: focused once it is
  ctx.choose(CHOICE, key); // drawn again at once when loaded: the picker is a new element
  const section = document.getElementById("panel-statements");
  if (section) section.scrollIntoView({ block: "start" });
  const select = document.getElementById("statements-dimension");
  if (select) select.focus();
  ctx.choose(WANTED, true);
}

/** Asks for the report when the panel comes within a screen of the view. */
function loadWhenNear(body, ctx) {
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    ctx.choose(WANTED, true);
  }, { rootMargin: "100% 0px" });
  observer.observe(body);
}

/** Buttons "Statements: <dimension>" under the profile, one per dimension. */
export function statementLinks(ctx, dimensions) {
  return el("nav", { class: "statement-links", "aria-label": ctx.t("statementsOf") },
    el("span", { class: "statement-links-label", text: ctx.t("statementsOf") }),
    dimensions.map((d) => {
      const button = el("button", { type: "button", class: "button button-secondary button-small statement-link",
        "data-dimension": d.key, text: dimensionName(ctx, d) });
      button.addEventListener("click", () => showStatements(ctx, d.key));
      return button;
    }));
}

function hiddenText(ctx, reason) {
  return ctx.t(hiddenKey("suppressedLong", reason), { k: ctx.k });
}

/** "48% favourable, 20% neutral, 32% unfavourable" (the bar's text alternative and its visible figures). */
function sharesText(ctx, f) {
  return [...SHARES].reverse().map((s) => ctx.t(`share.${s}`, { pct: fmtPct(ctx.lang, f[s]) })).join(", ");
}

function stackedBar(ctx, f) {
  if (isHidden(f.reason)) {
    return el("div", { class: "stack stack-suppressed", role: "img", "aria-label": hiddenText(ctx, f.reason) });
  }
  if (!SHARES.every((s) => present(f[s]))) return null;
  const bar = el("div", { class: "stack", role: "img", "aria-label": sharesText(ctx, f) });
  for (const s of SHARES) {
    const part = el("span", { class: `stack-part stack-${s}`, "aria-hidden": "true" });
    part.style.width = `${Math.max(0, f[s]) * 100}%`;
    if (f[s] >= 0.12) part.textContent = fmtPct(ctx.lang, f[s]);
    bar.append(part);
  }
  return bar;
}

function frameLine(ctx, f) {
  if (isHidden(f.reason)) return el("span", { class: "suppressed-text", text: hiddenText(ctx, f.reason) });
  if (f.reason === "not_asked") return ctx.t("notAsked");
  if (!present(f.mean)) return ctx.t("noFigure");
  return ctx.t("statementMean", { mean: fmt(ctx.lang, f.mean), n: f.n });
}

function dontKnow(ctx, s) {
  if (!present(s.dont_know)) return null;
  return ctx.t("dontKnowLine", { count: s.dont_know, seen: s.seen ?? "–", pct: fmtPct(ctx.lang, s.dont_know_share) });
}

function desiredLine(ctx, s) {
  if (!s.desired) return null;
  const d = s.desired;
  if (isHidden(d.reason)) return [`${ctx.t("desired")}: `, el("span", { class: "suppressed-text", text: hiddenText(ctx, d.reason) })];
  if (!present(d.mean)) return `${ctx.t("desired")}: ${frameLine(ctx, d)}`;
  return ctx.t("desiredLine", { mean: fmt(ctx.lang, d.mean), gap: fmtDiff(ctx.lang, s.gap) });
}

function changeLine(ctx, s, wave) {
  if (!s.previous) return null;
  const p = s.previous;
  if (isHidden(p.reason)) {
    return [ctx.t("previousHidden", { wave }), el("span", { class: "suppressed-text", text: hiddenText(ctx, p.reason) })];
  }
  if (p.reason === "not_asked") return ctx.t("previousNotAsked", { wave });
  const c = s.change;
  if (!c || !present(c.difference)) return ctx.t("previousMean", { wave, mean: fmt(ctx.lang, p.mean) });
  const clear = c.welch && present(c.welch.p_adjusted) ? ctx.t(c.welch.p_adjusted < 0.05 ? "changeClear" : "changeUnclear") : "";
  return ctx.t("changeLine", { wave, mean: fmt(ctx.lang, p.mean), diff: fmtDiff(ctx.lang, c.difference),
    fav: present(s.favourable_change) ? ctx.t("favChange", { pts: fmtDiff(ctx.lang, s.favourable_change * 100, 0) }) : "",
    clear });
}

/** The profile's fit figures of the chosen dimension's statements, by key, with the dimension's alpha. */
function fitsOf(profile, key) {
  const d = profile && !profile.suppressed ? profile.dimensions.find((x) => x.key === key) : null;
  if (!d || isHidden(d.reason)) return null;
  return { alpha: d.reliability ? d.reliability.alpha : null, items: new Map(d.items.map((i) => [i.key, i])) };
}

/** "This statement fits its dimension poorly ... (item-total correlation 0.12). Without it ..." or null. */
function fitLine(ctx, s, fits) {
  const item = fits && fits.items.get(s.key);
  if (!item || isHidden(s.current.reason) || isHidden(item.reason) || !present(item.item_total_correlation)) return null;
  const r = item.item_total_correlation;
  const drop = item.alpha_if_deleted;
  const rises = present(drop) && present(fits.alpha) && drop > fits.alpha;
  const kind = r < 0 ? "against" : r < LOW_ITEM_TOTAL || rises ? "poor" : "good";
  const alpha = present(drop) && present(fits.alpha)
    ? ctx.t(rises ? "fit.alphaRises" : "fit.alphaFalls", { without: fmt(ctx.lang, drop), alpha: fmt(ctx.lang, fits.alpha) }) : "";
  return el("p", { class: `statement-fit statement-fit-${kind}`, "data-fit": kind,
    text: ctx.t(`fit.${kind}`, { r: fmt(ctx.lang, r) }) + alpha });
}

function statementItem(ctx, s, wave, dimension, fits) {
  const f = s.current;
  const line = (cls, content) => (content ? el("p", { class: cls }, content) : null);
  return el("li", { class: "statement", "data-key": s.key },
    el("p", { class: "statement-text" }, s.text,
      s.reverse ? el("span", { class: "statement-reverse", text: ` (${ctx.t("reverseWorded")})` }) : null),
    el("div", { class: "statement-figures" },
      el("p", { class: "statement-mean" }, frameLine(ctx, f), changeArrow(ctx, statementChange(s), wave, dimension)),
      stackedBar(ctx, f),
      isHidden(f.reason) || !present(f.favourable) ? null : el("p", { class: "statement-shares", text: sharesText(ctx, f) })),
    line("statement-dontknow", dontKnow(ctx, s)),
    line("statement-desired", desiredLine(ctx, s)),
    line("statement-change", changeLine(ctx, s, wave)),
    fitLine(ctx, s, fits));
}

function picker(ctx, dimensions, chosen) {
  const select = el("select", { id: "statements-dimension", class: "select" },
    dimensions.map((d) => el("option", { value: d.key, text: dimensionName(ctx, d) })));
  select.value = chosen.key;
  select.addEventListener("change", () => ctx.choose(CHOICE, select.value));
  return el("div", { class: "field panel-picker" },
    el("label", { for: "statements-dimension", class: "field-label", text: ctx.t("dimension") }), select);
}

function shareLegend(ctx) {
  return legend([...SHARES.map((s) => ({ mark: s, text: ctx.t(`shareName.${s}`) })),
    { mark: "suppressed", text: ctx.t("legendSuppressed", { k: ctx.k }) }]);
}

export const statements = {
  id: "statements",
  requests: (ctx) => (ctx.choice(WANTED) ? { items: ctx.report("item-profile", { lang: ctx.lang }),
    fit: ctx.report("profile", { lang: ctx.lang }) } : {}), // the profile panel's own request: fetched once
  optional: ["fit"],
  render(body, { items: data, fit: profile }, ctx) {
    if (!data) {
      add(body, el("p", { class: "panel-note panel-note-info", text: ctx.t("statementsWaiting") }));
      return loadWhenNear(body, ctx);
    }
    if (data.suppressed) return add(body, scopeNote(ctx, data.group.reason));
    if (!data.dimensions.length) return add(body, note(ctx.t("noFigure")));
    const chosen = data.dimensions.find((d) => d.key === ctx.choice(CHOICE)) || data.dimensions[0];
    const earlier = data.previous_survey_id && (ctx.surveys || []).find((s) => s.id === data.previous_survey_id);
    const wave = earlier ? earlier.title : ctx.t("previousWave");
    add(body, el("div", { class: "panel-tools" }, picker(ctx, data.dimensions, chosen),
      el("p", { class: "panel-tools-note", text: isHidden(chosen.reason) ? hiddenText(ctx, chosen.reason)
        : ctx.t("statementsN", { n: chosen.n ?? "–" }) })),
    shareLegend(ctx),
    chosen.statements.some(statementChange) ? arrowLegend(ctx, wave) : null,
    el("ol", { class: "statements", "aria-label": ctx.t("statementsList", { name: dimensionName(ctx, chosen) }) },
      chosen.statements.map((s) => statementItem(ctx, s, wave, chosen.key, fitsOf(profile, chosen.key)))),
    el("p", { class: "panel-foot", text: ctx.t(data.ask_desired ? "statementsFootDesired" : "statementsFoot") }));
    if (focusPicker) {
      focusPicker = false;
      document.getElementById("statements-dimension").focus();
    }
  },
};
