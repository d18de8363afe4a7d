/* The panels about teams: each team against the rest of the organisation (team gaps), and whether a team's mean
   may be read as a property of the team at all (agreement: rwg(j) per team, ICC(1) and ICC(2) per dimension). */
import { figure, table } from "./dashboard-charts.js";
import {
  add, diverging, el, fmt, fmtDiff, hidden, hiddenKey, inkOn, isHidden, note, present, scopeNote,
  suppressedCell,
} from "./dashboard-dom.js";
import { domainOf, fmtP, gapChart, gapLegend, significantText } from "./dashboard-gaps.js";
import { findings, fmtHolm, gapFinding, holmRange } from "./dashboard-findings.js";
import { qualityRequest, severityOf, warningsOf, warnNotes } from "./dashboard-quality.js";
import { teamsDifferLine } from "./dashboard-teams-differ.js";
import { dimensionName } from "./dashboard-outcome.js";


function teamLabel(ctx, side) {
  const parents = side.unit_path.slice(0, -1).join(" › ");
  const name = parents ? `${side.name} (${parents})` : side.name;
  return side.suppressed ? `${name} · ${ctx.t(hiddenKey("suppressedOption", side.reason), { k: ctx.k })}` : name;
}

/** A hatched block saying in words that a group is not shown: pattern, label and text for screen readers alike. */
function suppressedBlock(text) {
  return el("p", { class: "panel-note panel-note-suppressed" },
    el("span", { class: "legend-mark legend-suppressed", "aria-hidden": "true" }), text);
}

// --- team against the rest ------------------------------------------------------------------------------------------

function teamPicker(ctx, teams, chosen) {
  const select = el("select", { id: "teamgaps-team", class: "select" }, teams.map((c) => el("option", {
    value: c.a.unit_id, text: teamLabel(ctx, c.a) })));
  select.value = chosen.a.unit_id;
  select.addEventListener("change", () => ctx.choose("teamgaps:team", select.value));
  return el("div", { class: "field panel-picker" },
    el("label", { for: "teamgaps-team", class: "field-label", text: ctx.t("team") }), select);
}

function teamFigures(ctx, c, quality, width) {
  const dims = c.dimensions;
  const rows = dims.map((d) => ({ label: dimensionName(ctx, d), diff: d.difference, ci: holmRange(d.difference_ci_holm), significant: d.significant,
    suppressed: isHidden(d.reason), warn: severityOf(warningsOf(quality, c.a.unit_id, null, d.key)) }));
  const caption = ctx.t("teamGapsChart", { team: c.a.name });
  const head = [ctx.t("dimension"), ctx.t("difference"), ctx.t("ciAdjusted"), ctx.t("nTeamRest"), ctx.t("pAdjusted"),
    ctx.t("significant")];
  const tableRows = dims.map((d) => [dimensionName(ctx, d), isHidden(d.reason) ? { span: 5, content: suppressedCell(ctx, d.reason) }
    : fmtDiff(ctx.lang, d.difference), ...(isHidden(d.reason) ? [] : [fmtHolm(ctx, d.difference_ci_holm),
    `${d.n_a ?? "–"} / ${d.n_b ?? "–"}`, fmtP(ctx.lang, d.welch && d.welch.p_adjusted),
    significantText(ctx, d.significant)])]);
  return [
    el("p", { class: "small-n", text: ctx.t("teamGapsN", { na: c.a.n, nb: c.b.n }) }),
    figure(gapChart(ctx, { rows, domain: domainOf(rows), width, caption }),
      table({ caption, head, rows: tableRows }), ctx.t("showTable")),
    findings(ctx, dims.map((d) => gapFinding(ctx, d, fmtP))),
    warnNotes(ctx, warningsOf(quality, c.a.unit_id, null)),
  ];
}

export const teamGaps = {
  id: "teamgaps",
  requests: (ctx) => ({ gaps: ctx.report("team-gaps", { level: "teams", lang: ctx.lang }), ...qualityRequest(ctx) }),
  optional: ["quality"],
  render(body, { gaps: data, quality }, ctx) {
    if (data.scope.suppressed) return add(body, scopeNote(ctx, data.scope.reason));
    if (!data.teams.length) return add(body, note(ctx.t("heatmapEmpty")));
    const shown = data.teams.filter((c) => !c.suppressed);
    const wanted = ctx.choice("teamgaps:team");
    const chosen = data.teams.find((c) => c.a.unit_id === wanted) || shown[0] || data.teams[0];
    add(body, 
      el("div", { class: "panel-tools" }, teamPicker(ctx, data.teams, chosen),
        el("p", { class: "panel-tools-note", text: ctx.t("teamGapsCount", { shown: shown.length,
          total: data.teams.length, k: ctx.k }) })),
      gapLegend(ctx, chosen.suppressed || chosen.dimensions.some((d) => isHidden(d.reason))),
      chosen.suppressed ? suppressedBlock(ctx.t(hiddenKey("suppressedComparison", chosen.reason), { a: chosen.a.name, b: chosen.b.name,
        k: ctx.k })) : teamFigures(ctx, chosen, quality, ctx.width(body)),
      el("p", { class: "panel-foot", text: ctx.t("holmFoot") }));
  },
};

// --- agreement --------------------------------------------------------------------------------------------------------

function rwgCell(ctx, d, teamHidden = false) {
  if (isHidden(d.reason)) { // a visible team's dimension below the minimum: too few answered every statement
    const long = ctx.t(d.reason === "below_minimum" && !teamHidden ? "rwgBelow" : hiddenKey("suppressedLong", d.reason),
      { k: ctx.k });
    return el("td", { class: "heat-cell heat-suppressed", title: long },
      el("span", { "aria-hidden": "true", text: ctx.t(hiddenKey("suppressedShort", d.reason), { k: ctx.k }) }),
      hidden(long));
  }
  if (!present(d.rwg_j)) return el("td", { class: "heat-cell heat-empty" }, "–", hidden(ctx.t("noFigure")));
  const colour = diverging(d.rwg_j, 0.4, 1.0); // white at the .70 cut-off: red below, blue above
  const td = el("td", { class: "heat-cell rwg-cell", "data-rwg": d.rwg_j },
    el("span", { class: "rwg-value", text: fmt(ctx.lang, d.rwg_j) }),
    el("span", { class: "rwg-n", text: ctx.t("nIs", { n: d.n }) }),
    hidden(ctx.t(`band.${d.band}`)));
  td.style.backgroundColor = colour;
  td.style.color = inkOn(colour);
  return td;
}

function rwgTable(ctx, data) {
  const caption = ctx.t("rwgCaption");
  const head = el("tr", {}, el("th", { scope: "col", class: "heat-corner", text: ctx.t("team") }),
    data.dimensions.map((d) => el("th", { scope: "col", class: "heat-col" }, el("span", { text: dimensionName(ctx, d) }))));
  const rows = data.teams.map((team) => el("tr", {},
    el("th", { scope: "row", class: "heat-row" }, el("span", { class: "unit-label" },
      el("span", { class: "unit-name", text: team.group.unit_name }),
      el("span", { class: "rwg-team-n" }, team.suppressed ? suppressedCell(ctx, team.group.reason)
        : ctx.t("nIs", { n: team.group.n })))),
    team.suppressed ? data.dimensions.map(() => rwgCell(ctx, { reason: team.group.reason }, true))
      : team.dimensions.map((d) => rwgCell(ctx, d))));
  return el("div", { class: "heat-scroll", role: "region", tabindex: "0", "aria-label": caption },
    el("table", { class: "heat-table rwg-table" }, el("caption", { class: "visually-hidden", text: caption }),
      el("thead", {}, head), el("tbody", {}, rows)));
}

function flagSentence(ctx, d) {
  const reasons = d.flags.map((f) => ctx.t(`flag.${f}`, { icc1: fmt(ctx.lang, d.icc1), icc2: fmt(ctx.lang, d.icc2),
    rwg: fmt(ctx.lang, d.median_rwg_j) }));
  return ctx.t("flagSentence", { name: dimensionName(ctx, d), reasons: reasons.join(ctx.t("and")) });
}

function dimensionCard(ctx, d) {
  const figure = (label, value) => el("div", { class: "agree-figure" }, el("dt", { text: label }),
    el("dd", { text: value }));
  return el("li", { class: `agree-card${d.flagged ? " agree-flagged" : ""}` },
    el("h3", { class: "agree-name" }, dimensionName(ctx, d), el("span", { class: `agree-verdict ${d.flagged ? "verdict-flag"
      : "verdict-ok"}` }, el("span", { "aria-hidden": "true", text: d.flagged ? "\u2691 " : "\u2713 " }),
    ctx.t(d.flagged ? "flagged" : "notFlagged"))),
    el("dl", { class: "agree-figures" },
      figure(ctx.t("icc1"), fmt(ctx.lang, d.icc1)), figure(ctx.t("icc2"), fmt(ctx.lang, d.icc2)),
      figure(ctx.t("medianRwg"), fmt(ctx.lang, d.median_rwg_j))),
    el("p", { class: "agree-n", text: ctx.t("agreeN", { teams: d.n_teams, n: d.n, rwgTeams: d.n_teams_rwg }) }),
    d.flagged ? el("p", { class: "agree-reading", text: flagSentence(ctx, d) }) : null, teamsDifferLine(ctx, d));
}

export const agreement = {
  id: "agreement",
  requests: (ctx) => ({ agreement: ctx.report("agreement", { level: "teams", lang: ctx.lang }) }),
  render(body, { agreement: data }, ctx) {
    if (data.scope.suppressed) return add(body, scopeNote(ctx, data.scope.reason));
    if (!data.teams.length) return add(body, note(ctx.t("heatmapEmpty")));
    add(body, 
      el("p", { class: "agree-rule", text: ctx.t("flagRule") }),
      el("ul", { class: "agree-cards", "aria-label": ctx.t("iccCaption") },
        data.dimensions.map((d) => dimensionCard(ctx, d))),
      el("h3", { class: "summary-title agree-subtitle", text: ctx.t("rwgTitle") }),
      el("div", { class: "heat-legend", "aria-hidden": "true" },
        el("span", { class: "heat-legend-end", text: `${fmt(ctx.lang, 0.4)} ${ctx.t("rwgLow")}` }),
        el("span", { class: "heat-legend-ramp" }),
        el("span", { class: "heat-legend-end", text: `${fmt(ctx.lang, 1)} ${ctx.t("rwgHigh")}` }),
        el("span", { class: "heat-legend-suppressed" },
          el("span", { class: "legend-mark legend-suppressed" }), ctx.t("legendSuppressed", { k: ctx.k }))),
      rwgTable(ctx, data),
      el("p", { class: "panel-foot", text: ctx.t("agreementFoot") }));
  },
};
